/**
 * The image of the frame viewer: one 2D canvas at the frame's pixel size, scaled to fit
 * the stage. Drawing follows the store through a MobX reaction rather than React
 * renders, so cine playback repaints the canvas without re-rendering the pane. Dragging
 * sets window (horizontal) and level (vertical); the pointer position feeds the value
 * readout; a double click resets window/level.
 */
import { reaction } from 'mobx';
import { observer } from 'mobx-react-lite';
import { useEffect, useRef } from 'react';
import type { PreviewStore } from '../../stores/PreviewStore';
import { valueScaleOf, voiFunction, windowDragStep, windowFrameToRgba } from '../../viewers/windowLevel';

export const FrameCanvas = observer(function FrameCanvas({ preview, box }: { preview: PreviewStore; box: { width: number; height: number } }) {
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const image = useRef<ImageData | null>(null);
  const drag = useRef<{ x: number; y: number; center: number; width: number } | null>(null);

  useEffect(
    () =>
      reaction(
        () => ({ frame: preview.frame, center: preview.windowCenter, width: preview.windowWidth }),
        ({ frame, center, width }) => {
          const canvas = canvasRef.current;
          const context = canvas?.getContext('2d');
          if (!canvas || !context || !frame) return;
          if (canvas.width !== frame.width) canvas.width = frame.width;
          if (canvas.height !== frame.height) canvas.height = frame.height;
          if (image.current?.width !== frame.width || image.current.height !== frame.height) image.current = context.createImageData(frame.width, frame.height);
          windowFrameToRgba(frame.pixels, frame.samplesPerPixel, center, width, image.current.data, voiFunction(valueScaleOf(frame.pixels, frame.range)));
          context.putImageData(image.current, 0, 0);
          // Which frame the pixels are, for tests and for anyone inspecting the page.
          canvas.dataset.frame = String(frame.index);
        },
        { fireImmediately: true },
      ),
    [preview],
  );

  // Size from the frame once one is here, else from the series, so the layout does not jump.
  const width = preview.frame?.width ?? preview.series?.dimensions[0] ?? 0;
  const height = preview.frame?.height ?? preview.series?.dimensions[1] ?? 0;
  const scale = width > 0 && height > 0 ? Math.min(box.width / width, box.height / height) : 0;
  const hidden = !preview.frame || preview.error !== null;
  // While the asked-for frame decodes, the previous one stays, dimmed, so the counter and angle never sit on a wrong image unmarked.
  const stale = preview.loading && preview.frame !== null;

  const trackPointer = (event: React.PointerEvent<HTMLCanvasElement>): void => {
    const frame = preview.frame;
    if (!frame) return;
    const rect = event.currentTarget.getBoundingClientRect();
    const column = Math.floor(((event.clientX - rect.left) / rect.width) * frame.width);
    const row = Math.floor(((event.clientY - rect.top) / rect.height) * frame.height);
    const inside = column >= 0 && row >= 0 && column < frame.width && row < frame.height;
    preview.setHoverPoint(inside ? { column, row } : null);
  };

  const onPointerDown = (event: React.PointerEvent<HTMLCanvasElement>): void => {
    if (event.button !== 0) return;
    event.currentTarget.setPointerCapture(event.pointerId);
    drag.current = { x: event.clientX, y: event.clientY, center: preview.windowCenter, width: preview.windowWidth };
  };
  const onPointerMove = (event: React.PointerEvent<HTMLCanvasElement>): void => {
    const start = drag.current;
    const frame = preview.frame;
    if (start && frame) {
      const step = windowDragStep(start.width, valueScaleOf(frame.pixels, frame.range));
      preview.setWindow(start.center + (event.clientY - start.y) * step, start.width + (event.clientX - start.x) * step);
    }
    trackPointer(event);
  };
  const endDrag = (): void => {
    drag.current = null;
  };

  return (
    <canvas
      ref={canvasRef}
      className={`preview-canvas${stale ? ' is-stale' : ''}`}
      data-testid="preview-canvas"
      style={{ width: `${Math.floor(width * scale)}px`, height: `${Math.floor(height * scale)}px`, visibility: hidden ? 'hidden' : 'visible' }}
      onPointerDown={onPointerDown}
      onPointerMove={onPointerMove}
      onPointerUp={endDrag}
      onPointerCancel={endDrag}
      onPointerLeave={() => preview.setHoverPoint(null)}
      onDoubleClick={() => preview.resetWindow()}
    />
  );
});
