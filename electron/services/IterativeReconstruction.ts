/**
 * SART / OS-SART reconstruction of a rotational run in the worker pool (shared/recon/sart.ts),
 * taking FDK's parameters where they apply (grid, I0, dark/flat, binning, HU output).
 * The projections are decoded once into line integrals, one shared buffer per view, since
 * every iteration reads them all. Then, subset after subset: the workers forward-project
 * the subset's views (split into bands of detector rows when the subset has fewer views
 * than workers) through the shared volume into shared corrections, and each updates its
 * own slab of slices (no two write one voxel). Memory: the volume, its field-of-view mask
 * and the line integrals of the run, the subset's corrections, each running update's slab
 * of numerator and column sums, and each decoding worker's copy of the run file; checked
 * against the budget before anything is allocated. The bench case (133 views of 384²,
 * 256×256×160) holds ~300 MB.
 */
import { UserError } from '../../shared/contracts/UserError';
import { formatBytes } from '../../shared/formatBytes';
import { geometryReport, type ConeBeamGeometry } from '../../shared/recon/cArmGeometry';
import { fieldOfViewMask } from '../../shared/recon/fdk';
import { applyHounsfieldScale } from '../../shared/recon/huScale';
import type { RotationalRun } from '../../shared/recon/rotationalRun';
import { constrainVolume, DEFAULT_LAMBDA, orderedSubsets } from '../../shared/recon/sart';
import { preprocessRun } from '../../shared/recon/viewPreprocessing';
import { estimateAir, reconGridFor, reconstructRun, type Reconstruction, type ReconstructionParameters, type ReconstructionRun } from './ReconstructionService';
import { chunkRanges, runChunks } from './runChunks';

export interface IterativeParameters extends ReconstructionParameters {
  iterations: number;
  /** Ordered subsets of interleaved views (1: all views at once); default one per view, as RTK. */
  subsets?: number;
  /** Relaxation; default DEFAULT_LAMBDA. */
  lambda?: number;
  /** The starting volume: zero (default), or an FDK of the run with these parameters' filter. */
  initial?: 'zero' | 'fdk';
}

export interface IterativeProgress {
  stage: 'Estimating air' | 'Filtering' | 'Backprojecting' | 'Reading projections' | 'Iterating';
  /** Views read, then subsets done over all iterations (after an FDK start's own stages); never decreases within a stage. */
  done: number;
  total: number;
}

/** A ReconstructionRun whose progress also names the iterative stages. */
export type IterativeRun = Omit<ReconstructionRun, 'onProgress'> & { onProgress?: (p: IterativeProgress) => void };

export interface IterationTiming {
  /** Wall times of the forward projections and of the slab updates (backprojection and relaxation). */
  forward_s: number;
  update_s: number;
  /** ‖b − A x‖ summed over the subsets as each met it, before its update. */
  residual: number;
}

export interface IterativeReconstruction extends Reconstruction {
  /** filter_s and backproject_s are an FDK start's (0 from zero); read_s decoding into line integrals; iterate_s all iterations. */
  timings: Reconstruction['timings'] & { read_s: number; iterate_s: number; iterations: IterationTiming[] };
  subsets: number;
  lambda: number;
}

/** Slabs per worker: a few even out the cost of slices near the ends of the field of view. */
const SLABS_PER_WORKER = 2;

/** What the iterations hold at most at once (see the module comment); an FDK start checks its own before. */
export function iterativeMemoryBytes(g: ConeBeamGeometry, voxels: number, subsetViews: number, filesHeld: number): number {
  const view = 4 * g.detector.columns * g.detector.rows;
  // Running updates together hold one numerator and one column-sum float per voxel of their slabs, at most the grid's.
  return 4 * voxels + voxels + 8 * voxels + g.views.length * view + subsetViews * view + filesHeld;
}

export async function reconstructIterative(run: IterativeRun, source: RotationalRun, params: IterativeParameters): Promise<IterativeReconstruction> {
  // Dark/flat correction and binning as FDK's (viewPreprocessing.ts): from here on the run is the binned one.
  const { run: rotational, preprocessing } = preprocessRun(source, params);
  const { pool, signal, onProgress } = run;
  const g = rotational.geometry;
  const grid = reconGridFor(g, params);
  const [nx, ny, nz] = grid.dimensions;
  const voxelCount = nx * ny * nz;
  const views = g.views.length;
  if (Math.min(nx, ny, nz) < 2) throw new UserError('invalid-request', `SART needs at least 2 voxels along each axis; the grid is ${nx}×${ny}×${nz}.`);
  if (!(Number.isInteger(params.iterations) && params.iterations >= 1)) throw new UserError('invalid-request', `SART needs a whole number of iterations ≥ 1, not ${params.iterations}.`);
  const subsets = orderedSubsets(views, params.subsets ?? views);
  const lambda = params.lambda ?? DEFAULT_LAMBDA;
  const largestSubset = Math.max(...subsets.map((s) => s.length));
  const readTasks = Math.min(pool.size, views);
  const bytes = iterativeMemoryBytes(g, voxelCount, largestSubset, readTasks * rotational.fileBytes);
  if (bytes > run.budgetBytes) {
    throw new UserError(
      'too-large',
      `SART of ${nx}×${ny}×${nz} voxels from ${views} projections needs ${formatBytes(bytes)}, more than the ${formatBytes(run.budgetBytes)} Lumen may use here. Use a smaller --size or a larger --spacing.`,
    );
  }
  const cancelled = () => new UserError('cancelled', 'Reconstruction was cancelled.');

  // The start: an FDK (whose air estimate serves here too), or zero.
  let fdk: Reconstruction | undefined;
  // In μ: the HU scale, if asked for, comes at the end.
  if (params.initial === 'fdk') fdk = await reconstructRun(run, source, { ...params, hu: undefined });
  if (params.i0 === undefined && !fdk) onProgress?.({ stage: 'Estimating air', done: 0, total: views });
  const airStarted = performance.now();
  const i0 = params.i0 ?? fdk?.i0 ?? (await estimateAir(pool, rotational, signal, preprocessing));
  const i0_s = (fdk?.timings.i0_s ?? 0) + (performance.now() - airStarted) / 1000;
  if (!(i0 > 0) && rotational.intensity === 'LIN') {
    throw new UserError('unsupported', 'The projections hold no unattenuated (air) pixels to calibrate them against, and no I0 was given.');
  }

  try {
    const { columns, rows } = g.detector;
    const pixels = columns * rows;
    const readStarted = performance.now();
    const measured = g.views.map(() => new SharedArrayBuffer(4 * pixels));
    const refs = rotational.views.map((ref, v) => ({ file: ref.file, frameIndex: ref.frameIndex, out: measured[v], ...(ref.rescale ? { rescale: ref.rescale } : {}) }));
    await runChunks(
      pool,
      'sart:lineIntegrals',
      chunkRanges(views, readTasks).map(([a, b]) => ({ views: refs.slice(a, b), columns, rows, intensity: rotational.intensity, i0, ...(preprocessing ? { preprocessing } : {}) })),
      { ...(signal ? { signal } : {}), onProgress: (done) => onProgress?.({ stage: 'Reading projections', done, total: views }) },
    );
    // Progress messages may trail the tasks' results: say it is complete.
    onProgress?.({ stage: 'Reading projections', done: views, total: views });
    const read_s = (performance.now() - readStarted) / 1000;

    const maskStarted = performance.now();
    const maskBuffer = new SharedArrayBuffer(voxelCount);
    const mask = new Uint8Array(maskBuffer);
    mask.set(fieldOfViewMask(g, grid));
    const mask_s = (performance.now() - maskStarted) / 1000;
    const volumeBuffer = new SharedArrayBuffer(4 * voxelCount);
    const volume = new Float32Array(volumeBuffer);
    if (fdk) volume.set(fdk.voxels);
    constrainVolume(volume, mask);
    const corrections = new SharedArrayBuffer(4 * largestSubset * pixels);
    const slabs = chunkRanges(nz, pool.size * SLABS_PER_WORKER);

    const iterations: IterationTiming[] = [];
    const total = params.iterations * subsets.length;
    const iterateStarted = performance.now();
    for (let iteration = 0; iteration < params.iterations; iteration++) {
      const timing: IterationTiming = { forward_s: 0, update_s: 0, residual: 0 };
      let squares = 0;
      for (const [s, subset] of subsets.entries()) {
        if (signal?.aborted) throw cancelled();
        // A subset's views, or bands of their rows when there are fewer views than workers.
        const bands = Math.ceil(pool.size / subset.length);
        const items = subset.flatMap((view, slot) => chunkRanges(rows, bands).map(([rowFirst, rowLast]) => ({ view, slot, rowFirst, rowLast, measured: measured[view] })));
        let started = performance.now();
        const results = await runChunks(
          pool,
          'sart:corrections',
          chunkRanges(items.length, pool.size).map(([a, b]) => ({ geometry: g, grid, volume: volumeBuffer, corrections, items: items.slice(a, b) })),
          signal ? { signal } : {},
        );
        squares += results.reduce((sum, r) => sum + r.squares, 0);
        timing.forward_s += (performance.now() - started) / 1000;
        started = performance.now();
        const subsetGeometry: ConeBeamGeometry = { detector: g.detector, views: subset.map((v) => g.views[v]) };
        await runChunks(
          pool,
          'sart:update',
          slabs.map(([kFirst, kLast]) => ({ geometry: subsetGeometry, grid, volume: volumeBuffer, corrections, mask: maskBuffer, kFirst, kLast, lambda })),
          signal ? { signal } : {},
        );
        timing.update_s += (performance.now() - started) / 1000;
        onProgress?.({ stage: 'Iterating', done: iteration * subsets.length + s + 1, total });
      }
      timing.residual = Math.sqrt(squares);
      iterations.push(timing);
    }
    const iterate_s = (performance.now() - iterateStarted) / 1000;
    const hu = params.hu ? applyHounsfieldScale(volume, mask, params.hu.muWater) : undefined;
    return {
      grid,
      voxels: volume,
      ...(hu ? { hu } : {}),
      report: fdk?.report ?? geometryReport(g, { defaultedDistances: rotational.notes.defaultedDistances, intensity: rotational.intensity }),
      i0,
      timings: {
        i0_s,
        filter_s: fdk?.timings.filter_s ?? 0,
        backproject_s: fdk?.timings.backproject_s ?? 0,
        mask_s: mask_s + (fdk?.timings.mask_s ?? 0),
        read_s,
        iterate_s,
        iterations,
      },
      // Each iteration projects every voxel into every view and back once.
      voxelUpdatesPerSecond: (voxelCount * views * params.iterations) / iterate_s,
      subsets: subsets.length,
      lambda,
    };
  } catch (err) {
    throw signal?.aborted ? cancelled() : err;
  }
}
