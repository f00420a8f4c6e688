/**
 * Straightens a loaded volume along a sampled path in the worker pool: the slices are
 * split into chunks, each worker reads the shared source volume and writes its slices
 * straight into shared output and mask buffers. Refuses outputs larger than the
 * memory budget before allocating anything.
 */
import { UserError } from '../../shared/contracts/UserError';
import type { Mat4 } from '../../shared/math/mat4';
import type { Interpolation } from '../../shared/reformat/reslicePlane';
import type { StraightenedGeometry } from '../../shared/reformat/straighten';
import { formatBytes } from '../../shared/formatBytes';
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
}

/** Bytes per output voxel: float32 value plus its mask byte. */
const BYTES_PER_VOXEL = 5;

export async function straightenVolume(pool: WorkerPool, volume: LoadedVolume, sliceToWorld: readonly Mat4[], budgetBytes: number, options: StraightenOptions): Promise<Straightened> {
  const { columns, rows, spacing, interpolation, background, signal, onProgress } = options;
  const slices = sliceToWorld.length;
  const bytes = BYTES_PER_VOXEL * columns * rows * slices;
  if (bytes > budgetBytes) {
    throw new UserError(
      'too-large',
      `The straightened volume (${columns}×${rows}×${slices}) needs ${formatBytes(bytes)}, more than the ${formatBytes(budgetBytes)} Lumen may use here. Use a smaller --size, a larger --spacing or --step, or a shorter path.`,
    );
  }
  const planeSize = columns * rows;
  const out = new SharedArrayBuffer(4 * planeSize * slices);
  const mask = new SharedArrayBuffer(planeSize * slices);
  const matrices = sliceToWorld.map((m) => [...m]);
  // A few chunks per worker even out the cost of slices that leave the volume early.
  const requests = chunkRanges(slices, pool.size * 4).map(([first, last]) => ({
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
  }));
  const results = await runChunks(pool, 'reformat:straighten', requests, { ...(signal ? { signal } : {}), onProgress: (done) => onProgress?.({ done, total: slices }) });
  if (signal?.aborted) throw new UserError('cancelled', 'Straightening was cancelled.');
  onProgress?.({ done: slices, total: slices });
  return { voxels: new Float32Array(out), mask: new Uint8Array(mask), inside: results.reduce((n, r) => n + r.inside, 0) };
}
