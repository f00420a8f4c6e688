/**
 * The volume on screen: asks main to load the series (a job with progress and
 * cancel), then fetches its voxels once. The RendererVolume is held by reference and
 * replaced whole; the previous one is dropped before the next loads, so two large
 * volumes never sit in the renderer at once.
 */
import { makeAutoObservable, observableRef, runInAction } from 'mobx';
import { isCancellation } from '../../shared/contracts/UserError';
import type { SeriesSummary } from '../../shared/dicom/SeriesSummary';
import { messageOf, type LumenClient } from '../ipc/LumenClient';
import { runJob, type JobProgress } from '../ipc/runJob';
import type { RendererVolume } from '../viewers/RendererVolume';

export type VolumeStatus = 'idle' | 'loading' | 'ready' | 'cancelled' | 'error';

export class VolumeStore {
  series: SeriesSummary | null = null;
  status: VolumeStatus = 'idle';
  progress: JobProgress = { done: 0, total: 0, stage: '' };
  error: string | null = null;
  volume: RendererVolume | null = null;
  /** Milliseconds from open() to main having the volume, and to the voxels being in the renderer (benchmarks). */
  timings: { loadedInMainMs: number; voxelsInRendererMs: number } | null = null;

  private loading: AbortController | null = null;

  constructor(private readonly client: LumenClient) {
    makeAutoObservable<VolumeStore, 'client' | 'loading'>(
      this,
      { client: false, loading: false, series: observableRef, volume: observableRef, progress: observableRef, timings: observableRef },
      { autoBind: true },
    );
  }

  async open(series: SeriesSummary): Promise<void> {
    if (series.uid === this.series?.uid && this.status !== 'error' && this.status !== 'cancelled') return;
    this.close();
    const loading = new AbortController();
    this.loading = loading;
    this.series = series;
    this.status = 'loading';
    this.progress = { done: 0, total: series.frames, stage: 'Loading' };
    const started = performance.now();
    const current = (): boolean => this.loading === loading;
    try {
      const info = await runJob(this.client, 'volume:load', () => this.client.invoke('volume:load', { seriesUid: series.uid }), {
        signal: loading.signal,
        onProgress: (p) => current() && runInAction(() => (this.progress = p)),
      });
      if (!current()) return;
      const loadedInMainMs = performance.now() - started;
      runInAction(() => (this.progress = { done: info.dimensions[2], total: info.dimensions[2], stage: 'Transferring voxels' }));
      const { voxels } = await this.client.invoke('volume:getVoxels', { seriesUid: series.uid });
      if (!current()) return;
      const { seriesUid, modality, dimensions, spacing, ijkToLps, range } = info;
      runInAction(() => {
        this.volume = { seriesUid, modality, dimensions, spacing, ijkToLps, range, voxels };
        this.status = 'ready';
        this.timings = { loadedInMainMs, voxelsInRendererMs: performance.now() - started };
      });
    } catch (err) {
      if (!current()) return;
      runInAction(() => {
        this.status = isCancellation(err) ? 'cancelled' : 'error';
        this.error = isCancellation(err) ? null : messageOf(err);
      });
    } finally {
      if (current()) this.loading = null;
    }
  }

  cancel(): void {
    this.loading?.abort();
  }

  /** Forgets the volume (and stops a load in flight). */
  close(): void {
    this.loading?.abort();
    this.loading = null;
    this.series = null;
    this.volume = null;
    this.status = 'idle';
    this.error = null;
    this.timings = null;
  }
}
