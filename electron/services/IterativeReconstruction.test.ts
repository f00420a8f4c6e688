/**
 * The pooled SART against the single-threaded one of shared/recon on the same line
 * integrals (exact projections of the analytic phantom, quantised as the DICOM file holds
 * them), and its memory check, progress, FDK start and cancel.
 */
import { describe, expect, it } from 'vitest';
import { UserError } from '../../shared/contracts/UserError';
import { toLineIntegrals } from '../../shared/recon/lineIntegrals';
import { sartReconstruct } from '../../shared/recon/sart';
import { projectEllipsoidsView } from '../../test/fixtures/projectEllipsoids';
import { writeRotationalRun } from '../../test/fixtures/rotationalRun';
import { peakAndWorst, poolAndTmpDir, rotationalRunOfFile } from '../../test/support/reconstructionTests';
import { reconstructIterative, type IterativeProgress } from './IterativeReconstruction';
import { reconGridFor, reconstructRun } from './ReconstructionService';

const { pool, tmp } = poolAndTmpDir('lumen-sart-');

const truth = writeRotationalRun({ dir: tmp, frames: 30, arcDeg: 220, detector: [64, 48], pixelMm: 2.4 });
const run = rotationalRunOfFile(truth.file);
const params = { size: [40, 40, 36] as [number, number, number], spacing: 2.5, window: 'hann' as const };
const budgetBytes = 2 ** 30;

/** The line integrals as the file holds them (16-bit LIN counts). */
function fileLineIntegrals(f: number): Float32Array {
  const { coneBeam } = truth;
  const integrals = projectEllipsoidsView(coneBeam.views[f], coneBeam.detector, truth.phantom);
  return toLineIntegrals(Uint16Array.from(integrals, (p) => Math.min(65535, Math.round(truth.i0 * Math.exp(-p)))), truth.i0);
}

describe('reconstructIterative', () => {
  it('equals the single-threaded SART, with views split into row bands and updates into slabs', async () => {
    for (const subsets of [1, 4, 30]) {
      const progress: IterativeProgress[] = [];
      const pooled = await reconstructIterative({ pool, budgetBytes, onProgress: (p) => progress.push(p) }, run, { ...params, i0: truth.i0, iterations: 2, subsets, lambda: 0.8 });
      const reference = sartReconstruct(truth.coneBeam, fileLineIntegrals, reconGridFor(truth.coneBeam, params), { iterations: 2, subsets, lambda: 0.8 });
      const { peak, worst } = peakAndWorst(pooled.voxels, reference.volume);
      expect(peak).toBeGreaterThan(0.01);
      expect(worst / peak).toBeLessThan(1e-5);
      expect(pooled.subsets).toBe(subsets);
      expect(pooled.timings.iterations).toHaveLength(2);
      pooled.timings.iterations.forEach((t, n) => expect(t.residual / reference.residuals[n]).toBeCloseTo(1, 4));
      expect(pooled.voxelUpdatesPerSecond).toBeGreaterThan(0);
      const iterating = progress.filter((p) => p.stage === 'Iterating');
      iterating.forEach((p, n) => expect(p).toEqual({ stage: 'Iterating', done: n + 1, total: 2 * subsets }));
      expect(progress.filter((p) => p.stage === 'Reading projections').at(-1)).toEqual({ stage: 'Reading projections', done: 30, total: 30 });
    }
  }, 60_000);

  it('estimates the air level, and starts from an FDK when asked', async () => {
    const small = { ...params, size: [24, 24, 20] as [number, number, number], spacing: 4, iterations: 1 };
    const fromZero = await reconstructIterative({ pool, budgetBytes }, run, small);
    expect(fromZero.i0 / truth.i0).toBeCloseTo(1, 3);
    const fdk = await reconstructRun({ pool, budgetBytes }, run, small);
    const fromFdk = await reconstructIterative({ pool, budgetBytes }, run, { ...small, initial: 'fdk' });
    expect(fromFdk.timings.backproject_s).toBeGreaterThan(0);
    // One iteration from the FDK is the single-threaded one from the same (positive, masked) start.
    const reference = sartReconstruct(truth.coneBeam, fileLineIntegrals, fdk.grid, { iterations: 1, initial: fdk.voxels });
    let worst = 0;
    reference.volume.forEach((v, n) => (worst = Math.max(worst, Math.abs(fromFdk.voxels[n] - v))));
    // The two air estimates agree to the estimator's own rounding, not bit for bit.
    expect(worst).toBeLessThan(1e-3 * Math.max(...reference.volume));
  }, 60_000);

  it('bins the detector and scales to HU as FDK does', async () => {
    const small = { ...params, size: [24, 24, 20] as [number, number, number], spacing: 4, i0: truth.i0, iterations: 2 };
    const plain = await reconstructIterative({ pool, budgetBytes }, run, small);
    const binned = await reconstructIterative({ pool, budgetBytes }, run, { ...small, binning: 2, hu: { muWater: 0.02 } });
    expect(binned.hu).toMatchObject({ muWater: 0.02 });
    // The same volume in HU, up to what halving the detector's resolution changes.
    let difference = 0;
    let norm = 0;
    plain.voxels.forEach((mu, n) => {
      if (mu === 0) return;
      difference += (0.02 * (1 + binned.voxels[n] / 1000) - mu) ** 2;
      norm += mu * mu;
    });
    console.log(`binned 2×2 against unbinned: relative L2 difference ${Math.sqrt(difference / norm).toFixed(3)}`);
    expect(Math.sqrt(difference / norm)).toBeLessThan(0.1);
    expect(binned.voxels[0]).toBe(-1000);
  }, 60_000);

  it('refuses a grid that does not fit the memory budget, and a flat grid, before doing anything', async () => {
    await expect(reconstructIterative({ pool, budgetBytes: 2 ** 28 }, run, { ...params, size: [512, 512, 512], iterations: 1 })).rejects.toMatchObject({ code: 'too-large' });
    await expect(reconstructIterative({ pool, budgetBytes }, run, { ...params, size: [40, 40, 1], iterations: 1 })).rejects.toMatchObject({ code: 'invalid-request' });
  });

  it('stops when cancelled, and the pool serves the next run', async () => {
    const controller = new AbortController();
    const running = reconstructIterative(
      { pool, budgetBytes, signal: controller.signal, onProgress: (p) => p.stage === 'Iterating' && p.done === 2 && controller.abort() },
      run,
      { ...params, i0: truth.i0, iterations: 5 },
    );
    await expect(running).rejects.toBeInstanceOf(UserError);
    await expect(running).rejects.toMatchObject({ code: 'cancelled' });
    const next = await reconstructIterative({ pool, budgetBytes }, run, { ...params, size: [8, 8, 8], i0: truth.i0, iterations: 1 });
    expect(next.voxels.length).toBe(512);
  }, 60_000);
});
