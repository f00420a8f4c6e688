/**
 * Analytic curves and an independent arc-length ruler for the curve tests (test support only,
 * imported by *.test.ts files).
 */
import type { Vec3 } from '../math/vec3';
import { cross, dot, normalize } from '../math/vec3';
import type { CubicSegment } from './cubicSegment';
import { pointAt } from './cubicSegment';

/** Helix (r cos t, r sin t, c·t): radius r, pitch 2πc per turn. */
export interface Helix {
  r: number;
  c: number;
}

export function helixPoint({ r, c }: Helix, t: number): Vec3 {
  return [r * Math.cos(t), r * Math.sin(t), c * t];
}

/**
 * Unit tangent and the analytic rotation-minimising normal that starts as the Frenet normal:
 * it turns against the Frenet frame at rate −τ per mm of arc, τ = c/(r² + c²).
 */
export function helixFrames({ r, c }: Helix, t: number): { tangent: Vec3; rmfNormal: Vec3 } {
  const w = Math.hypot(r, c);
  const tangent: Vec3 = [(-r * Math.sin(t)) / w, (r * Math.cos(t)) / w, c / w];
  const frenetNormal: Vec3 = [-Math.cos(t), -Math.sin(t), 0];
  const frenetBinormal = cross(tangent, frenetNormal);
  const torsion = c / (w * w);
  const theta = -torsion * w * t;
  const rmfNormal = normalize([0, 1, 2].map((k) => Math.cos(theta) * frenetNormal[k] + Math.sin(theta) * frenetBinormal[k]) as Vec3);
  return { tangent, rmfNormal };
}

/** Parameter of the helix point nearest q (Newton from the height, which is close for a helix-hugging q). */
export function nearestHelixParameter(h: Helix, q: Vec3): number {
  let t = q[2] / h.c;
  for (let k = 0; k < 50; k++) {
    const p = helixPoint(h, t);
    const d1: Vec3 = [-h.r * Math.sin(t), h.r * Math.cos(t), h.c];
    const d2: Vec3 = [-h.r * Math.cos(t), -h.r * Math.sin(t), 0];
    const diff: Vec3 = [p[0] - q[0], p[1] - q[1], p[2] - q[2]];
    const f = dot(diff, d1);
    const df = dot(d1, d1) + dot(diff, d2);
    const dt = f / df;
    t -= dt;
    if (Math.abs(dt) < 1e-14) break;
  }
  return t;
}

/** A dense polyline through the interpolated curve, uniform in each piece's parameter, with cumulative chord length. */
export function densePolyline(segments: readonly CubicSegment[], partsPerPiece: number): { points: Vec3[]; arc: number[] } {
  const points: Vec3[] = [];
  segments.forEach((segment, index) => {
    for (let j = index === 0 ? 0 : 1; j <= partsPerPiece; j++) points.push(pointAt(segment, j / partsPerPiece));
  });
  const arc = [0];
  for (let i = 1; i < points.length; i++) arc.push(arc[i - 1] + Math.hypot(points[i][0] - points[i - 1][0], points[i][1] - points[i - 1][1], points[i][2] - points[i - 1][2]));
  return { points, arc };
}

/**
 * Polyline arc length at each query point, the queries given in curve order: each point is
 * projected onto the nearest polyline edge, searching forward from the previous hit.
 */
export function polylineArcLengths(line: { points: Vec3[]; arc: number[] }, queries: readonly Vec3[]): number[] {
  const { points, arc } = line;
  let from = 0;
  return queries.map((q) => {
    let best = { distance: Infinity, arc: 0, edge: from };
    for (let e = from; e < points.length - 1; e++) {
      const a = points[e];
      const b = points[e + 1];
      const ab: Vec3 = [b[0] - a[0], b[1] - a[1], b[2] - a[2]];
      const lengthSquared = dot(ab, ab);
      const f = Math.min(1, Math.max(0, dot([q[0] - a[0], q[1] - a[1], q[2] - a[2]], ab) / lengthSquared));
      const d = Math.hypot(a[0] + f * ab[0] - q[0], a[1] + f * ab[1] - q[1], a[2] + f * ab[2] - q[2]);
      if (d < best.distance) best = { distance: d, arc: arc[e] + f * Math.sqrt(lengthSquared), edge: e };
      // Past the nearest stretch: the polyline has moved well away from q.
      if (d > best.distance + 5) break;
    }
    from = best.edge;
    return best.arc;
  });
}
