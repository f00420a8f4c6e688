/**
 * A simple, solid frame viewer for the selected series: wheel or arrow keys change
 * frame, dragging sets window (horizontal) and level (vertical), and the value under
 * the cursor is shown in modality units. The 3-up vtk.js viewer replaces it later.
 */
import { observer } from 'mobx-react-lite';
import { useEffect, useRef, useState } from 'react';
import { useStores } from '../../app/StoreContext';
import { KIND_LABELS } from '../study-browser/seriesLabels';
import { windowFrameToRgba } from './windowLevel';

/** Wheel distance (pixels) per frame step; one notch of a mouse wheel is ~100. */
const WHEEL_PIXELS_PER_FRAME = 60;

export const PreviewPane = observer(function PreviewPane() {
  const { preview } = useStores();
  // A callback ref in state: the stage mounts only once a series is selected, and the effects must follow it.
  const [container, setContainer] = useState<HTMLDivElement | null>(null);
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const [box, setBox] = useState({ width: 0, height: 0 });
  const frame = preview.frame;
  const series = preview.series;

  // Track the available area so the image fits it with its aspect ratio.
  useEffect(() => {
    if (!container) return;
    const observer = new ResizeObserver(([entry]) => {
      if (entry) setBox({ width: entry.contentRect.width, height: entry.contentRect.height });
    });
    observer.observe(container);
    return () => observer.disconnect();
  }, [container]);

  // Redraw on new pixels or window/level.
  const { windowCenter, windowWidth } = preview;
  useEffect(() => {
    const canvas = canvasRef.current;
    if (!canvas || !frame) return;
    if (canvas.width !== frame.width) canvas.width = frame.width;
    if (canvas.height !== frame.height) canvas.height = frame.height;
    const context = canvas.getContext('2d');
    if (!context) return;
    const image = context.createImageData(frame.width, frame.height);
    windowFrameToRgba(frame.pixels, frame.samplesPerPixel, windowCenter, windowWidth, image.data);
    context.putImageData(image, 0, 0);
  }, [frame, windowCenter, windowWidth]);

  // Native, non-passive wheel listener: React's is passive and cannot stop page scroll.
  useEffect(() => {
    if (!container) return;
    let carry = 0;
    const onWheel = (event: WheelEvent): void => {
      event.preventDefault();
      const pixels = event.deltaMode === WheelEvent.DOM_DELTA_LINE ? event.deltaY * 40 : event.deltaMode === WheelEvent.DOM_DELTA_PAGE ? event.deltaY * 800 : event.deltaY;
      carry += pixels;
      const steps = Math.trunc(carry / WHEEL_PIXELS_PER_FRAME);
      if (steps !== 0) {
        carry -= steps * WHEEL_PIXELS_PER_FRAME;
        preview.step(steps);
      }
    };
    container.addEventListener('wheel', onWheel, { passive: false });
    return () => container.removeEventListener('wheel', onWheel);
  }, [container, preview]);

  const scale = frame ? Math.min(box.width / frame.width, box.height / frame.height) : 1;
  const drag = useRef<{ x: number; y: number; center: number; width: number } | null>(null);

  const sampleAt = (event: React.PointerEvent<HTMLCanvasElement>): void => {
    if (!frame || scale <= 0) return;
    const rect = event.currentTarget.getBoundingClientRect();
    const column = Math.floor(((event.clientX - rect.left) / rect.width) * frame.width);
    const row = Math.floor(((event.clientY - rect.top) / rect.height) * frame.height);
    if (column < 0 || row < 0 || column >= frame.width || row >= frame.height) {
      preview.setHover(null);
      return;
    }
    const at = (row * frame.width + column) * frame.samplesPerPixel;
    preview.setHover({ column, row, values: Array.from(frame.pixels.subarray(at, at + frame.samplesPerPixel)) });
  };

  const onPointerDown = (event: React.PointerEvent<HTMLCanvasElement>): void => {
    if (event.button !== 0) return;
    event.currentTarget.setPointerCapture(event.pointerId);
    drag.current = { x: event.clientX, y: event.clientY, center: preview.windowCenter, width: preview.windowWidth };
  };
  const onPointerMove = (event: React.PointerEvent<HTMLCanvasElement>): void => {
    const start = drag.current;
    if (start && frame) {
      // One screen pixel moves the window by ~1/400 of the frame's value range (≥ 1 unit).
      const sensitivity = Math.max(1, (frame.range[1] - frame.range[0]) / 400);
      preview.setWindow(start.center + (event.clientY - start.y) * sensitivity, start.width + (event.clientX - start.x) * sensitivity);
    }
    sampleAt(event);
  };
  const endDrag = (): void => {
    drag.current = null;
  };

  if (!series) {
    return (
      <section className="preview preview-empty" data-testid="preview">
        <div className="empty-hint">Select a series to preview it.</div>
      </section>
    );
  }

  const unit = series.modality === 'CT' ? 'HU' : '';
  const hover = preview.hover;
  return (
    <section className="preview" data-testid="preview">
      <div className="preview-stage" ref={setContainer}>
        {series.kind === 'non-image' ? (
          <div className="empty-hint">This series holds no images (for example a report or a structured document).</div>
        ) : (
          <canvas
            ref={canvasRef}
            className="preview-canvas"
            data-testid="preview-canvas"
            style={frame ? { width: `${Math.floor(frame.width * scale)}px`, height: `${Math.floor(frame.height * scale)}px` } : { visibility: 'hidden' }}
            onPointerDown={onPointerDown}
            onPointerMove={onPointerMove}
            onPointerUp={endDrag}
            onPointerCancel={endDrag}
            onPointerLeave={() => preview.setHover(null)}
            onDoubleClick={() => preview.resetWindow()}
          />
        )}
        {preview.error && (
          <div className="preview-error inline-error" role="alert" data-testid="preview-error">
            {preview.error}
          </div>
        )}
        {preview.loading && !frame && <span className="spinner preview-spinner" aria-label="Loading frame" />}
        <div className="overlay overlay-tl">
          <div className="overlay-title">{series.description || 'Untitled series'}</div>
          <div>
            {series.modality} · {KIND_LABELS[series.kind]}
          </div>
        </div>
        <div className="overlay overlay-tr" data-testid="frame-index">
          {series.kind === 'volume' ? 'Slice' : 'Frame'} {preview.index + 1} / {preview.frameCount}
        </div>
        <div className="overlay overlay-bl" data-testid="window-level">
          W {Math.round(preview.windowWidth)} · L {Math.round(preview.windowCenter)}
        </div>
        <div className="overlay overlay-br" data-testid="hover-value">
          {hover ? `${hover.values.map((v) => (Number.isInteger(v) ? v : v.toFixed(1))).join(' / ')}${unit ? ` ${unit}` : ''} · (${hover.column}, ${hover.row})` : ''}
        </div>
      </div>
      {preview.frameCount > 1 && (
        <input
          className="frame-slider"
          type="range"
          min={0}
          max={preview.frameCount - 1}
          value={preview.index}
          onChange={(e) => preview.setIndex(Number(e.target.value))}
          aria-label="Frame"
          data-testid="frame-slider"
        />
      )}
    </section>
  );
});
