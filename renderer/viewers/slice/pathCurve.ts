/**
 * A path as the slice views draw and hit-test it. The curve is sampled once per path version
 * (paths are replaced whole on every edit, so a WeakMap keyed by the path object is an exact
 * cache), piece by piece, so every sample knows which pair of control points it lies between.
 * The hit rules live here, once, for every view: a press takes a control point drawn on the
 * view's plane within HIT_RADIUS_PX; an insertion goes on the curve span nearest on screen.
 */
import { interpolateCurve, DUPLICATE_POINT_TOLERANCE_MM } from '../../../shared/curve/interpolateCurve';
import { pointAt } from '../../../shared/curve/cubicSegment';
import { distance, type Vec3 } from '../../../shared/math/vec3';
import type { VolumePath } from '../../stores/PathStore';

/** Fine enough to look smooth at any zoom a path is drawn at. */
const DRAW_STEP_MM = 1;
const MAX_SAMPLES_PER_SPAN = 400;
/** A press this close (screen pixels) to a control point takes it rather than adding a point. */
export const HIT_RADIUS_PX = 6;

/** What the hit rules need of a view (SliceViewState has it). */
export interface PathView {
  toScreen(p: Vec3): [number, number];
  distanceFromPlane(p: Vec3): number;
  readonly step: number;
}

export interface DrawnCurve {
  /** Samples along the curve, LPS mm; a closed path ends where it began. */
  points: Vec3[];
  /** spans[n] (n ≥ 1): the control point the piece from sample n − 1 to n starts at (it runs to the next point). */
  spans: number[];
}

const cache = new WeakMap<VolumePath, DrawnCurve>();

export function drawnCurve(path: VolumePath): DrawnCurve {
  let curve = cache.get(path);
  if (!curve) {
    curve = sampleCurve(path);
    cache.set(path, curve);
  }
  return curve;
}

/** The curve's samples, LPS mm. */
export function pathCurve(path: VolumePath): Vec3[] {
  return drawnCurve(path).points;
}

function sampleCurve(path: VolumePath): DrawnCurve {
  const points = path.points;
  try {
    const segments = interpolateCurve(points, { interpolation: 'catmull-rom', closed: path.closed });
    // interpolateCurve drops repeated points: piece k starts at the last copy of its distinct point.
    const starts: number[] = [];
    points.forEach((p, i) => {
      if (i === 0 || distance(points[i - 1]!, p) > DUPLICATE_POINT_TOLERANCE_MM) starts.push(i);
      else starts[starts.length - 1] = i;
    });
    const out: DrawnCurve = { points: [pointAt(segments[0]!, 0)], spans: [0] };
    segments.forEach((segment, k) => {
      let length = 0;
      for (let j = 1; j <= 8; j++) length += distance(pointAt(segment, (j - 1) / 8), pointAt(segment, j / 8));
      const count = Math.min(MAX_SAMPLES_PER_SPAN, Math.max(2, Math.ceil(length / DRAW_STEP_MM)));
      for (let j = 1; j <= count; j++) {
        out.points.push(pointAt(segment, j / count));
        out.spans.push(starts[k]!);
      }
    });
    return out;
  } catch {
    // Fewer than two distinct points cannot be interpolated: show the control polygon rather than nothing.
    return { points: [...points], spans: points.map((_, i) => Math.max(0, i - 1)) };
  }
}

/** Whether a point is drawn as lying on the view's plane (filled): within half a slice step, plus rounding slack. */
export function onViewPlane(view: PathView, p: Vec3): boolean {
  return Math.abs(view.distanceFromPlane(p)) < view.step / 2 + 0.5;
}

/** The control point of `path` drawn on the plane nearest to screen (x, y) within HIT_RADIUS_PX, or null. */
export function hitControlPoint(view: PathView, path: VolumePath, x: number, y: number): number | null {
  let best: number | null = null;
  let bestDistance = HIT_RADIUS_PX;
  path.points.forEach((p, n) => {
    if (!onViewPlane(view, p)) return;
    const [px, py] = view.toScreen(p);
    const d = Math.hypot(px - x, py - y);
    if (d <= bestDistance) {
      best = n;
      bestDistance = d;
    }
  });
  return best;
}

/**
 * Where on the path's curve, as drawn, screen (x, y) is nearest: the curve point (LPS) and
 * the index a point inserted there takes (between the span's two control points).
 */
export function nearestOnCurve(view: PathView, path: VolumePath, x: number, y: number): { insertAt: number; point: Vec3; distancePx: number } | null {
  const { points, spans } = drawnCurve(path);
  if (path.points.length < 2 || points.length < 2) return null;
  const screen = points.map((p) => view.toScreen(p));
  let best: { insertAt: number; point: Vec3; distancePx: number } | null = null;
  for (let n = 1; n < points.length; n++) {
    const [ax, ay] = screen[n - 1]!;
    const [bx, by] = screen[n]!;
    const dx = bx - ax;
    const dy = by - ay;
    const len2 = dx * dx + dy * dy;
    const t = len2 > 0 ? Math.min(1, Math.max(0, ((x - ax) * dx + (y - ay) * dy) / len2)) : 0;
    const d = Math.hypot(ax + t * dx - x, ay + t * dy - y);
    if (!best || d < best.distancePx) {
      const a = points[n - 1]!;
      const b = points[n]!;
      best = { insertAt: spans[n]! + 1, point: [a[0] + t * (b[0] - a[0]), a[1] + t * (b[1] - a[1]), a[2] + t * (b[2] - a[2])], distancePx: d };
    }
  }
  return best;
}
