/**
 * Block-average downsampling of a volume for marching cubes, which is linear in the
 * voxel count and runs in plain JS: a budget of ~8M voxels keeps it under a second.
 * Only whole blocks are kept, so every output voxel is the mean of exactly
 * fi·fj·fk input voxels and sits at their centre: geometry stays exact.
 */
import type { Vec3 } from '../../../shared/math/vec3';

export interface VoxelGrid {
  /** [columns, rows, slices]. */
  dimensions: Vec3;
  /** (i, j, k, 1) → LPS mm, row-major 4x4. */
  ijkToLps: number[];
  /** Column fastest, then row, then slice. */
  voxels: Int16Array | Float32Array;
}

/** Default budget: 256×256×99 (6.5M voxels) takes ~0.6 s in Node. */
export const MAX_SURFACE_VOXELS = 8_000_000;

function axisLength(m: readonly number[], c: number): number {
  return Math.hypot(m[c]!, m[4 + c]!, m[8 + c]!);
}

/**
 * Integer block sizes per axis so that the whole-block grid has at most `maxVoxels`.
 * Grows the block along the axis whose effective voxel size is finest first, so thin
 * in-plane pixels are merged before thick slices and the result stays near-isotropic.
 */
export function chooseDownsampleFactors(dimensions: readonly number[], spacing: readonly number[], maxVoxels = MAX_SURFACE_VOXELS): Vec3 {
  const f: Vec3 = [1, 1, 1];
  const count = (): number => Math.floor(dimensions[0]! / f[0]) * Math.floor(dimensions[1]! / f[1]) * Math.floor(dimensions[2]! / f[2]);
  while (count() > maxVoxels) {
    let best = -1;
    for (let c = 0; c < 3; c++) {
      // Marching cubes needs at least two samples along each axis.
      if (Math.floor(dimensions[c]! / (f[c] + 1)) < 2) continue;
      if (best < 0 || spacing[c]! * f[c] < spacing[best]! * f[best]!) best = c;
    }
    if (best < 0) break;
    f[best] += 1;
  }
  return f;
}

/** The grid geometry after `factors`: block (I, J, K) sits at input index f·I + (f − 1)/2. */
export function downsampledIjkToLps(ijkToLps: readonly number[], factors: readonly number[]): number[] {
  const m = ijkToLps;
  const out = [...m];
  for (let r = 0; r < 3; r++) {
    for (let c = 0; c < 3; c++) out[4 * r + c] = m[4 * r + c]! * factors[c]!;
    out[4 * r + 3] = m[4 * r + 3]! + m[4 * r]! * ((factors[0]! - 1) / 2) + m[4 * r + 1]! * ((factors[1]! - 1) / 2) + m[4 * r + 2]! * ((factors[2]! - 1) / 2);
  }
  return out;
}

/** Mean of each whole fi×fj×fk block; factors [1, 1, 1] returns the input untouched. */
export function downsampleBlocks(grid: VoxelGrid, factors: readonly number[]): VoxelGrid {
  const [fi, fj, fk] = factors as Vec3;
  if (fi === 1 && fj === 1 && fk === 1) return grid;
  const [nx, ny] = grid.dimensions;
  const out: Vec3 = [Math.floor(grid.dimensions[0] / fi), Math.floor(grid.dimensions[1] / fj), Math.floor(grid.dimensions[2] / fk)];
  const [ox, oy, oz] = out;
  const sums = new Float32Array(ox * oy * oz);
  const src = grid.voxels;
  const slice = nx * ny;
  // Walk the input in memory order (cache friendly) and scatter into block sums.
  const rowSums = new Float64Array(ox);
  for (let K = 0; K < oz; K++) {
    for (let J = 0; J < oy; J++) {
      rowSums.fill(0);
      for (let dk = 0; dk < fk; dk++) {
        for (let dj = 0; dj < fj; dj++) {
          const base = (K * fk + dk) * slice + (J * fj + dj) * nx;
          for (let I = 0, i = 0; I < ox; I++) {
            let s = 0;
            for (let di = 0; di < fi; di++, i++) s += src[base + i]!;
            rowSums[I] += s;
          }
        }
      }
      const at = (K * oy + J) * ox;
      const norm = 1 / (fi * fj * fk);
      for (let I = 0; I < ox; I++) sums[at + I] = rowSums[I]! * norm;
    }
  }
  return { dimensions: out, ijkToLps: downsampledIjkToLps(grid.ijkToLps, factors), voxels: sums };
}

/** Spacing (mm) of each index axis of an affine. */
export function axisSpacing(ijkToLps: readonly number[]): Vec3 {
  return [axisLength(ijkToLps, 0), axisLength(ijkToLps, 1), axisLength(ijkToLps, 2)];
}
