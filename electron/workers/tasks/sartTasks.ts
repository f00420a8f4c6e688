/**
 * SART / OS-SART tasks over shared buffers (see IterativeReconstruction): the run's
 * projections are decoded once into line integrals, one shared buffer per view; then, per
 * subset, workers forward-project views (or bands of detector rows) into shared
 * corrections, and each updates its own slab of slices of the shared volume.
 */
import type { WorkerTaskProgress, WorkerTasks } from '../../../shared/contracts/workerTasks';
import { sartCorrections, sartSlabUpdate } from '../../../shared/recon/sart';
import { lineIntegralReader } from './runProjections';

type Request<T extends keyof WorkerTasks> = WorkerTasks[T]['request'];

/** Decodes the task's views into line integrals, one shared buffer each (see runProjections.ts). */
export async function lineIntegralsInto(req: Request<'sart:lineIntegrals'>, progress: (p: WorkerTaskProgress) => void): Promise<Record<string, never>> {
  const read = lineIntegralReader(req);
  let done = 0;
  for (const ref of req.views) {
    await read(ref, new Float32Array(ref.out));
    progress({ done: ++done, total: req.views.length });
  }
  return {};
}

export function correctionsOf(req: Request<'sart:corrections'>, progress: (p: WorkerTaskProgress) => void): { squares: number } {
  const { detector, views } = req.geometry;
  const pixels = detector.columns * detector.rows;
  const volume = new Float32Array(req.volume);
  let squares = 0;
  req.items.forEach((item, n) => {
    const out = new Float32Array(req.corrections, 4 * pixels * item.slot, pixels);
    squares += sartCorrections(volume, req.grid, views[item.view], detector, new Float32Array(item.measured), out, item.rowFirst, item.rowLast);
    progress({ done: n + 1, total: req.items.length });
  });
  return { squares };
}

export function updateSlab(req: Request<'sart:update'>, progress: (p: WorkerTaskProgress) => void): Record<string, never> {
  const { detector, views } = req.geometry;
  sartSlabUpdate({
    volume: new Float32Array(req.volume),
    grid: req.grid,
    detector,
    views,
    corrections: new Float32Array(req.corrections, 0, views.length * detector.columns * detector.rows),
    kFirst: req.kFirst,
    kLast: req.kLast,
    lambda: req.lambda,
    mask: new Uint8Array(req.mask),
    onView: (done) => progress({ done, total: views.length }),
  });
  return {};
}
