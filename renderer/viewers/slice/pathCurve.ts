/**
 * The curve of a path as drawn over the slice views: sampled once per path version (paths are
 * replaced whole on every edit, so a WeakMap keyed by the path object is an exact cache).
 */
import { samplePath } from '../../../shared/curve/samplePath';
import type { Vec3 } from '../../../shared/math/vec3';
import type { VolumePath } from '../../stores/PathStore';

/** Fine enough to look smooth at any zoom a path is drawn at. */
const DRAW_STEP_MM = 1;
const cache = new WeakMap<VolumePath, Vec3[]>();

export function pathCurve(path: VolumePath): Vec3[] {
  let curve = cache.get(path);
  if (!curve) {
    try {
      curve = path.points.length < 2 ? [...path.points] : samplePath(path.points, { closed: path.closed, step: DRAW_STEP_MM }).samples.map((s) => s.point);
      if (path.closed && curve.length > 2) curve.push(curve[0]!);
    } catch {
      // Repeated points cannot be interpolated: show the control polygon rather than nothing.
      curve = [...path.points];
    }
    cache.set(path, curve);
  }
  return curve;
}
