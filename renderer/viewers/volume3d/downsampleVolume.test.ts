import { describe, expect, it } from 'vitest';
import { transformPoint } from '../../../shared/math/mat4';
import type { Vec3 } from '../../../shared/math/vec3';
import { axisSpacing, chooseDownsampleFactors, downsampleBlocks, downsampledIjkToLps, MAX_SURFACE_VOXELS } from './downsampleVolume';
import { obliqueIjkToLps } from './testGeometry';

/** A field linear in LPS: its block mean equals its value at the block centre, exactly. */
const field = (p: Vec3): number => 2 * p[0] - p[1] + 0.5 * p[2] + 7;

function fill(dims: Vec3, ijkToLps: number[], array: Float32Array | Int16Array): void {
  for (let k = 0; k < dims[2]; k++)
    for (let j = 0; j < dims[1]; j++)
      for (let i = 0; i < dims[0]; i++) array[i + dims[0] * (j + dims[1] * k)] = field(transformPoint(ijkToLps, [i, j, k]));
}

describe('chooseDownsampleFactors', () => {
  it('halves a 512×512×99 CT in-plane only (0.7 mm pixels, 2.5 mm slices) to fit 8M voxels', () => {
    const f = chooseDownsampleFactors([512, 512, 99], [0.7, 0.7, 2.5]);
    expect(f).toEqual([2, 2, 1]);
    expect(256 * 256 * 99).toBeLessThanOrEqual(MAX_SURFACE_VOXELS);
  });

  it('keeps small volumes at full resolution', () => {
    expect(chooseDownsampleFactors([256, 256, 99], [0.7, 0.7, 2.5])).toEqual([1, 1, 1]);
  });

  it('grows isotropic volumes evenly and stays within the budget', () => {
    const dims: Vec3 = [512, 512, 600];
    const f = chooseDownsampleFactors(dims, [0.5, 0.5, 0.5]);
    const count = Math.floor(512 / f[0]) * Math.floor(512 / f[1]) * Math.floor(600 / f[2]);
    expect(count).toBeLessThanOrEqual(MAX_SURFACE_VOXELS);
    expect(Math.max(...f) - Math.min(...f)).toBeLessThanOrEqual(1);
    // Minimal: one step less on any axis would exceed the budget.
    for (let a = 0; a < 3; a++) {
      if (f[a] === 1) continue;
      const g: Vec3 = [...f];
      g[a] -= 1;
      expect(Math.floor(512 / g[0]) * Math.floor(512 / g[1]) * Math.floor(600 / g[2])).toBeGreaterThan(MAX_SURFACE_VOXELS);
    }
  });

  it('never leaves fewer than two samples along an axis, even for an impossible budget', () => {
    const f = chooseDownsampleFactors([9, 4, 5], [1, 1, 1], 1);
    expect(Math.floor(9 / f[0])).toBeGreaterThanOrEqual(2);
    expect(Math.floor(4 / f[1])).toBeGreaterThanOrEqual(2);
    expect(Math.floor(5 / f[2])).toBeGreaterThanOrEqual(2);
  });
});

describe('downsampleBlocks', () => {
  const dims: Vec3 = [11, 9, 7];
  const ijkToLps = obliqueIjkToLps();

  for (const Kind of [Float32Array, Int16Array] as const) {
    it(`averages whole blocks and places them at the block centres (${Kind.name}, oblique mirrored grid)`, () => {
      const voxels = new Kind(dims[0] * dims[1] * dims[2]);
      fill(dims, ijkToLps, voxels);
      const factors: Vec3 = [2, 3, 2];
      const out = downsampleBlocks({ dimensions: dims, ijkToLps, voxels }, factors);
      expect(out.dimensions).toEqual([5, 3, 3]); // partial blocks dropped
      expect(out.voxels.length).toBe(5 * 3 * 3);
      for (let K = 0; K < 3; K++)
        for (let J = 0; J < 3; J++)
          for (let I = 0; I < 5; I++) {
            // Independent truth 1: the mean of the block's own input values.
            let sum = 0;
            for (let dk = 0; dk < 2; dk++)
              for (let dj = 0; dj < 3; dj++)
                for (let di = 0; di < 2; di++) sum += voxels[I * 2 + di + dims[0] * (J * 3 + dj + dims[1] * (K * 2 + dk))]!;
            const got = out.voxels[I + 5 * (J + 3 * K)]!;
            expect(got).toBeCloseTo(sum / 12, 3);
            // Independent truth 2 (float input only, Int16 rounds): the field at the LPS point the new affine gives.
            if (Kind === Float32Array) expect(got).toBeCloseTo(field(transformPoint(out.ijkToLps, [I, J, K])), 3);
          }
      // Spacing scales with the factors.
      const s = axisSpacing(out.ijkToLps);
      expect(s[0]).toBeCloseTo(1.4, 9);
      expect(s[1]).toBeCloseTo(2.4, 9);
      expect(s[2]).toBeCloseTo(5, 9);
    });
  }

  it('maps the first block to the mean position of its voxels', () => {
    const m = downsampledIjkToLps(ijkToLps, [3, 1, 2]);
    const centre = transformPoint(m, [0, 0, 0]);
    const expected = transformPoint(ijkToLps, [1, 0, 0.5]);
    for (let a = 0; a < 3; a++) expect(centre[a]).toBeCloseTo(expected[a]!, 12);
  });

  it('returns the input untouched for factors [1, 1, 1]', () => {
    const grid = { dimensions: dims, ijkToLps, voxels: new Int16Array(dims[0] * dims[1] * dims[2]) };
    expect(downsampleBlocks(grid, [1, 1, 1])).toBe(grid);
  });
});
