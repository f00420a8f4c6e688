/**
 * The pooled, batched reconstruction against the single-threaded reference FDK of
 * shared/recon on the same line integrals (exact projections of the analytic phantom,
 * quantised as the DICOM file holds them), and its memory check, air estimate,
 * progress and cancel.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { UserError } from '../../shared/contracts/UserError';
import { fdkReconstruct, fieldOfViewMask } from '../../shared/recon/fdk';
import { toLineIntegrals } from '../../shared/recon/lineIntegrals';
import { projectEllipsoidsView } from '../../test/fixtures/projectEllipsoids';
import { writeRotationalRun } from '../../test/fixtures/rotationalRun';
import { writeVolumeRotationalRun } from '../../test/fixtures/volumeRotationalRun';
import { peakAndWorst, poolAndTmpDir, rotationalRunOfFile as runOf } from '../../test/support/reconstructionTests';
import { reconGridFor, reconstructionMemoryBytes, reconstructRun, type ReconstructionProgress } from './ReconstructionService';

const { pool, tmp } = poolAndTmpDir('lumen-reconstruction-');

const truth = writeRotationalRun({ dir: tmp, frames: 40, arcDeg: 220, detector: [64, 48], pixelMm: 2.4 });
const run = runOf(truth.file);
const params = { size: [40, 40, 36] as [number, number, number], spacing: 2.5, window: 'hann' as const };
const budgetBytes = 2 ** 30;

describe('reconstructRun', () => {
  it('equals the single-threaded reference FDK, batch by batch and slab by slab', async () => {
    const progress: ReconstructionProgress[] = [];
    // 7 views per batch: six batches, the last one short.
    const pooled = await reconstructRun({ pool, budgetBytes, batchViews: 7, onProgress: (p) => progress.push(p) }, run, { ...params, i0: truth.i0 });
    const { coneBeam } = truth;
    const reference = fdkReconstruct(
      coneBeam,
      (f) => {
        const integrals = projectEllipsoidsView(coneBeam.views[f], coneBeam.detector, truth.phantom);
        const pixels = Uint16Array.from(integrals, (p) => Math.min(65535, Math.round(truth.i0 * Math.exp(-p))));
        return toLineIntegrals(pixels, truth.i0);
      },
      reconGridFor(coneBeam, params),
      { window: 'hann' },
    );
    const { peak, worst } = peakAndWorst(pooled.voxels, reference);
    expect(peak).toBeGreaterThan(0.02);
    expect(worst / peak).toBeLessThan(1e-5);
    expect(pooled.grid.dimensions).toEqual([40, 40, 36]);
    expect(pooled.report.views).toBe(40);
    expect(pooled.voxelUpdatesPerSecond).toBeGreaterThan(0);
    // Progress never goes back and ends complete.
    for (let n = 1; n < progress.length; n++) expect(progress[n].done).toBeGreaterThanOrEqual(progress[n - 1].done - 1e-9);
    expect(progress.at(-1)).toEqual({ stage: 'Backprojecting', done: 80, total: 80 });
  });

  it('in one batch (a run that fits its buffers) adds into the field of view alone: the same values, exactly 0 outside', async () => {
    const batched = await reconstructRun({ pool, budgetBytes, batchViews: 7 }, run, { ...params, i0: truth.i0 });
    const whole = await reconstructRun({ pool, budgetBytes }, run, { ...params, i0: truth.i0 });
    const { peak, worst } = peakAndWorst(whole.voxels, batched.voxels);
    expect(worst / peak).toBeLessThan(1e-5);
    const mask = fieldOfViewMask(truth.coneBeam, whole.grid);
    let outside = 0;
    mask.forEach((inside, n) => {
      if (inside) return;
      outside++;
      expect(whole.voxels[n]).toBe(0);
    });
    expect(outside).toBeGreaterThan(0);
  });

  it('estimates the unattenuated intensity from air in the projections', async () => {
    const pooled = await reconstructRun({ pool, budgetBytes }, run, { ...params, size: [8, 8, 8] });
    expect(pooled.i0 / truth.i0).toBeCloseTo(1, 3);
  });

  it('reconstructs LOG data as the drop below air, in the log scale\'s units', async () => {
    const logScale = 4000;
    const { coneBeam } = truth;
    const logRun = writeVolumeRotationalRun({
      dir: path.join(tmp, 'log'),
      volume: (view, detector) => projectEllipsoidsView(view, detector, truth.phantom),
      frames: 40,
      arcDeg: 220,
      sid: coneBeam.views[0].sid,
      sod: coneBeam.views[0].sod,
      detector: [64, 48],
      pixelMm: 2.4,
      logScale,
    });
    const log = runOf(logRun.file);
    expect(log.intensity).toBe('LOG');
    const fromLog = await reconstructRun({ pool, budgetBytes }, log, params);
    const fromLin = await reconstructRun({ pool, budgetBytes }, run, { ...params, i0: truth.i0 });
    expect(fromLog.i0).toBeCloseTo(logScale * Math.log(truth.i0), -1);
    const { peak, worst } = peakAndWorst(Array.from(fromLog.voxels, (v) => v / logScale), fromLin.voxels);
    // The two differ by the quantisation of each (LIN counts, LOG 1/4000 steps), not by scale or sign.
    expect(worst / peak).toBeLessThan(0.02);
    expect(fromLog.report.warnings.join(' ')).toMatch(/LOG/);
  });

  it('refuses a grid that does not fit the memory budget before doing anything', async () => {
    const grid = reconGridFor(run.geometry, { size: [512, 512, 512] });
    // 512³ float32 output plus its mask byte per voxel, one batch of filtered views, and per worker 40 MiB of
    // backprojector memory and its ramp filter's (its own area, 128 KiB; tables for 256-bin rows; one 64 × 48 view: 3 pages).
    expect(reconstructionMemoryBytes(run.geometry, grid, 40, 0, 2)).toBe(5 * 512 ** 3 + 40 * 4 * 64 * 48 + 2 * (40 * 2 ** 20 + 3 * 65536));
    const started = performance.now();
    await expect(reconstructRun({ pool, budgetBytes: 2 ** 29 }, run, { ...params, size: [512, 512, 512] })).rejects.toMatchObject({ code: 'too-large' });
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it('stops when cancelled, and the pool serves the next run', async () => {
    const controller = new AbortController();
    const running = reconstructRun(
      { pool, budgetBytes, signal: controller.signal, onProgress: (p) => p.stage === 'Backprojecting' && controller.abort() },
      run,
      { ...params, size: [96, 96, 96], spacing: 1, i0: truth.i0 },
    );
    await expect(running).rejects.toBeInstanceOf(UserError);
    await expect(running).rejects.toMatchObject({ code: 'cancelled' });
    const next = await reconstructRun({ pool, budgetBytes }, run, { ...params, size: [8, 8, 8], i0: truth.i0 });
    expect(next.voxels.length).toBe(512);
  });
});
