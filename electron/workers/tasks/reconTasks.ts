/**
 * Cone-beam reconstruction tasks over shared buffers (see ReconstructionService):
 * projections are decoded, turned into line integrals and filtered one at a time, straight
 * into the shared filtered stack, so no raw copy of the run is ever held; backprojection
 * then reads that stack and adds into its own box of the shared output volume, with the
 * WebAssembly SIMD kernel where it runs (WasmBackprojector), the TypeScript one elsewhere.
 * Projections are read as runProjections.ts reads them.
 */
import type { WorkerTaskProgress, WorkerTasks } from '../../../shared/contracts/workerTasks';
import { backprojectView, makeProjectionFilter } from '../../../shared/recon/fdk';
import { estimateI0 } from '../../../shared/recon/lineIntegrals';
import { WasmBackprojector } from '../../../shared/recon/wasm/WasmBackprojector';
import { lineIntegralReader, modalityReader } from './runProjections';

type Request<T extends keyof WorkerTasks> = WorkerTasks[T]['request'];

export async function estimateRunI0(req: Request<'recon:estimateI0'>): Promise<{ i0: number[] }> {
  const read = modalityReader(req);
  const values = new Float32Array(req.columns * req.rows);
  const i0: number[] = [];
  for (const ref of req.views) {
    await read(ref, values);
    i0.push(estimateI0(values, req.columns, req.rows));
  }
  return { i0 };
}

export async function filterViews(req: Request<'recon:filterViews'>, progress: (p: WorkerTaskProgress) => void): Promise<Record<string, never>> {
  const { columns, rows } = req.geometry.detector;
  const pixels = columns * rows;
  const filter = makeProjectionFilter(req.geometry, { window: req.window, ...(req.cutoff !== undefined ? { cutoff: req.cutoff } : {}) });
  const integrals = new Float32Array(pixels);
  const read = lineIntegralReader({ columns, rows, intensity: req.intensity, i0: req.i0, preprocessing: req.preprocessing });
  let done = 0;
  for (const ref of req.views) {
    await read(ref, integrals);
    filter(ref.view, integrals, new Float32Array(req.out, 4 * pixels * ref.slot, pixels));
    progress({ done: ++done, total: req.views.length });
  }
  return {};
}

/**
 * One backprojector per worker, kept from task to task: its memory (a chunk of a box and
 * detector bands, TASK_MEMORY_BYTES at most) is set up once, not per box and batch.
 */
let backprojector: WasmBackprojector | null | undefined;

/**
 * Voxels outside what every view of the batch sees may be left without the batch's
 * contributions: they are outside the run's field of view, which the service clears.
 */
export function backprojectBox(req: Request<'recon:backproject'>, progress: (p: WorkerTaskProgress) => void): Record<string, never> {
  const { detector, views } = req.geometry;
  const pixels = detector.columns * detector.rows;
  const out = new Float32Array(req.out);
  const total = views.length;
  if (backprojector === undefined) backprojector = WasmBackprojector.create();
  if (backprojector) {
    const filtered = new Float32Array(req.filtered, 0, total * pixels);
    const box = { jFirst: req.jFirst, jLast: req.jLast, kFirst: req.kFirst, kLast: req.kLast };
    backprojector.backprojectBox({ filtered, views, detector, grid: req.grid, ...box, out, commonViewOnly: true, onProgress: (done) => progress({ done, total }) });
    return {};
  }
  for (let v = 0; v < total; v++) {
    backprojectView(new Float32Array(req.filtered, 4 * pixels * v, pixels), views[v], detector, req.grid, req.kFirst, req.kLast, out, req.jFirst, req.jLast);
    progress({ done: v + 1, total });
  }
  return {};
}
