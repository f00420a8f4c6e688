/**
 * FDK reconstruction of a rotational run in the worker pool. Projections stream through
 * in batches: the workers decode, convert to line integrals and filter a batch of views
 * straight into a shared batch buffer, then every worker backprojects that batch into its
 * own boxes of grid rows through every slice of the shared output volume (no two write
 * one voxel). A run that
 * fits two buffers is one batch; longer ones use two buffers that take turns, so batch
 * n + 1 is filtered while batch n is backprojected. Memory is the
 * output volume plus two batches of filtered views, whatever the length of the run, plus
 * the file each filtering worker reads frames from (a multi-frame run is one file); it is
 * checked against the budget before anything is allocated. 512³: 512 MiB of float32
 * output and 128 MiB of field-of-view mask, plus two batches of at most 64 MiB, 40 MiB of
 * WebAssembly memory per worker and, while filtering, one copy of the run's file per
 * worker (see reconstructionMemoryBytes).
 */
import { TASK_MEMORY_BYTES, WasmBackprojector } from '../../shared/recon/wasm/WasmBackprojector';
import { rampFilterMemoryBytes } from '../../shared/recon/wasm/WasmRampFilter';
import { UserError } from '../../shared/contracts/UserError';
import { formatBytes } from '../../shared/formatBytes';
import { geometryReport, type ConeBeamGeometry, type GeometryReport } from '../../shared/recon/cArmGeometry';
import { clearOutsideFieldOfView, defaultReconGrid, fieldOfViewSpans, maskOfSpans, type ReconGrid } from '../../shared/recon/fdk';
import type { RampWindow } from '../../shared/recon/rampFilter';
import type { RotationalRun } from '../../shared/recon/rotationalRun';
import { applyHounsfieldScale, type HuCalibration } from '../../shared/recon/huScale';
import { preprocessRun, type ViewPreprocessing } from '../../shared/recon/viewPreprocessing';
import { balancedRanges, chunkRanges, runChunks } from './runChunks';
import type { WorkerPool } from './WorkerPool';

export interface ReconstructionParameters {
  /** Voxels per axis; default: defaultReconGrid's (covering the field of view). */
  size?: [number, number, number];
  /** Isotropic voxel size, mm; default: defaultReconGrid's. */
  spacing?: number;
  window: RampWindow;
  /** Ramp cut-off as a fraction of the detector's Nyquist frequency. */
  cutoff?: number;
  /** LIN runs: the unattenuated intensity, when known; else estimated from air in the projections. */
  i0?: number;
  /**
   * LIN runs: offset (dark) and gain (flat) images of the detector, the run's columns × rows
   * in its modality units; views become (I − dark)/(flat − dark), whose air level is then
   * I0 (about 1 when the flat was taken at the run's exposure).
   */
  dark?: Float32Array;
  flat?: Float32Array;
  /** N×N detector binning before filtering (N² fewer pixels), the geometry binned to match. */
  binning?: number;
  /** Output HU, 1000·(μ − μ_water)/μ_water; μ_water estimated from the volume's histogram when not given (huScale.ts). */
  hu?: { muWater?: number };
}

export interface ReconstructionProgress {
  stage: 'Estimating air' | 'Filtering' | 'Backprojecting';
  /** Views filtered plus views backprojected (each over all boxes), out of 2 × views; never decreases. */
  done: number;
  total: number;
}

export interface ReconstructionRun {
  pool: WorkerPool;
  budgetBytes: number;
  signal?: AbortSignal;
  onProgress?: (p: ReconstructionProgress) => void;
  /** Views per batch (two batches are held at once); default: batchViewsFor's. */
  batchViews?: number;
}

export interface Reconstruction {
  grid: ReconGrid;
  /** Linear attenuation μ in mm⁻¹ (or HU, see `hu`), grid.dimensions, column fastest; 0 (−1000 HU) outside the field of view. On a SharedArrayBuffer. */
  voxels: Float32Array;
  /** Set when the voxels are HU: the μ_water used and whether it was given or estimated. */
  hu?: HuCalibration;
  report: GeometryReport;
  /** LIN: the unattenuated intensity used; LOG: the air level. */
  i0: number;
  /**
   * Wall times: the air level's estimate (0 when I0 was given), decoding and filtering,
   * backprojection (the two overlap, each counted whole), and the field-of-view mask
   * (worked out during the filtering, with the sharing out of the backprojection; applied
   * after).
   */
  timings: { i0_s: number; filter_s: number; backproject_s: number; mask_s: number };
  /**
   * Voxel updates (grid voxels × views, the usual nominal count, as plastimatch's figure in
   * the benchmark) per second of backprojection wall time. Voxels outside the field of
   * view are counted though skipped: on the benchmark's grid about a quarter of them.
   */
  voxelUpdatesPerSecond: number;
}

/** Largest batch buffer, by default (two are held). */
export const BATCH_BYTES = 64 * 2 ** 20;
/** Projections sampled to estimate the air level. */
const I0_SAMPLES = 16;
/** Views, and one slice in this many, whose common view stands in for the field of view when sharing out the backprojection. */
const WORK_VIEWS = 12;
const WORK_SLICE_STEP = 8;

/** The grid's slices k = 0, step, 2·step, … as a grid of their own. */
function everyKth(grid: ReconGrid, step: number): ReconGrid {
  const [nx, ny, nz] = grid.dimensions;
  const m = grid.ijkToLps;
  const ijkToLps = m.map((x, n) => (n % 4 === 2 && n < 12 ? x * step : x));
  return { ...grid, dimensions: [nx, ny, Math.ceil(nz / step)], spacing: [grid.spacing[0], grid.spacing[1], grid.spacing[2] * step], ijkToLps };
}

/** At most `count` items spread evenly from the first to the last. */
function spread<T>(items: readonly T[], count: number): T[] {
  const n = Math.min(count, items.length);
  return Array.from({ length: n }, (_, m) => items[Math.round((m * (items.length - 1)) / Math.max(1, n - 1))]);
}

/** Voxels of each grid row j inside `spans` (fieldOfViewSpans of an ny-row grid): the backprojection's work there. */
function voxelsPerRow(spans: Int32Array, ny: number): Float64Array {
  const work = new Float64Array(ny);
  for (let n = 0; n < spans.length / 2; n++) work[n % ny] += Math.max(0, spans[2 * n + 1] - spans[2 * n] + 1);
  return work;
}

function viewBytes(g: ConeBeamGeometry): number {
  return 4 * g.detector.columns * g.detector.rows;
}

/**
 * Views per batch, by default: as few batches as the buffers allow, since each costs every
 * task its setup (reading the run file, copying the box in and out of the backprojector).
 * A run that fits both buffers' bytes is one batch: filtering (a tenth of the work with
 * the SIMD kernels) then runs on every worker before the backprojection does, with no
 * overlap needed to keep them busy. Longer runs: equal batches of at most BATCH_BYTES,
 * two held at once, so batch n + 1 is filtered while batch n is backprojected.
 */
export function batchViewsFor(g: ConeBeamGeometry, poolSize: number): number {
  const views = g.views.length;
  if (views * viewBytes(g) <= 2 * BATCH_BYTES) return views;
  const batches = Math.ceil(views / Math.max(1, Math.floor(BATCH_BYTES / viewBytes(g))));
  return Math.min(views, Math.max(poolSize, Math.ceil(views / batches)));
}

/**
 * What a reconstruction holds at most at once: the output volume and its field-of-view
 * mask, the filtered views (both batch buffers), the file each filtering worker has
 * read, and each worker's WebAssembly memory (its backprojector's and its ramp filter's).
 */
export function reconstructionMemoryBytes(g: ConeBeamGeometry, grid: ReconGrid, filteredViews: number, filesHeld = 0, workers = 0): number {
  const voxels = grid.dimensions[0] * grid.dimensions[1] * grid.dimensions[2];
  const perWorker = TASK_MEMORY_BYTES + rampFilterMemoryBytes(g.detector.columns, g.detector.rows);
  return 5 * voxels + filteredViews * viewBytes(g) + filesHeld + workers * perWorker;
}

/**
 * What reconstructing this (binned) run into `grid` holds at most, with `batch` views per
 * batch (batchViewsFor's by default) on `poolSize` workers: two batches at once, and every
 * filtering task reads its run file whole (at most one task per worker at once).
 */
export function runMemoryBytes(run: RotationalRun, grid: ReconGrid, batch: number, poolSize: number): number {
  const batches = Math.ceil(run.geometry.views.length / batch);
  return reconstructionMemoryBytes(run.geometry, grid, Math.min(2, batches) * batch, Math.min(poolSize, batch) * run.fileBytes, poolSize);
}

export function reconGridFor(g: ConeBeamGeometry, params: Pick<ReconstructionParameters, 'size' | 'spacing'>): ReconGrid {
  return defaultReconGrid(g, { ...(params.size ? { size: params.size } : {}), ...(params.spacing !== undefined ? { spacing: params.spacing } : {}) });
}

export async function reconstructRun(run: ReconstructionRun, source: RotationalRun, params: ReconstructionParameters): Promise<Reconstruction> {
  // Dark/flat correction and binning happen in the filtering workers; from here on the run is the binned one.
  const { run: rotational, preprocessing } = preprocessRun(source, params);
  const { pool, signal, onProgress } = run;
  const g = rotational.geometry;
  const grid = reconGridFor(g, params);
  const views = g.views.length;
  const batch = Math.max(1, Math.min(views, run.batchViews ?? batchViewsFor(g, pool.size)));
  const batches = Math.ceil(views / batch);
  const bytes = runMemoryBytes(rotational, grid, batch, pool.size);
  const filterTasks = Math.min(pool.size, batch);
  const [nx, ny, nz] = grid.dimensions;
  if (bytes > run.budgetBytes) {
    throw new UserError(
      'too-large',
      `Reconstructing ${nx}×${ny}×${nz} voxels needs ${formatBytes(bytes)}, more than the ${formatBytes(run.budgetBytes)} Lumen may use here. Use a smaller --size or a larger --spacing.`,
    );
  }
  const report = geometryReport(g, rotational.notes);
  const total = 2 * views;
  const cancelled = () => new UserError('cancelled', 'Reconstruction was cancelled.');

  if (params.i0 === undefined) onProgress?.({ stage: 'Estimating air', done: 0, total });
  const airStarted = performance.now();
  const i0 = params.i0 ?? (await estimateAir(pool, rotational, signal, preprocessing));
  const i0_s = (performance.now() - airStarted) / 1000;
  if (!(i0 > 0) && rotational.intensity === 'LIN') {
    throw new UserError('unsupported', 'The projections hold no unattenuated (air) pixels to calibrate them against, and no I0 was given.');
  }

  const out = new SharedArrayBuffer(4 * nx * ny * nz);
  // Two batch buffers: the workers filter batch n + 1 into one while they backproject
  // batch n from the other, so neither stage waits for the other's slowest chunk.
  const buffers = Array.from({ length: Math.min(2, batches) }, () => new SharedArrayBuffer(batch * viewBytes(g)));
  // Both stages report at once: progress is their sum, each stage's own count kept apart,
  // under the stage that paces the run (filtering only until backprojection starts).
  let filteredViews = 0;
  let backprojectedViews = 0;
  let backprojecting = false;
  const reportProgress = () => onProgress?.({ stage: backprojecting ? 'Backprojecting' : 'Filtering', done: filteredViews + backprojectedViews, total });
  // One failing stage stops the other, which would otherwise run on into a dead job.
  const controller = new AbortController();
  const onAbort = () => controller.abort();
  signal?.addEventListener('abort', onAbort, { once: true });
  let failure: unknown;
  const stage = async <T>(work: () => Promise<T>): Promise<{ value: T; ms: number }> => {
    const started = performance.now();
    try {
      return { value: await work(), ms: performance.now() - started };
    } catch (err) {
      failure ??= err;
      controller.abort();
      throw err;
    }
  };
  // Batch n holds every batches-th view from view n, so each batch spans the whole arc:
  // what all its views see is then barely more than the run's field of view, and the
  // backprojection adds into that alone (WasmBackprojector's commonViewOnly).
  const batchViews = (n: number) => Array.from({ length: Math.ceil((views - n) / batches) }, (_, slot) => n + slot * batches);
  const filterBatch = (n: number) => {
    const refs = batchViews(n).map((view, slot) => {
      const ref = rotational.views[view];
      return { file: ref.file, frameIndex: ref.frameIndex, view, slot, ...(ref.rescale ? { rescale: ref.rescale } : {}) };
    });
    const before = filteredViews;
    return stage(() =>
      runChunks(
        pool,
        'recon:filterViews',
        chunkRanges(refs.length, filterTasks).map(([a, b]) => ({
          geometry: g,
          views: refs.slice(a, b),
          intensity: rotational.intensity,
          i0,
          window: params.window,
          ...(params.cutoff !== undefined ? { cutoff: params.cutoff } : {}),
          out: buffers[n % 2],
          ...(preprocessing ? { preprocessing } : {}),
        })),
        {
          signal: controller.signal,
          onProgress: (done) => {
            filteredViews = before + done;
            reportProgress();
          },
        },
      ),
    );
  };
  const backprojectBatch = (n: number) => {
    // Each batch is a geometry of its own views, in the order of their slots in its buffer.
    const batchGeometry: ConeBeamGeometry = { ...g, views: batchViews(n).map((view) => g.views[view]) };
    const before = backprojectedViews;
    backprojecting = true;
    return stage(() =>
      runChunks(
        pool,
        'recon:backproject',
        boxes.map(([jFirst, jLast]) => ({ geometry: batchGeometry, filtered: buffers[n % 2], grid, jFirst, jLast, kFirst: 0, kLast: nz, out })),
        {
          signal: controller.signal,
          onProgress: (done) => {
            backprojectedViews = before + done / boxes.length;
            reportProgress();
          },
        },
      ),
    );
  };
  let filterMs = 0;
  let backprojectMs = 0;
  const firstBatch = filterBatch(0);
  // One batch is the whole run: the SIMD backprojection adds into its common view alone, the
  // field of view, and leaves the rest 0. Otherwise, or for the HU scale's mask, the field of
  // view is worked out here while the workers filter the first batch.
  const spansStarted = performance.now();
  const onlyFieldOfViewTouched = batches === 1 && WasmBackprojector.supported;
  const spansOf = (views: ConeBeamGeometry['views'], on: ReconGrid) => WasmBackprojector.create()?.fieldOfViewSpans(views, g.detector, on) ?? fieldOfViewSpans({ ...g, views }, on);
  const spans = onlyFieldOfViewTouched && !params.hu ? null : spansOf(g.views, grid);
  // Backprojection tasks: boxes of grid rows through every slice (the axial kernel sweeps
  // voxel columns along k), a few per worker, of about equal work: the voxels inside the
  // field of view, or where it is not worked out, inside what a few views spread over
  // the arc see (a little more) in every WORK_SLICE_STEP-th slice.
  const boxes = balancedRanges(voxelsPerRow(spans ?? spansOf(spread(g.views, WORK_VIEWS), everyKth(grid, WORK_SLICE_STEP)), ny), pool.size * 2);
  const spansMs = performance.now() - spansStarted;
  try {
    filterMs += (await firstBatch).ms;
    for (let n = 0; n < batches; n++) {
      const [backprojected, filtered] = await Promise.all([backprojectBatch(n), n + 1 < batches ? filterBatch(n + 1) : undefined]);
      backprojectMs += backprojected.ms;
      filterMs += filtered?.ms ?? 0;
    }
  } catch (err) {
    // The error of the stage that failed first, not the cancellation it caused in the other.
    throw signal?.aborted ? cancelled() : (failure ?? err);
  } finally {
    signal?.removeEventListener('abort', onAbort);
  }
  if (signal?.aborted) throw cancelled();
  onProgress?.({ stage: 'Backprojecting', done: total, total });

  const maskStarted = performance.now();
  const voxels = new Float32Array(out);
  // The batches' common views leave partial sums between their field of view and the run's.
  if (spans && !onlyFieldOfViewTouched) clearOutsideFieldOfView(voxels, nx, spans);
  const mask_s = (spansMs + performance.now() - maskStarted) / 1000;
  const hu = params.hu && spans ? applyHounsfieldScale(voxels, maskOfSpans(spans, nx), params.hu.muWater) : undefined;
  return {
    grid,
    voxels,
    ...(hu ? { hu } : {}),
    report,
    i0,
    timings: { i0_s, filter_s: filterMs / 1000, backproject_s: backprojectMs / 1000, mask_s },
    voxelUpdatesPerSecond: (nx * ny * nz * views) / (backprojectMs / 1000),
  };
}

/** The median of per-view estimates over projections spread across the run: robust to a view the patient fills. */
export async function estimateAir(pool: WorkerPool, run: RotationalRun, signal: AbortSignal | undefined, preprocessing: ViewPreprocessing | undefined): Promise<number> {
  const { columns, rows } = run.geometry.detector;
  const sampled = spread(run.views, I0_SAMPLES);
  const count = sampled.length;
  const results = await runChunks(
    pool,
    'recon:estimateI0',
    chunkRanges(count, pool.size).map(([a, b]) => ({ views: sampled.slice(a, b), columns, rows, ...(preprocessing ? { preprocessing } : {}) })),
    signal ? { signal } : {},
  );
  const values = results.flatMap((r) => r.i0).sort((a, b) => a - b);
  return values[Math.floor(values.length / 2)];
}
