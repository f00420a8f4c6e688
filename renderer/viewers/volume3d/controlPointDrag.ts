/**
 * Dragging a path's control point in the 3D view, as plain geometry: which control point a press
 * takes, and where the point goes as the pointer moves. The point rides the visible surface under
 * the cursor (the pick the click that places points uses); off the surface it slides in the plane
 * through it parallel to the screen, so leaving the anatomy never throws it to the far side of the
 * volume or to infinity, and it picks the surface up again where the cursor comes back onto it.
 */
import { addScaled, dot, sub, type Vec3 } from '../../../shared/math/vec3';
import { HIT_RADIUS_PX } from '../slice/pathCurve';
import type { PickRay } from './pickVolume';

/** A control point as the 3D view draws it. */
export interface ScreenHandle {
  /** CSS px from the view's top-left corner. */
  x: number;
  y: number;
  /** Normalised depth: 0 on the near clipping plane, 1 on the far one. */
  depth: number;
  /** The sphere's radius on screen, CSS px. */
  radiusPx: number;
}

/**
 * The control point a press at (x, y) takes: one whose sphere covers the cursor, or lies within
 * HIT_RADIUS_PX of it as in the slice views; of several, the one nearest the camera (the one seen).
 * Null when none, or for points outside the clipping range.
 */
export function hitHandle(handles: readonly ScreenHandle[], x: number, y: number): number | null {
  let best: number | null = null;
  handles.forEach((h, n) => {
    if (!(h.depth >= 0 && h.depth <= 1)) return;
    if (Math.hypot(h.x - x, h.y - y) > Math.max(h.radiusPx, HIT_RADIUS_PX)) return;
    if (best === null || h.depth < handles[best]!.depth) best = n;
  });
  return best;
}

export interface DragStep {
  /** The visible surface under the cursor (pickVolume), or null when the ray meets nothing. */
  pick: Vec3 | null;
  /** The camera ray through the cursor, LPS. */
  ray: PickRay;
  /** Where the point is now, LPS mm. */
  current: Vec3;
  /** The camera's direction of projection: the normal of the planes parallel to the screen. */
  viewDirection: Vec3;
}

/**
 * Where the dragged point goes: onto the surface under the cursor, else where the ray crosses the
 * plane through the point parallel to the screen. A ray that cannot cross that plane in front of
 * the camera leaves the point where it is.
 */
export function draggedPoint({ pick, ray, current, viewDirection }: DragStep): Vec3 {
  if (pick) return pick;
  const along = dot(ray.direction, viewDirection);
  if (!(Math.abs(along) > 1e-9)) return current;
  const t = dot(sub(current, ray.origin), viewDirection) / along;
  return Number.isFinite(t) && t >= 0 ? addScaled(ray.origin, ray.direction, t) : current;
}
