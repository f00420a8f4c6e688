import type { Vec3 } from '../math/vec3';
import { distance } from '../math/vec3';
import type { CubicSegment } from './cubicSegment';
import { hermiteSegment, lineSegment } from './cubicSegment';
import { solveCyclicTridiagonal, solveTridiagonal } from './tridiagonal';

export type CurveInterpolation = 'catmull-rom' | 'natural-cubic' | 'linear';

export interface CurveShape {
  interpolation: CurveInterpolation;
  closed: boolean;
}

/** Control points closer than this are one point: a double click must not make a zero-length knot interval (0/0). */
export const DUPLICATE_POINT_TOLERANCE_MM = 1e-6;

/** Centripetal parametrisation: knot intervals grow as chord^½, which keeps Catmull-Rom free of cusps and self-intersections within a segment (Yuksel et al. 2011). */
const CENTRIPETAL_ALPHA = 0.5;

/**
 * Control points with consecutive duplicates removed (and, for a closed curve, a last point
 * that repeats the first, as some tools write loops). Throws when too few distinct points remain.
 */
export function distinctControlPoints(points: readonly Vec3[], closed: boolean): Vec3[] {
  points.forEach((p, i) => {
    if (p.length !== 3 || !p.every(Number.isFinite)) throw new Error(`curve control point ${i + 1} is not three finite numbers`);
  });
  const kept: Vec3[] = [];
  for (const p of points) {
    if (kept.length === 0 || distance(kept[kept.length - 1], p) > DUPLICATE_POINT_TOLERANCE_MM) kept.push([p[0], p[1], p[2]]);
  }
  if (closed) while (kept.length > 1 && distance(kept[0], kept[kept.length - 1]) <= DUPLICATE_POINT_TOLERANCE_MM) kept.pop();
  if (kept.length < 2) throw new Error(`a curve needs at least 2 distinct control points (got ${kept.length})`);
  if (closed && kept.length < 3) throw new Error(`a closed curve needs at least 3 distinct control points (got ${kept.length})`);
  return kept;
}

/**
 * The interpolating curve through the control points as cubic pieces, one per pair of
 * consecutive points (plus the closing pair for a closed curve). Each piece runs u = 0 → 1.
 */
export function interpolateCurve(points: readonly Vec3[], shape: CurveShape): CubicSegment[] {
  const p = distinctControlPoints(points, shape.closed);
  switch (shape.interpolation) {
    case 'linear':
      return segmentPairs(p, shape.closed).map(([i, j]) => lineSegment(p[i], p[j]));
    case 'catmull-rom':
      return hermitePieces(p, shape.closed, knotIntervals(p, shape.closed, CENTRIPETAL_ALPHA), catmullRomTangents);
    case 'natural-cubic':
      return hermitePieces(p, shape.closed, knotIntervals(p, shape.closed, 1), naturalCubicTangents);
    default:
      throw new Error(`unknown curve interpolation '${String(shape.interpolation)}'`);
  }
}

function segmentPairs(p: readonly Vec3[], closed: boolean): [number, number][] {
  const count = closed ? p.length : p.length - 1;
  return Array.from({ length: count }, (_, i): [number, number] => [i, (i + 1) % p.length]);
}

/** Knot interval i (from point i to the next) = chord^alpha; alpha 1 is chord length, ½ centripetal. */
function knotIntervals(p: readonly Vec3[], closed: boolean, alpha: number): number[] {
  return segmentPairs(p, closed).map(([i, j]) => distance(p[i], p[j]) ** alpha);
}

type TangentRule = (p: readonly Vec3[], h: readonly number[], closed: boolean) => Vec3[];

/** Pieces from per-point derivatives dP/dt in knot units; each piece rescales them to its own u. */
function hermitePieces(p: readonly Vec3[], closed: boolean, h: readonly number[], tangents: TangentRule): CubicSegment[] {
  const m = tangents(p, h, closed);
  return segmentPairs(p, closed).map(([i, j]) => hermiteSegment(p[i], p[j], scaled(m[i], h[i]), scaled(m[j], h[i])));
}

/**
 * Non-uniform Catmull-Rom: the derivative at P_i of the quadratic through P_{i−1}, P_i, P_{i+1}
 * at their knots, which is what the Barry–Goldman pyramid gives. At an open end the same
 * quadratic is differentiated at its first (last) point instead: m_0 = 2·(P_1 − P_0)/h_0 − m_1.
 * That end condition reproduces a circle arc far better than a mirrored phantom point.
 */
const catmullRomTangents: TangentRule = (p, h, closed) => {
  const n = p.length;
  const m: Vec3[] = new Array<Vec3>(n);
  const interior = (i: number): Vec3 => {
    const prev = (i - 1 + n) % n;
    const next = (i + 1) % n;
    const h0 = h[prev];
    const h1 = h[i];
    return combine([p[i], p[prev], p[next], p[prev], p[next], p[i]], [1 / h0, -1 / h0, -1 / (h0 + h1), 1 / (h0 + h1), 1 / h1, -1 / h1]);
  };
  if (closed) return p.map((_, i) => interior(i));
  if (n === 2) {
    const chord = combine([p[1], p[0]], [1 / h[0], -1 / h[0]]);
    return [chord, chord];
  }
  for (let i = 1; i < n - 1; i++) m[i] = interior(i);
  m[0] = combine([p[1], p[0], m[1]], [2 / h[0], -2 / h[0], -1]);
  m[n - 1] = combine([p[n - 1], p[n - 2], m[n - 2]], [2 / h[n - 2], -2 / h[n - 2], -1]);
  return m;
};

/**
 * C2 cubic spline per coordinate over chord-length knots: solve for the second derivatives
 * M_i (zero at the ends of an open curve, periodic for a closed one), then read off the
 * first derivatives at the knots so the pieces can share the Hermite form.
 */
const naturalCubicTangents: TangentRule = (p, h, closed) => {
  const n = p.length;
  const slope = segmentPairs(p, closed).map(([i, j]) => combine([p[j], p[i]], [1 / h[i], -1 / h[i]]));
  const M = closed ? periodicSecondDerivatives(h, slope) : naturalSecondDerivatives(h, slope);
  const m: Vec3[] = new Array<Vec3>(n);
  for (let i = 0; i < slope.length; i++) {
    // Derivative at the start of piece i: slope − h·(2M_i + M_{i+1})/6.
    m[i] = combine([slope[i], M[i], M[(i + 1) % n]], [1, (-2 * h[i]) / 6, -h[i] / 6]);
  }
  if (!closed) {
    // Derivative at the end of the last piece: slope + h·(M_{n−2} + 2M_{n−1})/6.
    const last = n - 2;
    m[n - 1] = combine([slope[last], M[last], M[n - 1]], [1, h[last] / 6, (2 * h[last]) / 6]);
  }
  return m;
};

/** Rows i = 1 … n−2: h_{i−1}M_{i−1} + 2(h_{i−1}+h_i)M_i + h_iM_{i+1} = 6(slope_i − slope_{i−1}); M_0 = M_{n−1} = 0. */
function naturalSecondDerivatives(h: readonly number[], slope: readonly Vec3[]): Vec3[] {
  const n = h.length + 1;
  const zero: Vec3 = [0, 0, 0];
  if (n === 2) return [zero, zero];
  const rows = n - 2;
  const sub = Array.from({ length: rows }, (_, r) => h[r]);
  const diag = Array.from({ length: rows }, (_, r) => 2 * (h[r] + h[r + 1]));
  const sup = Array.from({ length: rows }, (_, r) => h[r + 1]);
  const rhs = Array.from({ length: rows }, (_, r) => combine([slope[r + 1], slope[r]], [6, -6]));
  return [zero, ...solveTridiagonal(sub, diag, sup, rhs), zero];
}

/** The same rows for every i, indices modulo n: the periodic spline of a closed curve. */
function periodicSecondDerivatives(h: readonly number[], slope: readonly Vec3[]): Vec3[] {
  const n = h.length;
  const prev = (i: number) => (i - 1 + n) % n;
  const sub = h.map((_, i) => h[prev(i)]);
  const diag = h.map((hi, i) => 2 * (h[prev(i)] + hi));
  const sup = h.map((hi) => hi);
  const rhs = slope.map((s, i) => combine([s, slope[prev(i)]], [6, -6]));
  return solveCyclicTridiagonal(sub, diag, sup, rhs);
}

function scaled(v: Vec3, s: number): Vec3 {
  return [v[0] * s, v[1] * s, v[2] * s];
}

/** Σ w_k·v_k. */
function combine(vectors: readonly Vec3[], weights: readonly number[]): Vec3 {
  const out: Vec3 = [0, 0, 0];
  vectors.forEach((v, k) => {
    out[0] += weights[k] * v[0];
    out[1] += weights[k] * v[1];
    out[2] += weights[k] * v[2];
  });
  return out;
}
