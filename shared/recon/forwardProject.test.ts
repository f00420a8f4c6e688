import { describe, expect, it } from 'vitest';
import { fromAxes, transformPoint } from '../math/mat4';
import { defaultPhantom, muSampler, seededRandom, type Ellipsoid } from '../../test/fixtures/phantom';
import { projectEllipsoidsView } from '../../test/fixtures/projectEllipsoids';
import { cArmFrame, detectorPixel, type CArmView, type DetectorGeometry } from './cArmGeometry';
import type { ReconGrid } from './fdk';
import { backprojectRays, forwardProjectView } from './forwardProject';

function centredGrid(dimensions: [number, number, number], spacing: [number, number, number]): ReconGrid {
  const origin = dimensions.map((n, axis) => (-(n - 1) / 2) * spacing[axis]) as [number, number, number];
  return { dimensions, spacing, ijkToLps: fromAxes([spacing[0], 0, 0], [0, spacing[1], 0], [0, 0, spacing[2]], origin) };
}

/** The phantom's mean μ over each voxel (4³ sub-samples): the voxel image a perfect scanner would see. */
function voxelise(phantom: readonly Ellipsoid[], grid: ReconGrid): Float32Array {
  const mu = muSampler(phantom);
  const [nx, ny, nz] = grid.dimensions;
  const out = new Float32Array(nx * ny * nz);
  const sub = 4;
  for (let k = 0; k < nz; k++) {
    for (let j = 0; j < ny; j++) {
      for (let i = 0; i < nx; i++) {
        let sum = 0;
        for (let s = 0; s < sub ** 3; s++) {
          const offset = [s % sub, Math.floor(s / sub) % sub, Math.floor(s / sub ** 2)].map((o) => (o + 0.5) / sub - 0.5);
          const p = transformPoint(grid.ijkToLps, [i + offset[0], j + offset[1], k + offset[2]]);
          sum += mu(p[0], p[1], p[2]);
        }
        out[(k * ny + j) * nx + i] = sum / sub ** 3;
      }
    }
  }
  return out;
}

const dot = (a: Float32Array, b: Float32Array) => a.reduce((s, x, n) => s + x * b[n], 0);

describe('forwardProjectView (Joseph)', () => {
  // The asymmetric phantom (body and two markers) on 1 mm voxels; views all round, tilted, and a detector finer than the voxels.
  const phantom = defaultPhantom();
  const grid = centredGrid([100, 90, 104], [1, 1, 1]);
  const volume = voxelise(phantom, grid);
  const detector: DetectorGeometry = { columns: 120, rows: 110, pixelMm: [1.3, 1.3], offsetMm: [3, -2] };

  it('matches the closed-form line integrals of the voxelised phantom to 0.3% of the peak on average, 5% at the 99th percentile (the edges)', () => {
    for (const view of [
      { primaryDeg: 0, secondaryDeg: 0, sid: 1200, sod: 800 },
      { primaryDeg: 37, secondaryDeg: 0, sid: 1200, sod: 800 },
      { primaryDeg: -120, secondaryDeg: 25, sid: 1100, sod: 750 },
      { primaryDeg: 90, secondaryDeg: -10, sid: 1200, sod: 800 },
    ]) {
      const exact = projectEllipsoidsView(view, detector, phantom);
      const projected = new Float32Array(exact.length);
      forwardProjectView(volume, grid, view, detector, projected);
      const peak = exact.reduce((m, x) => Math.max(m, x), 0);
      const errors = exact.map((x, p) => Math.abs(projected[p] - x) / peak).sort();
      const mean = errors.reduce((s, e) => s + e, 0) / errors.length;
      const p99 = errors[Math.floor(0.99 * errors.length)];
      const worst = errors[errors.length - 1];
      console.log(`view ${view.primaryDeg}°/${view.secondaryDeg}°: peak ${peak.toFixed(3)}; |error| / peak: mean ${(mean * 100).toFixed(3)}%, 99th percentile ${(p99 * 100).toFixed(2)}%, max ${(worst * 100).toFixed(2)}%`);
      expect(peak).toBeGreaterThan(1);
      expect(mean).toBeLessThan(0.003);
      expect(p99).toBeLessThan(0.05);
      // Rays grazing an ellipsoid's edge, where a voxel's partial volume spreads what is a thin chord.
      expect(worst).toBeLessThan(0.1);
    }
  });

  it('gives each ray its chord through the box of voxel centres, to within one plane step', () => {
    const small = centredGrid([20, 24, 16], [2, 1.5, 2.5]);
    const view: CArmView = { primaryDeg: 30, secondaryDeg: 20, sid: 300, sod: 150 };
    const det: DetectorGeometry = { columns: 40, rows: 36, pixelMm: [2, 2] };
    const lengths = new Float32Array(det.columns * det.rows);
    forwardProjectView(new Float32Array(20 * 24 * 16), small, view, det, new Float32Array(lengths.length), lengths);
    const frame = cArmFrame(view);
    const box = [0, 1, 2].map((axis) => (small.dimensions[axis] - 1) * small.spacing[axis] / 2);
    let hits = 0;
    for (let row = 0; row < det.rows; row++) {
      for (let column = 0; column < det.columns; column++) {
        // Slab clipping of the source → pixel segment against the box, in mm.
        const pixel = detectorPixel(view, det, frame, column, row);
        const d = pixel.map((x, axis) => x - frame.source[axis]);
        let t0 = 0;
        let t1 = 1;
        for (let axis = 0; axis < 3; axis++) {
          const ta = (-box[axis] - frame.source[axis]) / d[axis];
          const tb = (box[axis] - frame.source[axis]) / d[axis];
          t0 = Math.max(t0, Math.min(ta, tb));
          t1 = Math.min(t1, Math.max(ta, tb));
        }
        const chord = Math.max(0, t1 - t0) * Math.hypot(...d);
        // One plane step: the ray's length per unit of its dominant index.
        const step = Math.hypot(...d) / Math.max(...d.map((x, axis) => Math.abs(x) / small.spacing[axis]));
        if (chord > 0) hits++;
        expect(Math.abs(lengths[row * det.columns + column] - chord)).toBeLessThanOrEqual(step + 1e-3);
      }
    }
    expect(hits).toBeGreaterThan(100);
  });
});

describe('backprojectRays', () => {
  const random = seededRandom(17);
  const grid = centredGrid([23, 19, 17], [2, 2, 2.5]);
  const detector: DetectorGeometry = { columns: 31, rows: 29, pixelMm: [2.5, 2.5] };
  const [nx, ny, nz] = grid.dimensions;
  const x = Float32Array.from({ length: nx * ny * nz }, () => random());
  const y = Float32Array.from({ length: detector.columns * detector.rows }, () => random() - 0.3);
  // Ordinary views, a strongly tilted one, and one so steep that rays run mostly along the slices' axis.
  const views: CArmView[] = [
    { primaryDeg: 0, secondaryDeg: 0, sid: 200, sod: 120 },
    { primaryDeg: 45, secondaryDeg: 0, sid: 200, sod: 120 },
    { primaryDeg: 133, secondaryDeg: 35, sid: 220, sod: 120 },
    { primaryDeg: -70, secondaryDeg: 70, sid: 200, sod: 100 },
  ];

  it('is the transpose of forwardProjectView: ⟨Ax, y⟩ = ⟨x, Aᵀy⟩ to 1e-5, also summed over slabs', () => {
    for (const view of views) {
      const ax = new Float32Array(y.length);
      forwardProjectView(x, grid, view, detector, ax);
      const whole = new Float32Array(x.length);
      backprojectRays(y, grid, view, detector, 0, nz, whole);
      // The same, slab by slab (uneven slabs, one a single slice), each into its own array.
      const slabs = new Float32Array(x.length);
      for (const [kFirst, kLast] of [[0, 5], [5, 6], [6, 13], [13, nz]]) {
        const part = new Float32Array((kLast - kFirst) * nx * ny);
        backprojectRays(y, grid, view, detector, kFirst, kLast, part);
        slabs.set(part, kFirst * nx * ny);
      }
      const left = dot(ax, y);
      expect(Math.abs(left)).toBeGreaterThan(1);
      expect(Math.abs(dot(x, whole) - left) / Math.abs(left)).toBeLessThan(1e-5);
      expect(slabs).toEqual(whole);
    }
  });

  it('accumulates Aᵀ1, the column sums, beside Aᵀy; their total is the total ray length', () => {
    const view = views[2];
    const lengths = new Float32Array(y.length);
    forwardProjectView(x, grid, view, detector, new Float32Array(y.length), lengths);
    const sums = new Float32Array(2 * x.length);
    backprojectRays(y, grid, view, detector, 0, nz, sums, true);
    const columnTotal = sums.reduce((s, w, n) => s + (n % 2 === 1 ? w : 0), 0);
    const rowTotal = lengths.reduce((s, w) => s + w, 0);
    expect(rowTotal).toBeGreaterThan(100);
    expect(Math.abs(columnTotal - rowTotal) / rowTotal).toBeLessThan(1e-5);
    // And beside them Aᵀy, as without the column sums.
    const alone = new Float32Array(x.length);
    backprojectRays(y, grid, view, detector, 0, nz, alone);
    alone.forEach((v, n) => expect(sums[2 * n]).toBe(v));
  });
});
