/**
 * A 2D image of raw values with true-mm geometry (pixels may be anisotropic, e.g. pixel
 * spacing across and arc-length step along a path): window/level from the viewer, zoom and
 * pan, a probe, mm rulers, an optional label tint and cursor line. The caller decides what a
 * left click means (move the cursor, paint, …) through `onImagePointer`.
 */
import { useEffect, useMemo, useRef, useState, type PointerEvent as ReactPointerEvent, type ReactNode } from 'react';
import { niceLengthMm } from '../../viewers/slice/sliceGeometry';
import { tintLabels } from '../../viewers/labelTint';
import { formatValue, formatWindow } from '../../viewers/valueFormat';
import { valueRange } from '../../../shared/math/valueRange';
import { INTEGER_SCALE, valueScaleOf, windowDragStep, windowFrameToRgba } from '../../viewers/windowLevel';
import { pointerIn, wheelSteps } from '../../viewers/wheelSteps';
import { formatMm } from '../three-up/viewLabels';

export interface PlaneImage {
  width: number;
  height: number;
  /** Row-major raw values; NaN = no data (drawn black). */
  pixels: Float32Array;
  /** [mm per column step, mm per row step]. */
  pixelMm: [number, number];
}

export type ImagePointerPhase = 'down' | 'move' | 'up';

interface Camera {
  zoom: number;
  /** Pan, mm. */
  panX: number;
  panY: number;
}

interface Ruler {
  start: [number, number];
  end: [number, number];
}

export interface PlaneImageViewProps {
  testId: string;
  title: string;
  image: PlaneImage | null;
  windowCenter: number;
  windowWidth: number;
  onWindow: (center: number, width: number) => void;
  /** Per-pixel labels (row-major, same size as the image), tinted over it. */
  labels?: ArrayLike<number> | null;
  /** Image row of a horizontal cursor line (e.g. the cross-section's slice), if any. */
  cursorRow?: number | null;
  /** Left-button pointer in image pixel coordinates (continuous: pixel centres at integers). */
  onImagePointer?: (phase: ImagePointerPhase, px: number, py: number) => void;
  /** Wheel without Ctrl: ±1 per notch. */
  onScroll?: (steps: number) => void;
  /** Measure instead of calling onImagePointer. */
  measuring?: boolean;
  /** What the probe says about a pixel beyond its value (e.g. arc length, LPS). */
  describePixel?: (px: number, py: number) => string;
  cursorStyle?: string;
  children?: ReactNode;
}

const FIT_MARGIN = 1.04;

export function PlaneImageView(props: PlaneImageViewProps) {
  const { image, windowCenter, windowWidth, labels, cursorRow } = props;
  const hostRef = useRef<HTMLDivElement>(null);
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const [size, setSize] = useState({ width: 1, height: 1 });
  const [camera, setCamera] = useState<Camera>({ zoom: 1, panX: 0, panY: 0 });
  const [rulers, setRulers] = useState<Ruler[]>([]);
  const [probe, setProbe] = useState<{ px: number; py: number } | null>(null);
  const drag = useRef<{ kind: 'tool' | 'ruler' | 'pan' | 'window'; x: number; y: number } | null>(null);
  const wheel = useRef(0);
  // The wheel listener is registered once; it reads the latest props through this ref.
  const propsRef = useRef(props);
  useEffect(() => {
    propsRef.current = props;
  });

  const wMm = image ? image.width * image.pixelMm[0] : 1;
  const hMm = image ? image.height * image.pixelMm[1] : 1;
  const mmPerPixel = (Math.max(wMm / size.width, hMm / size.height) * FIT_MARGIN) / camera.zoom;
  const centre: [number, number] = [wMm / 2 + camera.panX, hMm / 2 + camera.panY];
  const toScreen = (xMm: number, yMm: number): [number, number] => [size.width / 2 + (xMm - centre[0]) / mmPerPixel, size.height / 2 + (yMm - centre[1]) / mmPerPixel];
  const toMm = (x: number, y: number): [number, number] => [centre[0] + (x - size.width / 2) * mmPerPixel, centre[1] + (y - size.height / 2) * mmPerPixel];
  const toPixel = (x: number, y: number): [number, number] => {
    const [mx, my] = toMm(x, y);
    return image ? [mx / image.pixelMm[0] - 0.5, my / image.pixelMm[1] - 0.5] : [0, 0];
  };

  useEffect(() => {
    const host = hostRef.current!;
    const observer = new ResizeObserver(([entry]) => entry && setSize({ width: Math.max(1, entry.contentRect.width), height: Math.max(1, entry.contentRect.height) }));
    observer.observe(host);
    const onWheel = (e: WheelEvent): void => {
      e.preventDefault();
      if (e.ctrlKey || e.metaKey) {
        const factor = Math.exp(-e.deltaY * 0.0015);
        setCamera((c) => ({ ...c, zoom: Math.min(40, Math.max(0.1, c.zoom * factor)) }));
        return;
      }
      const steps = wheelSteps(wheel, e);
      if (steps !== 0) {
        propsRef.current.onScroll?.(steps);
      }
    };
    host.addEventListener('wheel', onWheel, { passive: false });
    return () => {
      observer.disconnect();
      host.removeEventListener('wheel', onWheel);
    };
  }, []);

  // The image's own values set the drag rate and the printed digits (μ previews, HU reformats alike).
  const scale = useMemo(() => (image ? valueScaleOf(image.pixels, valueRange(image.pixels)) : INTEGER_SCALE), [image]);
  // The grey image (with labels) at image resolution.
  const grey = useMemo(() => (image ? greyImage(image, windowCenter, windowWidth, labels) : null), [image, windowCenter, windowWidth, labels]);
  // One offscreen canvas the grey image is put into, reused for every image: a flythrough cuts a new one every frame.
  const greyCanvas = useRef<HTMLCanvasElement | null>(null);

  useEffect(() => {
    const canvas = canvasRef.current!;
    const dpr = window.devicePixelRatio || 1;
    const width = Math.round(size.width * dpr);
    const height = Math.round(size.height * dpr);
    // Setting a canvas's size, even to the same value, reallocates and clears it.
    if (canvas.width !== width) canvas.width = width;
    if (canvas.height !== height) canvas.height = height;
    const ctx = canvas.getContext('2d', { alpha: false })!;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.fillStyle = '#000';
    ctx.fillRect(0, 0, size.width, size.height);
    if (!grey || !image) return;
    const source = (greyCanvas.current ??= document.createElement('canvas'));
    if (source.width !== grey.width) source.width = grey.width;
    if (source.height !== grey.height) source.height = grey.height;
    // Written from the CPU every image: kept in CPU memory rather than a texture uploaded each time.
    source.getContext('2d', { willReadFrequently: true })!.putImageData(grey, 0, 0);
    const [x0, y0] = toScreen(0, 0);
    ctx.imageSmoothingEnabled = true;
    ctx.imageSmoothingQuality = 'high';
    ctx.drawImage(source, x0, y0, wMm / mmPerPixel, hMm / mmPerPixel);
    // toScreen/wMm/hMm derive from the listed state.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [grey, size, camera]);

  const local = (e: ReactPointerEvent): [number, number] => pointerIn(hostRef.current!, e);

  const onPointerDown = (e: ReactPointerEvent<HTMLDivElement>): void => {
    const [x, y] = local(e);
    e.currentTarget.setPointerCapture(e.pointerId);
    const kind = e.button === 1 || e.shiftKey ? 'pan' : e.button === 2 ? 'window' : props.measuring ? 'ruler' : 'tool';
    drag.current = { kind, x, y };
    if (kind === 'ruler') {
      const p = toMm(x, y);
      setRulers((r) => [...r, { start: p, end: p }]);
    }
    if (kind === 'tool') props.onImagePointer?.('down', ...toPixel(x, y));
  };

  const onPointerMove = (e: ReactPointerEvent<HTMLDivElement>): void => {
    const [x, y] = local(e);
    setProbe({ px: toPixel(x, y)[0], py: toPixel(x, y)[1] });
    const d = drag.current;
    if (!d) return;
    const dx = x - d.x;
    const dy = y - d.y;
    d.x = x;
    d.y = y;
    if (d.kind === 'pan') setCamera((c) => ({ ...c, panX: c.panX - dx * mmPerPixel, panY: c.panY - dy * mmPerPixel }));
    if (d.kind === 'window') {
      const step = windowDragStep(windowWidth, scale);
      props.onWindow(windowCenter + dy * step, windowWidth + dx * step);
    }
    if (d.kind === 'ruler') setRulers((r) => [...r.slice(0, -1), { start: r.at(-1)!.start, end: toMm(x, y) }]);
    if (d.kind === 'tool') props.onImagePointer?.('move', ...toPixel(x, y));
  };

  const onPointerUp = (e: ReactPointerEvent<HTMLDivElement>): void => {
    const d = drag.current;
    drag.current = null;
    if (d?.kind === 'ruler') setRulers((r) => r.filter((q) => Math.hypot(q.end[0] - q.start[0], q.end[1] - q.start[1]) > 0.01));
    if (d?.kind === 'tool') props.onImagePointer?.('up', ...toPixel(...local(e)));
  };

  const value = probe && image ? valueAt(image, probe.px, probe.py) : null;
  const scaleMm = niceLengthMm(size.width * 0.25 * mmPerPixel);
  return (
    <div
      ref={hostRef}
      className="plane-image-view"
      data-testid={props.testId}
      style={props.cursorStyle ? { cursor: props.cursorStyle } : undefined}
      onPointerDown={onPointerDown}
      onPointerMove={onPointerMove}
      onPointerUp={onPointerUp}
      onPointerCancel={() => (drag.current = null)}
      onPointerLeave={() => setProbe(null)}
      onDoubleClick={() => setCamera({ zoom: 1, panX: 0, panY: 0 })}
      onContextMenu={(e) => e.preventDefault()}
    >
      <canvas ref={canvasRef} className="slice-canvas" data-testid={`${props.testId}-canvas`} />
      <div className="slice-overlay">
        <svg className="slice-overlay-svg" width={size.width} height={size.height} aria-hidden="true">
          {image && cursorRow !== null && cursorRow !== undefined && (
            <line data-testid={`${props.testId}-cursor`} className="plane-cursor" x1={0} x2={size.width} y1={toScreen(0, (cursorRow + 0.5) * image.pixelMm[1])[1]} y2={toScreen(0, (cursorRow + 0.5) * image.pixelMm[1])[1]} />
          )}
          {rulers.map((r, n) => {
            const [x1, y1] = toScreen(...r.start);
            const [x2, y2] = toScreen(...r.end);
            return (
              <g key={n} className="ruler" data-testid="ruler">
                <line x1={x1} y1={y1} x2={x2} y2={y2} />
                <circle cx={x1} cy={y1} r={3} />
                <circle cx={x2} cy={y2} r={3} />
                <text x={x2 + 8} y={y2 - 8} data-testid="ruler-length">
                  {Math.hypot(r.end[0] - r.start[0], r.end[1] - r.start[1]).toFixed(1)} mm
                </text>
              </g>
            );
          })}
        </svg>
        <div className="corner corner-tl">
          <div className="view-name">{props.title}</div>
          {props.children}
        </div>
        <div className="corner corner-bl">
          {formatWindow(windowCenter, windowWidth, scale)}
          {camera.zoom !== 1 && <span className="muted"> · {camera.zoom.toFixed(2)}×</span>}
          {rulers.length > 0 && (
            <button className="link-button" data-testid={`${props.testId}-clear-rulers`} onPointerDown={(e) => e.stopPropagation()} onClick={() => setRulers([])}>
              clear rulers
            </button>
          )}
        </div>
        {probe && value !== undefined && (
          <div className="corner corner-probe" data-testid={`${props.testId}-probe`}>
            <div>{value === null ? 'no data' : formatValue(value, scale, windowWidth)}</div>
            {props.describePixel && <div className="muted">{props.describePixel(probe.px, probe.py)}</div>}
          </div>
        )}
        {scaleMm > 0 && (
          <div className="scale-bar" data-mm={scaleMm}>
            <div className="scale-bar-line" style={{ width: scaleMm / mmPerPixel }} />
            <div>{formatMm(scaleMm)}</div>
          </div>
        )}
      </div>
    </div>
  );
}

function greyImage(image: PlaneImage, windowCenter: number, windowWidth: number, labels: ArrayLike<number> | null | undefined): ImageData {
  const data = new ImageData(image.width, image.height);
  windowFrameToRgba(image.pixels, 1, windowCenter, windowWidth, data.data);
  if (labels && labels.length === image.width * image.height) tintLabels(labels, data.data);
  return data;
}

/** The nearest pixel's value; undefined off the image, null where it holds no data. */
function valueAt(image: PlaneImage, px: number, py: number): number | null | undefined {
  const i = Math.round(px);
  const j = Math.round(py);
  if (i < 0 || j < 0 || i >= image.width || j >= image.height) return undefined;
  const v = image.pixels[i + image.width * j]!;
  return Number.isNaN(v) ? null : v;
}
