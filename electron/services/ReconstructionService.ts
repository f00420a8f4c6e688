/**
 * FDK reconstruction of a rotational run in the worker pool. Projections stream through
 * in batches: the workers decode, convert to line integrals and filter a batch of views
 * straight into a shared batch buffer, then every worker backprojects that batch into its
 * own slab of slices of the shared output volume (no two write one voxel). Two buffers
 * take turns, so batch n + 1 is filtered while batch n is backprojected. Memory is the
 * output volume plus two batches of filtered views, whatever the length of the run, plus
 * the file each filtering worker reads frames from (a multi-frame run is one file); it is
 * checked against the budget before anything is allocated. 512³: 512 MiB of float32
 * output and 128 MiB of field-of-view mask, plus two batches of at most 64 MiB and, while
 * filtering, one copy of the run's file per worker (see reconstructionMemoryBytes).
 */
import { TASK_MEMORY_BYTES } from '../../shared/recon/wasm/WasmBackprojector';
import { UserError } from '../../shared/contracts/UserError';
import { formatBytes } from '../../shared/formatBytes';
import { geometryReport, type ConeBeamGeometry, type GeometryReport } from '../../shared/recon/cArmGeometry';
import { defaultReconGrid, fieldOfViewMask, type ReconGrid } from '../../shared/recon/fdk';
import type { RampWindow } from '../../shared/recon/rampFilter';
import type { RotationalRun } from '../../shared/recon/rotationalRun';
import { chunkRanges, runChunks } from './runChunks';
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
}

export interface ReconstructionProgress {
  stage: 'Estimating air' | 'Filtering' | 'Backprojecting';
  /** Views filtered plus views backprojected (each over all slabs), out of 2 × views; never decreases. */
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
  /** Linear attenuation μ in mm⁻¹, grid.dimensions, column fastest; 0 outside the field of view. On a SharedArrayBuffer. */
  voxels: Float32Array;
  report: GeometryReport;
  /** LIN: the unattenuated intensity used; LOG: the air level. */
  i0: number;
  /** Wall times: decoding and filtering, backprojection (the two overlap, each counted whole), and the field-of-view mask. */
  timings: { filter_s: number; backproject_s: number; mask_s: number };
  /** Voxel updates (voxels × views) per second of backprojection wall time. */
  voxelUpdatesPerSecond: number;
}

/** Largest batch buffer, by default (two are held). */
export const BATCH_BYTES = 64 * 2 ** 20;
/** Projections sampled to estimate the air level. */
const I0_SAMPLES = 16;

function viewBytes(g: ConeBeamGeometry): number {
  return 4 * g.detector.columns * g.detector.rows;
}

/**
 * Views per batch, by default: as few batches as the buffers allow, since each costs every
 * task its setup (reading the run file, the backprojector's memory), but two at least, so
 * filtering has a batch to overlap with; equal batches, so the overlap is as long as it can be.
 */
export function batchViewsFor(g: ConeBeamGeometry, poolSize: number): number {
  const views = g.views.length;
  const batches = Math.max(2, Math.ceil(views / Math.max(1, Math.floor(BATCH_BYTES / viewBytes(g)))));
  return Math.min(views, Math.max(poolSize, Math.ceil(views / batches)));
}

/**
 * What a reconstruction holds at most at once: the output volume and its field-of-view
 * mask, the filtered views (both batch buffers), the file each filtering worker has
 * read, and each backprojecting worker's WebAssembly memory.
 */
export function reconstructionMemoryBytes(g: ConeBeamGeometry, grid: ReconGrid, filteredViews: number, filesHeld = 0, workers = 0): number {
  const voxels = grid.dimensions[0] * grid.dimensions[1] * grid.dimensions[2];
  return 5 * voxels + filteredViews * viewBytes(g) + filesHeld + workers * TASK_MEMORY_BYTES;
}

export function reconGridFor(g: ConeBeamGeometry, params: Pick<ReconstructionParameters, 'size' | 'spacing'>): ReconGrid {
  return defaultReconGrid(g, { ...(params.size ? { size: params.size } : {}), ...(params.spacing !== undefined ? { spacing: params.spacing } : {}) });
}

export async function reconstructRun(run: ReconstructionRun, rotational: RotationalRun, params: ReconstructionParameters): Promise<Reconstruction> {
  const { pool, signal, onProgress } = run;
  const g = rotational.geometry;
  const grid = reconGridFor(g, params);
  const views = g.views.length;
  const batch = Math.max(1, Math.min(views, run.batchViews ?? batchViewsFor(g, pool.size)));
  const batches = Math.ceil(views / batch);
  // Every filtering task reads its run file whole; at most one task per worker runs at once.
  const filterTasks = Math.min(pool.size, batch);
  const bytes = reconstructionMemoryBytes(g, grid, Math.min(2, batches) * batch, filterTasks * rotational.fileBytes, pool.size);
  const [nx, ny, nz] = grid.dimensions;
  if (bytes > run.budgetBytes) {
    throw new UserError(
      'too-large',
      `Reconstructing ${nx}×${ny}×${nz} voxels needs ${formatBytes(bytes)}, more than the ${formatBytes(run.budgetBytes)} Lumen may use here. Use a smaller --size or a larger --spacing.`,
    );
  }
  const report = geometryReport(g, { defaultedDistances: rotational.notes.defaultedDistances, intensity: rotational.intensity });
  const total = 2 * views;
  const cancelled = () => new UserError('cancelled', 'Reconstruction was cancelled.');

  if (params.i0 === undefined) onProgress?.({ stage: 'Estimating air', done: 0, total });
  const i0 = params.i0 ?? (await estimateAir(pool, rotational, signal));
  if (!(i0 > 0) && rotational.intensity === 'LIN') {
    throw new UserError('unsupported', 'The projections hold no unattenuated (air) pixels to calibrate them against, and no I0 was given.');
  }

  const out = new SharedArrayBuffer(4 * nx * ny * nz);
  // Two batch buffers: the workers filter batch n + 1 into one while they backproject
  // batch n from the other, so neither stage waits for the other's slowest chunk.
  const buffers = Array.from({ length: Math.min(2, batches) }, () => new SharedArrayBuffer(batch * viewBytes(g)));
  // A few slabs per worker even out the cost of slices near the ends of the field of view.
  const slabs = chunkRanges(nz, pool.size * 2);
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
  const filterBatch = (n: number) => {
    const first = n * batch;
    const refs = rotational.views
      .slice(first, Math.min(views, first + batch))
      .map((ref, slot) => ({ file: ref.file, frameIndex: ref.frameIndex, view: first + slot, slot, ...(ref.rescale ? { rescale: ref.rescale } : {}) }));
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
    const first = n * batch;
    // Each batch is a geometry of its own views, filtered into its buffer at view − first.
    const batchGeometry: ConeBeamGeometry = { ...g, views: g.views.slice(first, Math.min(views, first + batch)) };
    const before = backprojectedViews;
    backprojecting = true;
    return stage(() =>
      runChunks(
        pool,
        'recon:backproject',
        slabs.map(([kFirst, kLast]) => ({ geometry: batchGeometry, filtered: buffers[n % 2], grid, kFirst, kLast, out })),
        {
          signal: controller.signal,
          onProgress: (done) => {
            backprojectedViews = before + done / slabs.length;
            reportProgress();
          },
        },
      ),
    );
  };
  let filterMs = 0;
  let backprojectMs = 0;
  try {
    filterMs += (await filterBatch(0)).ms;
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
  const mask = fieldOfViewMask(g, grid);
  for (let n = 0; n < voxels.length; n++) if (mask[n] === 0) voxels[n] = 0;
  const mask_s = (performance.now() - maskStarted) / 1000;
  return {
    grid,
    voxels,
    report,
    i0,
    timings: { filter_s: filterMs / 1000, backproject_s: backprojectMs / 1000, mask_s },
    voxelUpdatesPerSecond: (nx * ny * nz * views) / (backprojectMs / 1000),
  };
}

/** The median of per-view estimates over projections spread across the run: robust to a view the patient fills. */
async function estimateAir(pool: WorkerPool, run: RotationalRun, signal: AbortSignal | undefined): Promise<number> {
  const { columns, rows } = run.geometry.detector;
  const count = Math.min(I0_SAMPLES, run.views.length);
  const sampled = Array.from({ length: count }, (_, n) => run.views[Math.round((n * (run.views.length - 1)) / Math.max(1, count - 1))]);
  const results = await runChunks(
    pool,
    'recon:estimateI0',
    chunkRanges(count, pool.size).map(([a, b]) => ({ views: sampled.slice(a, b), columns, rows })),
    signal ? { signal } : {},
  );
  const values = results.flatMap((r) => r.i0).sort((a, b) => a - b);
  return values[Math.floor(values.length / 2)];
}
