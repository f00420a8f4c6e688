import { describe, expect, it } from 'vitest';
import { invertAffine, transformPoint } from '../../../shared/math/mat4';
import type { Vec3 } from '../../../shared/math/vec3';
import type { VoxelGrid } from '../volume3d/downsampleVolume';
import { obliqueIjkToLps } from '../volume3d/testGeometry';
import { cropAroundPath, lumenBox, lumenGrid, lumenGridOfCrop } from './lumenGrid';

/** A grid whose every voxel holds a value computed from its LPS position. */
function gridOf(dimensions: Vec3, ijkToLps: number[], value: (p: Vec3) => number): VoxelGrid {
  const [nx, ny, nz] = dimensions;
  const voxels = new Float32Array(nx * ny * nz);
  for (let k = 0; k < nz; k++) for (let j = 0; j < ny; j++) for (let i = 0; i < nx; i++) voxels[i + nx * (j + ny * k)] = value(transformPoint(ijkToLps, [i, j, k]));
  return { dimensions, ijkToLps, voxels };
}

/** Distance from p to the segment a–b. */
function segmentDistance(p: Vec3, a: Vec3, b: Vec3): number {
  const ab = [0, 1, 2].map((c) => b[c]! - a[c]!);
  const ap = [0, 1, 2].map((c) => p[c]! - a[c]!);
  const t = Math.min(1, Math.max(0, (ab[0]! * ap[0]! + ab[1]! * ap[1]! + ab[2]! * ap[2]!) / (ab[0]! ** 2 + ab[1]! ** 2 + ab[2]! ** 2)));
  return Math.hypot(ap[0]! - t * ab[0]!, ap[1]! - t * ab[1]!, ap[2]! - t * ab[2]!);
}

const ijkToLps = obliqueIjkToLps();
const dims: Vec3 = [60, 50, 12];
// A value that tells every voxel apart: its own LPS coordinates, mixed.
const signature = (p: Vec3): number => p[0] * 7 + p[1] * 3 - p[2] * 11;
const volume = gridOf(dims, ijkToLps, signature);
const a = transformPoint(ijkToLps, [15, 10, 4]);
const b = transformPoint(ijkToLps, [45, 40, 7]);
const path: Vec3[] = Array.from({ length: 31 }, (_, n) => [0, 1, 2].map((c) => a[c]! + ((b[c]! - a[c]!) * n) / 30) as Vec3);
/** Everything below the threshold is lumen here, so the whole tube is the path's lumen. */
const ALL_LUMEN = { isoValue: 2 ** 29, fill: 2 ** 30 };
const FILL = ALL_LUMEN.fill;

describe('lumen grid', () => {
  it('keeps the volume within the radius of the path (same values at the same LPS point) and fills the rest', () => {
    const radius = 6;
    const grid = lumenGrid({ volume, path, radiusMm: radius, surface: ALL_LUMEN, sigmaMm: 0, voxelMm: 0 })!;
    const [mx, my, mz] = grid.dimensions;
    let kept = 0;
    for (let k = 0; k < mz; k++) {
      for (let j = 0; j < my; j++) {
        for (let i = 0; i < mx; i++) {
          const p = transformPoint(grid.ijkToLps, [i, j, k]);
          const v = grid.voxels[i + mx * (j + my * k)]!;
          const d = segmentDistance(p, a, b);
          // Spheres R/4 apart along the path: the kept tube is within 1 % of R.
          if (d < radius * 0.99) {
            expect(v).toBeCloseTo(signature(p), 2);
            kept++;
          } else if (d > radius) expect(v).toBe(FILL);
        }
      }
    }
    expect(kept).toBeGreaterThan(100);
  });

  it('crops to the box around the path, clamped to the volume', () => {
    const box = lumenBox(volume, path, 6)!;
    const grid = lumenGrid({ volume, path, radiusMm: 6, surface: ALL_LUMEN, sigmaMm: 0, voxelMm: 0 })!;
    expect(grid.dimensions).toEqual(box.map(([lo, hi]) => hi - lo + 1));
    // Sub-grid voxel 0 is volume voxel (box origin).
    const origin = transformPoint(grid.ijkToLps, [0, 0, 0]);
    const expected = transformPoint(ijkToLps, box.map(([lo]) => lo) as Vec3);
    for (let c = 0; c < 3; c++) expect(origin[c]).toBeCloseTo(expected[c]!, 9);
    for (let c = 0; c < 3; c++) {
      expect(box[c]![0]).toBeGreaterThanOrEqual(0);
      expect(box[c]![1]).toBeLessThanOrEqual(dims[c]! - 1);
    }
    // A huge radius takes the whole volume; a path far outside takes none.
    expect(lumenBox(volume, path, 1e4)).toEqual(dims.map((n) => [0, n - 1]));
    expect(lumenBox(volume, [[1e5, 1e5, 1e5]], 5)).toBeNull();
  });

  it('the crop (what the worker is sent) keeps the voxel type and values; preparing the grid leaves it untouched', () => {
    const ints = gridOf(dims, ijkToLps, (p) => Math.round(signature(p)) % 3000);
    const int16: VoxelGrid = { ...ints, voxels: Int16Array.from(ints.voxels) };
    const cropped = cropAroundPath({ volume: int16, path, radiusMm: 6 })!;
    expect(cropped.voxels).toBeInstanceOf(Int16Array);
    const [mx, my, mz] = cropped.dimensions;
    const toIjk = invertAffine(ijkToLps);
    for (let n = 0; n < mx * my * mz; n += 7) {
      const p = transformPoint(cropped.ijkToLps, [n % mx, Math.floor(n / mx) % my, Math.floor(n / (mx * my))]);
      const [i, j, k] = transformPoint(toIjk, p).map(Math.round) as Vec3;
      expect(cropped.voxels[n]).toBe(int16.voxels[i + dims[0] * (j + dims[1] * k)]);
    }
    const copy = Int16Array.from(cropped.voxels);
    const grid = lumenGridOfCrop(cropped, { path, radiusMm: 6, surface: ALL_LUMEN, sigmaMm: 1, voxelMm: 0 });
    expect(cropped.voxels).toEqual(copy);
    expect(grid.voxels).toEqual(lumenGrid({ volume: int16, path, radiusMm: 6, surface: ALL_LUMEN, sigmaMm: 1, voxelMm: 0 })!.voxels);
  });

  it('smoothing keeps a constant field and a linear ramp (inside), and lowers noise', () => {
    const flat = lumenGrid({ volume: gridOf(dims, ijkToLps, () => 40), path, radiusMm: 1e4, surface: ALL_LUMEN, sigmaMm: 1.5, voxelMm: 0 })!;
    for (const v of flat.voxels) expect(v).toBeCloseTo(40, 3);

    let seed = 7;
    const noise = (): number => {
      seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
      return seed / 2 ** 32 - 0.5;
    };
    const noisy = gridOf(dims, ijkToLps, () => 100 + 160 * noise());
    const smooth = lumenGrid({ volume: noisy, path, radiusMm: 1e4, surface: ALL_LUMEN, sigmaMm: 1.5, voxelMm: 0 })!;
    const sd = (xs: ArrayLike<number>): number => {
      const list = Array.from(xs);
      const mean = list.reduce((s, x) => s + x, 0) / list.length;
      return Math.sqrt(list.reduce((s, x) => s + (x - mean) ** 2, 0) / list.length);
    };
    // σ 1.5 mm over 0.7 × 0.8 mm pixels averages ~20 voxels in-plane (the 2.5 mm slices are left alone).
    expect(sd(smooth.voxels)).toBeLessThan(sd(noisy.voxels) / 3);
  });

  it('keeps only the lumen the path runs through: another lumen is filled, a speck inside is cleared', () => {
    // 1 mm voxels; soft tissue (40 HU) with two air tubes along z, 16 mm apart, and one tissue voxel inside the first.
    const box: Vec3 = [40, 40, 30];
    const axial = [1, 0, 0, -20, 0, 1, 0, -20, 0, 0, 1, 0, 0, 0, 0, 1];
    const TUBE_A: [number, number] = [-8, 0];
    const TUBE_B: [number, number] = [8, 0];
    const SPECK: Vec3 = [-8, 0, 15];
    const inTube = (p: Vec3, c: [number, number]): boolean => Math.hypot(p[0] - c[0], p[1] - c[1]) <= 4;
    const isSpeck = (p: Vec3): boolean => Math.hypot(p[0] - SPECK[0], p[1] - SPECK[1], p[2] - SPECK[2]) < 0.5;
    const body = gridOf(box, axial, (p) => (isSpeck(p) ? 40 : inTube(p, TUBE_A) || inTube(p, TUBE_B) ? -1000 : 40));
    const surface = { isoValue: -600, fill: -100 };
    const along: Vec3[] = [[TUBE_A[0], TUBE_A[1], 0], [TUBE_A[0], TUBE_A[1], 29]];
    // The tube around the path (20 mm) takes in both air tubes.
    const grid = lumenGrid({ volume: body, path: along, radiusMm: 20, surface, sigmaMm: 0, voxelMm: 0 })!;
    const [mx, my] = grid.dimensions;
    const valueAt = (p: Vec3): number => {
      const [i, j, k] = transformPoint(invertAffine(grid.ijkToLps), p).map(Math.round) as Vec3;
      return grid.voxels[i + mx * (j + my * k)]!;
    };
    expect(valueAt([-8, 2, 5])).toBe(-1000); // the path's tube stays air
    expect(valueAt(SPECK)).toBeLessThan(surface.isoValue); // the speck is cleared: no floating surface
    expect(valueAt([8, 2, 5])).toBe(surface.fill); // the other tube is wall now: no second surface
    expect(valueAt([0, 10, 5])).toBe(40); // tissue between them is untouched
  });

  it('merges voxels finer than voxelMm into block means first', () => {
    const fine = gridOf([40, 40, 10], [0.5, 0, 0, 0, 0, 0.5, 0, 0, 0, 0, 2, 0, 0, 0, 0, 1], (p) => p[0]);
    const grid = lumenGrid({ volume: fine, path: [[10, 10, 0], [10, 10, 18]], radiusMm: 1e4, surface: ALL_LUMEN, sigmaMm: 0, voxelMm: 1 })!;
    expect(grid.dimensions).toEqual([20, 20, 10]);
    // Block (0, 0, 0) is the mean of x = 0 and 0.5, centred at x = 0.25.
    expect(transformPoint(grid.ijkToLps, [0, 0, 0])[0]).toBeCloseTo(0.25, 9);
    expect(grid.voxels[0]).toBeCloseTo(0.25, 6);
  });
});
