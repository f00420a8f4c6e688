/**
 * Where the straightened → world map folds.
 *
 * A straightened voxel at arc length s, offset (u, v) mm from the path point, sits at
 *   X(s, u, v) = P(s) + u·N(s) + v·B(s).
 * For a rotation-minimising frame the normal and binormal do not turn about the tangent, so
 *   T' = k1·N + k2·B,   N' = −k1·T,   B' = −k2·T     (k1 = T'·N, k2 = T'·B, 1/mm),
 * hence
 *   ∂X/∂s = T + u·N' + v·B' = (1 − k1·u − k2·v)·T,   ∂X/∂u = N,   ∂X/∂v = B,
 * and, (N, B, T) being orthonormal and right-handed,
 *   J = det ∂X/∂(u, v, s) = 1 − k1·u − k2·v.
 * J ≤ 0 where the slice reaches past the local centre of curvature (distance 1/κ, κ = √(k1² + k2²),
 * along the curvature direction): there neighbouring slices cross and the same world point appears
 * more than once in the straightened volume. The rule of thumb "slice half-diagonal larger than the
 * local radius of curvature" is the worst case of this: the corner pointing at the centre.
 * (J here is per mm of u, v, s; the per-voxel determinant is J·sx·sy·step, same sign.)
 */
import type { SliceFrame } from './straightenedFrames';
import type { Vec3 } from '../math/vec3';

function dot(a: Vec3, b: Vec3): number {
  return a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
}

/**
 * dT/ds between two unit tangents `ds` mm apart: along T_b − T_a, with the magnitude of the angle
 * between them over ds. That is the central (or one-sided) difference corrected for the chord: exact
 * on a circle whatever the step, where the plain difference under-reads by sin(θ)/θ.
 */
function tangentDerivative(ta: Vec3, tb: Vec3, ds: number): Vec3 {
  const d: Vec3 = [tb[0] - ta[0], tb[1] - ta[1], tb[2] - ta[2]];
  const chord = Math.hypot(d[0], d[1], d[2]);
  if (chord === 0 || !(ds > 0)) return [0, 0, 0];
  // |T_b − T_a| = 2 sin(θ/2).
  const angle = 2 * Math.asin(Math.min(1, chord / 2));
  const f = angle / ds / chord;
  return [d[0] * f, d[1] * f, d[2] * f];
}

/** RMF curvature components per slice: k1 = dT/ds·N, k2 = dT/ds·B (1/mm), central differences of tangents (one-sided at the ends). */
export function frameCurvatures(frames: readonly SliceFrame[]): { k1: Float64Array; k2: Float64Array } {
  const n = frames.length;
  const k1 = new Float64Array(n);
  const k2 = new Float64Array(n);
  if (n < 2) return { k1, k2 };
  for (let k = 0; k < n; k++) {
    const a = frames[Math.max(0, k - 1)]!;
    const b = frames[Math.min(n - 1, k + 1)]!;
    const dT = tangentDerivative(a.tangent, b.tangent, b.arcLength - a.arcLength);
    const x = dot(dT, frames[k]!.normal);
    const y = dot(dT, frames[k]!.binormal);
    // One-sided at the ends, T_b − T_a is perpendicular to the mid-tangent rather than to T_k:
    // keep its direction in the slice plane but its full magnitude.
    const inPlane = Math.hypot(x, y);
    const scale = inPlane > 0 ? Math.hypot(dT[0], dT[1], dT[2]) / inPlane : 0;
    k1[k] = x * scale;
    k2[k] = y * scale;
  }
  return { k1, k2 };
}

function spacingPair(pixelSpacing: number | readonly [number, number]): [number, number] {
  return typeof pixelSpacing === 'number' ? [pixelSpacing, pixelSpacing] : [pixelSpacing[0], pixelSpacing[1]];
}

/**
 * det of d(world)/d(u, v, s) per straightened voxel, for X(s,u,v) = P(s) + u·N(s) + v·B(s):
 * J = 1 − k1·u − k2·v (u, v in mm from the path point); J ≤ 0 is folded.
 * Float32Array cols×rows×slices, column fastest (the straightened volume's layout).
 */
export function jacobianMap(frames: readonly SliceFrame[], size: readonly [number, number], pixelSpacing: number | readonly [number, number]): Float32Array {
  const [columns, rows] = size;
  const [sx, sy] = spacingPair(pixelSpacing);
  const { k1, k2 } = frameCurvatures(frames);
  const out = new Float32Array(columns * rows * frames.length);
  const c0 = (columns - 1) / 2;
  const r0 = (rows - 1) / 2;
  for (let k = 0; k < frames.length; k++) {
    const a = k1[k]!;
    const b = k2[k]!;
    for (let j = 0; j < rows; j++) {
      const base = 1 - b * (j - r0) * sy;
      const offset = columns * (j + rows * k);
      for (let i = 0; i < columns; i++) out[offset + i] = base - a * (i - c0) * sx;
    }
  }
  return out;
}

export interface FoldRegion {
  firstSlice: number;
  lastSlice: number;
  /** Arc lengths of the first and last slice, mm. */
  arcStart: number;
  arcEnd: number;
  /** Smallest radius of curvature 1/κ over the region's slices, mm. */
  minRadiusMm: number;
}

export interface FoldReport {
  foldedVoxels: number;
  totalVoxels: number;
  /** runs of consecutive slices containing folded voxels */
  regions: FoldRegion[];
}

/** Counts J ≤ 0 voxels of a `jacobianMap` and groups the slices holding them into runs. */
export function foldReport(jacobian: Float32Array, frames: readonly SliceFrame[], size: readonly [number, number]): FoldReport {
  const plane = size[0] * size[1];
  if (jacobian.length !== plane * frames.length) {
    throw new Error(`jacobian has ${jacobian.length} values, expected ${size[0]}×${size[1]}×${frames.length}`);
  }
  const { k1, k2 } = frameCurvatures(frames);
  const regions: FoldRegion[] = [];
  let foldedVoxels = 0;
  let open: FoldRegion | undefined;
  for (let k = 0; k < frames.length; k++) {
    let folded = 0;
    const end = (k + 1) * plane;
    for (let n = k * plane; n < end; n++) if (jacobian[n]! <= 0) folded++;
    foldedVoxels += folded;
    if (folded === 0) {
      open = undefined;
      continue;
    }
    const kappa = Math.hypot(k1[k]!, k2[k]!);
    const radius = kappa > 0 ? 1 / kappa : Infinity;
    if (!open) {
      open = { firstSlice: k, lastSlice: k, arcStart: frames[k]!.arcLength, arcEnd: frames[k]!.arcLength, minRadiusMm: radius };
      regions.push(open);
    } else {
      open.lastSlice = k;
      open.arcEnd = frames[k]!.arcLength;
      open.minRadiusMm = Math.min(open.minRadiusMm, radius);
    }
  }
  return { foldedVoxels, totalVoxels: jacobian.length, regions };
}
