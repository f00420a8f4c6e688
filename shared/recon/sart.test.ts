import { describe, expect, it } from 'vitest';
import { transformPoint } from '../math/mat4';
import { muSampler, seededRandom } from '../../test/fixtures/phantom';
import { projectEllipsoidsView } from '../../test/fixtures/projectEllipsoids';
import { SHEPP_LOGAN_PEAK, sheppLogan3d } from '../../test/fixtures/sheppLogan3d';
import type { ConeBeamGeometry } from './cArmGeometry';
import { defaultReconGrid, fdkReconstruct, fieldOfViewMask } from './fdk';
import { forwardProjectView } from './forwardProject';
import { DEFAULT_LAMBDA, orderedSubsets, sartReconstruct } from './sart';

/** A sparse full spin: 40 views over 360°, SID 1200, SOD 600, a detector 1.5× finer than the 4 mm voxels at the isocentre. */
const VIEWS = 40;
const g: ConeBeamGeometry = {
  views: Array.from({ length: VIEWS }, (_, i) => ({ primaryDeg: (i * 360) / VIEWS, secondaryDeg: 0, sid: 1200, sod: 600 })),
  detector: { columns: 96, rows: 96, pixelMm: [16 / 3, 16 / 3] },
};
const grid = defaultReconGrid(g, { size: [64, 64, 64], spacing: 4 });
const phantom = sheppLogan3d(116);
const exact = g.views.map((view) => projectEllipsoidsView(view, g.detector, phantom));
const mask = fieldOfViewMask(g, grid);
const mu = muSampler(phantom);
/** The phantom at the voxel centres, RTK's reference for its accuracy criteria. */
const truth = Float32Array.from({ length: 64 ** 3 }, (_, n) => {
  const p = transformPoint(grid.ijkToLps, [n % 64, Math.floor(n / 64) % 64, Math.floor(n / 4096)]);
  return mu(p[0], p[1], p[2]);
});

/** Mean |error| and PSNR (peak 2, as RTK) inside the field of view. */
function quality(volume: Float32Array): { meanAbsError: number; psnr: number } {
  let abs = 0;
  let sq = 0;
  let count = 0;
  volume.forEach((x, n) => {
    if (!mask[n]) return;
    const e = x - truth[n];
    abs += Math.abs(e);
    sq += e * e;
    count++;
  });
  return { meanAbsError: abs / count, psnr: 20 * Math.log10(SHEPP_LOGAN_PEAK) - 10 * Math.log10(sq / count) };
}

/** The volume after each of `count` iterations: an iteration depends on its starting volume only, so they chain. */
function iterates(projections: Float32Array[], count: number, options: { subsets?: number; lambda?: number }): Float32Array[] {
  const out: Float32Array[] = [];
  for (let n = 0; n < count; n++) {
    out.push(sartReconstruct(g, (v) => projections[v], grid, { iterations: 1, ...options, ...(n > 0 ? { initial: out[n - 1] } : {}) }).volume);
  }
  return out;
}

/** ‖A x − b‖ over every view, recomputed from the volume. */
function residualNorm(volume: Float32Array, projections: Float32Array[]): number {
  const ax = new Float32Array(g.detector.columns * g.detector.rows);
  let sum = 0;
  g.views.forEach((view, v) => {
    forwardProjectView(volume, grid, view, g.detector, ax);
    ax.forEach((x, p) => (sum += (x - projections[v][p]) ** 2));
  });
  return Math.sqrt(sum);
}

describe('orderedSubsets', () => {
  it('splits the views into interleaved subsets, visited in bit-reversed order', () => {
    const subsets = orderedSubsets(10, 4);
    expect(subsets).toEqual([[0, 4, 8], [2, 6], [1, 5, 9], [3, 7]]);
    expect(orderedSubsets(5, 1)).toEqual([[0, 1, 2, 3, 4]]);
    expect(orderedSubsets(3, 8)).toEqual([[0], [2], [1]]);
    const all = orderedSubsets(133, 19).flat().sort((a, b) => a - b);
    expect(all).toEqual(Array.from({ length: 133 }, (_, v) => v));
  });
});

describe('sartReconstruct on a sparse spin of the 3D Shepp–Logan phantom (40 views over 360°, 64³ at 4 mm)', () => {
  const fdk = fdkReconstruct(g, (v) => exact[v], grid, { window: 'ramlak' });
  const fdkQuality = quality(fdk);
  // View by view (RTK's default, one view per subset), λ = 0.5: the defaults.
  const sart = iterates(exact, 4, { subsets: VIEWS, lambda: 0.5 });

  it('beats FDK on the same data, inside the field of view: lower mean |error|, higher PSNR', () => {
    const q = sart.map(quality);
    console.log(`FDK: ${JSON.stringify(fdkQuality)}; SART by iteration: ${q.map((x) => `${x.meanAbsError.toFixed(4)} / ${x.psnr.toFixed(2)} dB`).join(', ')}`);
    expect(q[3].meanAbsError).toBeLessThan(0.6 * fdkQuality.meanAbsError);
    expect(q[3].psnr).toBeGreaterThan(fdkQuality.psnr + 2);
    // The error falls with every iteration.
    for (let n = 1; n < q.length; n++) expect(q[n].meanAbsError).toBeLessThan(q[n - 1].meanAbsError);
  });

  it('lowers the residual ‖A x − b‖ at every iteration', () => {
    const residuals = [residualNorm(new Float32Array(truth.length), exact), ...sart.map((x) => residualNorm(x, exact))];
    console.log(`‖A x − b‖ from zero: ${residuals.map((r) => r.toFixed(0)).join(' → ')}`);
    for (let n = 1; n < residuals.length; n++) expect(residuals[n]).toBeLessThan(residuals[n - 1]);
    // The figure each run reports (summed over its subsets as they come) falls too.
    const reported = sartReconstruct(g, (v) => exact[v], grid, { iterations: 3, subsets: 1, lambda: 1 }).residuals;
    expect(reported[0]).toBeCloseTo(residuals[0], -1);
    expect(reported[1]).toBeLessThan(reported[0]);
    expect(reported[2]).toBeLessThan(reported[1]);
  });

  it('keeps every voxel ≥ 0, and 0 outside the field of view', () => {
    let outside = 0;
    let negative = 0;
    for (const volume of sart) {
      volume.forEach((x, n) => {
        if (x < 0) negative++;
        if (!mask[n] && x !== 0) outside++;
      });
    }
    // FDK of the same data undershoots, so positivity is doing something.
    expect(fdk.some((x) => x < -0.05)).toBe(true);
    expect(negative).toBe(0);
    expect(outside).toBe(0);
  });

  it('reaches with ordered subsets in 1 iteration the error of 6 simultaneous ones', () => {
    const simultaneous = iterates(exact, 6, { subsets: 1, lambda: 1 }).map(quality);
    const ordered = quality(sartReconstruct(g, (v) => exact[v], grid, { iterations: 1, subsets: 10, lambda: 1 }).volume);
    console.log(`simultaneous (1 subset) by iteration: ${simultaneous.map((x) => x.meanAbsError.toFixed(4)).join(', ')}; 10 ordered subsets, 1 iteration: ${ordered.meanAbsError.toFixed(4)}`);
    expect(ordered.meanAbsError).toBeLessThan(simultaneous[5].meanAbsError);
  });

  it('starts from a given volume (an FDK) instead of zero, and stops when cancelled', () => {
    const fromFdk = quality(sartReconstruct(g, (v) => exact[v], grid, { iterations: 1, subsets: VIEWS, lambda: 0.5, initial: fdk }).volume);
    expect(fromFdk.meanAbsError).toBeLessThan(quality(sart[0]).meanAbsError);
    const controller = new AbortController();
    let subsets = 0;
    const run = () =>
      sartReconstruct(g, (v) => exact[v], grid, {
        iterations: 2,
        subsets: 4,
        signal: controller.signal,
        onProgress: (done, total) => {
          subsets = done;
          expect(total).toBe(8);
          if (done === 3) controller.abort();
        },
      });
    expect(run).toThrow();
    expect(subsets).toBe(3);
  });
});

describe('sartReconstruct on noisy projections', () => {
  it('stays bounded and better than FDK with the default relaxation', () => {
    const random = seededRandom(3);
    const gauss = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
    // Gaussian noise of 4 (about 2% of the longest line integral, 240).
    const noisy = exact.map((view) => view.map((x) => x + 4 * gauss()));
    const fdkQuality = quality(fdkReconstruct(g, (v) => noisy[v], grid, { window: 'ramlak' }));
    const volumes = iterates(noisy, 8, { subsets: VIEWS });
    const q = volumes.map(quality);
    const peaks = volumes.map((v) => v.reduce((m, x) => Math.max(m, x), 0));
    console.log(`noisy, λ = ${DEFAULT_LAMBDA}: FDK ${JSON.stringify(fdkQuality)}; SART mean |error| ${q.map((x) => x.meanAbsError.toFixed(4)).join(', ')}; max ${peaks.map((p) => p.toFixed(2)).join(', ')}`);
    for (const peak of peaks) expect(peak).toBeLessThan(1.5 * SHEPP_LOGAN_PEAK);
    expect(q[7].meanAbsError).toBeLessThan(fdkQuality.meanAbsError);
    expect(q[7].meanAbsError).toBeLessThan(1.2 * Math.min(...q.map((x) => x.meanAbsError)));
  });
});
