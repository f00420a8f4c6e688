/**
 * The volume toolbar's exports as jobs, end to end in main on CT phantoms written as DICOM:
 * a ball of known centre and radius whose HU fall linearly through 0 at its surface.
 * Each export reports progress that only grows and reads back to the loaded volume (the
 * files by the project's readers, the DICOM series re-indexed, the STL a closed manifold
 * round the ball); main keeps answering while a large surface is extracted; cancel leaves
 * nothing behind, and the next export works.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Events, InvokeRequest, JobFinish, JobId, JobResults } from '../../shared/contracts/ipc';
import { readStl } from '../../shared/io/stl';
import { decodeVolume } from '../../shared/io/volumeFormats';
import { decimateMesh } from '../../shared/mesh/decimateMesh';
import { marchingCubes } from '../../shared/mesh/marchingCubes';
import { edgeTopology, enclosedVolume, isClosedOrientedManifold } from '../../shared/mesh/meshMeasures';
import type { Vec3 } from '../../shared/math/vec3';
import { writeVolumePhantom } from '../../test/fixtures/volumePhantom';
import { jobResult, mainServices } from '../../test/support/mainServices';
import { surfaceStl, type SurfaceProgress } from './exportSurface';
import { ENCODE_STEPS, encodeVolumeFile } from './exportVolume';
import type { LoadedVolume } from './VolumeService';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lumen-export-jobs-'));
const { lumen, sink, value } = mainServices(path.join(tmp, 'state'));

/** Starts an export; its id and its finish. */
async function startExport<C extends 'volume:export' | 'volume:exportSurface'>(channel: C, req: InvokeRequest<C>): Promise<{ jobId: JobId; finished: Promise<JobFinish> }> {
  const { jobId } = await value(channel, req);
  return { jobId, finished: sink.finished(jobId) };
}
async function exported<C extends 'volume:export' | 'volume:exportSurface'>(channel: C, req: InvokeRequest<C>): Promise<{ jobId: JobId; result: JobResults[C] }> {
  const { jobId, finished } = await startExport(channel, req);
  return { jobId, result: jobResult(channel, await finished) };
}

/** Progress fractions of a job never fall, and the last one is the end. */
function expectMonotonicToTheEnd(jobId: JobId): void {
  const events = sink.of(jobId);
  expect(events.length).toBeGreaterThanOrEqual(2);
  const fractions = events.map((p) => p.done / p.total);
  fractions.slice(1).forEach((f, n) => expect(f).toBeGreaterThanOrEqual(fractions[n]));
  expect(fractions.at(-1)).toBe(1);
}

/** A ball: HU fall through 0 at `radius` from `centre`, 200 HU per mm, clamped to ±500 (a partial-volume edge marching cubes interpolates exactly). */
function ball(centre: Vec3, radius: number): (p: Vec3) => number {
  return (p) => Math.max(-500, Math.min(500, 200 * (radius - Math.hypot(p[0] - centre[0], p[1] - centre[1], p[2] - centre[2]))));
}

async function loadPhantom(name: string, size: [number, number, number], spacing: [number, number, number], sample: (p: Vec3) => number): Promise<LoadedVolume> {
  const dir = path.join(tmp, name);
  writeVolumePhantom({ dir, size, spacing, orientation: 'oblique', sample, seriesDescription: name });
  const indexed = await sink.finished((await value('dicom:indexFolder', { folder: dir })).jobId);
  if (!indexed.ok || indexed.kind !== 'dicom:index') throw new Error('index failed');
  const uid = indexed.result.series[0].uid;
  const loaded = await sink.finished((await value('volume:load', { seriesUid: uid })).jobId);
  if (!loaded.ok) throw new Error('load failed');
  return lumen.services.volumes.get(uid)!;
}

/** The centre of a mesh's vertices and their mean distance from `centre`. */
function sphereFit(positions: ArrayLike<number>, centre: Vec3): { centroid: Vec3; meanRadius: number } {
  const n = positions.length / 3;
  const centroid: Vec3 = [0, 0, 0];
  let radii = 0;
  for (let v = 0; v < n; v++) {
    for (let c = 0; c < 3; c++) centroid[c] += positions[3 * v + c] / n;
    radii += Math.hypot(positions[3 * v] - centre[0], positions[3 * v + 1] - centre[1], positions[3 * v + 2] - centre[2]);
  }
  return { centroid, meanRadius: radii / n };
}

/** Everything in a folder, hidden temp files and folders included. */
const entries = (dir: string) => fs.readdirSync(dir).sort();

// Off-centre on every axis, so a flipped axis (or RAS written for LPS) moves it.
const SMALL_CENTRE: Vec3 = [6, -4, 3];
const SMALL_RADIUS = 12;
const LARGE_CENTRE: Vec3 = [10, -15, 8];
const LARGE_RADIUS = 90;
let small: LoadedVolume;
let large: LoadedVolume;
const out = path.join(tmp, 'out');

beforeAll(async () => {
  fs.mkdirSync(out);
  small = await loadPhantom('small', [48, 40, 36], [1, 1.2, 1.5], ball(SMALL_CENTRE, SMALL_RADIUS));
  large = await loadPhantom('large', [256, 256, 200], [1, 1, 1], ball(LARGE_CENTRE, LARGE_RADIUS));
}, 120_000);

afterAll(async () => {
  await lumen.dispose();
  fs.rmSync(tmp, { recursive: true, force: true });
});

describe('volume:export as a job', () => {
  it('writes NRRD, NIfTI (.nii, .nii.gz) and MetaImage with growing progress, reading back to the same voxels and LPS geometry', async () => {
    for (const [name, format] of [['s.nrrd', 'nrrd'], ['s.nii', 'nifti'], ['s.nii.gz', 'nifti-gzip'], ['s.mha', 'metaimage']] as const) {
      const { jobId, result } = await exported('volume:export', { seriesUid: small.seriesUid, out: path.join(out, name), format });
      expect(result).toMatchObject({ out: path.join(out, name), format, files: 1, bytes: fs.statSync(result.out).size });
      expectMonotonicToTheEnd(jobId);
      expect(sink.of(jobId).at(-1)!.stage).toBe('Writing');
      const image = decodeVolume(new Uint8Array(fs.readFileSync(result.out)), format);
      expect(image.dimensions).toEqual(small.dimensions);
      image.ijkToLps.forEach((v, n) => expect(v).toBeCloseTo(small.ijkToLps[n], 5));
      expect(Float32Array.from(image.voxels)).toEqual(small.voxels);
    }
    expect(entries(out).filter((f) => f.startsWith('.'))).toEqual([]);
  });

  it('writes a DICOM series slice by slice that re-indexes as the same volume in the same place', async () => {
    const dir = path.join(out, 'series');
    const { jobId, result } = await exported('volume:export', { seriesUid: small.seriesUid, out: dir, format: 'dicom' });
    expect(result).toMatchObject({ out: dir, format: 'dicom', files: 36 });
    expect(fs.readdirSync(dir)).toHaveLength(36);
    expectMonotonicToTheEnd(jobId);
    expect(sink.of(jobId).at(-1)!.stage).toBe('Writing slice 36/36');
    const indexed = await sink.finished((await value('dicom:indexFolder', { folder: dir })).jobId);
    if (!indexed.ok || indexed.kind !== 'dicom:index') throw new Error('index failed');
    const series = indexed.result.series[0];
    expect(series).toMatchObject({ kind: 'volume', dimensions: small.dimensions });
    series.ijkToLps!.forEach((v, n) => expect(v).toBeCloseTo(small.ijkToLps[n], 4));
    const loaded = await sink.finished((await value('volume:load', { seriesUid: series.uid })).jobId);
    expect(loaded.ok).toBe(true);
    const back = lumen.services.volumes.get(series.uid)!.voxels;
    // 16-bit pixels with a rescale (largest magnitude 500 → slope ≈ 500/32000): within half a step.
    let worst = 0;
    back.forEach((v, n) => (worst = Math.max(worst, Math.abs(v - small.voxels[n]))));
    expect(worst).toBeLessThanOrEqual((500 / 32000) * 0.51);
    expect(entries(out).filter((f) => f.startsWith('.'))).toEqual([]);
  });

  it('writes the STL of the ball: a closed, outward manifold at its LPS place and radius', async () => {
    const file = path.join(out, 'ball.stl');
    const { jobId, result } = await exported('volume:exportSurface', { seriesUid: small.seriesUid, out: file, threshold: 0, smoothIterations: 5, decimate: 0.5 });
    expect(result).toMatchObject({ file, bytes: fs.statSync(file).size });
    expectMonotonicToTheEnd(jobId);
    expect(sink.of(jobId).at(-1)!.stage).toBe('Writing');
    const mesh = readStl(new Uint8Array(fs.readFileSync(file)));
    expect(mesh.triangles.length / 3).toBe(result.triangles);
    expect(isClosedOrientedManifold(edgeTopology(mesh))).toBe(true);
    const { centroid, meanRadius } = sphereFit(mesh.positions, SMALL_CENTRE);
    centroid.forEach((v, c) => expect(Math.abs(v - SMALL_CENTRE[c])).toBeLessThan(0.2));
    expect(Math.abs(meanRadius - SMALL_RADIUS)).toBeLessThan(0.3);
    // Outward winding: the enclosed volume is positive, that of the ball within 3%.
    expect(enclosedVolume(mesh) / ((4 / 3) * Math.PI * SMALL_RADIUS ** 3)).toBeCloseTo(1, 1);
  });

  it('keeps main answering while a large surface is extracted in a worker', async () => {
    const file = path.join(out, 'large.stl');
    const ticks: number[] = [];
    const timer = setInterval(() => ticks.push(performance.now()), 10);
    const started = performance.now();
    const loopBefore = performance.eventLoopUtilization();
    let result: JobResults['volume:exportSurface'];
    try {
      ({ result } = await exported('volume:exportSurface', { seriesUid: large.seriesUid, out: file, threshold: 0, smoothIterations: 10, decimate: 0.3 }));
    } finally {
      clearInterval(timer);
    }
    const seconds = (performance.now() - started) / 1000;
    const loop = performance.eventLoopUtilization(loopBefore);
    const gaps = ticks.slice(1).map((t, n) => t - ticks[n]).sort((a, b) => a - b);
    const p95 = gaps[Math.floor(0.95 * gaps.length)];
    console.log(
      `large surface: ${result.triangles} triangles in ${seconds.toFixed(2)} s; ${ticks.length} ticks, gaps p95 ${p95.toFixed(1)} ms, longest ${gaps.at(-1)!.toFixed(1)} ms; main busy ${(loop.active / 1000).toFixed(3)} s (${(100 * loop.utilization).toFixed(1)}%)`,
    );
    // The check means something only if the export lasted long enough to need it.
    expect(ticks.length).toBeGreaterThanOrEqual(50);
    // Main's event loop did almost nothing but wait: the work ran elsewhere (run in main, this is ~100%).
    expect(loop.utilization).toBeLessThan(0.1);
    // And it answered throughout. The OS may not schedule main at once on a loaded machine (single gaps
    // of a few hundred ms were seen at load 8 on 2 cores, with main idle), so no single gap is held to
    // 50 ms; a blocked main would show one gap as long as the extraction (seconds).
    expect(p95).toBeLessThanOrEqual(50);
    expect(gaps.at(-1)).toBeLessThan(1000);
    const mesh = readStl(new Uint8Array(fs.readFileSync(file)));
    expect(isClosedOrientedManifold(edgeTopology(mesh))).toBe(true);
    expect(Math.abs(sphereFit(mesh.positions, LARGE_CENTRE).meanRadius - LARGE_RADIUS)).toBeLessThan(0.5);
  }, 120_000);
});

// The job service passes on at most ten progress events a second within a stage: the stages
// and their steps are checked where the work reports them.
describe('export stages', () => {
  it('encodes a volume converting, then compressing (NRRD, .nii.gz) or encoding (NIfTI, MetaImage)', () => {
    for (const format of ['nrrd', 'nifti-gzip', 'nifti', 'metaimage'] as const) {
      const seen: [string, number, number][] = [];
      encodeVolumeFile(small, format, (stage, done, total) => seen.push([stage, done, total]));
      expect(seen).toEqual([
        ['Converting', 0, ENCODE_STEPS],
        [format === 'nrrd' || format === 'nifti-gzip' ? 'Compressing' : 'Encoding', 1, ENCODE_STEPS],
      ]);
    }
  });

  it('extracts, smooths, decimates and writes a surface, on one bar that only grows', () => {
    const seen: { stage: string; fraction: number }[] = [];
    surfaceStl(small, { threshold: 0, smoothIterations: 3, decimate: 0.5 }, (stage, done, total) => seen.push({ stage, fraction: done / total }));
    const stages = seen.map((p) => p.stage).filter((stage, n, all) => stage !== all[n - 1]);
    expect(stages).toEqual(['Extracting surface', 'Smoothing', 'Decimating', 'Writing']);
    seen.slice(1).forEach((p, n) => expect(p.fraction).toBeGreaterThanOrEqual(seen[n].fraction));
    // Slice pairs of the padded grid, then one per smoothing pass.
    expect(seen.filter((p) => p.stage === 'Extracting surface')).toHaveLength(small.dimensions[2] + 1);
    expect(seen.filter((p) => p.stage === 'Smoothing')).toHaveLength(3);
  });

  it('stops each kernel at its next check once the signal aborts: extraction, smoothing, decimation', () => {
    const mesh = marchingCubes(large, { threshold: 0 });
    for (const [stage, run] of [
      ['Extracting surface', (p: SurfaceProgress, signal: AbortSignal) => surfaceStl(small, { threshold: 0 }, p, signal)],
      ['Smoothing', (p: SurfaceProgress, signal: AbortSignal) => surfaceStl(small, { threshold: 0, smoothIterations: 5 }, p, signal)],
      ['Decimating', (p: SurfaceProgress, signal: AbortSignal) => decimateMesh(mesh, { keep: 0.5, signal, onProgress: (done, total) => p('Decimating', done, total) })],
    ] as const) {
      const controller = new AbortController();
      let after = 0;
      const abortIn = (s: string) => {
        if (controller.signal.aborted) after++;
        else if (s === stage) controller.abort();
      };
      expect(() => run(abortIn, controller.signal), stage).toThrow(expect.objectContaining({ name: 'AbortError' }));
      // Stopped at the check that follows the report: nothing more was reported.
      expect(after, stage).toBe(0);
    }
  });
});

describe('cancelling an export', () => {
  async function cancelAfter(jobId: JobId, finished: Promise<JobFinish>, test: (p: Events['job:onDidProgress']) => boolean, delayMs = 0): Promise<JobFinish> {
    await sink.progressed(jobId, test);
    await new Promise((resolve) => setTimeout(resolve, delayMs));
    expect(await value('job:cancel', { jobId })).toEqual({ cancelled: true });
    return finished;
  }
  const cancelledDir = path.join(tmp, 'cancelled');

  beforeAll(() => fs.mkdirSync(cancelledDir));

  it('stops a surface mid-extraction, leaves no file, and the next export works', async () => {
    const file = path.join(cancelledDir, 'large.stl');
    const { jobId, finished } = await startExport('volume:exportSurface', { seriesUid: large.seriesUid, out: file, threshold: 0, smoothIterations: 10, decimate: 0.3 });
    const finish = await cancelAfter(jobId, finished, (p) => p.done > 0 && p.done < p.total);
    expect(!finish.ok && finish.error.code).toBe('cancelled');
    expect(entries(cancelledDir)).toEqual([]);
    const next = await exported('volume:exportSurface', { seriesUid: small.seriesUid, out: path.join(cancelledDir, 'small.stl'), threshold: 0 });
    expect(next.result.triangles).toBeGreaterThan(0);
    expect(entries(cancelledDir)).toEqual(['small.stl']);
    fs.rmSync(path.join(cancelledDir, 'small.stl'));
  }, 60_000);

  it('stops a DICOM series between slices and removes its temp folder; the next series is whole', async () => {
    const dir = path.join(cancelledDir, 'series');
    const { jobId, finished } = await startExport('volume:export', { seriesUid: large.seriesUid, out: dir, format: 'dicom' });
    const finish = await cancelAfter(jobId, finished, (p) => p.done >= 3 && p.done < p.total);
    expect(!finish.ok && finish.error.code).toBe('cancelled');
    expect(entries(cancelledDir)).toEqual([]);
    // A slice the stopped worker was writing cannot bring the folder back later.
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(entries(cancelledDir)).toEqual([]);
    const next = await exported('volume:export', { seriesUid: small.seriesUid, out: dir, format: 'dicom' });
    expect(next.result.files).toBe(36);
    expect(entries(cancelledDir)).toEqual(['series']);
    expect(fs.readdirSync(dir)).toHaveLength(36);
    fs.rmSync(dir, { recursive: true });
  }, 60_000);

  it('stops a compressed NRRD while it is encoded, and leaves no file', async () => {
    const file = path.join(cancelledDir, 'large.nrrd');
    const { jobId, finished } = await startExport('volume:export', { seriesUid: large.seriesUid, out: file, format: 'nrrd' });
    // Compressing 26 MB takes a second or more: cancel well inside it.
    const finish = await cancelAfter(jobId, finished, () => true, 200);
    expect(!finish.ok && finish.error.code).toBe('cancelled');
    expect(entries(cancelledDir)).toEqual([]);
    const next = await exported('volume:export', { seriesUid: small.seriesUid, out: file, format: 'nrrd' });
    expect(Float32Array.from(decodeVolume(new Uint8Array(fs.readFileSync(next.result.out)), 'nrrd').voxels)).toEqual(small.voxels);
  }, 60_000);
});
