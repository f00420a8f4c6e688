/**
 * The 3D view: GPU ray-cast volume rendering or a marching-cubes isosurface of one
 * RendererVolume, in LPS mm, with a trackball camera, the paths drawn as tubes through it,
 * clicks picked onto what is visible under the cursor, and the active path's control points
 * dragged over that visible surface. Plain TypeScript around vtk.js:
 * React and MobX drive it through the setters and hear back through the listeners,
 * and no vtk object ever leaves this class.
 */
import '@kitware/vtk.js/Rendering/OpenGL/Profiles/Volume';
import '@kitware/vtk.js/Rendering/OpenGL/Profiles/Geometry';
import vtkDataArray from '@kitware/vtk.js/Common/Core/DataArray';
import type vtkImageData from '@kitware/vtk.js/Common/DataModel/ImageData';
import vtkPiecewiseFunction from '@kitware/vtk.js/Common/DataModel/PiecewiseFunction';
import vtkPolyData from '@kitware/vtk.js/Common/DataModel/PolyData';
import vtkActor from '@kitware/vtk.js/Rendering/Core/Actor';
import vtkColorTransferFunction from '@kitware/vtk.js/Rendering/Core/ColorTransferFunction';
import vtkMapper from '@kitware/vtk.js/Rendering/Core/Mapper';
import vtkRenderer from '@kitware/vtk.js/Rendering/Core/Renderer';
import vtkRenderWindow from '@kitware/vtk.js/Rendering/Core/RenderWindow';
import vtkRenderWindowInteractor from '@kitware/vtk.js/Rendering/Core/RenderWindowInteractor';
import vtkVolume from '@kitware/vtk.js/Rendering/Core/Volume';
import vtkVolumeMapper from '@kitware/vtk.js/Rendering/Core/VolumeMapper';
import vtkOpenGLRenderWindow from '@kitware/vtk.js/Rendering/OpenGL/RenderWindow';
import { distance, normalize, sub, type Vec3 } from '../../../shared/math/vec3';
import type { RendererVolume } from '../RendererVolume';
import { IsosurfaceCancelledError, IsosurfaceComputer, type IsosurfaceResult, type WorkerFactory } from './IsosurfaceComputer';
import type { IsosurfaceStats } from './isosurfaceProtocol';
import { newLumenTrackballStyle } from '../vtk/lumenTrackballStyle';
import { litMeshActor } from '../vtk/litMeshActor';
import { openViewContext } from '../vtk/webglContext';
import { edgeLetters, type EdgeLetters } from './orientationLetters';
import { draggedPoint, hitHandle, type ScreenHandle } from './controlPointDrag';
import { pathMesh, pathTubeSizes, screenSizes, sphereRadius, type PathTube, type PathTubeSizes } from './pathTubes';
import { pickVolume, type PickRay, type PickVisibility } from './pickVolume';
import { toVtkImageData } from './toVtkImageData';
import { autoWindow, opacityAt, resolvePreset, type PresetId, type VolumePreset } from './volumePresets';

export type View3DRenderMode = 'volume' | 'isosurface';

export type SurfaceEvent =
  | { kind: 'computing'; isoValue: number }
  | ({ kind: 'ready'; isoValue: number } & IsosurfaceStats)
  | { kind: 'cancelled' }
  | { kind: 'error'; message: string };

/** A click picked onto the view: the first visible point under the cursor (LPS mm), or null over empty space. */
export interface VolumePick {
  point: Vec3 | null;
  /** Time the ray march took. */
  ms: number;
}

/**
 * A press on the active path's control point and what follows: 'grab' (the drag starts),
 * 'move' per pointer move, then 'end' on release or 'cancel' on Escape (the point goes back).
 * A press on a locked path's point gives 'locked' and nothing more.
 */
export type PointDragEvent =
  | { kind: 'grab' | 'locked' | 'end' | 'cancel'; index: number }
  | {
      kind: 'move';
      index: number;
      /** LPS mm: on the surface under the cursor, else slid in the plane parallel to the screen. */
      point: Vec3;
      /** Time the pick took. */
      ms: number;
    };

export interface VolumeRenderer3DListeners {
  onSurface?(event: SurfaceEvent): void;
  /** Patient letters at the screen edges, after every camera change. */
  onOrientation?(letters: EdgeLetters): void;
  /** A message when the view cannot draw (no WebGL2, context lost); null once it can again. */
  onGraphicsError?(message: string | null): void;
  /** A click (not a drag) while picking is on, not on a control point. */
  onPick?(pick: VolumePick): void;
  /** A control point of the active path pressed and dragged while picking is on. */
  onPointDrag?(event: PointDragEvent): void;
}

export interface VolumeRenderer3DOptions {
  /** Tests inject a worker; the default bundles isosurfaceWorker.ts. */
  workerFactory?: WorkerFactory;
  /** Marching-cubes voxel budget (default 8M). */
  maxSurfaceVoxels?: number;
  /** 'auto' (default) picks 'software' on CPU rasterisers such as SwiftShader or llvmpipe. */
  quality?: RenderQuality | 'auto';
}

/**
 * 'full': every canvas pixel is a ray, samples every half voxel, gradient shading.
 * 'software': for CPU rasterisers, where a shaded full-resolution frame of a
 * 512×512×99 CT takes ~10 s in SwiftShader and stalls the page: a quarter of the rays
 * (half resolution, scaled up by the browser), one sample per voxel and no shading —
 * about 8 frames a second there. Isosurfaces are cheap polygons and look the same in both.
 */
export type RenderQuality = 'full' | 'software';

interface QualitySettings {
  /** Canvas pixels per CSS pixel, before devicePixelRatio. */
  renderScale: number;
  /** Ray sample step in units of the finest voxel spacing. */
  sampleStep: number;
  shade: boolean;
}

const QUALITY: Record<RenderQuality, QualitySettings> = {
  full: { renderScale: 1, sampleStep: 0.5, shade: true },
  software: { renderScale: 0.5, sampleStep: 1, shade: false },
};

/** CPU rasterisers name themselves in the renderer string (Chrome reports it unmasked). */
export function isSoftwareRenderer(rendererName: string): boolean {
  return /swiftshader|llvmpipe|softpipe|software|basic render driver/i.test(rendererName);
}

/** The GPU's name (unmasked where the browser allows), for isSoftwareRenderer. */
export function rendererName(gl: WebGL2RenderingContext): string {
  const info = gl.getExtension('WEBGL_debug_renderer_info');
  return String(gl.getParameter(info ? info.UNMASKED_RENDERER_WEBGL : gl.RENDERER) ?? '');
}

/** Recompute the surface this long after the last iso change: a slider drag fires dozens. */
export const ISO_DEBOUNCE_MS = 250;

const BACKGROUND: Vec3 = [0.04, 0.05, 0.07];
const IVORY: Vec3 = [1, 0.95, 0.84];
const NO_WEBGL2 = 'The 3D view needs WebGL 2, which this graphics driver does not provide. The slice views still work.';
const CONTEXT_LOST = 'The 3D view lost its graphics context (GPU reset or too many views open). It will redraw when the browser restores it.';

/** One azimuth step per frame: 60 frames turn the camera once around, back to where it was. */
const FPS_STEP_DEGREES = 6;
/** A press that moves less than this before release is a click; more is a trackball drag. */
const CLICK_SLOP_PX = 3;
/** Spheres are rebuilt for their least size on screen when the zoom changes by more than this. */
const SPHERE_RESIZE_RATIO = 1.05;

/** A control point being dragged. */
interface PointDrag {
  index: number;
  pointerId: number;
  /** Cursor minus the point's screen position at the press, CSS px: the point keeps it, so it does not jump to the cursor. */
  offset: [number, number];
  /** Where the point is now, LPS mm. */
  current: Vec3;
  /** Escape was pressed: the rest of the gesture is swallowed until release. */
  cancelled: boolean;
}

/** What the pointer is over while picking: the cursor says whether a press takes a point. */
type HandleHover = 'grab' | 'grabbing' | 'locked' | null;
const HOVER_CURSOR: Record<NonNullable<HandleHover>, string> = { grab: 'grab', grabbing: 'grabbing', locked: 'not-allowed' };
/** vtk.js's OpenGL render window has a cursor property its typings leave out. */
type CursorWindow = { setCursor(cursor: string): boolean };


export class VolumeRenderer3D {
  /** False when no WebGL2 context could be created; every call is then a no-op. */
  readonly supported: boolean;
  readonly quality: RenderQuality;
  private readonly renderWindow = vtkRenderWindow.newInstance();
  private readonly renderer = vtkRenderer.newInstance();
  private readonly glWindow = vtkOpenGLRenderWindow.newInstance();
  private readonly gl: WebGL2RenderingContext | null;
  private interactor: ReturnType<typeof vtkRenderWindowInteractor.newInstance> | null = null;
  private readonly computer: IsosurfaceComputer;
  private readonly cleanups: (() => void)[] = [];

  private volume: RendererVolume | null = null;
  private image: vtkImageData | null = null;
  private volumeActor: vtkVolume | null = null;
  private volumeMapper: vtkVolumeMapper | null = null;
  private surfaceActor: vtkActor | null = null;
  private surfaceMapper: vtkMapper | null = null;
  /** Iso value of the surface on screen, null when none. */
  private surfaceIso: number | null = null;
  /** Every path's tube and control points as one actor, made on the first path. */
  private pathActor: vtkActor | null = null;
  private pathTubes: readonly PathTube[] = [];
  /** The sizes the path mesh was last built with, and the zoom (mm per CSS px at the focal point) they were for. */
  private pathSizes: PathTubeSizes | null = null;
  private pathMmPerPixel = 0;
  /** Clicks are picked (and reported) only while on: the path tool is active. */
  private picking = false;
  private drag: PointDrag | null = null;

  private presetId: PresetId = 'ct-bone';
  private mode: View3DRenderMode = 'volume';
  private isoValue = 300;
  private isoTimer: ReturnType<typeof setTimeout> | undefined;
  /** Bumped per surface request so a late answer for an old iso value is dropped. */
  private surfaceGeneration = 0;
  private contextLost = false;
  private disposed = false;

  constructor(
    private readonly container: HTMLElement,
    private readonly listeners: VolumeRenderer3DListeners = {},
    options: VolumeRenderer3DOptions = {},
  ) {
    this.computer = new IsosurfaceComputer(options.workerFactory, options.maxSurfaceVoxels);
    this.renderer.setBackground(...BACKGROUND);
    this.renderWindow.addRenderer(this.renderer);
    this.renderWindow.addView(this.glWindow);
    this.glWindow.setContainer(container);
    const context = openViewContext(this.glWindow.getCanvas() as HTMLCanvasElement, options.quality ?? 'auto', { noWebGl2: NO_WEBGL2, contextLost: CONTEXT_LOST }, {
      onGraphicsError: (message) => this.listeners.onGraphicsError?.(message),
      onLost: () => (this.contextLost = true),
      onRestored: () => {
        this.contextLost = false;
        this.render();
      },
    });
    this.cleanups.push(context.dispose);
    this.gl = context.gl;
    this.supported = this.gl !== null;
    this.quality = context.quality;
    if (!this.supported) return;
    this.setUpInteraction();
    const camera = this.renderer.getActiveCamera();
    const subscription = camera.onModified(() => {
      this.listeners.onOrientation?.(this.orientation());
      this.resizeSpheres();
    });
    this.cleanups.push(() => subscription.unsubscribe());
    this.resize();
  }

  /** The letters for the current camera (the overlay also reads them once on mount). */
  orientation(): EdgeLetters {
    const camera = this.renderer.getActiveCamera();
    return edgeLetters(camera.getViewUp() as Vec3, camera.getDirectionOfProjection() as Vec3);
  }

  setVolume(volume: RendererVolume | null): void {
    if (this.disposed || volume === this.volume) return;
    this.cancelSurface(false);
    this.removeVolumeProps();
    this.volume = volume;
    if (!volume) {
      this.computer.setVolume(null);
      this.render();
      return;
    }
    try {
      this.image = toVtkImageData(volume);
    } catch (err) {
      // A malformed volume (voxel count or geometry) is the loader's bug, but the pane says so rather than crashing the grid.
      this.volume = null;
      this.listeners.onGraphicsError?.(`This series cannot be shown in 3D: ${err instanceof Error ? err.message : String(err)}`);
      return;
    }
    if (this.supported && !this.contextLost) this.listeners.onGraphicsError?.(null);
    this.computer.setVolume({ dimensions: volume.dimensions, ijkToLps: volume.ijkToLps, voxels: volume.voxels });
    if (this.supported) {
      const mapper = vtkVolumeMapper.newInstance();
      mapper.setInputData(this.image);
      const spacing = this.image.getSpacing();
      // Half the finest voxel at full quality: coarser steps skip thin cortex and vessel walls.
      mapper.setSampleDistance(Math.min(spacing[0], spacing[1], spacing[2]) * QUALITY[this.quality].sampleStep);
      mapper.setMaximumSamplesPerRay(4000);
      const actor = vtkVolume.newInstance();
      actor.setMapper(mapper);
      this.volumeMapper = mapper;
      this.volumeActor = actor;
      this.applyPreset();
      this.renderer.addVolume(actor);
    }
    this.updateVisibility();
    this.updatePathMesh();
    this.resetCamera();
    if (this.mode === 'isosurface') this.requestSurface(0);
  }

  /** The paths to draw: tubes along their curves, spheres on their control points. */
  setPaths(tubes: readonly PathTube[]): void {
    this.pathTubes = tubes;
    this.updatePathMesh();
    this.render();
  }

  /** Whether clicks are picked onto the volume (onPick) and control points can be dragged (onPointDrag). */
  setPicking(enabled: boolean): void {
    this.picking = enabled;
    if (!enabled) this.cancelDrag();
    this.setHover(null);
  }

  setPreset(id: PresetId): void {
    this.presetId = id;
    this.applyPreset();
    this.render();
  }

  setMode(mode: View3DRenderMode): void {
    if (mode === this.mode) return;
    this.mode = mode;
    if (mode === 'isosurface' && this.surfaceIso !== this.isoValue) this.requestSurface(0);
    if (mode === 'volume') this.cancelSurface(false);
    this.updateVisibility();
    this.render();
  }

  /** Debounced: the surface is recomputed ISO_DEBOUNCE_MS after the last change. */
  setIsoValue(value: number): void {
    if (value === this.isoValue) return;
    this.isoValue = value;
    if (this.mode === 'isosurface') this.requestSurface(ISO_DEBOUNCE_MS);
  }

  /** Stops a running surface computation; the view keeps what it showed before. */
  cancelSurface(notify = true): void {
    clearTimeout(this.isoTimer);
    this.isoTimer = undefined;
    const wasBusy = this.computer.busy;
    this.surfaceGeneration++;
    this.computer.cancel();
    if (notify && wasBusy) this.listeners.onSurface?.({ kind: 'cancelled' });
  }

  /** Anterior view, head up, fitted to the volume: patient left on screen right. */
  resetCamera(): void {
    if (!this.supported) return;
    const camera = this.renderer.getActiveCamera();
    const bounds = this.image?.getBounds() ?? [-100, 100, -100, 100, -100, 100];
    const centre: Vec3 = [(bounds[0] + bounds[1]) / 2, (bounds[2] + bounds[3]) / 2, (bounds[4] + bounds[5]) / 2];
    camera.setFocalPoint(...centre);
    camera.setPosition(centre[0], centre[1] - 1, centre[2]); // anterior is −y in LPS
    camera.setViewUp(0, 0, 1);
    this.renderer.resetCamera(bounds);
    this.render();
  }

  /** Matches the canvas to the container's CSS size at device resolution. */
  resize(): void {
    if (!this.supported || this.disposed) return;
    const { width, height } = this.container.getBoundingClientRect();
    const ratio = (window.devicePixelRatio || 1) * QUALITY[this.quality].renderScale;
    const w = Math.max(1, Math.floor(width * ratio));
    const h = Math.max(1, Math.floor(height * ratio));
    const [cw, ch] = this.glWindow.getSize();
    if (cw !== w || ch !== h) this.glWindow.setSize(w, h);
    this.resizeSpheres();
    this.render();
  }

  render(): void {
    if (!this.supported || this.disposed || this.contextLost) return;
    this.renderWindow.render();
  }

  /**
   * Full-quality frames per second while the camera turns: each frame moves the
   * azimuth by 6°, renders, and waits for the GPU (a 1-pixel readPixels) so queued
   * work is not mistaken for speed. Only render time counts, not the yields between
   * frames that keep the page responsive. The camera ends where it started for 60 frames.
   */
  async measureFps(frames = 60): Promise<number> {
    if (!this.supported || !this.gl || this.contextLost) throw new Error(NO_WEBGL2);
    const camera = this.renderer.getActiveCamera();
    const pixel = new Uint8Array(4);
    this.render();
    this.gl.readPixels(0, 0, 1, 1, this.gl.RGBA, this.gl.UNSIGNED_BYTE, pixel);
    let busy = 0;
    for (let n = 0; n < frames; n++) {
      if (this.disposed || this.contextLost) throw new Error('3D view went away during the measurement');
      const started = performance.now();
      camera.azimuth(FPS_STEP_DEGREES);
      this.renderer.resetCameraClippingRange();
      this.renderWindow.render();
      this.gl.readPixels(0, 0, 1, 1, this.gl.RGBA, this.gl.UNSIGNED_BYTE, pixel);
      busy += performance.now() - started;
      await new Promise((resolve) => setTimeout(resolve, 0));
    }
    return frames / (busy / 1000);
  }

  dispose(): void {
    if (this.disposed) return;
    this.cancelDrag();
    this.cancelSurface(false);
    this.computer.dispose();
    this.removeVolumeProps();
    this.removePathActor();
    this.cleanups.splice(0).forEach((cleanup) => cleanup());
    if (this.interactor) {
      this.interactor.unbindEvents();
      this.interactor.delete();
      this.interactor = null;
    }
    this.disposed = true;
    // Release GPU resources while the context is alive, then drop the context itself so
    // remounting per series never piles up contexts (Chrome allows only ~16).
    this.glWindow.setContainer(null as unknown as HTMLElement);
    this.renderWindow.removeView(this.glWindow);
    this.glWindow.delete();
    this.renderer.delete();
    this.renderWindow.delete();
    this.gl?.getExtension('WEBGL_lose_context')?.loseContext();
  }

  private setUpInteraction(): void {
    const interactor = vtkRenderWindowInteractor.newInstance();
    interactor.setView(this.glWindow);
    interactor.initialize();
    interactor.bindEvents(this.container);
    interactor.setInteractorStyle(newLumenTrackballStyle());
    this.interactor = interactor;

    this.setUpPointDrag();

    // A click places a point, a drag turns the camera: told apart by how far the pointer moved.
    let pressed: { x: number; y: number } | null = null;
    this.listen(this.container, 'pointerdown', (event) => {
      const plain = event.button === 0 && event.isPrimary && !event.shiftKey && !event.ctrlKey && !event.altKey && !event.metaKey;
      pressed = plain ? { x: event.clientX, y: event.clientY } : null;
    });
    this.listen(this.container, 'pointerup', (event) => {
      const start = pressed;
      pressed = null;
      if (!start || !this.picking || !this.volume || Math.hypot(event.clientX - start.x, event.clientY - start.y) >= CLICK_SLOP_PX) return;
      this.listeners.onPick?.(this.pickAt(event.clientX, event.clientY));
    });
    this.listen(this.container, 'pointercancel', () => (pressed = null));

    // Keep the 3D view's gestures to itself: the grid and global shortcuts sit above it.
    const stop = (event: Event): void => event.stopPropagation();
    for (const type of ['pointerdown', 'pointerup', 'pointermove', 'click', 'dblclick', 'contextmenu'] as const) this.listen(this.container, type, stop);
    this.listen(
      this.container,
      'wheel',
      (event) => {
        event.preventDefault();
        event.stopPropagation();
      },
      { passive: false },
    );
    this.listen(this.container, 'keydown', (event) => {
      if ((event.key === 'r' || event.key === 'R') && !event.ctrlKey && !event.metaKey && !event.altKey) {
        event.preventDefault();
        event.stopPropagation();
        this.resetCamera();
      }
    });
  }

  /**
   * Control points are taken before vtk.js sees the press: these listeners run in the capture
   * phase on the container and stop the event there, so a press on a point neither turns the
   * camera (vtk's listeners) nor places a point (the click listener), both bubble-phase on it.
   */
  private setUpPointDrag(): void {
    const take = (event: Event): void => {
      event.stopImmediatePropagation();
      event.preventDefault();
    };
    this.listen(
      this.container,
      'pointerdown',
      (event) => {
        const plain = event.button === 0 && event.isPrimary && !event.shiftKey && !event.ctrlKey && !event.altKey && !event.metaKey;
        if (!plain || !this.picking || !this.volume || this.drag) return;
        const hit = this.handleAt(event.clientX, event.clientY);
        if (!hit) return;
        take(event);
        if (hit.locked) {
          this.listeners.onPointDrag?.({ kind: 'locked', index: hit.index });
          return;
        }
        this.container.setPointerCapture(event.pointerId);
        this.drag = { index: hit.index, pointerId: event.pointerId, offset: hit.offset, current: hit.point, cancelled: false };
        this.setHover('grabbing');
        this.listeners.onPointDrag?.({ kind: 'grab', index: hit.index });
      },
      { capture: true },
    );
    this.listen(
      this.container,
      'pointermove',
      (event) => {
        const drag = this.drag;
        if (!drag) {
          if (this.picking && event.buttons === 0) {
            const hit = this.handleAt(event.clientX, event.clientY);
            this.setHover(hit ? (hit.locked ? 'locked' : 'grab') : null);
          }
          return;
        }
        if (event.pointerId !== drag.pointerId) return;
        take(event);
        if (!drag.cancelled) this.moveDrag(drag, event.clientX - drag.offset[0], event.clientY - drag.offset[1]);
      },
      { capture: true },
    );
    const release = (event: PointerEvent): void => {
      const drag = this.drag;
      if (!drag || event.pointerId !== drag.pointerId) return;
      take(event);
      this.drag = null;
      if (this.container.hasPointerCapture(event.pointerId)) this.container.releasePointerCapture(event.pointerId);
      this.setHover(this.handleAt(event.clientX, event.clientY) ? 'grab' : null);
      if (!drag.cancelled) this.listeners.onPointDrag?.({ kind: event.type === 'pointercancel' ? 'cancel' : 'end', index: drag.index });
    };
    // Onto the toolbar or out of the pane: the hand goes (a captured drag keeps its pointer).
    this.listen(this.container, 'pointerleave', () => {
      if (!this.drag) this.setHover(null);
    });
    this.listen(this.container, 'pointerup', release, { capture: true });
    this.listen(this.container, 'pointercancel', release, { capture: true });
    // Escape puts the point back: on the window, before the app's own Escape handling, and only mid-drag.
    const onKey = (event: KeyboardEvent): void => {
      if (event.key !== 'Escape' || !this.drag || this.drag.cancelled) return;
      take(event);
      this.cancelDrag();
    };
    window.addEventListener('keydown', onKey, true);
    this.cleanups.push(() => window.removeEventListener('keydown', onKey, true));
  }

  /** Ends a drag in progress as cancelled (the listener puts the point back); its release is still swallowed. */
  private cancelDrag(): void {
    const drag = this.drag;
    if (!drag || drag.cancelled) return;
    drag.cancelled = true;
    this.listeners.onPointDrag?.({ kind: 'cancel', index: drag.index });
  }

  /** One pointer move of a drag: re-pick the surface under the (offset) cursor, or slide parallel to the screen. */
  private moveDrag(drag: PointDrag, clientX: number, clientY: number): void {
    const volume = this.volume;
    const ray = this.rayAt(clientX, clientY);
    if (!volume || !ray) return;
    const started = performance.now();
    const pick = pickVolume(volume, ray, this.visibility());
    const viewDirection = this.renderer.getActiveCamera().getDirectionOfProjection() as Vec3;
    const point = draggedPoint({ pick, ray, current: drag.current, viewDirection });
    const ms = performance.now() - started;
    if (distance(point, drag.current) === 0) return;
    drag.current = point;
    this.listeners.onPointDrag?.({ kind: 'move', index: drag.index, point, ms });
  }

  /** The active path's control point under a client-pixel position, with where it is and how far off the cursor. */
  private handleAt(clientX: number, clientY: number): { index: number; point: Vec3; offset: [number, number]; locked: boolean } | null {
    const tube = this.pathTubes.find((t) => t.active);
    const sizes = this.pathSizes;
    const rect = this.container.getBoundingClientRect();
    const [width, height] = this.glWindow.getSize();
    if (!tube || !sizes || tube.controlPoints.length === 0 || !(rect.width > 0 && rect.height > 0 && width > 0 && height > 0)) return null;
    const mmPerPixel = this.mmPerPixel();
    const handles: ScreenHandle[] = tube.controlPoints.map((p, n) => {
      const [x, y, depth] = this.renderer.worldToNormalizedDisplay(p[0], p[1], p[2], width / height);
      return { x: x! * rect.width, y: (1 - y!) * rect.height, depth: depth!, radiusPx: sphereRadius(tube, n, sizes) / mmPerPixel };
    });
    const x = clientX - rect.left;
    const y = clientY - rect.top;
    const index = hitHandle(handles, x, y);
    if (index === null) return null;
    return { index, point: tube.controlPoints[index]!, offset: [x - handles[index]!.x, y - handles[index]!.y], locked: tube.locked };
  }

  /** Millimetres per CSS pixel in the plane through the focal point parallel to the screen. */
  private mmPerPixel(): number {
    const camera = this.renderer.getActiveCamera();
    const height = this.container.getBoundingClientRect().height;
    const span = camera.getParallelProjection() ? 2 * camera.getParallelScale() : 2 * camera.getDistance() * Math.tan((camera.getViewAngle() * Math.PI) / 360);
    return height > 0 ? span / height : 0;
  }

  /**
   * The cursor: a hand over a point a press can take, a crosshair where a click places one. vtk.js
   * owns the container's inline cursor (it rewrites it on every change), so it is set through vtk.js.
   * The host's data-handle says the same for tests.
   */
  private setHover(hover: HandleHover): void {
    if (hover) this.container.dataset.handle = hover;
    else delete this.container.dataset.handle;
    (this.glWindow as unknown as CursorWindow).setCursor(hover ? HOVER_CURSOR[hover] : this.picking ? 'crosshair' : 'pointer');
  }

  /** After a zoom: rebuild the spheres so they keep their least size on screen. */
  private resizeSpheres(): void {
    const now = this.mmPerPixel();
    // Rebuilding resets the clipping range, which modifies the camera again: the ratio is then 1.
    if (this.pathTubes.length === 0 || !(now > 0) || now === this.pathMmPerPixel) return;
    const ratio = now / this.pathMmPerPixel;
    if (!(ratio < SPHERE_RESIZE_RATIO && ratio > 1 / SPHERE_RESIZE_RATIO)) this.updatePathMesh();
  }

  /** The first visible point under a client-pixel position, by what the view shows now. */
  private pickAt(clientX: number, clientY: number): VolumePick {
    const started = performance.now();
    const volume = this.volume;
    const ray = this.rayAt(clientX, clientY);
    const point = volume && ray ? pickVolume(volume, ray, this.visibility()) : null;
    return { point, ms: performance.now() - started };
  }

  /** The camera ray through a client-pixel position: from the near to the far clipping plane, LPS. */
  private rayAt(clientX: number, clientY: number): PickRay | null {
    const rect = this.container.getBoundingClientRect();
    const [width, height] = this.glWindow.getSize();
    if (!(rect.width > 0 && rect.height > 0 && width > 0 && height > 0)) return null;
    // Normalised display coordinates run from the bottom-left corner; the canvas fills the container.
    const x = (clientX - rect.left) / rect.width;
    const y = 1 - (clientY - rect.top) / rect.height;
    const near = this.renderer.normalizedDisplayToWorld(x, y, 0, width / height) as Vec3;
    const far = this.renderer.normalizedDisplayToWorld(x, y, 1, width / height) as Vec3;
    if (!(distance(near, far) > 0)) return null;
    return { origin: [near[0], near[1], near[2]], direction: normalize(sub(far, near)) };
  }

  /** What counts as visible: the surface on screen in isosurface mode, else the preset's opacity. */
  private visibility(): PickVisibility {
    if (this.surfaceIso !== null && this.surfaceActor?.getVisibility()) return { kind: 'iso', isoValue: this.surfaceIso };
    const preset = this.preset();
    return { kind: 'opacity', opacityAt: (value) => opacityAt(preset, value) };
  }

  private listen<K extends keyof HTMLElementEventMap>(target: HTMLElement, type: K, handler: (event: HTMLElementEventMap[K]) => void, options?: AddEventListenerOptions): void {
    const listener = handler as EventListener;
    target.addEventListener(type, listener, options);
    this.cleanups.push(() => target.removeEventListener(type, listener, options));
  }

  private preset(): VolumePreset {
    const window = this.volume ? autoWindow(this.volume.voxels, this.volume.range) : ([0, 1] as [number, number]);
    return resolvePreset(this.presetId, { window });
  }

  private applyPreset(): void {
    if (!this.volumeActor) return;
    const preset = this.preset();
    const colors = vtkColorTransferFunction.newInstance();
    for (const [value, r, g, b] of preset.colors) colors.addRGBPoint(value, r, g, b);
    const opacity = vtkPiecewiseFunction.newInstance();
    for (const [value, alpha] of preset.opacity) opacity.addPoint(value, alpha);
    const property = this.volumeActor.getProperty();
    property.setRGBTransferFunction(0, colors);
    property.setScalarOpacity(0, opacity);
    // Opacities are per millimetre of ray, independent of voxel size.
    property.setScalarOpacityUnitDistance(0, 1);
    property.setInterpolationTypeToLinear();
    property.setShade(preset.shade !== null && QUALITY[this.quality].shade);
    if (preset.shade) {
      property.setAmbient(preset.shade.ambient);
      property.setDiffuse(preset.shade.diffuse);
      property.setSpecular(preset.shade.specular);
      property.setSpecularPower(preset.shade.specularPower);
    }
  }

  private requestSurface(delayMs: number): void {
    if (!this.volume) return;
    clearTimeout(this.isoTimer);
    const run = (): void => {
      this.isoTimer = undefined;
      void this.computeSurface(this.isoValue);
    };
    if (delayMs > 0) this.isoTimer = setTimeout(run, delayMs);
    else run();
  }

  private async computeSurface(isoValue: number): Promise<void> {
    const generation = ++this.surfaceGeneration;
    this.listeners.onSurface?.({ kind: 'computing', isoValue });
    let result: IsosurfaceResult;
    try {
      result = await this.computer.compute(isoValue);
    } catch (err) {
      if (err instanceof IsosurfaceCancelledError || generation !== this.surfaceGeneration) return;
      this.listeners.onSurface?.({ kind: 'error', message: `Surface at ${Math.round(isoValue)} failed: ${err instanceof Error ? err.message : String(err)}` });
      return;
    }
    if (generation !== this.surfaceGeneration || this.disposed) return;
    this.showSurface(result, isoValue);
    const { factors, dimensions, triangles, ms } = result;
    this.listeners.onSurface?.({ kind: 'ready', isoValue, factors, dimensions, triangles, ms });
  }

  private showSurface(mesh: IsosurfaceResult, isoValue: number): void {
    this.removeSurface();
    this.surfaceIso = isoValue;
    if (!this.supported) return;
    const { actor, mapper } = litMeshActor(mesh, { colour: IVORY, ambient: 0.1, diffuse: 0.75, specular: 0.15, specularPower: 15 });
    this.surfaceActor = actor;
    this.surfaceMapper = mapper;
    this.renderer.addActor(actor);
    this.updateVisibility();
    this.renderer.resetCameraClippingRange();
    this.render();
  }

  /** Volume in volume mode; in isosurface mode the surface, or the volume until a first surface exists. */
  private updateVisibility(): void {
    const surfaceShown = this.mode === 'isosurface' && this.surfaceActor !== null;
    this.surfaceActor?.setVisibility(surfaceShown);
    this.volumeActor?.setVisibility(!surfaceShown);
  }

  private removeSurface(): void {
    if (this.surfaceActor) {
      this.renderer.removeActor(this.surfaceActor);
      this.surfaceMapper?.getInputData()?.delete();
      this.surfaceMapper?.delete();
      this.surfaceActor.delete();
    }
    this.surfaceActor = null;
    this.surfaceMapper = null;
    this.surfaceIso = null;
  }

  /** Rebuilds the one mesh of every path, sized to the volume on screen. */
  private updatePathMesh(): void {
    if (!this.supported || this.disposed) return;
    const bounds = this.image?.getBounds();
    const diagonal = bounds ? Math.hypot(bounds[1] - bounds[0], bounds[3] - bounds[2], bounds[5] - bounds[4]) : 200;
    this.pathMmPerPixel = this.mmPerPixel();
    this.pathSizes = screenSizes(pathTubeSizes(diagonal), this.pathMmPerPixel);
    const mesh = pathMesh(this.pathTubes, this.pathSizes);
    if (mesh.points.length === 0) {
      this.pathActor?.setVisibility(false);
      return;
    }
    const actor = this.pathActor ?? this.createPathActor();
    const poly = actor.getMapper()!.getInputData() as vtkPolyData;
    poly.getPoints().setData(mesh.points, 3);
    poly.getPolys().setData(mesh.polys);
    poly.getPointData().setNormals(vtkDataArray.newInstance({ name: 'Normals', numberOfComponents: 3, values: mesh.normals }));
    // Unsigned-char RGB scalars are drawn as colours, not mapped through a lookup table (vtk's default colour mode).
    poly.getPointData().setScalars(vtkDataArray.newInstance({ name: 'Colours', numberOfComponents: 3, values: mesh.colours }));
    poly.modified();
    actor.setVisibility(true);
    this.renderer.resetCameraClippingRange();
  }

  private createPathActor(): vtkActor {
    const mapper = vtkMapper.newInstance();
    mapper.setInputData(vtkPolyData.newInstance());
    const actor = vtkActor.newInstance();
    actor.setMapper(mapper);
    const property = actor.getProperty();
    // Mostly ambient: a thin tube must keep its colour on its shaded side to be recognised.
    property.setAmbient(0.45);
    property.setDiffuse(0.6);
    property.setSpecular(0.2);
    property.setSpecularPower(20);
    this.renderer.addActor(actor);
    this.pathActor = actor;
    return actor;
  }

  private removePathActor(): void {
    if (!this.pathActor) return;
    const mapper = this.pathActor.getMapper();
    this.renderer.removeActor(this.pathActor);
    mapper?.getInputData()?.delete();
    mapper?.delete();
    this.pathActor.delete();
    this.pathActor = null;
  }

  private removeVolumeProps(): void {
    this.removeSurface();
    if (this.volumeActor) {
      this.renderer.removeVolume(this.volumeActor);
      this.volumeActor.delete();
      this.volumeMapper?.delete();
    }
    this.image?.delete();
    this.volumeActor = null;
    this.volumeMapper = null;
    this.image = null;
  }
}
