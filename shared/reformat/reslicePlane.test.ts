import { describe, expect, it } from 'vitest';
import { reslicePlane, sampleVolume, type VoxelGrid } from './reslicePlane';

/** f(i, j, k) = 3i − 2j + 5k + 7: trilinear interpolation reproduces a linear field exactly. */
const linear = (i: number, j: number, k: number): number => 3 * i - 2 * j + 5 * k + 7;

function linearGrid(nx: number, ny: number, nz: number): VoxelGrid {
  const voxels = new Float32Array(nx * ny * nz);
  for (let k = 0; k < nz; k++) for (let j = 0; j < ny; j++) for (let i = 0; i < nx; i++) voxels[i + nx * (j + ny * k)] = linear(i, j, k);
  return { dimensions: [nx, ny, nz], voxels };
}

describe('reslicePlane', () => {
  const grid = linearGrid(20, 16, 12);

  it('reproduces a linear field exactly on an oblique plane (trilinear)', () => {
    // Columns step along (0.6, 0.3, 0.2), rows along (−0.1, 0.5, 0.4), from (2.2, 1.7, 1.1).
    const sliceToIjk = [0.6, -0.1, 0, 2.2, 0.3, 0.5, 0, 1.7, 0.2, 0.4, 0, 1.1, 0, 0, 0, 1];
    const { pixels, inside } = reslicePlane(grid, { columns: 20, rows: 15, sliceToIjk, interpolation: 'linear', background: -1000 });
    expect(inside).toBe(300);
    for (let r = 0; r < 15; r++) {
      for (let c = 0; c < 20; c++) {
        const i = 2.2 + 0.6 * c - 0.1 * r;
        const j = 1.7 + 0.3 * c + 0.5 * r;
        const k = 1.1 + 0.2 * c + 0.4 * r;
        expect(pixels[c + 20 * r]).toBeCloseTo(linear(i, j, k), 3);
      }
    }
  });

  it('stepping whole voxels along rows (orthogonal views), reproduces the linear field, edges included', () => {
    // Columns step −1 in i from i = 21 (two columns fall outside), rows step 0.37 in k; j = 3.25 throughout.
    const sliceToIjk = [-1, 0, 0, 21, 0, 0, 0, 3.25, 0, 0.37, 0, -0.4, 0, 0, 0, 1];
    const mask = new Uint8Array(24 * 34);
    const { pixels, inside } = reslicePlane(grid, { columns: 24, rows: 34, sliceToIjk, interpolation: 'linear', background: -1, mask });
    for (let r = 0; r < 34; r++) {
      for (let c = 0; c < 24; c++) {
        const i = 21 - c;
        const k = -0.4 + 0.37 * r;
        const isInside = i >= -0.5 && i <= 19.5 && k >= -0.5 && k <= 11.5;
        expect(mask[c + 24 * r], `mask (${c}, ${r})`).toBe(isInside ? 1 : 0);
        // Inside the outer half voxel the value clamps to the edge voxel.
        const expected = isInside ? linear(Math.min(19, Math.max(0, i)), 3.25, Math.min(11, Math.max(0, k))) : -1;
        expect(pixels[c + 24 * r], `pixel (${c}, ${r})`).toBeCloseTo(expected, 3);
      }
    }
    expect(inside).toBe(Array.from(mask).filter((x) => x === 1).length);
  });

  it('whole-voxel rows between voxel planes on two or three axes give the point sampler’s values bit for bit (any field)', () => {
    const [nx, ny, nz] = [20, 16, 12];
    const voxels = new Int16Array(nx * ny * nz).map((_, n) => ((n * 7919) % 2001) - 1000);
    const noisy: VoxelGrid = { dimensions: [nx, ny, nz], voxels };
    // Coronal-like rows (whole steps in i) through j = 5.3 and k = 0.8 + 0.61·r; then also i starting at 2.45.
    for (const i0 of [0, 2.45]) {
      const sliceToIjk = [1, 0, 0, i0, 0, 0, 0, 5.3, 0, 0.61, 0, 0.8, 0, 0, 0, 1];
      const { pixels } = reslicePlane(noisy, { columns: 17, rows: 16, sliceToIjk, interpolation: 'linear', background: NaN });
      for (let r = 0; r < 16; r++) {
        for (let c = 0; c < 17; c++) {
          const expected = Math.fround(sampleVolume(noisy, [i0 + c, 5.3, 0.8 + 0.61 * r], 'linear'));
          expect(pixels[c + 17 * r], `pixel (${c}, ${r}), i0 ${i0}`).toBe(Number.isNaN(expected) ? NaN : expected);
        }
      }
    }
  });

  it('on a plane through voxel centres, linear returns the voxel values themselves', () => {
    // Columns step −1 in j, rows +2 in i, at slice k = 5: every pixel is a voxel centre.
    const sliceToIjk = [0, 2, 0, 1, -1, 0, 0, 15, 0, 0, 0, 5, 0, 0, 0, 1];
    const { pixels } = reslicePlane(grid, { columns: 16, rows: 9, sliceToIjk, interpolation: 'linear', background: NaN });
    expect(pixels[3 + 16 * 4]).toBe(linear(1 + 2 * 4, 15 - 3, 5));
    expect(pixels[15 + 16 * 8]).toBe(linear(17, 0, 5));
  });

  it('cubic passes through voxel values and reproduces a quadratic field away from the edges', () => {
    expect(sampleVolume(grid, [4, 5, 6], 'cubic')).toBeCloseTo(linear(4, 5, 6), 9);
    // Catmull-Rom reproduces polynomials up to degree 2 in each axis.
    const nx = 16;
    const q = (i: number, j: number, k: number): number => 0.5 * i * i - 3 * j * k + k * k + 2;
    const voxels = new Float32Array(nx * nx * nx);
    for (let k = 0; k < nx; k++) for (let j = 0; j < nx; j++) for (let i = 0; i < nx; i++) voxels[i + nx * (j + nx * k)] = q(i, j, k);
    const quadratic = { dimensions: [nx, nx, nx] as const, voxels };
    for (const p of [[5.3, 7.71, 8.2], [2.5, 2.5, 12.9], [10.01, 3.99, 4.5]] as const) expect(sampleVolume(quadratic, p, 'cubic')).toBeCloseTo(q(p[0], p[1], p[2]), 3);
  });

  it('nearest takes the voxel whose centre is closest', () => {
    expect(sampleVolume(grid, [3.4, 7.6, 2.49], 'nearest')).toBe(linear(3, 8, 2));
    expect(sampleVolume(grid, [19.4, 15.4, 11.4], 'nearest')).toBe(linear(19, 15, 11));
    expect(sampleVolume(grid, [-0.4, 0, 0], 'nearest')).toBe(linear(0, 0, 0));
  });

  it('marks pixels outside [−0.5, n − 0.5] with the background and a 0 in the mask', () => {
    // One row along i from −2 to 21: indices −2, −1 and 20, 21 fall outside.
    const sliceToIjk = [1, 0, 0, -2, 0, 1, 0, 3, 0, 0, 0, 4, 0, 0, 0, 1];
    const mask = new Uint8Array(24);
    const { pixels, inside } = reslicePlane(grid, { columns: 24, rows: 1, sliceToIjk, interpolation: 'linear', background: -2048, mask });
    expect(inside).toBe(20);
    expect([pixels[0], pixels[1], pixels[22], pixels[23]]).toEqual([-2048, -2048, -2048, -2048]);
    expect(Array.from(mask)).toEqual([0, 0, ...new Array<number>(20).fill(1), 0, 0]);
    expect(pixels[2]).toBe(linear(0, 3, 4));
    expect(pixels[21]).toBe(linear(19, 3, 4));
  });

  it('clamps to the edge voxel within the outer half voxel, and handles a single-slice volume', () => {
    expect(sampleVolume(grid, [-0.5, 2, 3], 'linear')).toBeCloseTo(linear(0, 2, 3), 4);
    expect(sampleVolume(grid, [19.5, 2, 3], 'linear')).toBeCloseTo(linear(19, 2, 3), 4);
    const flat = linearGrid(5, 4, 1);
    expect(sampleVolume(flat, [1.5, 2.25, 0.3], 'linear')).toBeCloseTo(linear(1.5, 2.25, 0), 4);
    expect(sampleVolume(flat, [1.5, 2.25, 0.6], 'linear')).toBeNaN();
  });

  it('samples oblique rows lying exactly on the last slice, or in a single-slice volume (no neighbour beyond)', () => {
    // Rows step obliquely in i and j but keep k fixed: on k = 11 (the last slice) the
    // unchecked row loop would read a slice that does not exist.
    for (const [volume, k] of [[grid, 11], [linearGrid(20, 16, 1), 0]] as const) {
      const sliceToIjk = [0.7, 0.1, 0, 1.3, 0.2, 0.8, 0, 1.4, 0, 0, 1, k, 0, 0, 0, 1];
      const { pixels, inside } = reslicePlane(volume, { columns: 12, rows: 10, sliceToIjk, interpolation: 'linear', background: -1000 });
      expect(inside).toBe(120);
      for (let r = 0; r < 10; r++) {
        for (let c = 0; c < 12; c++) expect(pixels[c + 12 * r], `k ${k} pixel (${c}, ${r})`).toBeCloseTo(linear(1.3 + 0.7 * c + 0.1 * r, 1.4 + 0.2 * c + 0.8 * r, k), 3);
      }
    }
  });

  it('rejects an output buffer that is too small', () => {
    expect(() => reslicePlane(grid, { columns: 4, rows: 4, sliceToIjk: [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1], interpolation: 'nearest', background: 0, out: new Float32Array(8) })).toThrow(RangeError);
  });
});
