/**
 * The Reconstruct panel's store against a fake main: the preview starts by itself on the
 * preview grid, the memory follows the grid, the ETA follows the progress rate, cancel
 * reaches main, a finished reconstruction is listed under its run and opens like a volume,
 * and the preview's central slices are oriented like the 3-up views.
 */
import { describe, expect, it } from 'vitest';
import type { InvokeChannel, InvokeOutcome, InvokeRequest, InvokeResponse, ReconstructionInfo, ReconstructionPlan } from '../../shared/contracts/ipc';
import type { SeriesSummary } from '../../shared/dicom/SeriesSummary';
import { fromAxes, transformPoint } from '../../shared/math/mat4';
import { centralSlices } from '../features/reconstruct/centralSlices';
import { FakeBridge } from '../ipc/fakeBridge';
import { LumenClient } from '../ipc/LumenClient';
import { ReconstructStore, reconstructionSeries } from './ReconstructStore';
import { RecentFoldersStore } from './RecentFoldersStore';
import { StudyStore } from './StudyStore';

type Handler<C extends InvokeChannel> = (req: InvokeRequest<C>) => InvokeResponse<C>;

/** Main, scripted per channel; jobs finish when the test says so. */
class FakeMain extends FakeBridge {
  readonly calls: { channel: InvokeChannel; req: unknown }[] = [];
  private readonly handlers = new Map<InvokeChannel, (req: never) => unknown>();
  private nextJob = 1;

  handle<C extends InvokeChannel>(channel: C, handler: Handler<C>): void {
    this.handlers.set(channel, handler as (req: never) => unknown);
  }
  async invoke<C extends InvokeChannel>(channel: C, req: InvokeRequest<C>): Promise<InvokeOutcome<C>> {
    this.calls.push({ channel, req });
    if (channel === 'recon:reconstruct') return { ok: true, value: { jobId: `job-${this.nextJob++}` } } as InvokeOutcome<C>;
    if (channel === 'job:cancel') return { ok: true, value: { cancelled: true } } as InvokeOutcome<C>;
    const handler = this.handlers.get(channel);
    if (!handler) return { ok: false, error: { code: 'internal', message: `no ${channel}` } };
    return { ok: true, value: handler(req as never) } as InvokeOutcome<C>;
  }
  progress(jobId: string, done: number, total: number, stage = 'Backprojecting'): void {
    this.emit('job:onDidProgress', { jobId, kind: 'recon:reconstruct', done, total, stage });
  }
  finish(jobId: string, result: ReconstructionInfo): void {
    this.emit('job:onDidFinish', { jobId, kind: 'recon:reconstruct', ok: true, result });
  }
  fail(jobId: string, code: 'cancelled' | 'too-large', message: string): void {
    this.emit('job:onDidFinish', { jobId, kind: 'recon:reconstruct', ok: false, error: { code, message } });
  }
  callsTo(channel: InvokeChannel): unknown[] {
    return this.calls.filter((c) => c.channel === channel).map((c) => c.req);
  }
  /** The job of the latest recon:reconstruct call. */
  lastJob(): string {
    return `job-${this.callsTo('recon:reconstruct').length}`;
  }
}

const settle = () => new Promise((r) => setTimeout(r, 0));

const run: SeriesSummary = {
  uid: 'run',
  kind: 'rotational-projections',
  modality: 'XA',
  description: 'Spin',
  files: 1,
  frames: 133,
  dimensions: [64, 64, 133],
  spacing: [0, 0, 0],
  warnings: [],
  uidSynthesised: false,
  patientId: 'P',
  patientName: 'Doe^J',
  studyUid: 'study',
  studyDescription: 'Angio',
  studyDate: '20260101',
};

const BUDGET = 10_000_000;
function plan(size: [number, number, number], spacing: number): ReconstructionPlan {
  return {
    seriesUid: 'run',
    description: 'Spin',
    report: { views: 133, arcDeg: 200, meanStepDeg: 1.5, fanAngleDeg: 20, coneAngleDeg: 20, magnification: 1.5, detectorMm: [300, 300], shortScan: true, warnings: [] },
    warnings: ['The spin covers 200°.'],
    intensity: 'LIN',
    units: '1/mm',
    defaultScale: 'mu',
    grid: { size, spacing },
    defaultGrid: { size: [100, 100, 80], spacing: 2 },
    previewGrid: { size: [50, 50, 40], spacing: 4 },
    // Five bytes per voxel, like the engine's output and mask.
    memoryBytes: 5 * size[0] * size[1] * size[2],
    budgetBytes: BUDGET,
  };
}

/** A small volume on a known grid: 1 mm voxels, origin at (−4, −4, −4), one bright voxel. */
function info(seriesUid: string, preview: boolean): ReconstructionInfo {
  return {
    seriesUid,
    modality: 'XA',
    dimensions: [9, 9, 9],
    spacing: [1, 1, 1],
    ijkToLps: fromAxes([1, 0, 0], [0, 1, 0], [0, 0, 1], [-4, -4, -4]),
    range: [-0.001, 0.04],
    voxelType: 'float32',
    description: `${preview ? 'Preview' : 'Reconstruction'} of Spin`,
    sourceSeriesUid: 'run',
    preview,
    units: '1/mm',
    params: { algorithm: 'fdk', size: [9, 9, 9], spacing: 1, window: 'ramlak', cutoff: 1, scale: 'mu', ...(preview ? { preview } : {}) },
    elapsed_s: 1,
  };
}

function setup() {
  const main = new FakeMain();
  main.handle('recon:describe', (req) => (req.size && req.spacing !== undefined ? plan(req.size, req.spacing) : plan([100, 100, 80], 2)));
  main.handle('volume:getVoxels', (req) => ({ seriesUid: req.seriesUid, voxels: new Float32Array(9 ** 3) }));
  let now = 0;
  const store = new ReconstructStore(new LumenClient(main), { describeDelayMs: 0, now: () => now });
  return { main, store, advance: (ms: number) => (now += ms) };
}

/** Opens the panel on the run and starts a full reconstruction; its job. */
async function startFull(main: FakeMain, store: ReconstructStore): Promise<string> {
  await store.openFor(run);
  await settle();
  void store.reconstruct();
  await settle();
  return main.lastJob();
}

describe('ReconstructStore', () => {
  it('opens with the report and default grid, and starts the preview on the preview grid', async () => {
    const { main, store } = setup();
    await store.openFor(run);
    expect(store.open).toBe(true);
    expect(store.plan?.report.views).toBe(133);
    expect(store.size).toEqual([100, 100, 80]);
    expect(store.spacing).toBe(2);
    expect(store.memory).toEqual({ bytes: 5 * 100 * 100 * 80, budgetBytes: BUDGET, fits: true });
    await settle();
    expect(main.callsTo('recon:reconstruct')).toEqual([{ seriesUid: 'run', params: { algorithm: 'fdk', size: [50, 50, 40], spacing: 4, window: 'ramlak', cutoff: 1, scale: 'mu', preview: true } }]);
    expect(store.preview.phase).toBe('running');
    main.progress('job-1', 10, 266, 'Filtering');
    expect(store.preview.progress).toEqual({ done: 10, total: 266, stage: 'Filtering' });
    main.finish('job-1', info('p1', true));
    await settle();
    await settle();
    expect(store.preview.phase).toBe('done');
    expect(store.previewVolume?.seriesUid).toBe('p1');
    // Air to the densest voxel.
    expect(store.previewWindow).toEqual({ center: 0.02, width: 0.04 });
  });

  it('HU by default estimates μ water; switching estimation off starts from what the preview estimated', async () => {
    const { main, store } = setup();
    main.handle('recon:describe', () => ({ ...plan([100, 100, 80], 2), defaultScale: 'hu' }));
    await store.openFor(run);
    await settle();
    expect(store.scale).toBe('hu');
    expect(store.params).not.toHaveProperty('muWater');
    main.finish('job-1', { ...info('p1', true), modality: 'CT', units: 'HU', huCalibration: { muWater: 0.0191, source: 'histogram' } });
    await settle();
    await settle();
    expect(store.previewWindow).toEqual({ center: 200, width: 1200 });
    store.setEstimateMuWater(false);
    expect(store.params.muWater).toBe(0.0191);
    store.setEstimateMuWater(true);
    expect(store.params).not.toHaveProperty('muWater');
  });

  it('a new voxel size keeps the field of view, and the memory follows the grid once main has described it', async () => {
    const { store } = setup();
    await store.openFor(run);
    store.setSpacing(1);
    expect(store.size).toEqual([200, 200, 160]);
    expect(store.memory).toBeNull();
    await settle();
    await settle();
    expect(store.memory).toEqual({ bytes: 5 * 200 * 200 * 160, budgetBytes: BUDGET, fits: false });
    expect(store.canReconstruct).toBe(false);
    store.setSize(2, 0);
    expect(store.paramsError).toMatch(/1 to 4096 voxels/);
    store.resetGrid();
    await settle();
    await settle();
    expect(store.canReconstruct).toBe(true);
  });

  it('reconstructs with progress and an ETA from the rate so far, then hands the volume on', async () => {
    const { main, store, advance } = setup();
    const results: [ReconstructionInfo, SeriesSummary][] = [];
    store.onResult = (result, source) => results.push([result, source]);
    await store.openFor(run);
    await settle();
    store.setSize(2, 10);
    store.setSize(0, 10);
    store.setSize(1, 10);
    store.setWindow('hann');
    store.setCutoff(0.8);
    store.setScale('hu');
    store.setEstimateMuWater(false);
    store.setMuWater(0.02);
    store.setAlgorithm('sart');
    store.setIterations(4);
    store.setSubsets(10);
    // Memory is SART's now: asked again with the algorithm and subsets.
    expect(store.memory).toBeNull();
    await settle();
    await settle();
    void store.reconstruct();
    await settle();
    // The preview in flight is cancelled for the full job.
    expect(main.callsTo('job:cancel')).toContainEqual({ jobId: 'job-1' });
    const fullJob = main.lastJob();
    expect(main.callsTo('recon:reconstruct').at(-1)).toEqual({ seriesUid: 'run', params: { algorithm: 'sart', size: [10, 10, 10], spacing: 2, window: 'hann', cutoff: 0.8, scale: 'hu', muWater: 0.02, iterations: 4, subsets: 10 } });
    expect(main.callsTo('recon:describe').at(-1)).toEqual({ seriesUid: 'run', size: [10, 10, 10], spacing: 2, algorithm: 'sart', subsets: 10 });
    expect(store.running).toBe(true);
    expect(store.canReconstruct).toBe(false);
    advance(1000);
    main.progress(fullJob, 2, 200);
    expect(store.full.etaSeconds).toBeNull();
    advance(9000);
    main.progress(fullJob, 50, 200);
    // A quarter done in 10 s: 30 s left.
    expect(store.full.etaSeconds).toBeCloseTo(30, 6);
    main.finish(fullJob, info('full', false));
    await settle();
    expect(store.full.phase).toBe('done');
    expect(results).toHaveLength(1);
    expect(results[0][0].seriesUid).toBe('full');
    expect(results[0][1]).toBe(run);
  });

  it('cancel reaches main; Esc cancels what runs, then closes the panel', async () => {
    const { main, store } = setup();
    const fullJob = await startFull(main, store);
    store.escape();
    await settle();
    expect(main.callsTo('job:cancel')).toContainEqual({ jobId: fullJob });
    main.fail(fullJob, 'cancelled', 'Reconstruction was cancelled.');
    await settle();
    expect(store.full.phase).toBe('cancelled');
    expect(store.full.error).toBeNull();
    expect(store.open).toBe(true);
    store.escape();
    expect(store.open).toBe(false);
    expect(store.previewVolume).toBeNull();
  });

  it('says why a reconstruction failed and can start another', async () => {
    const { main, store } = setup();
    const fullJob = await startFull(main, store);
    main.fail(fullJob, 'too-large', 'Reconstructing needs 9 GB.');
    await settle();
    expect(store.full).toMatchObject({ phase: 'error', error: 'Reconstructing needs 9 GB.' });
    expect(store.canReconstruct).toBe(true);
  });
});

describe('a reconstruction in the study browser', () => {
  it('is listed under its run, in tree order, and opens as a volume of the same patient', () => {
    const study = new StudyStore(new LumenClient(new FakeMain()), new RecentFoldersStore(new LumenClient(new FakeMain())));
    study.result = {
      folder: '/data',
      series: [run, { ...run, uid: 'ct', kind: 'volume' }],
      skipped: [],
      patients: [{ patientId: 'P', patientName: 'Doe^J', studies: [{ studyUid: 'study', description: 'Angio', date: '', seriesUids: ['run', 'ct'] }] }],
      elapsedSeconds: 0,
    };
    const series = reconstructionSeries(info('full', false), run);
    study.addDerivedSeries(series, 'run');
    expect(study.derivedOf('run')).toEqual([series]);
    expect(study.seriesInTreeOrder).toEqual(['run', 'full', 'ct']);
    study.selectSeries('full');
    expect(study.selectedSeries).toMatchObject({ kind: 'volume', description: 'Reconstruction of Spin', patientName: 'Doe^J', dimensions: [9, 9, 9], spacing: [1, 1, 1] });
  });
});

describe('centralSlices', () => {
  it('cuts through the centre voxel and orients the slices like the 3-up (axial: patient left on the right, anterior up; head up)', () => {
    const volume = { ...info('v', true), voxels: new Float32Array(9 ** 3) };
    // A bright voxel left (+x), anterior (−y) and superior (+z) of the centre, in the central planes' rows/columns.
    const bright: [number, number, number] = [2, -3, 1];
    const put = (p: [number, number, number]) => {
      // 1 mm voxels from (−4, −4, −4).
      const [i, j, k] = p.map((c) => c + 4);
      volume.voxels[i + 9 * (j + 9 * k)] = 1;
    };
    put([bright[0], bright[1], 0]);
    put([bright[0], 0, bright[2]]);
    put([0, bright[1], bright[2]]);
    const slices = centralSlices(volume);
    const brightestAt = (o: 'axial' | 'coronal' | 'sagittal') => {
      const s = slices[o];
      const n = s.pixels.indexOf(Math.max(...s.pixels));
      return transformPoint(s.sliceToWorld, [n % s.width, Math.floor(n / s.width), 0]);
    };
    expect(brightestAt('axial')).toEqual([bright[0], bright[1], 0]);
    expect(brightestAt('coronal')).toEqual([bright[0], 0, bright[2]]);
    expect(brightestAt('sagittal')).toEqual([0, bright[1], bright[2]]);
    // Screen directions: axial column grows to the patient's left, row to posterior; coronal and sagittal rows grow to the feet.
    expect(slices.axial.sliceToWorld.filter((_, n) => n % 4 === 0 && n < 12)).toEqual([1, 0, 0]);
    expect([slices.coronal.sliceToWorld[1], slices.coronal.sliceToWorld[5], slices.coronal.sliceToWorld[9]]).toEqual([0, 0, -1]);
    expect([slices.sagittal.sliceToWorld[0], slices.sagittal.sliceToWorld[4], slices.sagittal.sliceToWorld[8]]).toEqual([0, 1, 0]);
  });
});
