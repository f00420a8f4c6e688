import { afterAll, describe, expect, it } from 'vitest';
import type { Mat4 } from '../../shared/math/mat4';
import type { Interpolation } from '../../shared/reformat/reslicePlane';
import { straightenSlices } from '../../shared/reformat/straighten';
import { resliceModule } from '../../shared/reformat/wasm/wasmVolume';
import { straighteningMemoryBytes } from '../../shared/reformat/straighteningMemory';
import { straightenVolume } from './ReformatService';
import type { LoadedVolume } from './VolumeService';
import { WorkerPool } from './WorkerPool';

/** A CT-like volume on a rotated, anisotropic grid; integer values unless `fraction`. */
function phantom(fraction = 0): LoadedVolume {
  const dimensions: [number, number, number] = [48, 44, 30];
  const [nx, ny, nz] = dimensions;
  const voxels = new Float32Array(new SharedArrayBuffer(4 * nx * ny * nz));
  for (let k = 0; k < nz; k++) {
    for (let j = 0; j < ny; j++) {
      for (let i = 0; i < nx; i++) voxels[i + nx * (j + ny * k)] = Math.round(1200 * Math.sin(i / 4) * Math.cos(j / 5) + 700 * Math.sin(k / 3) + ((i * 7 + j * 13 + k * 29) % 17)) + fraction;
    }
  }
  const c = Math.cos(0.3);
  const s = Math.sin(0.3);
  const ijkToLps = [0.8 * c, -0.8 * s, 0, -20, 0.8 * s, 0.8 * c, 0, -15, 0, 0, 1.5, -22, 0, 0, 0, 1];
  return { seriesUid: '1.2.3', modality: 'CT', dimensions, spacing: [0.8, 0.8, 1.5], ijkToLps, range: [-2000, 2000], voxels };
}

/** Planes along a helix through the volume, tilted every which way, some leaving it. */
function planes(count: number): Mat4[] {
  return Array.from({ length: count }, (_, n) => {
    const a = n * 0.21;
    const t = [Math.cos(a) * 0.5, Math.sin(a) * 0.5, 0.7];
    const tl = Math.hypot(...t);
    const tangent = t.map((x) => x / tl);
    const u = [-tangent[1]!, tangent[0]!, 0];
    const ul = Math.hypot(...u);
    const normal = u.map((x) => x / ul);
    const binormal = [tangent[1]! * normal[2]! - tangent[2]! * normal[1]!, tangent[2]! * normal[0]! - tangent[0]! * normal[2]!, tangent[0]! * normal[1]! - tangent[1]! * normal[0]!];
    const centre = [8 * Math.cos(a), 8 * Math.sin(a), -18 + n * 0.9];
    const spacing = 0.7;
    const origin = centre.map((x, i) => x - 20 * spacing * normal[i]! - 17 * spacing * binormal[i]!);
    return [normal[0]! * spacing, binormal[0]! * spacing, tangent[0]!, origin[0]!, normal[1]! * spacing, binormal[1]! * spacing, tangent[1]!, origin[1]!, normal[2]! * spacing, binormal[2]! * spacing, tangent[2]!, origin[2]!, 0, 0, 0, 1];
  });
}

describe('straightenVolume', () => {
  const pool = new WorkerPool({ size: 2 });
  afterAll(() => pool.destroy());
  const geometry = { columns: 41, rows: 35, spacing: 0.7 };
  const sliceToWorld = planes(50);

  async function compare(volume: LoadedVolume, interpolation: Interpolation) {
    const ours = await straightenVolume(pool, volume, sliceToWorld, 2 ** 30, { ...geometry, interpolation, background: -3024 });
    const count = geometry.columns * geometry.rows * sliceToWorld.length;
    const out = new Float32Array(count);
    const mask = new Uint8Array(count);
    const inside = straightenSlices({ grid: volume, ijkToLps: volume.ijkToLps, sliceToWorld, ...geometry, interpolation, background: -3024, out, mask });
    let worst = 0;
    let maskDiffers = 0;
    for (let n = 0; n < count; n++) {
      worst = Math.max(worst, Math.abs(ours.voxels[n]! - out[n]!));
      if (ours.mask[n] !== mask[n]) maskDiffers++;
    }
    return { ours, inside, worst, maskDiffers, count };
  }

  it('gives the TypeScript kernel’s volume from the workers: nearest bit for bit, linear within 2^-20 of the voxel magnitude, cubic exactly', async () => {
    for (const volume of [phantom(), phantom(0.25)]) {
      for (const interpolation of ['nearest', 'linear', 'cubic'] as const) {
        const { ours, inside, worst, maskDiffers, count } = await compare(volume, interpolation);
        const label = `${interpolation}, ${volume.voxels[0]! % 1 === 0 ? 'integer' : 'fractional'} voxels`;
        expect(ours.voxels.length, label).toBe(count);
        expect(ours.inside, label).toBe(inside);
        expect(inside, label).toBeGreaterThan(0.3 * count);
        expect(inside, label).toBeLessThan(count);
        expect(maskDiffers, label).toBe(0);
        expect(worst, label).toBeLessThanOrEqual(interpolation === 'linear' ? 2 ** -20 * 2000 : 0);
        // Float32 blends round differently from float64 ones somewhere: the workers did use the SIMD sampler.
        if (interpolation === 'linear' && resliceModule()) expect(worst, label).toBeGreaterThan(0);
      }
    }
  });

  it('stops when cancelled while the volume is still being copied in, and serves the next call', async () => {
    const controller = new AbortController();
    const pending = straightenVolume(pool, phantom(), sliceToWorld, 2 ** 30, { ...geometry, interpolation: 'linear', background: -3024, signal: controller.signal });
    controller.abort();
    await expect(pending).rejects.toMatchObject({ code: 'cancelled' });
    const { worst, maskDiffers } = await compare(phantom(), 'linear');
    expect(maskDiffers).toBe(0);
    expect(worst).toBeLessThanOrEqual(2 ** -20 * 2000);
  });

  it('keeps the output where the SIMD sampler wrote it: views of one shared memory, values then mask', async () => {
    const ours = await straightenVolume(pool, phantom(), sliceToWorld, 2 ** 30, { ...geometry, interpolation: 'linear', background: -3024 });
    expect(ours.voxels.buffer).toBeInstanceOf(SharedArrayBuffer);
    if (resliceModule()) {
      expect(ours.mask.buffer).toBe(ours.voxels.buffer);
      expect(ours.mask.byteOffset).toBe(ours.voxels.byteOffset + ours.voxels.byteLength);
    }
  });

  it('refuses, before allocating, work whose output and volume copy exceed the budget, and runs at exactly the budget', async () => {
    const volume = phantom();
    const need = straighteningMemoryBytes({ ...geometry, slices: sliceToWorld.length, volumeVoxels: 48 * 44 * 30, interpolation: 'linear' });
    // The volume's copy counts: the output alone would fit.
    expect(need).toBe(5 * 41 * 35 * 50 + 4 * 48 * 44 * 30);
    const refused = straightenVolume(pool, volume, sliceToWorld, need - 1, { ...geometry, interpolation: 'linear', background: -3024 });
    await expect(refused).rejects.toMatchObject({ code: 'too-large', message: expect.stringMatching(/41×35×50\) needs .* more than the .* Lumen may use here/) });
    const fits = await straightenVolume(pool, volume, sliceToWorld, need, { ...geometry, interpolation: 'linear', background: -3024 });
    expect(fits.voxels.length).toBe(41 * 35 * 50);
    // Cubic makes no copy: the output alone is counted.
    expect(straighteningMemoryBytes({ ...geometry, slices: 50, volumeVoxels: 48 * 44 * 30, interpolation: 'cubic' })).toBe(5 * 41 * 35 * 50);
  });

  it('a released output’s memory serves the next straightening of the same volume (same values), and only then', async () => {
    const volume = phantom();
    const options = { ...geometry, interpolation: 'linear' as const, background: -3024 };
    const first = await straightenVolume(pool, volume, sliceToWorld, 2 ** 30, options);
    const expected = Float32Array.from(first.voxels);
    const expectedMask = Uint8Array.from(first.mask);
    // Not released: the next call gets memory of its own.
    const second = await straightenVolume(pool, volume, sliceToWorld, 2 ** 30, options);
    expect(second.voxels.buffer).not.toBe(first.voxels.buffer);
    second.release();
    // Released: reused, the volume's copy kept, every value and mask byte rewritten the same.
    second.voxels.fill(12345);
    second.mask.fill(7);
    const third = await straightenVolume(pool, volume, sliceToWorld, 2 ** 30, options);
    if (resliceModule()) expect(third.voxels.buffer).toBe(second.voxels.buffer);
    expect(third.voxels).toEqual(expected);
    expect(third.mask).toEqual(expectedMask);
    third.release();
    // Another volume (new voxels, same grid) reuses the memory but copies its own voxels in.
    const shifted = phantom(0.25);
    const fourth = await straightenVolume(pool, shifted, sliceToWorld.slice(0, 20), 2 ** 30, options);
    if (resliceModule()) expect(fourth.voxels.buffer).toBe(third.voxels.buffer);
    const count = 41 * 35 * 20;
    for (let n = 0; n < count; n += 97) if (fourth.mask[n]) expect(Math.abs(fourth.voxels[n]! - expected[n]! - 0.25)).toBeLessThan(1e-3);
    fourth.release();
    // A larger output than the spare holds gets fresh memory.
    const larger = await straightenVolume(pool, volume, [...sliceToWorld, ...sliceToWorld], 2 ** 30, options);
    expect(larger.voxels.buffer).not.toBe(fourth.voxels.buffer);
    expect(larger.voxels.subarray(0, expected.length)).toEqual(expected);
  });
});
