/**
 * The Reconstruct panel's channels end to end in main, on a C-arm spin of the asymmetric
 * analytic phantom written as one XA multi-frame file: the report and grids, a job whose
 * progress climbs to the end and whose volume puts marker A where its LPS position says,
 * HU given or estimated, SART, cancel and the memory refusal (the app answering afterwards),
 * and every export format read back by the project's own readers, the DICOM series
 * re-indexed with its geometry, the STL surface around the marker.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InvokeRequest, JobFinish, JobResults, ReconstructionInfo, ReconstructionParams } from '../../shared/contracts/ipc';
import { decodeVolume } from '../../shared/io/volumeFormats';
import { readStl } from '../../shared/io/stl';
import { invertAffine, transformPoint } from '../../shared/math/mat4';
import type { Vec3 } from '../../shared/math/vec3';
import { MARKER_A, muFromHu, BODY_HU, MARKER_HU, MU_WATER } from '../../test/fixtures/phantom';
import { writeRotationalRun, type RotationalRunTruth } from '../../test/fixtures/rotationalRun';
import { jobResult, mainServices } from '../../test/support/mainServices';
import { PREVIEW_VOXELS } from './ReconstructionJobs';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lumen-recon-jobs-'));
const source = path.join(tmp, 'run');
const out = path.join(tmp, 'out');
let truth: RotationalRunTruth;
let runUid: string;

function services(volumeBudgetBytes?: number) {
  return mainServices(path.join(tmp, 'state'), volumeBudgetBytes);
}

type Lumen = ReturnType<typeof services>;
let main: Lumen;

const params: ReconstructionParams = { algorithm: 'fdk', size: [48, 48, 40], spacing: 2, window: 'hann', cutoff: 1, scale: 'mu' };

async function reconstruct(lumen: Lumen, p: ReconstructionParams): Promise<JobFinish> {
  const { jobId } = await lumen.value('recon:reconstruct', { seriesUid: runUid, params: p });
  return lumen.job(jobId);
}

/** Runs an export job to its end: its result, or the job's error as a throw. */
async function exportJob<C extends 'volume:export' | 'volume:exportSurface'>(lumen: Lumen, channel: C, req: InvokeRequest<C>): Promise<JobResults[C]> {
  return jobResult(channel, await lumen.job((await lumen.value(channel, req)).jobId));
}

/** The voxel value nearest an LPS point. */
function valueAt(info: ReconstructionInfo, voxels: ArrayLike<number>, p: Vec3): number {
  const [i, j, k] = transformPoint(invertAffine(info.ijkToLps), p).map(Math.round);
  const [nx, ny] = info.dimensions;
  return voxels[i + nx * (j + ny * k)];
}

beforeAll(async () => {
  truth = writeRotationalRun({ dir: source, frames: 60, arcDeg: 220, detector: [64, 48], pixelMm: 2.4 });
  fs.mkdirSync(out);
  main = services();
  const { jobId } = await main.value('dicom:indexFolder', { folder: source });
  const finish = await main.job(jobId);
  if (!finish.ok || finish.kind !== 'dicom:index') throw new Error('indexing failed');
  runUid = finish.result.series[0].uid;
}, 30_000);

afterAll(async () => {
  await main.lumen.dispose();
  fs.rmSync(tmp, { recursive: true, force: true });
});

describe('recon:describe', () => {
  it('reports the spin as the file describes it, with grids covering the field of view', async () => {
    const plan = await main.value('recon:describe', { seriesUid: runUid });
    expect(plan.report.views).toBe(truth.frames);
    expect(plan.report.arcDeg).toBeCloseTo(220, 1);
    expect(plan.report.magnification).toBeCloseTo(1200 / 800, 6);
    expect(plan.report.detectorMm).toEqual([64 * 2.4, 48 * 2.4]);
    expect(plan.report.shortScan).toBe(true);
    expect(plan.units).toBe('1/mm');
    expect(plan.defaultScale).toBe('hu');
    // Default: the detector pitch at the isocentre.
    expect(plan.defaultGrid.spacing).toBeCloseTo(2.4 / 1.5, 6);
    expect(plan.grid).toEqual(plan.defaultGrid);
    // The preview covers the same field of view with at most PREVIEW_VOXELS per axis.
    const fov = (g: { size: number[]; spacing: number }) => g.size.map((n) => n * g.spacing);
    expect(Math.max(...plan.previewGrid.size)).toBeLessThanOrEqual(PREVIEW_VOXELS);
    fov(plan.previewGrid).forEach((mm, axis) => expect(mm).toBeGreaterThanOrEqual(fov(plan.defaultGrid)[axis] - plan.defaultGrid.spacing));
    // Memory: 5 bytes per voxel at least (output and mask), and it grows with the grid.
    const small = await main.value('recon:describe', { seriesUid: runUid, size: [32, 32, 32], spacing: 3 });
    expect(small.grid).toEqual({ size: [32, 32, 32], spacing: 3 });
    expect(small.memoryBytes).toBeGreaterThanOrEqual(5 * 32 ** 3);
    const large = await main.value('recon:describe', { seriesUid: runUid, size: [256, 256, 256], spacing: 0.5 });
    expect(large.memoryBytes - small.memoryBytes).toBe(5 * (256 ** 3 - 32 ** 3));
  });

  it('refuses a series that is not a rotational run, and a malformed request', async () => {
    const unknown = await main.invoke('recon:describe', { seriesUid: '1.2.3.4' });
    expect(unknown.ok).toBe(false);
    const bad = await main.invoke('recon:reconstruct', { seriesUid: runUid, params: { ...params, cutoff: 0 } });
    expect(!bad.ok && bad.error.code).toBe('invalid-request');
  });
});

describe('recon:reconstruct', () => {
  let info: ReconstructionInfo;
  let voxels: Float32Array;

  it('reports progress to the end and makes a volume that puts marker A where its LPS position says', async () => {
    main.sink.progress.length = 0;
    const finish = await reconstruct(main, params);
    if (!finish.ok || finish.kind !== 'recon:reconstruct') throw new Error(finish.ok ? 'wrong kind' : finish.error.message);
    info = finish.result;
    const progress = main.sink.progress.filter((p) => p.jobId === finish.jobId);
    expect(progress.length).toBeGreaterThan(2);
    for (let n = 1; n < progress.length; n++) expect(progress[n].done).toBeGreaterThanOrEqual(progress[n - 1].done - 1e-9);
    expect(progress.at(-1)).toMatchObject({ done: 120, total: 120, stage: 'Backprojecting' });
    expect(new Set(progress.map((p) => p.stage))).toContain('Filtering');

    expect(info).toMatchObject({ modality: 'XA', dimensions: [48, 48, 40], spacing: [2, 2, 2], voxelType: 'float32', preview: false, sourceSeriesUid: runUid, units: '1/mm' });
    expect(info.description).toBe('Reconstruction of 3D rotational run (phantom)');
    expect(info.seriesUid).toMatch(/^[0-9.]+$/);
    // The new volume opens like any series: volume:load answers at once, volume:getVoxels serves it.
    const load = await main.value('volume:load', { seriesUid: info.seriesUid });
    const loaded = await main.job(load.jobId);
    expect(loaded.ok && loaded.result).toMatchObject({ seriesUid: info.seriesUid, dimensions: [48, 48, 40] });
    const got = await main.value('volume:getVoxels', { seriesUid: info.seriesUid });
    voxels = got.voxels as Float32Array;
    expect(voxels).toHaveLength(48 * 48 * 40);

    // μ in 1/mm: the body and marker A near their true attenuation, and the marker not mirrored.
    const body = muFromHu(BODY_HU);
    const marker = muFromHu(MARKER_HU);
    expect(valueAt(info, voxels, [0, 0, 0]) / body).toBeGreaterThan(0.8);
    expect(valueAt(info, voxels, [0, 0, 0]) / body).toBeLessThan(1.2);
    expect(valueAt(info, voxels, MARKER_A) / marker).toBeGreaterThan(0.7);
    for (const mirrored of [[-MARKER_A[0], MARKER_A[1], MARKER_A[2]], [MARKER_A[0], -MARKER_A[1], MARKER_A[2]], [MARKER_A[0], MARKER_A[1], -MARKER_A[2]]] as Vec3[]) {
      expect(valueAt(info, voxels, mirrored)).toBeLessThan(1.2 * body);
    }
  }, 60_000);

  it('is straightened like any loaded volume: a path through marker A shows it in the MIP', async () => {
    const outDir = path.join(out, 'straightened');
    const { jobId } = await main.value('reformat:export', {
      seriesUid: info.seriesUid,
      path: { name: 'through A', closed: false, points: [[MARKER_A[0], MARKER_A[1], -20], [MARKER_A[0], MARKER_A[1], 30]] },
      params: { mode: 'straight', viewDirection: [0, 1, 0], columns: 32, rows: 32, spacing: 1, step: 1, interpolation: 'linear', curveInterpolation: 'linear', rollDeg: 0, projections: ['mip'], projectionAxis: 1 },
      outDir,
    });
    const finish = await main.job(jobId);
    if (!finish.ok || finish.kind !== 'reformat:export') throw new Error(finish.ok ? 'wrong kind' : finish.error.message);
    const mip = finish.result.projections[0];
    expect(Math.max(...mip.pixels) / muFromHu(MARKER_HU)).toBeGreaterThan(0.8);
  }, 30_000);

  it('in HU calibrated to water, the body and the marker read their HU (the phantom is made of μ = μwater · (1 + HU/1000))', async () => {
    const finish = await reconstruct(main, { ...params, scale: 'hu', muWater: MU_WATER });
    if (!finish.ok || finish.kind !== 'recon:reconstruct') throw new Error('HU reconstruction failed');
    const hu = finish.result;
    expect(hu).toMatchObject({ modality: 'CT', units: 'HU', huCalibration: { muWater: MU_WATER, source: 'given' } });
    const huVoxels = (await main.value('volume:getVoxels', { seriesUid: hu.seriesUid })).voxels;
    // Voxel by voxel the same reconstruction, rescaled.
    huVoxels.forEach((v, n) => expect(v).toBeCloseTo(1000 * (voxels[n] / MU_WATER - 1), 1));
    // (40 and 1000 HU: 39.6 and 1000.6 measured.)
    expect(Math.abs(valueAt(hu, huVoxels, [0, 0, 0]) - BODY_HU)).toBeLessThan(20);
    expect(Math.abs(valueAt(hu, huVoxels, MARKER_A) - MARKER_HU)).toBeLessThan(60);
    // Outside the field of view: air.
    expect(huVoxels[0]).toBe(-1000);
  }, 60_000);

  it('in HU with μ water estimated from the volume, the dominant tissue (the body) reads about 0 and the marker its contrast to it', async () => {
    const finish = await reconstruct(main, { ...params, scale: 'hu' });
    if (!finish.ok || finish.kind !== 'recon:reconstruct') throw new Error('HU reconstruction failed');
    const hu = finish.result;
    expect(hu.huCalibration?.source).toBe('histogram');
    expect(hu.huCalibration!.muWater / muFromHu(BODY_HU)).toBeCloseTo(1, 1);
    const huVoxels = (await main.value('volume:getVoxels', { seriesUid: hu.seriesUid })).voxels;
    expect(Math.abs(valueAt(hu, huVoxels, [0, 0, 0]))).toBeLessThan(25);
    const markerHu = 1000 * (muFromHu(MARKER_HU) / muFromHu(BODY_HU) - 1);
    expect(Math.abs(valueAt(hu, huVoxels, MARKER_A) - markerHu)).toBeLessThan(60);
  }, 60_000);

  it('reconstructs with SART: the marker in its place, the body near its attenuation', async () => {
    const plan = await main.value('recon:describe', { seriesUid: runUid, size: [32, 32, 28], spacing: 3, algorithm: 'sart', subsets: 10 });
    // SART holds every view's line integrals and the volume.
    expect(plan.memoryBytes).toBeGreaterThanOrEqual(truth.frames * 64 * 48 * 4 + 4 * 32 * 32 * 28);
    const bad = await main.invoke('recon:reconstruct', { seriesUid: runUid, params: { ...params, algorithm: 'sart' } });
    expect(!bad.ok && bad.error.message).toMatch(/iterations/);
    main.sink.progress.length = 0;
    const finish = await reconstruct(main, { ...params, size: [32, 32, 28], spacing: 3, algorithm: 'sart', iterations: 3, subsets: 10 });
    if (!finish.ok || finish.kind !== 'recon:reconstruct') throw new Error(finish.ok ? 'wrong kind' : finish.error.message);
    expect(new Set(main.sink.progress.filter((p) => p.jobId === finish.jobId).map((p) => p.stage))).toContain('Iterating');
    const sart = finish.result;
    const sartVoxels = (await main.value('volume:getVoxels', { seriesUid: sart.seriesUid })).voxels;
    const body = muFromHu(BODY_HU);
    // (1.01 of the body's μ measured after three passes.)
    expect(valueAt(sart, sartVoxels, [0, 0, 0]) / body).toBeGreaterThan(0.9);
    expect(valueAt(sart, sartVoxels, [0, 0, 0]) / body).toBeLessThan(1.1);
    expect(valueAt(sart, sartVoxels, MARKER_A)).toBeGreaterThan(1.4 * valueAt(sart, sartVoxels, [-MARKER_A[0], MARKER_A[1], MARKER_A[2]]));
  }, 90_000);

  it('a preview replaces the previous preview and uses the grid asked for', async () => {
    const plan = await main.value('recon:describe', { seriesUid: runUid });
    const preview = { ...params, size: plan.previewGrid.size, spacing: plan.previewGrid.spacing, preview: true };
    const first = await reconstruct(main, preview);
    const second = await reconstruct(main, preview);
    if (!first.ok || !second.ok || second.kind !== 'recon:reconstruct' || first.kind !== 'recon:reconstruct') throw new Error('preview failed');
    expect(second.result).toMatchObject({ preview: true, dimensions: plan.previewGrid.size, description: 'Preview of 3D rotational run (phantom)' });
    expect((await main.invoke('volume:getVoxels', { seriesUid: first.result.seriesUid })).ok).toBe(false);
    expect((await main.invoke('volume:getVoxels', { seriesUid: second.result.seriesUid })).ok).toBe(true);
    // The full reconstruction made earlier is still there.
    expect((await main.invoke('volume:getVoxels', { seriesUid: info.seriesUid })).ok).toBe(true);
  }, 60_000);

  it('cancels on request, and the next reconstruction still works', async () => {
    main.sink.progress.length = 0;
    const { jobId } = await main.value('recon:reconstruct', { seriesUid: runUid, params: { ...params, size: [96, 96, 80], spacing: 1 } });
    while (!main.sink.progress.some((p) => p.jobId === jobId && p.done > 0)) await new Promise((r) => setTimeout(r, 5));
    expect(await main.value('job:cancel', { jobId })).toEqual({ cancelled: true });
    const finish = await main.job(jobId);
    expect(finish.ok).toBe(false);
    expect(!finish.ok && finish.error).toMatchObject({ code: 'cancelled' });
    const again = await reconstruct(main, { ...params, size: [16, 16, 16], spacing: 6 });
    expect(again.ok).toBe(true);
  }, 60_000);

  it('refuses a grid beyond the memory budget before allocating, and the app carries on', async () => {
    // Room for a small grid and the workers' fixed memory (2 × TASK_MEMORY_BYTES), not for 256³.
    const tight = services(128 * 2 ** 20);
    try {
      const { jobId } = await tight.value('dicom:indexFolder', { folder: source });
      await tight.job(jobId);
      const plan = await tight.value('recon:describe', { seriesUid: runUid, size: [256, 256, 256], spacing: 0.5 });
      expect(plan.memoryBytes).toBeGreaterThan(plan.budgetBytes);
      const heapBefore = process.memoryUsage().arrayBuffers;
      const refused = await reconstruct(tight, { ...params, size: [256, 256, 256], spacing: 0.5 });
      expect(!refused.ok && refused.error).toMatchObject({ code: 'too-large', message: expect.stringMatching(/256×256×256 voxels needs .* more than the 128 MB/) });
      // Nothing of the 64 MiB output volume was allocated.
      expect(process.memoryUsage().arrayBuffers - heapBefore).toBeLessThan(32 * 2 ** 20);
      const small = await reconstruct(tight, { ...params, size: [16, 16, 16], spacing: 6 });
      expect(small.ok).toBe(true);
    } finally {
      await tight.lumen.dispose();
    }
  }, 60_000);

  describe('volume:export', () => {
    it('writes NRRD, NIfTI (.nii, .nii.gz) and MetaImage that read back to the same voxels and LPS geometry', async () => {
      for (const [name, format] of [['r.nrrd', 'nrrd'], ['r.nii', 'nifti'], ['r.nii.gz', 'nifti-gzip'], ['r.mha', 'metaimage']] as const) {
        const written = await exportJob(main, 'volume:export', { seriesUid: info.seriesUid, out: path.join(out, name), format });
        expect(written).toMatchObject({ out: path.join(out, name), format, files: 1 });
        const image = decodeVolume(new Uint8Array(fs.readFileSync(written.out)), format);
        expect(image.dimensions).toEqual(info.dimensions);
        image.ijkToLps.forEach((v, n) => expect(v).toBeCloseTo(info.ijkToLps[n], 5));
        expect(Float32Array.from(image.voxels)).toEqual(voxels);
      }
    });

    it('writes a DICOM series into a new folder that indexes as a volume in the same place', async () => {
      const dir = path.join(out, 'series');
      const written = await exportJob(main, 'volume:export', { seriesUid: info.seriesUid, out: dir, format: 'dicom' });
      expect(written).toMatchObject({ out: dir, format: 'dicom', files: 40 });
      expect(fs.readdirSync(out).filter((f) => f.startsWith('.'))).toEqual([]);
      const { jobId } = await main.value('dicom:indexFolder', { folder: dir });
      const indexed = await main.job(jobId);
      if (!indexed.ok || indexed.kind !== 'dicom:index') throw new Error('index failed');
      expect(indexed.result.series).toHaveLength(1);
      const series = indexed.result.series[0];
      expect(series).toMatchObject({ kind: 'volume', dimensions: [48, 48, 40], patientId: 'PHANTOM-RA' });
      series.ijkToLps!.forEach((v, n) => expect(v).toBeCloseTo(info.ijkToLps[n], 4));
      const load = await main.value('volume:load', { seriesUid: series.uid });
      expect((await main.job(load.jobId)).ok).toBe(true);
      const back = (await main.value('volume:getVoxels', { seriesUid: series.uid })).voxels;
      // 16-bit pixels with a rescale: within half a quantisation step of the reconstruction.
      const step = Math.max(...voxels.map(Math.abs)) / 32000;
      let worst = 0;
      back.forEach((v, n) => (worst = Math.max(worst, Math.abs(v - voxels[n]))));
      expect(worst).toBeLessThanOrEqual(step * 1.01);
      // An existing folder is never written into; nor is a source folder.
      const again = await main.invoke('volume:export', { seriesUid: info.seriesUid, out, format: 'dicom' });
      expect(!again.ok && again.error.message).toMatch(/already exists/);
      const intoSource = await main.invoke('volume:export', { seriesUid: info.seriesUid, out: path.join(source, 'x.nrrd'), format: 'nrrd' });
      expect(!intoSource.ok && intoSource.error.message).toMatch(/source folder/);
      const mismatch = await main.invoke('volume:export', { seriesUid: info.seriesUid, out: path.join(out, 'x.nrrd'), format: 'metaimage' });
      expect(!mismatch.ok && mismatch.error.message).toMatch(/\.mha/);
    }, 30_000);

    it('writes the iso-surface between body and marker as STL: the largest part is a closed sphere round marker A', async () => {
      const file = path.join(out, 'markers.stl');
      const threshold = (muFromHu(BODY_HU) + muFromHu(MARKER_HU)) / 2;
      const written = await exportJob(main, 'volume:exportSurface', { seriesUid: info.seriesUid, out: file, threshold, largestOnly: true });
      expect(written).toMatchObject({ file, bytes: fs.statSync(file).size });
      const mesh = readStl(new Uint8Array(fs.readFileSync(file)));
      expect(mesh.triangles.length / 3).toBe(written.triangles);
      const centre = [0, 1, 2].map((c) => mesh.positions.filter((_, n) => n % 3 === c).reduce((a, b) => a + b, 0) / (mesh.positions.length / 3));
      centre.forEach((v, c) => expect(Math.abs(v - MARKER_A[c])).toBeLessThan(1.5));
      const radii = Array.from({ length: mesh.positions.length / 3 }, (_, n) => Math.hypot(...[0, 1, 2].map((c) => mesh.positions[3 * n + c] - MARKER_A[c])));
      // A 5 mm sphere on 2 mm voxels, blurred by the filter: its half-height surface at 5 ± 1.5 mm.
      expect(Math.abs(radii.reduce((a, b) => a + b, 0) / radii.length - 5)).toBeLessThan(1.5);
      const intoSource = await main.invoke('volume:exportSurface', { seriesUid: info.seriesUid, out: path.join(source, 'x.stl'), threshold });
      expect(!intoSource.ok && intoSource.error.message).toMatch(/source folder/);
    }, 30_000);
  });

  it('keeps the newest full reconstructions; one dropped to make room says so when asked for', async () => {
    const made: string[] = [];
    for (let n = 0; n < 5; n++) {
      const finish = await reconstruct(main, { ...params, size: [8, 8, 8], spacing: 8 });
      if (!finish.ok || finish.kind !== 'recon:reconstruct') throw new Error('reconstruction failed');
      made.push(finish.result.seriesUid);
    }
    // The four newest are there; the older ones (info among them) are gone, with the reason.
    for (const uid of made.slice(1)) expect((await main.invoke('volume:getVoxels', { seriesUid: uid })).ok).toBe(true);
    const gone = await main.invoke('volume:load', { seriesUid: made[0] });
    expect(!gone.ok && gone.error.message).toMatch(/dropped from memory to make room/);
  }, 60_000);
});
