/** Reformat tasks: the straightening kernel over shared buffers, so no volume is ever copied. */
import type { WorkerTaskProgress, WorkerTasks } from '../../../shared/contracts/workerTasks';
import { straightenSlices } from '../../../shared/reformat/straighten';

type Request = WorkerTasks['reformat:straighten']['request'];

export function straightenIntoShared(req: Request, progress: (p: WorkerTaskProgress) => void): { inside: number } {
  const total = req.last - req.first;
  const inside = straightenSlices({
    grid: { dimensions: req.dimensions, voxels: new Float32Array(req.volume) },
    ijkToLps: req.ijkToLps,
    sliceToWorld: req.sliceToWorld,
    first: req.first,
    last: req.last,
    columns: req.columns,
    rows: req.rows,
    spacing: req.spacing,
    interpolation: req.interpolation,
    background: req.background,
    out: new Float32Array(req.out),
    mask: new Uint8Array(req.mask),
    onSlice: (k) => progress({ done: k - req.first + 1, total }),
  });
  return { inside };
}
