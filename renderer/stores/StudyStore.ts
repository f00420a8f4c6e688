/**
 * The opened folder: its indexing job (progress, cancel), the index result
 * (patients → studies → series, skipped files), the selected series and the
 * series thumbnails. The result and thumbnails are held by reference: they are
 * replaced whole, never edited, and must not become deep observables.
 */
import { makeAutoObservable, observable, observableRef, runInAction } from 'mobx';
import type { Thumbnail } from '../../shared/contracts/ipc';
import { isCancellation } from '../../shared/contracts/UserError';
import type { IndexResult, SeriesSummary } from '../../shared/dicom/SeriesSummary';
import { messageOf, type LumenClient } from '../ipc/LumenClient';
import { runJob } from '../ipc/runJob';
import type { RecentFoldersStore } from './RecentFoldersStore';

export type IndexStatus = 'idle' | 'indexing' | 'ready' | 'cancelled' | 'error';

export interface IndexProgress {
  done: number;
  total: number;
  stage: string;
}

export type ThumbnailState = { status: 'loading' } | { status: 'ready'; thumbnail: Thumbnail } | { status: 'error'; message: string };

export class StudyStore {
  folder: string | null = null;
  status: IndexStatus = 'idle';
  progress: IndexProgress = { done: 0, total: 0, stage: '' };
  error: string | null = null;
  result: IndexResult | null = null;
  selectedSeriesUid: string | null = null;
  readonly thumbnails = observable.map<string, ThumbnailState>({}, { deep: false });

  private indexing: AbortController | null = null;
  /** Bumped per openFolder, so a slow answer for an older request is ignored. */
  private openSeq = 0;

  constructor(
    private readonly client: LumenClient,
    private readonly recent: RecentFoldersStore,
  ) {
    makeAutoObservable<StudyStore, 'client' | 'recent' | 'indexing' | 'openSeq'>(
      this,
      { client: false, recent: false, result: observableRef, progress: observableRef, indexing: false, openSeq: false },
      { autoBind: true },
    );
  }

  get seriesByUid(): Map<string, SeriesSummary> {
    return new Map((this.result?.series ?? []).map((s) => [s.uid, s]));
  }

  get selectedSeries(): SeriesSummary | null {
    return this.selectedSeriesUid ? (this.seriesByUid.get(this.selectedSeriesUid) ?? null) : null;
  }

  get isIndexing(): boolean {
    return this.status === 'indexing';
  }

  async openFolder(folder: string): Promise<void> {
    const trimmed = folder.trim();
    if (trimmed === '') return;
    // A newer folder supersedes the one still indexing.
    this.indexing?.abort();
    const seq = ++this.openSeq;
    const indexing = new AbortController();
    this.indexing = indexing;
    this.folder = trimmed;
    this.status = 'indexing';
    this.progress = { done: 0, total: 0, stage: 'Starting' };
    this.error = null;
    try {
      const result = await runJob(this.client, 'dicom:index', () => this.client.invoke('dicom:indexFolder', { folder: trimmed }), {
        signal: indexing.signal,
        onProgress: (p) => seq === this.openSeq && runInAction(() => (this.progress = p)),
      });
      if (seq === this.openSeq) this.finishWith(result);
    } catch (err) {
      if (seq !== this.openSeq) return;
      runInAction(() => {
        this.status = isCancellation(err) ? 'cancelled' : 'error';
        this.error = isCancellation(err) ? null : messageOf(err);
      });
    } finally {
      if (this.indexing === indexing) this.indexing = null;
    }
  }

  cancel(): void {
    if (this.status === 'indexing') this.indexing?.abort();
  }

  selectSeries(uid: string | null): void {
    this.selectedSeriesUid = uid;
  }

  /** Moves the selection through the series list, in tree order. */
  selectAdjacentSeries(delta: number): void {
    const order = this.seriesInTreeOrder;
    if (order.length === 0) return;
    const at = this.selectedSeriesUid ? order.indexOf(this.selectedSeriesUid) : -1;
    const next = Math.min(order.length - 1, Math.max(0, at + delta));
    this.selectedSeriesUid = order[next] ?? null;
  }

  get seriesInTreeOrder(): string[] {
    return (this.result?.patients ?? []).flatMap((p) => p.studies.flatMap((s) => s.seriesUids));
  }

  loadThumbnail(seriesUid: string): void {
    if (this.thumbnails.has(seriesUid)) return;
    this.thumbnails.set(seriesUid, { status: 'loading' });
    this.client.invoke('series:getThumbnail', { seriesUid }).then(
      (thumbnail) => runInAction(() => this.thumbnails.set(seriesUid, { status: 'ready', thumbnail })),
      (err: unknown) => runInAction(() => this.thumbnails.set(seriesUid, { status: 'error', message: messageOf(err) })),
    );
  }

  dispose(): void {
    this.indexing?.abort();
  }

  private finishWith(result: IndexResult): void {
    const keep = this.selectedSeriesUid !== null && result.series.some((s) => s.uid === this.selectedSeriesUid);
    this.result = result;
    this.status = 'ready';
    this.thumbnails.clear();
    if (!keep) {
      const ordered = (result.patients ?? []).flatMap((p) => p.studies.flatMap((s) => s.seriesUids));
      const first = ordered.map((uid) => result.series.find((s) => s.uid === uid)).find((s) => s && s.kind !== 'non-image');
      this.selectedSeriesUid = first?.uid ?? null;
    }
    void this.recent.refresh();
  }
}
