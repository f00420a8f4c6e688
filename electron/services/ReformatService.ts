/**
 * Straightens a loaded volume along a sampled path in the worker pool: the slices are
 * split into chunks, each worker reads the shared source volume (or, for the SIMD
 * sampler, its copy in a shared WebAssembly memory) and writes its slices straight into
 * shared output and mask buffers. Refuses work that would not fit the memory budget
 * (output and the volume's copy, see straighteningMemory) before allocating anything.
 */
import { UserError } from '../../shared/contracts/UserError';
import type { Mat4 } from '../../shared/math/mat4';
import type { Interpolation } from '../../shared/reformat/reslicePlane';
import type { StraightenedGeometry } from '../../shared/reformat/straighten';
import { abandonWasmVolume, allocateWasmVolume, resetWasmVolume, sharedBufferOf, voxelTypeOf, wasmVolumeFiller, type WasmVolume } from '../../shared/reformat/wasm/wasmVolume';
import { collectGarbage } from './collectGarbage';
import type { StraightenTaskRequest } from '../workers/tasks/reformatTasks';
import { formatBytes } from '../../shared/formatBytes';
import { BYTES_PER_OUTPUT_VOXEL, straighteningMemoryBytes } from '../../shared/reformat/straighteningMemory';
import { chunkRanges, runChunks } from './runChunks';
import type { LoadedVolume } from './VolumeService';
import type { WorkerPool } from './WorkerPool';

export interface StraightenOptions extends StraightenedGeometry {
  interpolation: Interpolation;
  /** Value of samples outside the source volume (their mask is 0). */
  background: number;
  signal?: AbortSignal;
  onProgress?: (p: { done: number; total: number }) => void;
}

export interface Straightened {
  /** columns × rows × slices float32, column fastest; on a SharedArrayBuffer. */
  voxels: Float32Array;
  /** 1 where the sample lay inside the source volume. */
  mask: Uint8Array;
  /** Voxels inside the source volume. */
  inside: number;
  /**
   * Call when done with `voxels` and `mask` (they must not be read afterwards): their memory
   * then serves the next straightening of the same volume (see keepSpare). Optional: without
   * it the memory is simply collected.
   */
  release(): void;
}

/**
 * The last straightening's memory, released by its caller and kept for the next one for a
 * minute: its pages are already backed and hold the volume's copy, so a repeated export (a
 * user adjusting size, step or projections) skips a gigabyte of first-touch page faults,
 * which on a VM cost as much as the sampling itself, and the copy.
 */
interface SpareMemory {
  wasm: WasmVolume;
  /** The voxels its copy was made from. */
  voxels: Float32Array;
  outputBytes: number;
  timer: ReturnType<typeof setTimeout>;
}

const SPARE_IDLE_MS = 60_000;
let spare: SpareMemory | null = null;

function keepSpare(wasm: WasmVolume, voxels: Float32Array, outputBytes: number): void {
  if (spare) clearTimeout(spare.timer);
  const timer = setTimeout(() => {
    spare = null;
    collectGarbage();
  }, SPARE_IDLE_MS);
  timer.unref?.();
  spare = { wasm, voxels, outputBytes, timer };
}

/** The spare memory if it fits this straightening (same grid, output at least as large), reset for it. */
function takeSpare(dimensions: readonly number[], voxels: Float32Array, outputBytes: number): { wasm: WasmVolume; copied: boolean } | null {
  const kept = spare;
  if (!kept) return null;
  spare = null;
  clearTimeout(kept.timer);
  if (kept.outputBytes < outputBytes || kept.wasm.dimensions.some((n, a) => n !== dimensions[a])) return null;
  const type = voxelTypeOf(kept.wasm);
  const copied = kept.voxels === voxels && (type === 'int16' || type === 'float32');
  resetWasmVolume(kept.wasm, copied);
  return { wasm: kept.wasm, copied };
}

export async function straightenVolume(pool: WorkerPool, volume: LoadedVolume, sliceToWorld: readonly Mat4[], budgetBytes: number, options: StraightenOptions): Promise<Straightened> {
  const { columns, rows, spacing, interpolation, background, signal, onProgress } = options;
  const slices = sliceToWorld.length;
  const [nx, ny, nz] = volume.dimensions;
  const bytes = straighteningMemoryBytes({ columns, rows, slices, volumeVoxels: nx * ny * nz, interpolation });
  if (bytes > budgetBytes) {
    throw new UserError(
      'too-large',
      `The straightened volume (${columns}×${rows}×${slices}) needs ${formatBytes(bytes)}, more than the ${formatBytes(budgetBytes)} Lumen may use here. Use a smaller --size, a larger --spacing or --step, or a shorter path.`,
    );
  }
  const planeSize = columns * rows;
  const count = planeSize * slices;
  // Nearest and linear run in the workers' WebAssembly SIMD sampler, over a copy of the
  // volume in a shared memory that also holds the output (values, then mask), so each
  // plane is written in place; if the output does not fit beside the volume in wasm32's
  // 4 GiB, it goes through scratch instead. Cubic, and runtimes without WebAssembly SIMD,
  // use the TypeScript kernel over plain shared buffers.
  const outputBytes = BYTES_PER_OUTPUT_VOXEL * count;
  const reused = interpolation === 'cubic' ? null : takeSpare(volume.dimensions, volume.voxels, outputBytes);
  const wasm = interpolation === 'cubic' ? null : (reused?.wasm ?? allocateWasmVolume(volume.dimensions, { slots: pool.size, outputBytes }) ?? allocateWasmVolume(volume.dimensions, { slots: pool.size }));
  const outputAt = wasm?.outputOffset;
  const shared = outputAt === undefined ? null : sharedBufferOf(wasm!);
  const out = shared ?? new SharedArrayBuffer(4 * count);
  const mask = shared ?? new SharedArrayBuffer(count);
  const matrices = sliceToWorld.map((m) => [...m]);
  // A few chunks per worker even out the cost of slices that leave the volume early.
  const requests = chunkRanges(slices, pool.size * 4).map(([first, last]): StraightenTaskRequest => ({
    volume: volume.voxels.buffer as SharedArrayBuffer,
    dimensions: volume.dimensions,
    ijkToLps: volume.ijkToLps,
    sliceToWorld: matrices,
    first,
    last,
    columns,
    rows,
    spacing,
    interpolation,
    background,
    out,
    mask,
    ...(wasm ? { wasm } : {}),
  }));
  const running = runChunks(pool, 'reformat:straighten', requests, { ...(signal ? { signal } : {}), onProgress: (done) => onProgress?.({ done, total: slices }) });
  // Awaited below, after the copy; a failure meanwhile must not count as unhandled.
  running.catch(() => {});
  // The tasks are on their way: copy the volume in while they start (they take their
  // output's page faults meanwhile, see reformatTasks, then wait for it), yielding to the
  // event loop every few megabytes so that a large volume does not stall the main process.
  if (wasm && !reused?.copied) {
    const step = wasmVolumeFiller(wasm, volume.voxels);
    try {
      for (let n = 1; step(); n++) {
        if (n % 16 !== 0) continue;
        await new Promise((resolve) => setImmediate(resolve));
        if (signal?.aborted) break;
      }
    } catch {
      // Published as failed: the workers fall back to the TypeScript kernel.
    }
    abandonWasmVolume(wasm);
  }
  const results = await running;
  if (signal?.aborted) throw new UserError('cancelled', 'Straightening was cancelled.');
  onProgress?.({ done: slices, total: slices });
  const inside = results.reduce((n, r) => n + r.inside, 0);
  if (outputAt !== undefined) {
    let released = false;
    const release = (): void => {
      if (!released) keepSpare(wasm!, volume.voxels, outputBytes);
      released = true;
    };
    return { voxels: new Float32Array(out, outputAt, count), mask: new Uint8Array(mask, outputAt + 4 * count, count), inside, release };
  }
  return { voxels: new Float32Array(out), mask: new Uint8Array(mask), inside, release: () => {} };
}
