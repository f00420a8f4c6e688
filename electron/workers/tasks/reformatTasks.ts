/**
 * Reformat tasks: the straightening kernel over shared buffers, read and written in place
 * by every worker. When the request carries the volume's WebAssembly copy (see
 * ReformatService), planes are sampled by the SIMD kernel; otherwise, or for cubic, by
 * the TypeScript one.
 */
import type { WorkerTaskProgress, WorkerTasks } from '../../../shared/contracts/workerTasks';
import { straightenSlices } from '../../../shared/reformat/straighten';
import { WasmReslicer } from '../../../shared/reformat/wasm/WasmReslicer';
import { awaitWasmVolume } from '../../../shared/reformat/wasm/wasmVolume';

/**
 * The contract's request, plus the volume's copy in shared WebAssembly memory when there
 * is one. When that memory has an output area, the output lives there (float32 values for
 * every slice, then the mask) and `out` and `mask` are ignored.
 */
export type StraightenTaskRequest = WorkerTasks['reformat:straighten']['request'];

export function straightenIntoShared(req: StraightenTaskRequest, progress: (p: WorkerTaskProgress) => void): { inside: number } {
  const total = req.last - req.first;
  const plane = req.columns * req.rows;
  const count = plane * req.sliceToWorld.length;
  const outputAt = req.wasm?.outputOffset;
  // Views of the wasm memory's own buffer, which the sampler recognises and writes in place.
  const out = outputAt === undefined ? new Float32Array(req.out) : new Float32Array(req.wasm!.memory.buffer, outputAt, count);
  const mask = outputAt === undefined ? new Uint8Array(req.mask) : new Uint8Array(req.wasm!.memory.buffer, outputAt + 4 * count, count);
  // The main thread may still be copying the volume in: meanwhile, take the page faults of
  // this task's own slices (fresh memory faults on first write, a fifth of the work).
  const ready = req.wasm ? awaitWasmVolume(req.wasm, pageToucher([out, mask], req.first * plane, req.last * plane)) : null;
  const reslicer = req.wasm && ready ? WasmReslicer.attach(req.wasm) : null;
  try {
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
      out,
      mask,
      onSlice: (k) => progress({ done: k - req.first + 1, total }),
      ...(reslicer?.supports(req.interpolation, req.columns) ? { sampler: (options) => reslicer.reslicePlane(options) } : {}),
    });
    return { inside };
  } finally {
    reslicer?.release();
  }
}

const PAGE_BYTES = 4096;

/**
 * A step function that writes a zero into every page of elements [from, to) of the arrays,
 * 64 pages a call; false once done. Only for ranges this task alone writes, before it does.
 */
function pageToucher(arrays: (Float32Array | Uint8Array)[], from: number, to: number): () => boolean {
  if (from >= to) return () => false;
  let a = 0;
  let at = from;
  return () => {
    for (let pages = 0; pages < 64; pages++) {
      const array = arrays[a];
      if (!array) return false;
      array[at] = 0;
      at += PAGE_BYTES / array.BYTES_PER_ELEMENT;
      if (at >= to) {
        a++;
        at = from;
      }
    }
    return a < arrays.length;
  };
}
