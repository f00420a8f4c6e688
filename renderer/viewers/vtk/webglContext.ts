/**
 * The WebGL 2 context of a vtk.js view, asked for before vtk.js does (same options, so
 * the same context comes back to it: vtk.js throws deep inside its first render without
 * one), the render quality for its GPU, and the loss/restore events every view handles
 * alike: a message instead of a crash, and a redraw when the browser gives it back.
 */
import { isSoftwareRenderer, rendererName, type RenderQuality } from '../volume3d/VolumeRenderer3D';

export interface ViewContextMessages {
  noWebGl2: string;
  contextLost: string;
}

export interface ViewContextEvents {
  /** A message to show, or null once the view can draw again. */
  onGraphicsError(message: string | null): void;
  onLost(): void;
  onRestored(): void;
}

export interface ViewContext {
  gl: WebGL2RenderingContext | null;
  quality: RenderQuality;
  /** Removes the loss/restore listeners. */
  dispose(): void;
}

export function openViewContext(canvas: HTMLCanvasElement, requested: RenderQuality | 'auto', messages: ViewContextMessages, events: ViewContextEvents): ViewContext {
  const gl = typeof WebGL2RenderingContext === 'undefined' ? null : canvas.getContext('webgl2', { preserveDrawingBuffer: false, depth: true, alpha: true, powerPreference: 'high-performance' });
  const quality = requested !== 'auto' ? requested : gl && isSoftwareRenderer(rendererName(gl)) ? 'software' : 'full';
  if (!gl) {
    queueMicrotask(() => events.onGraphicsError(messages.noWebGl2));
    return { gl, quality, dispose: () => {} };
  }
  const lost = (event: Event): void => {
    event.preventDefault(); // lets the browser restore it
    events.onLost();
    events.onGraphicsError(messages.contextLost);
  };
  const restored = (): void => {
    events.onGraphicsError(null);
    events.onRestored();
  };
  canvas.addEventListener('webglcontextlost', lost);
  canvas.addEventListener('webglcontextrestored', restored);
  return {
    gl,
    quality,
    dispose: () => {
      canvas.removeEventListener('webglcontextlost', lost);
      canvas.removeEventListener('webglcontextrestored', restored);
    },
  };
}
