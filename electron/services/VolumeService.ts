/**
 * Loads a volume series into one SharedArrayBuffer-backed Float32Array in modality
 * units (HU for CT), decoding slices in parallel in the worker pool, straight into the
 * shared buffer. Every later reslice task reads that buffer without copying.
 */
import os from 'node:os';
import path from 'node:path';
import type { VolumeDescription } from '../../shared/contracts/ipc';
import { UserError } from '../../shared/contracts/UserError';
import type { VolumeSliceRef } from '../../shared/contracts/workerTasks';
import type { SeriesPlan } from '../../shared/dicom/SeriesPlan';
import { formatBytes } from '../../shared/formatBytes';
import { resampleSlices } from './resampleSlices';
import { chunkRanges, runChunks } from './runChunks';
import type { WorkerPool } from './WorkerPool';

export interface LoadedVolume extends VolumeDescription {
  /** Slice-major, column fastest; backed by a SharedArrayBuffer. */
  voxels: Float32Array;
}

export interface VolumeLoadOptions {
  signal?: AbortSignal;
  onProgress?: (p: { done: number; total: number; stage: string }) => void;
}

export interface VolumeServiceOptions {
  /** Largest total of volumes held (loaded or made here), in bytes. Default: 40% of physical memory. */
  budgetBytes?: number;
  /** Told when a volume is dropped to make room (a made volume cannot be loaded again). */
  onEvict?: (seriesUid: string) => void;
}

export class VolumeService {
  readonly budgetBytes: number;
  /** Loaded and made volumes, least recently used first: one budget for both. */
  private readonly cache = new Map<string, LoadedVolume>();
  private readonly onEvict: (seriesUid: string) => void;

  constructor(
    private readonly pool: WorkerPool,
    options: VolumeServiceOptions = {},
  ) {
    this.budgetBytes = options.budgetBytes ?? Math.floor(0.4 * os.totalmem());
    this.onEvict = options.onEvict ?? (() => {});
  }

  async load(plan: SeriesPlan, options: VolumeLoadOptions = {}): Promise<LoadedVolume> {
    const uid = plan.summary.uid;
    const cached = this.get(uid);
    if (cached) return cached;
    const geometry = plan.geometry;
    if (plan.summary.kind !== 'volume' || !geometry) {
      throw new UserError('unsupported', `Series "${plan.summary.description || uid}" is not a stack of parallel slices, so it cannot be loaded as a volume.`);
    }
    const [columns, rows, slices] = geometry.dimensions;
    const sourceSlices = plan.frames.length;
    const resample = !geometry.uniformSpacing;
    const bytes = 4 * columns * rows * (slices + (resample ? sourceSlices : 0));
    if (bytes > this.budgetBytes) {
      throw new UserError(
        'too-large',
        `This volume needs ${formatBytes(bytes)} of memory, more than Lumen's limit of ${formatBytes(this.budgetBytes)} on this computer.`,
      );
    }
    this.evictFor(bytes);

    const sliceLength = columns * rows;
    const decoded = new SharedArrayBuffer(4 * sliceLength * sourceSlices);
    const refs: VolumeSliceRef[] = plan.frames.map((f, slice) => ({
      file: f.file,
      frameIndex: f.frameIndex,
      slice,
      ...(f.rescale ? { rescale: f.rescale } : {}),
    }));
    const { min, max } = await this.decodeAll(refs, decoded, columns, rows, options);

    let voxels: Float32Array = new Float32Array(decoded);
    if (resample) {
      // Uneven slice spacing: interpolate onto the evenly spaced grid ijkToLps describes.
      voxels = resampleSlices(voxels, sliceLength, geometry.sliceOffsets, slices, geometry.spacing[2]);
    }
    const volume: LoadedVolume = {
      seriesUid: uid,
      modality: plan.summary.modality,
      dimensions: [columns, rows, slices],
      spacing: [...geometry.spacing],
      ijkToLps: [...geometry.ijkToLps],
      voxels,
      range: [min, max],
    };
    this.cache.set(uid, volume);
    return volume;
  }

  /** A volume still in memory (marked as the most recently used). */
  get(seriesUid: string): LoadedVolume | undefined {
    const volume = this.cache.get(seriesUid);
    if (volume) {
      this.cache.delete(seriesUid);
      this.cache.set(seriesUid, volume);
    }
    return volume;
  }

  /** Holds a volume made in main (a reconstruction) under the same budget as loaded ones. */
  add(volume: LoadedVolume): void {
    this.cache.delete(volume.seriesUid);
    this.evictFor(volume.voxels.byteLength);
    this.cache.set(volume.seriesUid, volume);
  }

  /** Forgets a volume (a replaced preview); not an eviction. */
  remove(seriesUid: string): void {
    this.cache.delete(seriesUid);
  }

  /** UIDs of the volumes held, least recently used first. */
  leastRecentlyUsedFirst(): string[] {
    return [...this.cache.keys()];
  }

  /** Bytes of the volumes held. */
  get heldBytes(): number {
    let bytes = 0;
    for (const v of this.cache.values()) bytes += v.voxels.byteLength;
    return bytes;
  }

  /** Drops the least recently used volumes until `bytes` more fit in the budget (working memory of a job). */
  makeRoom(bytes: number): void {
    this.evictFor(bytes);
  }

  clear(): void {
    this.cache.clear();
  }

  private async decodeAll(
    refs: VolumeSliceRef[],
    voxels: SharedArrayBuffer,
    columns: number,
    rows: number,
    { signal, onProgress }: VolumeLoadOptions,
  ): Promise<{ min: number; max: number }> {
    // Several chunks per worker balance uneven decode times; frames of one file stay
    // together so a multi-frame file is read once per chunk.
    const ordered = [...refs].sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : a.frameIndex - b.frameIndex));
    const requests = chunkRanges(ordered.length, this.pool.size * 4).map(([first, last]) => ({ voxels, columns, rows, slices: ordered.slice(first, last) }));
    const total = refs.length;
    onProgress?.({ done: 0, total, stage: 'decoding slices' });
    const results = await runChunks(this.pool, 'dicom:decodeIntoVolume', requests, {
      ...(signal ? { signal } : {}),
      onProgress: (done) => onProgress?.({ done, total, stage: 'decoding slices' }),
    }).catch((err: unknown) => {
      throw explainSliceFailure(err);
    });
    if (signal?.aborted) throw new UserError('cancelled', 'Loading was cancelled.');
    // Progress travels on its own port and may trail the results: close the count here.
    onProgress?.({ done: total, total, stage: 'decoding slices' });
    return {
      min: Math.min(...results.map((r) => r.min)),
      max: Math.max(...results.map((r) => r.max)),
    };
  }

  private evictFor(bytes: number): void {
    let used = this.heldBytes;
    for (const [uid, volume] of this.cache) {
      if (used + bytes <= this.budgetBytes) break;
      this.cache.delete(uid);
      used -= volume.voxels.byteLength;
      this.onEvict(uid);
    }
  }
}

/** A slice that cannot be read names its file: the user can find it, and knows the rest of the folder is fine. */
function explainSliceFailure(err: unknown): unknown {
  if (!(err instanceof UserError) || err.code !== 'unreadable') return err;
  const where = err.detail ? ` ${path.basename(err.detail)}` : '';
  return new UserError('unreadable', `The slice file${where} could not be read (${err.message}), so this series cannot be shown as a volume. Other series are not affected.`, err.detail);
}
