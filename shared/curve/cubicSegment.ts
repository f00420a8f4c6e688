import type { Vec3 } from '../math/vec3';

/**
 * One piece of a piecewise-cubic curve, p(u) = a + b·u + c·u² + d·u³ for u in [0, 1].
 * Every interpolation (Catmull-Rom, natural cubic, linear) ends up in this form, so arc
 * length, sampling and frames are written once over it.
 */
export interface CubicSegment {
  a: Vec3;
  b: Vec3;
  c: Vec3;
  d: Vec3;
}

/** The cubic from p0 to p1 with end derivatives m0, m1 (per unit of u). */
export function hermiteSegment(p0: Vec3, p1: Vec3, m0: Vec3, m1: Vec3): CubicSegment {
  const c: Vec3 = [0, 0, 0];
  const d: Vec3 = [0, 0, 0];
  for (let k = 0; k < 3; k++) {
    c[k] = 3 * (p1[k] - p0[k]) - 2 * m0[k] - m1[k];
    d[k] = 2 * (p0[k] - p1[k]) + m0[k] + m1[k];
  }
  return { a: [...p0], b: [...m0], c, d };
}

/** A straight piece built directly, so a straight input stays exactly straight (no rounding in c, d). */
export function lineSegment(p0: Vec3, p1: Vec3): CubicSegment {
  return { a: [...p0], b: [p1[0] - p0[0], p1[1] - p0[1], p1[2] - p0[2]], c: [0, 0, 0], d: [0, 0, 0] };
}

export function pointAt(s: CubicSegment, u: number): Vec3 {
  return [
    s.a[0] + u * (s.b[0] + u * (s.c[0] + u * s.d[0])),
    s.a[1] + u * (s.b[1] + u * (s.c[1] + u * s.d[1])),
    s.a[2] + u * (s.b[2] + u * (s.c[2] + u * s.d[2])),
  ];
}

export function derivativeAt(s: CubicSegment, u: number): Vec3 {
  return [
    s.b[0] + u * (2 * s.c[0] + 3 * u * s.d[0]),
    s.b[1] + u * (2 * s.c[1] + 3 * u * s.d[1]),
    s.b[2] + u * (2 * s.c[2] + 3 * u * s.d[2]),
  ];
}

function secondDerivativeAt(s: CubicSegment, u: number): Vec3 {
  return [2 * s.c[0] + 6 * u * s.d[0], 2 * s.c[1] + 6 * u * s.d[1], 2 * s.c[2] + 6 * u * s.d[2]];
}

/** |dp/du|: the integrand of arc length. */
export function speedAt(s: CubicSegment, u: number): number {
  const [x, y, z] = derivativeAt(s, u);
  return Math.hypot(x, y, z);
}

/**
 * Unit direction of travel. Where the curve momentarily stops (a cusp of a badly placed
 * cubic) the first derivative vanishes; the direction the curve leaves in is then that of
 * the next non-zero derivative, which keeps the frame free of NaN.
 */
export function unitTangentAt(s: CubicSegment, u: number): Vec3 {
  const candidates = [derivativeAt(s, u), secondDerivativeAt(s, u), s.d];
  const scale = Math.hypot(...s.b) + Math.hypot(...s.c) + Math.hypot(...s.d);
  for (const v of candidates) {
    const len = Math.hypot(v[0], v[1], v[2]);
    if (len > 1e-12 * scale && len > 0) return [v[0] / len, v[1] / len, v[2] / len];
  }
  throw new Error('curve segment has no direction (all its points coincide)');
}
