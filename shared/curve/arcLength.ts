import type { CubicSegment } from './cubicSegment';
import { speedAt } from './cubicSegment';

/**
 * Arc length of a piecewise-cubic curve and its inverse. The speed |p'(u)| of a cubic is the
 * square root of a quartic: smooth, so Gauss–Legendre quadrature converges very fast on it,
 * except near a point where the speed nearly vanishes; adaptive subdivision takes care of that.
 */

/** Where on the curve: piece index and its parameter u in [0, 1]. */
export interface CurveLocation {
  segment: number;
  u: number;
}

/** A sub-interval [u0, u1] of one piece, its length and the arc length at its start. */
interface ArcPiece {
  segment: number;
  u0: number;
  u1: number;
  s0: number;
  length: number;
}

export interface ArcLengthTable {
  pieces: ArcPiece[];
  /** Total curve length, mm. */
  length: number;
}

const GAUSS_ORDER = 10;
const { nodes: GAUSS_NODES, weights: GAUSS_WEIGHTS } = gaussLegendreRule(GAUSS_ORDER);
/** Absolute error allowed per adaptive piece, mm: orders below the 1e-3 mm equidistance requirement. */
const PIECE_TOLERANCE_MM = 1e-11;
const MAX_DEPTH = 40;
const INITIAL_PIECES = 4;

/** ∫ |p'(u)| du from u0 to u1 over one piece (one Gauss–Legendre panel). */
export function arcLengthBetween(segment: CubicSegment, u0: number, u1: number): number {
  const half = (u1 - u0) / 2;
  const mid = (u1 + u0) / 2;
  let sum = 0;
  for (let k = 0; k < GAUSS_ORDER; k++) sum += GAUSS_WEIGHTS[k] * speedAt(segment, mid + half * GAUSS_NODES[k]);
  return sum * half;
}

/** Splits every piece until one panel and two half panels agree, and accumulates arc length. */
export function buildArcLengthTable(segments: readonly CubicSegment[]): ArcLengthTable {
  const pieces: ArcPiece[] = [];
  let s = 0;
  segments.forEach((segment, index) => {
    const push = (u0: number, u1: number, length: number) => {
      pieces.push({ segment: index, u0, u1, s0: s, length });
      s += length;
    };
    const refine = (u0: number, u1: number, whole: number, depth: number): void => {
      const mid = (u0 + u1) / 2;
      const left = arcLengthBetween(segment, u0, mid);
      const right = arcLengthBetween(segment, mid, u1);
      if (Math.abs(left + right - whole) <= PIECE_TOLERANCE_MM || depth >= MAX_DEPTH) {
        push(u0, mid, left);
        push(mid, u1, right);
      } else {
        refine(u0, mid, left, depth + 1);
        refine(mid, u1, right, depth + 1);
      }
    };
    for (let k = 0; k < INITIAL_PIECES; k++) {
      const u0 = k / INITIAL_PIECES;
      const u1 = (k + 1) / INITIAL_PIECES;
      refine(u0, u1, arcLengthBetween(segment, u0, u1), 0);
    }
  });
  return { pieces, length: s };
}

/**
 * The curve location at arc length s (clamped to [0, length]): binary search for the piece,
 * then Newton's method on s(u) − s inside it (ds/du is the speed), kept inside a shrinking
 * bracket by bisection whenever a Newton step leaves it or the speed vanishes.
 */
export function locateArcLength(table: ArcLengthTable, segments: readonly CubicSegment[], s: number): CurveLocation {
  const { pieces } = table;
  const target = Math.min(Math.max(s, 0), table.length);
  let lo = 0;
  let hi = pieces.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (pieces[mid].s0 <= target) lo = mid;
    else hi = mid - 1;
  }
  const piece = pieces[lo];
  const segment = segments[piece.segment];
  const wanted = Math.min(Math.max(target - piece.s0, 0), piece.length);
  if (wanted <= 0) return { segment: piece.segment, u: piece.u0 };
  if (wanted >= piece.length) return { segment: piece.segment, u: piece.u1 };
  let a = piece.u0;
  let b = piece.u1;
  let u = a + ((b - a) * wanted) / piece.length;
  for (let iteration = 0; iteration < 60; iteration++) {
    const error = arcLengthBetween(segment, piece.u0, u) - wanted;
    if (Math.abs(error) < 1e-13) break;
    if (error > 0) b = u;
    else a = u;
    const speed = speedAt(segment, u);
    let next = speed > 0 ? u - error / speed : NaN;
    if (!(next > a && next < b)) next = (a + b) / 2;
    if (next === u || b - a < 1e-15) break;
    u = next;
  }
  return { segment: piece.segment, u };
}

/** Nodes and weights of the n-point Gauss–Legendre rule on [−1, 1] (Newton on P_n from Chebyshev-like guesses). */
function gaussLegendreRule(n: number): { nodes: number[]; weights: number[] } {
  const nodes: number[] = [];
  const weights: number[] = [];
  for (let i = 1; i <= n; i++) {
    let x = Math.cos((Math.PI * (i - 0.25)) / (n + 0.5));
    let derivative = 0;
    for (let iteration = 0; iteration < 100; iteration++) {
      let p0 = 1;
      let p1 = x;
      for (let k = 2; k <= n; k++) {
        const p2 = ((2 * k - 1) * x * p1 - (k - 1) * p0) / k;
        p0 = p1;
        p1 = p2;
      }
      derivative = (n * (x * p1 - p0)) / (x * x - 1);
      const dx = p1 / derivative;
      x -= dx;
      if (Math.abs(dx) < 1e-16) break;
    }
    nodes.push(x);
    weights.push(2 / ((1 - x * x) * derivative * derivative));
  }
  return { nodes, weights };
}
