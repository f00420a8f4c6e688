import { describe, expect, it } from 'vitest';
import { fromAxes } from '../../math/mat4';
import type { CArmView, DetectorGeometry } from '../cArmGeometry';
import { backprojectView, fieldOfViewMask, fieldOfViewSpans, type ReconGrid } from '../fdk';
import { WasmBackprojector } from './WasmBackprojector';

/** Deterministic uniform numbers in [0, 1). */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32;
}

interface Case {
  views: CArmView[];
  detector: DetectorGeometry;
  grid: ReconGrid;
}

/**
 * Oblique spins (secondary angles to ±35°), off-centre detectors of uneven pitch, and a
 * grid shifted and larger than the field of view, so rows run off every detector edge;
 * with `sourceInside`, one view's source sits inside the grid (voxels behind it). `spin`
 * 'axial' turns every view about the grid's k axis (no secondary angle, the common case),
 * 'mixed' every other one.
 */
function randomCase(seed: number, sourceInside = false, spin: 'oblique' | 'axial' | 'mixed' = 'oblique'): Case {
  const rand = random(seed);
  const detector: DetectorGeometry = {
    columns: 50 + Math.floor(rand() * 60),
    rows: 40 + Math.floor(rand() * 60),
    pixelMm: [0.7 + rand(), 0.7 + rand()],
    offsetMm: [rand() * 30 - 15, rand() * 30 - 15],
  };
  const views: CArmView[] = Array.from({ length: 9 }, () => ({ primaryDeg: rand() * 360 - 180, secondaryDeg: rand() * 70 - 35, sid: 900 + rand() * 400, sod: 600 + rand() * 150 }));
  if (sourceInside) views[4] = { primaryDeg: 30, secondaryDeg: 10, sid: 120, sod: 25 };
  views.forEach((view, v) => {
    if (spin === 'axial' || (spin === 'mixed' && v % 2 === 0)) view.secondaryDeg = 0;
  });
  const dimensions: [number, number, number] = [33 + Math.floor(rand() * 30), 29 + Math.floor(rand() * 30), 21 + Math.floor(rand() * 8)];
  const s = 1.2 + rand() * 1.5;
  const origin = dimensions.map((n) => (-(n - 1) / 2) * s + rand() * 20 - 10) as [number, number, number];
  return { views, detector, grid: { dimensions, spacing: [s, s, s], ijkToLps: fromAxes([s, 0, 0], [0, s, 0], [0, 0, s], origin) } };
}

/**
 * A spin the axial kernel takes: no secondary angle, views within 40° of each other (a
 * good part of the grid seen by all, not all of it), detector pixels coarse enough
 * against the voxels that a slice moves at most two rows; off-centre detector, uneven
 * pitch, grid off the isocentre. `kDown`: the grid's k axis points to the feet, so detector rows ascend with k
 * (no flipped bands).
 */
function axialCase(seed: number, kDown = false): Case {
  const rand = random(seed);
  const detector: DetectorGeometry = {
    columns: 40 + Math.floor(rand() * 30),
    rows: 36 + Math.floor(rand() * 30),
    pixelMm: [1.6 + 0.4 * rand(), 1.6 + 0.4 * rand()],
    offsetMm: [rand() * 16 - 8, rand() * 16 - 8],
  };
  const start = rand() * 360 - 180;
  const views: CArmView[] = Array.from({ length: 9 }, (_, v) => ({ primaryDeg: start + 5 * v, secondaryDeg: 0, sid: 1000 + rand() * 200, sod: 700 + rand() * 100 }));
  const dimensions: [number, number, number] = [50 + Math.floor(rand() * 16), 46 + Math.floor(rand() * 16), 26 + Math.floor(rand() * 16)];
  const s = 1 + 0.4 * rand();
  const origin = dimensions.map((n, axis) => (axis === 2 && kDown ? 1 : -1) * ((n - 1) / 2) * s + rand() * 10 - 5) as [number, number, number];
  return { views, detector, grid: { dimensions, spacing: [s, s, s], ijkToLps: fromAxes([s, 0, 0], [0, s, 0], [0, 0, kDown ? -s : s], origin) } };
}

function filteredStack({ views, detector }: Case, pixel: (column: number, row: number, view: number) => number): Float32Array {
  const { columns, rows } = detector;
  const stack = new Float32Array(views.length * columns * rows);
  for (let v = 0; v < views.length; v++) {
    for (let r = 0; r < rows; r++) for (let c = 0; c < columns; c++) stack[(v * rows + r) * columns + c] = pixel(c, r, v);
  }
  return stack;
}

/** backprojectView, view after view, into slices [kFirst, kLast) of a fresh grid. */
function typescriptSlab(cs: Case, filtered: Float32Array, kFirst: number, kLast: number): Float32Array {
  const [nx, ny, nz] = cs.grid.dimensions;
  const pixels = cs.detector.columns * cs.detector.rows;
  const out = new Float32Array(nx * ny * nz);
  cs.views.forEach((view, v) => backprojectView(filtered.subarray(v * pixels, (v + 1) * pixels), view, cs.detector, cs.grid, kFirst, kLast, out));
  return out;
}

function wasmSlab(cs: Case, filtered: Float32Array, kFirst: number, kLast: number, backprojector = WasmBackprojector.create()!, commonViewOnly = false): Float32Array {
  const [nx, ny, nz] = cs.grid.dimensions;
  const out = new Float32Array(nx * ny * nz);
  backprojector.backprojectBox({ filtered, views: cs.views, detector: cs.detector, grid: cs.grid, kFirst, kLast, out, commonViewOnly });
  return out;
}

/** Largest |a − b| over the voxels, relative to the largest |b|. */
function relativeError(a: Float32Array, b: Float32Array): { error: number; peak: number } {
  let peak = 0;
  let worst = 0;
  b.forEach((expected, n) => {
    peak = Math.max(peak, Math.abs(expected));
    worst = Math.max(worst, Math.abs(a[n] - expected));
  });
  return { error: worst / peak, peak };
}

const ramp = (c: number, r: number, v: number) => Math.sin(0.07 * c + 0.4 * v) + 0.6 * Math.cos(0.05 * r - 0.9 * v) + 0.3 * Math.sin(0.02 * (c + r));

describe('WasmBackprojector', () => {
  it('runs here (Node has WebAssembly SIMD and shared memory)', () => {
    expect(WasmBackprojector.create()).not.toBeNull();
  });

  it('gives exactly the voxels backprojectView reaches a contribution, at the same weight', () => {
    const cases = [[1, false, 'oblique'], [2, true, 'oblique'], [3, false, 'oblique'], [11, false, 'axial'], [12, true, 'axial'], [13, true, 'mixed']] as const;
    for (const [seed, inside, spin] of cases) {
      const cs = randomCase(seed, inside, spin);
      const ones = filteredStack(cs, () => 1);
      const nz = cs.grid.dimensions[2];
      const ts = typescriptSlab(cs, ones, 2, nz - 3);
      const wasm = wasmSlab(cs, ones, 2, nz - 3);
      let reached = 0;
      let unreached = 0;
      ts.forEach((expected, n) => {
        // Constant data: the bilinear blend is exact, only the float32 depth 1/w differs.
        if (expected === 0) {
          expect(wasm[n]).toBe(0);
          unreached++;
        } else {
          expect(Math.abs(wasm[n] - expected)).toBeLessThanOrEqual(1e-5 * expected);
          reached++;
        }
      });
      // Rows run off the detector and slices outside the slab stay untouched: both cases occur.
      expect(reached).toBeGreaterThan(1000);
      expect(unreached).toBeGreaterThan(1000);
    }
  });

  it('equals backprojectView within float32 rounding on smooth (band-limited) views', () => {
    for (const [seed, spin] of [[4, 'oblique'], [5, 'oblique'], [6, 'oblique'], [14, 'axial'], [15, 'axial'], [16, 'mixed']] as const) {
      const cs = randomCase(seed, seed % 5 === 0, spin);
      const filtered = filteredStack(cs, ramp);
      const nz = cs.grid.dimensions[2];
      const ts = typescriptSlab(cs, filtered, 0, nz);
      const wasm = wasmSlab(cs, filtered, 0, nz);
      let peak = 0;
      let worst = 0;
      ts.forEach((expected, n) => {
        peak = Math.max(peak, Math.abs(expected));
        worst = Math.max(worst, Math.abs(wasm[n] - expected));
      });
      expect(peak).toBeGreaterThan(1);
      expect(worst / peak).toBeLessThan(1e-5);
    }
  });

  it.each(['oblique', 'axial'] as const)('differs from backprojectView on white noise only by float32 rounding of the detector position (%s views)', (spin) => {
    const cs = randomCase(7, false, spin);
    const rand = random(70);
    const noise = filteredStack(cs, () => 2 * rand() - 1);
    const nz = cs.grid.dimensions[2];
    const ts = typescriptSlab(cs, noise, 0, nz);
    const wasm = wasmSlab(cs, noise, 0, nz);
    // Σ (SOD/w)² per voxel: each view's term is that weight times a blend of values in [-1, 1].
    const weights = typescriptSlab(cs, filteredStack(cs, () => 1), 0, nz);
    // A position off by δ pixels moves a blend of values in [-1, 1] by at most 2δ; float32
    // positions of a few hundred pixels are off by a few ulps: δ ≤ 16 · 2⁻²⁴ · size.
    const delta = 16 * 2 ** -24 * Math.max(cs.detector.columns, cs.detector.rows);
    let worst = 0;
    ts.forEach((expected, n) => {
      const bound = weights[n] * (2 * delta + 1e-6);
      expect(Math.abs(wasm[n] - expected)).toBeLessThanOrEqual(bound);
      if (weights[n] > 0) worst = Math.max(worst, Math.abs(wasm[n] - expected) / weights[n]);
    });
    expect(worst).toBeGreaterThan(0);
  });

  it('gives the same sums chunk by chunk and view group by view group as in one pass', () => {
    const cs = randomCase(8, true);
    const filtered = filteredStack(cs, ramp);
    const [nx, ny, nz] = cs.grid.dimensions;
    const whole = wasmSlab(cs, filtered, 1, nz - 1);
    // Three slices per chunk, one view per group: the sums are added in the same order.
    const pieces = wasmSlab(cs, filtered, 1, nz - 1, WasmBackprojector.create({ chunkBytes: 3 * 4 * nx * ny, bandBytes: 1 })!);
    expect(pieces).toEqual(whole);
  });

  it('adds into what the slab holds and reports its views as done', () => {
    const cs = randomCase(9);
    const filtered = filteredStack(cs, ramp);
    const [nx, ny, nz] = cs.grid.dimensions;
    const fresh = wasmSlab(cs, filtered, 0, nz);
    const out = new Float32Array(nx * ny * nz).fill(0.25);
    const done: number[] = [];
    WasmBackprojector.create({ chunkBytes: 4 * 4 * nx * ny })!.backprojectBox({ ...cs, filtered, kFirst: 0, kLast: nz, out, onProgress: (n) => done.push(n) });
    out.forEach((value, n) => expect(value).toBeCloseTo(fresh[n] + 0.25, 5));
    for (let n = 1; n < done.length; n++) expect(done[n]).toBeGreaterThanOrEqual(done[n - 1]);
    expect(done.at(-1)).toBe(cs.views.length);
  });

  it.each(['oblique', 'axial', 'mixed'] as const)('with commonViewOnly, adds the sums of backprojectView where every view sees the voxel and nothing elsewhere (%s views)', (spin) => {
    const cs = randomCase(21, false, spin);
    // Views a few degrees apart: they share a good part of the grid, and miss some of it.
    cs.views.forEach((view, v) => (view.primaryDeg = 40 + 4 * v));
    const filtered = filteredStack(cs, ramp);
    const [nx, ny, nz] = cs.grid.dimensions;
    const common = fieldOfViewMask({ detector: cs.detector, views: cs.views }, cs.grid);
    const ts = typescriptSlab(cs, filtered, 0, nz);
    const out = new Float32Array(nx * ny * nz).fill(0.25);
    WasmBackprojector.create({ chunkBytes: 5 * 4 * nx * ny })!.backprojectBox({ ...cs, filtered, kFirst: 0, kLast: nz, out, commonViewOnly: true });
    let inside = 0;
    const expected = ts.map((value, n) => (common[n] ? value + 0.25 : 0.25));
    common.forEach((m) => (inside += m));
    expect(inside).toBeGreaterThan(1000);
    expect(inside).toBeLessThan(common.length - 1000);
    out.forEach((value, n) => {
      if (!common[n]) expect(value).toBe(0.25);
    });
    expect(relativeError(out, expected).error).toBeLessThan(1e-5);
  });

  it.each([false, true])('takes the axial kernel for spins about the k axis: the sums of backprojectView where every view sees the voxel, nothing elsewhere (k axis to the feet: %s)', (kDown) => {
    for (const seed of [41, 42, 43]) {
      const cs = axialCase(seed + (kDown ? 10 : 0), kDown);
      const filtered = filteredStack(cs, ramp);
      const [nx, ny, nz] = cs.grid.dimensions;
      const common = fieldOfViewMask({ detector: cs.detector, views: cs.views }, cs.grid);
      const ts = typescriptSlab(cs, filtered, 0, nz);
      const out = new Float32Array(nx * ny * nz).fill(0.25);
      const kernel = WasmBackprojector.create()!.backprojectBox({ ...cs, filtered, kFirst: 0, kLast: nz, out, commonViewOnly: true });
      expect(kernel).toBe('axial');
      let inside = 0;
      common.forEach((m) => (inside += m));
      expect(inside).toBeGreaterThan(0.2 * common.length);
      expect(inside).toBeLessThan(common.length - 1000);
      out.forEach((value, n) => {
        if (!common[n]) expect(value).toBe(0.25);
      });
      expect(relativeError(out, ts.map((value, n) => (common[n] ? value + 0.25 : 0.25))).error).toBeLessThan(1e-5);
    }
  });

  it('moves the axial kernel along k by float32 rounding of the detector row alone (white noise)', () => {
    const cs = axialCase(51);
    const rand = random(52);
    const noise = filteredStack(cs, () => 2 * rand() - 1);
    const [nx, ny, nz] = cs.grid.dimensions;
    const common = fieldOfViewMask({ detector: cs.detector, views: cs.views }, cs.grid);
    const ts = typescriptSlab(cs, noise, 0, nz);
    const weights = typescriptSlab(cs, filteredStack(cs, () => 1), 0, nz);
    const out = new Float32Array(nx * ny * nz);
    expect(WasmBackprojector.create()!.backprojectBox({ ...cs, filtered: noise, kFirst: 0, kLast: nz, out, commonViewOnly: true })).toBe('axial');
    // Rows advance by adding 4·ds per group of four slices: half an ulp more per group, on top of the few ulps of the row kernel.
    const delta = (16 + Math.ceil(nz / 4)) * 2 ** -24 * Math.max(cs.detector.columns, cs.detector.rows);
    let worst = 0;
    common.forEach((inside, n) => {
      if (!inside) return;
      expect(Math.abs(out[n] - ts[n])).toBeLessThanOrEqual(weights[n] * (2 * delta + 1e-6));
      worst = Math.max(worst, Math.abs(out[n] - ts[n]) / weights[n]);
    });
    expect(worst).toBeGreaterThan(0);
  });

  it('adds into the box alone, the same sums chunk by chunk and view by view as in one pass (both kernels)', () => {
    for (const cs of [axialCase(61), randomCase(62, false, 'axial'), randomCase(63)]) {
      cs.views.forEach((view, v) => (view.primaryDeg = 20 + 5 * v));
      const filtered = filteredStack(cs, ramp);
      const [nx, ny, nz] = cs.grid.dimensions;
      const box = { jFirst: 3, jLast: ny - 4, kFirst: 2, kLast: nz - 3 };
      const whole = new Float32Array(nx * ny * nz);
      const kernel = WasmBackprojector.create()!.backprojectBox({ ...cs, filtered, kFirst: 0, kLast: nz, out: whole, commonViewOnly: true });
      // Two rows of every slice (axial) or two slices (rows) per chunk, one view per group.
      const small = WasmBackprojector.create({ chunkBytes: 2 * 4 * nx * Math.max(ny, nz + 3), bandBytes: 1 })!;
      const out = new Float32Array(nx * ny * nz).fill(0.25);
      expect(small.backprojectBox({ ...cs, filtered, ...box, out, commonViewOnly: true })).toBe(kernel);
      const inBox = (n: number) => {
        const j = Math.floor(n / nx) % ny;
        const k = Math.floor(n / (nx * ny));
        return j >= box.jFirst && j < box.jLast && k >= box.kFirst && k < box.kLast;
      };
      out.forEach((value, n) => {
        if (!inBox(n)) expect(value).toBe(0.25);
      });
      expect(relativeError(out, whole.map((value, n) => (inBox(n) ? value + 0.25 : 0.25))).error).toBeLessThan(1e-5);
    }
  });

  it('keeps the row kernel where a slice moves more than two detector rows, or a view is tilted', () => {
    const fine = axialCase(71);
    fine.detector.pixelMm = [0.5, 0.5];
    const tilted = axialCase(72);
    tilted.views[3].secondaryDeg = 0.5;
    for (const cs of [fine, tilted]) {
      const filtered = filteredStack(cs, ramp);
      const [nx, ny, nz] = cs.grid.dimensions;
      const out = new Float32Array(nx * ny * nz);
      expect(WasmBackprojector.create()!.backprojectBox({ ...cs, filtered, kFirst: 0, kLast: nz, out, commonViewOnly: true })).toBe('rows');
      const common = fieldOfViewMask({ detector: cs.detector, views: cs.views }, cs.grid);
      expect(relativeError(out, typescriptSlab(cs, filtered, 0, nz).map((value, n) => (common[n] ? value : 0))).error).toBeLessThan(1e-5);
    }
  });

  it('works out the field of view span for span as fieldOfViewSpans does', () => {
    for (const [seed, inside, spin] of [[31, false, 'oblique'], [32, true, 'axial'], [33, false, 'mixed']] as const) {
      const cs = randomCase(seed, inside, spin);
      cs.views.forEach((view, v) => (view.primaryDeg = 10 + 6 * v));
      const expected = fieldOfViewSpans({ detector: cs.detector, views: cs.views }, cs.grid);
      expect(expected.some((x, n) => n % 2 === 0 && x <= expected[n + 1])).toBe(true);
      expect(WasmBackprojector.create()!.fieldOfViewSpans(cs.views, cs.detector, cs.grid)).toEqual(expected);
    }
  });
});
