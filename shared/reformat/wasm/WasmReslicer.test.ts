import { describe, expect, it } from 'vitest';
import { reslicePlane, type Interpolation, type VoxelGrid } from '../reslicePlane';
import { WasmReslicer } from './WasmReslicer';
import { allocateWasmVolume, awaitWasmVolume, createWasmVolume, fillWasmVolume, MAX_SLOTS, voxelTypeOf, wasmVolumeFiller, type WasmVolume } from './wasmVolume';

/** Deterministic [0, 1) numbers (mulberry32), so a failure can be replayed. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** CT-like values: smooth blobs plus noise, integers in [−1024, 3071] (or not, with `fraction`). */
function ctGrid(dimensions: [number, number, number], seed: number, fraction = 0): VoxelGrid & { voxels: Float32Array } {
  const [nx, ny, nz] = dimensions;
  const rnd = random(seed);
  const voxels = new Float32Array(new SharedArrayBuffer(4 * nx * ny * nz));
  for (let k = 0; k < nz; k++) {
    for (let j = 0; j < ny; j++) {
      for (let i = 0; i < nx; i++) {
        const smooth = 1500 * Math.sin(i / 3) * Math.cos(j / 4) + 900 * Math.sin(k / 2);
        voxels[i + nx * (j + ny * k)] = Math.max(-1024, Math.min(3071, Math.round(smooth + 400 * (rnd() - 0.5)))) + fraction;
      }
    }
  }
  return { dimensions, voxels };
}

/** A random plane: orthonormal in-plane axes scaled by a random pixel size, centred near the volume. */
function randomPlane(rnd: () => number, dims: readonly number[], columns: number, rows: number): number[] {
  const a = [rnd() - 0.5, rnd() - 0.5, rnd() - 0.5];
  const la = Math.hypot(a[0]!, a[1]!, a[2]!);
  const u = a.map((x) => x / la);
  const b = [rnd() - 0.5, rnd() - 0.5, rnd() - 0.5];
  const dot = b[0]! * u[0]! + b[1]! * u[1]! + b[2]! * u[2]!;
  const w = b.map((x, n) => x - dot * u[n]!);
  const lw = Math.hypot(w[0]!, w[1]!, w[2]!);
  const v = w.map((x) => x / lw);
  const size = 0.25 + 0.75 * rnd();
  // The centre wanders up to a fifth of the volume beyond its faces: planes cross the edges.
  const centre = dims.map((n) => (n - 1) / 2 + (rnd() - 0.5) * 1.4 * n);
  const origin = centre.map((c, n) => c - ((columns - 1) / 2) * size * u[n]! - ((rows - 1) / 2) * size * v[n]!);
  return [size * u[0]!, size * v[0]!, 0, origin[0]!, size * u[1]!, size * v[1]!, 0, origin[1]!, size * u[2]!, size * v[2]!, 0, origin[2]!, 0, 0, 0, 1];
}

function both(grid: VoxelGrid, volume: WasmVolume, sliceToIjk: number[], columns: number, rows: number, interpolation: Interpolation) {
  const options = { columns, rows, sliceToIjk, interpolation, background: -3024 };
  const tsMask = new Uint8Array(columns * rows);
  const ts = reslicePlane(grid, { ...options, mask: tsMask });
  const reslicer = WasmReslicer.attach(volume)!;
  try {
    const wasmMask = new Uint8Array(columns * rows);
    const wasm = reslicer.reslicePlane({ ...options, mask: wasmMask });
    return { ts, tsMask, wasm, wasmMask };
  } finally {
    reslicer.release();
  }
}

/** How many entries differ (typed arrays of a million entries are slow to deep-compare). */
function differing(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let count = 0;
  for (let n = 0; n < a.length; n++) if (!Object.is(a[n], b[n])) count++;
  return count + Math.abs(a.length - b.length);
}

function maxDifference(a: Float32Array, b: Float32Array): number {
  let worst = 0;
  for (let n = 0; n < a.length; n++) worst = Math.max(worst, Math.abs(a[n]! - b[n]!));
  return worst;
}

/** Largest |voxel|: the trilinear float32 blend is within a few float32 ulps of it. */
const maxMagnitude = (voxels: Float32Array): number => voxels.reduce((m, x) => Math.max(m, Math.abs(x)), 0);
const LINEAR_TOLERANCE = 2 ** -20;

describe('createWasmVolume', () => {
  it('keeps integer volumes as int16 and the others as float32, with their values', () => {
    const integer = ctGrid([9, 8, 7], 1);
    const int16 = createWasmVolume(integer)!;
    expect(voxelTypeOf(int16)).toBe('int16');
    expect(Array.from(new Int16Array(int16.memory.buffer, int16.voxelOffset, 9 * 8 * 7))).toEqual(Array.from(integer.voxels));
    for (const spoil of [0.5, 40000, -40000, NaN]) {
      const grid = ctGrid([9, 8, 7], 1);
      grid.voxels[9 * 8 * 7 - 3] = spoil; // near the end: after the SIMD blocks, in the scalar tail
      const wasm = createWasmVolume(grid)!;
      expect(voxelTypeOf(wasm), `with ${spoil}`).toBe('float32');
      expect(Array.from(new Float32Array(wasm.memory.buffer, wasm.voxelOffset, 9 * 8 * 7))).toEqual(Array.from(grid.voxels));
    }
  });

  it('copies a volume larger than one step in several, either way (lossy only in its last block)', () => {
    const dims: [number, number, number] = [128, 128, 70];
    const count = 128 * 128 * 70;
    const integer = ctGrid(dims, 6);
    let steps = 0;
    const int16 = allocateWasmVolume(dims)!;
    const fill = wasmVolumeFiller(int16, integer.voxels);
    while (fill()) steps++;
    expect(steps).toBeGreaterThanOrEqual(4);
    expect(voxelTypeOf(int16)).toBe('int16');
    expect(differing(new Int16Array(int16.memory.buffer, int16.voxelOffset, count), integer.voxels)).toBe(0);
    const lossy = ctGrid(dims, 6);
    lossy.voxels[count - 1] = 0.5;
    const float32 = createWasmVolume(lossy)!;
    expect(voxelTypeOf(float32)).toBe('float32');
    expect(differing(new Float32Array(float32.memory.buffer, float32.voxelOffset, count), lossy.voxels)).toBe(0);
  });
});

describe('allocateWasmVolume, fillWasmVolume, awaitWasmVolume', () => {
  it('publishes the copy: pending (no sampler yet), then ready; failed or late copies give null', () => {
    const grid = ctGrid([12, 10, 9], 2);
    const volume = allocateWasmVolume(grid.dimensions, { outputBytes: 4096 })!;
    expect(voxelTypeOf(volume)).toBe('pending');
    expect(WasmReslicer.attach(volume)).toBeNull();
    // The waiter works meanwhile (here it is also the one that fills), then sees the result.
    let calls = 0;
    expect(awaitWasmVolume(volume, () => (calls++ === 0 ? (fillWasmVolume(volume, grid.voxels), true) : false))).toBe('int16');
    expect(calls).toBeGreaterThanOrEqual(1);
    const reslicer = WasmReslicer.attach(volume);
    expect(reslicer).not.toBeNull();
    reslicer!.release();

    const failing = allocateWasmVolume(grid.dimensions)!;
    expect(() => fillWasmVolume(failing, new Float32Array(5))).toThrow(RangeError);
    expect(voxelTypeOf(failing)).toBe('failed');
    expect(awaitWasmVolume(failing)).toBeNull();

    const never = allocateWasmVolume(grid.dimensions)!;
    const started = performance.now();
    expect(awaitWasmVolume(never, () => false, 50)).toBeNull();
    expect(performance.now() - started).toBeLessThan(2000);
  });
});

describe('WasmReslicer', () => {
  const dims: [number, number, number] = [31, 27, 19];
  const integer = ctGrid(dims, 7);
  const fractional = ctGrid(dims, 7, 0.37);
  const volumes = [
    { name: 'int16', grid: integer, volume: createWasmVolume(integer)! },
    { name: 'float32', grid: fractional, volume: createWasmVolume(fractional)! },
  ];

  it('nearest: bit-identical to reslicePlane on random planes through and beyond the volume', () => {
    const rnd = random(11);
    for (const { name, grid, volume } of volumes) {
      for (let p = 0; p < 40; p++) {
        const plane = randomPlane(rnd, dims, 31, 27);
        const { ts, tsMask, wasm, wasmMask } = both(grid, volume, plane, 31, 27, 'nearest');
        expect(wasm.inside, `${name} plane ${p}`).toBe(ts.inside);
        expect(differing(wasm.pixels, ts.pixels), `${name} plane ${p}`).toBe(0);
        expect(differing(wasmMask, tsMask), `${name} plane ${p}`).toBe(0);
      }
    }
  });

  it('linear: the same mask, and values within 2^-20 of the largest voxel magnitude, on random planes', () => {
    const rnd = random(12);
    let inside = 0;
    for (const { name, grid, volume } of volumes) {
      const tolerance = LINEAR_TOLERANCE * maxMagnitude(grid.voxels as Float32Array);
      for (let p = 0; p < 60; p++) {
        const plane = randomPlane(rnd, dims, 33, 29);
        const { ts, tsMask, wasm, wasmMask } = both(grid, volume, plane, 33, 29, 'linear');
        expect(wasm.inside, `${name} plane ${p}`).toBe(ts.inside);
        expect(differing(wasmMask, tsMask), `${name} plane ${p}`).toBe(0);
        expect(maxDifference(wasm.pixels, ts.pixels), `${name} plane ${p}`).toBeLessThanOrEqual(tolerance);
        inside += ts.inside;
      }
    }
    // The planes are not all outside: most of the comparison is of sampled values.
    expect(inside).toBeGreaterThan(0.3 * 120 * 33 * 29);
  });

  it('linear: reproduces a linear field on an oblique plane (independent truth)', () => {
    const [nx, ny, nz] = [20, 16, 12];
    const field = (i: number, j: number, k: number) => 3 * i - 2 * j + 5 * k + 7;
    const voxels = new Float32Array(new SharedArrayBuffer(4 * nx * ny * nz));
    for (let k = 0; k < nz; k++) for (let j = 0; j < ny; j++) for (let i = 0; i < nx; i++) voxels[i + nx * (j + ny * k)] = field(i, j, k);
    const reslicer = WasmReslicer.attach(createWasmVolume({ dimensions: [nx, ny, nz], voxels })!)!;
    const sliceToIjk = [0.6, -0.1, 0, 2.2, 0.3, 0.5, 0, 1.7, 0.2, 0.4, 0, 1.1, 0, 0, 0, 1];
    const { pixels, inside } = reslicer.reslicePlane({ columns: 20, rows: 15, sliceToIjk, interpolation: 'linear', background: -1000 });
    reslicer.release();
    expect(inside).toBe(300);
    for (let r = 0; r < 15; r++) {
      for (let c = 0; c < 20; c++) expect(pixels[c + 20 * r]).toBeCloseTo(field(2.2 + 0.6 * c - 0.1 * r, 1.7 + 0.3 * c + 0.5 * r, 1.1 + 0.2 * c + 0.4 * r), 4);
    }
  });

  it('linear: whole-voxel steps (orthogonal views), planes on the first and last slice, and a single-slice volume', () => {
    const cases: { grid: VoxelGrid & { voxels: Float32Array }; plane: number[] }[] = [];
    // Axis-aligned views in every orientation, at whole and fractional offsets.
    for (const offset of [0, 0.25, 0.5]) {
      cases.push({ grid: integer, plane: [1, 0, 0, -1 + offset, 0, 1, 0, -2, 0, 0, 0, 5 + offset, 0, 0, 0, 1] });
      cases.push({ grid: integer, plane: [0, 0, 0, 4 + offset, 1, 0, 0, -1, 0, -1, 0, 12, 0, 0, 0, 1] });
      cases.push({ grid: integer, plane: [0, -1, 0, 24, 0, 0, 0, 3 + offset, 1, 0, 0, -1 + offset, 0, 0, 0, 1] });
    }
    // Oblique rows lying exactly on the first and the last slice.
    for (const k of [0, dims[2] - 1]) cases.push({ grid: integer, plane: [0.7, 0.1, 0, 1.3, 0.2, 0.8, 0, 1.4, 0, 0, 1, k, 0, 0, 0, 1] });
    const flat = ctGrid([23, 17, 1], 3);
    cases.push({ grid: flat, plane: [0.7, 0.1, 0, 1.3, 0.2, 0.8, 0, 1.4, 0, 0, 1, 0, 0, 0, 0, 1] });
    cases.push({ grid: flat, plane: [1, 0, 0, 0.5, 0, 1, 0, 0.25, 0, 0, 1, 0, 0, 0, 0, 1] });
    for (const [n, { grid, plane }] of cases.entries()) {
      const volume = createWasmVolume(grid)!;
      const { ts, tsMask, wasm, wasmMask } = both(grid, volume, plane, 26, 21, 'linear');
      expect(ts.pixels.some((x) => Number.isNaN(x)), `case ${n}`).toBe(false);
      expect(wasm.inside, `case ${n}`).toBe(ts.inside);
      expect(differing(wasmMask, tsMask), `case ${n}`).toBe(0);
      expect(maxDifference(wasm.pixels, ts.pixels), `case ${n}`).toBeLessThanOrEqual(LINEAR_TOLERANCE * maxMagnitude(grid.voxels));
    }
  });

  it('samples wide planes in several row blocks', () => {
    const rnd = random(13);
    const grid = ctGrid([40, 36, 30], 5);
    const volume = createWasmVolume(grid)!;
    // 700 columns: a 1 MiB slot holds 299 rows, so 650 rows take three calls.
    const plane = randomPlane(rnd, [40, 36, 30], 700, 650);
    for (const interpolation of ['nearest', 'linear'] as const) {
      const { ts, tsMask, wasm, wasmMask } = both(grid, volume, plane, 700, 650, interpolation);
      expect(wasm.inside).toBe(ts.inside);
      expect(ts.inside).toBeGreaterThan(1000);
      expect(differing(wasmMask, tsMask)).toBe(0);
      expect(maxDifference(wasm.pixels, ts.pixels)).toBeLessThanOrEqual(interpolation === 'nearest' ? 0 : LINEAR_TOLERANCE * maxMagnitude(grid.voxels));
    }
  });

  it('writes output views of its own memory in place, with or without a mask, as through scratch', () => {
    const rnd = random(14);
    const grid = ctGrid([30, 26, 20], 4);
    const [columns, rows] = [40, 35];
    const planes = Array.from({ length: 3 }, () => randomPlane(rnd, [30, 26, 20], columns, rows));
    const count = columns * rows * planes.length;
    const volume = createWasmVolume(grid, { outputBytes: 5 * count })!;
    const out = new Float32Array(volume.memory.buffer, volume.outputOffset, count);
    const mask = new Uint8Array(volume.memory.buffer, volume.outputOffset! + 4 * count, count);
    // The area is the memory's own (fresh, zeroed): it neither overlaps the voxels nor the scratch.
    expect(volume.outputOffset!).toBeGreaterThanOrEqual(volume.voxelOffset + 2 * 30 * 26 * 20);
    expect(volume.slotOffset).toBeGreaterThanOrEqual(volume.outputOffset! + 5 * count);
    const reslicer = WasmReslicer.attach(volume)!;
    for (const interpolation of ['nearest', 'linear'] as const) {
      planes.forEach((sliceToIjk, k) => {
        const at = k * columns * rows;
        const options = { columns, rows, sliceToIjk, interpolation, background: -3024 };
        const inPlace = reslicer.reslicePlane({ ...options, out: out.subarray(at, at + columns * rows), mask: mask.subarray(at, at + columns * rows) });
        expect(inPlace.pixels.buffer).toBe(volume.memory.buffer);
        const scratchMask = new Uint8Array(columns * rows);
        const viaScratch = reslicer.reslicePlane({ ...options, mask: scratchMask });
        const noMask = reslicer.reslicePlane({ ...options, out: new Float32Array(volume.memory.buffer, volume.outputOffset! + 4 * at, columns * rows) });
        expect(inPlace.inside).toBe(viaScratch.inside);
        expect(noMask.inside).toBe(viaScratch.inside);
        expect(differing(inPlace.pixels, viaScratch.pixels)).toBe(0);
        expect(differing(noMask.pixels, viaScratch.pixels)).toBe(0);
        expect(differing(mask.subarray(at, at + columns * rows), scratchMask)).toBe(0);
        // And the values are reslicePlane's.
        const ts = reslicePlane(grid, options);
        expect(maxDifference(inPlace.pixels, ts.pixels)).toBeLessThanOrEqual(interpolation === 'nearest' ? 0 : LINEAR_TOLERANCE * maxMagnitude(grid.voxels));
      });
    }
    reslicer.release();
  });

  it('gives each attached task its own scratch slot, growing the memory, up to MAX_SLOTS', () => {
    const grid = ctGrid([10, 10, 10], 9);
    const volume = createWasmVolume(grid, { slots: 1 })!;
    const before = volume.memory.buffer.byteLength;
    const attached = Array.from({ length: MAX_SLOTS }, () => WasmReslicer.attach(volume));
    expect(attached.every((r) => r !== null)).toBe(true);
    expect(volume.memory.buffer.byteLength).toBeGreaterThan(before);
    expect(WasmReslicer.attach(volume)).toBeNull();
    // Interleaved use of two slots: neither overwrites the other's rows.
    const plane = [0.8, 0.1, 0, 0.5, -0.1, 0.9, 0, 0.7, 0.3, 0.2, 0, 2.5, 0, 0, 0, 1];
    const expected = reslicePlane(grid, { columns: 12, rows: 11, sliceToIjk: plane, interpolation: 'nearest', background: 0 }).pixels;
    const a = attached[0]!.reslicePlane({ columns: 12, rows: 11, sliceToIjk: plane, interpolation: 'nearest', background: 0 }).pixels;
    const b = attached[1]!.reslicePlane({ columns: 12, rows: 11, sliceToIjk: plane, interpolation: 'nearest', background: 0 }).pixels;
    expect([a, b]).toEqual([expected, expected]);
    attached[5]!.release();
    const again = WasmReslicer.attach(volume);
    expect(again).not.toBeNull();
    for (const r of [...attached, again]) r?.release();
    expect(() => again!.reslicePlane({ columns: 2, rows: 2, sliceToIjk: plane, interpolation: 'nearest', background: 0 })).toThrow(/after release/);
  });

  it('declines cubic, and rejects an output buffer that is too small', () => {
    const reslicer = WasmReslicer.attach(volumes[0]!.volume)!;
    expect(reslicer.supports('cubic', 512)).toBe(false);
    expect(reslicer.supports('linear', 512)).toBe(true);
    expect(() => reslicer.reslicePlane({ columns: 4, rows: 4, sliceToIjk: [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1], interpolation: 'nearest', background: 0, out: new Float32Array(8) })).toThrow(RangeError);
    reslicer.release();
  });
});
