/**
 * The opened folder: its indexing job (progress, cancel), the index result
 * (patients → studies → series, skipped files), the selected series and the
 * series thumbnails. The result and thumbnails are held by reference: they are
 * replaced whole, never edited, and must not become deep observables.
 */
import { makeAutoObservable, observable, observableRef, runInAction } from 'mobx';
import type { Events, JobId, Thumbnail } from '../../shared/contracts/ipc';
import type { IndexResult, SeriesSummary } from '../../shared/dicom/SeriesSummary';
import { messageOf, type LumenClient } from '../ipc/LumenClient';
import type { RecentFoldersStore } from './RecentFoldersStore';

export type IndexStatus = 'idle' | 'indexing' | 'ready' | 'cancelled' | 'error';

export interface IndexProgress {
  done: number;
  total: number;
  stage: string;
}

export type ThumbnailState = { status: 'loading' } | { status: 'ready'; thumbnail: Thumbnail } | { status: 'error'; message: string };

type JobEvent = { channel: 'job:onDidProgress'; payload: Events['job:onDidProgress'] } | { channel: 'job:onDidFinish'; payload: Events['job:onDidFinish'] };

export class StudyStore {
  folder: string | null = null;
  status: IndexStatus = 'idle';
  progress: IndexProgress = { done: 0, total: 0, stage: '' };
  error: string | null = null;
  result: IndexResult | null = null;
  selectedSeriesUid: string | null = null;
  readonly thumbnails = observable.map<string, ThumbnailState>({}, { deep: false });

  private jobId: JobId | null = null;
  /** Bumped per openFolder, so a slow answer for an older request is ignored. */
  private openSeq = 0;
  /** Job events can overtake the invoke's answer; keep them until the job id is known. */
  private earlyEvents: JobEvent[] = [];
  private readonly disposers: (() => void)[] = [];

  constructor(
    private readonly client: LumenClient,
    private readonly recent: RecentFoldersStore,
  ) {
    makeAutoObservable<StudyStore, 'client' | 'recent' | 'jobId' | 'openSeq' | 'earlyEvents' | 'disposers'>(
      this,
      { client: false, recent: false, result: observableRef, progress: observableRef, jobId: false, openSeq: false, earlyEvents: false, disposers: false },
      { autoBind: true },
    );
    this.disposers.push(
      client.on('job:onDidProgress', (payload) => this.onJobEvent({ channel: 'job:onDidProgress', payload })),
      client.on('job:onDidFinish', (payload) => this.onJobEvent({ channel: 'job:onDidFinish', payload })),
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
    if (this.jobId && this.status === 'indexing') void this.cancel();
    const seq = ++this.openSeq;
    this.folder = trimmed;
    this.status = 'indexing';
    this.progress = { done: 0, total: 0, stage: 'Starting' };
    this.error = null;
    this.jobId = null;
    this.earlyEvents = [];
    try {
      const { jobId } = await this.client.invoke('dicom:indexFolder', { folder: trimmed });
      if (seq !== this.openSeq) {
        void this.client.invoke('job:cancel', { jobId }).catch(() => undefined);
        return;
      }
      runInAction(() => (this.jobId = jobId));
      const early = this.earlyEvents.filter((e) => e.payload.jobId === jobId);
      this.earlyEvents = [];
      early.forEach((e) => this.onJobEvent(e));
    } catch (err) {
      if (seq !== this.openSeq) return;
      runInAction(() => {
        this.status = 'error';
        this.error = messageOf(err);
      });
    }
  }

  async cancel(): Promise<void> {
    const jobId = this.jobId;
    if (!jobId || this.status !== 'indexing') return;
    try {
      await this.client.invoke('job:cancel', { jobId });
    } catch (err) {
      runInAction(() => (this.error = messageOf(err)));
    }
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
    this.disposers.forEach((d) => d());
  }

  private onJobEvent(event: JobEvent): void {
    if (event.payload.kind !== 'dicom:index') return;
    if (this.jobId === null) {
      if (this.status === 'indexing') this.earlyEvents.push(event);
      return;
    }
    if (event.payload.jobId !== this.jobId) return;
    if (event.channel === 'job:onDidProgress') {
      const { done, total, stage } = event.payload;
      this.progress = { done, total, stage };
      return;
    }
    const finish = event.payload;
    this.jobId = null;
    if (finish.ok) {
      this.finishWith(finish.result as IndexResult);
    } else if (finish.error.code === 'cancelled') {
      this.status = 'cancelled';
      this.error = null;
    } else {
      this.status = 'error';
      this.error = finish.error.message;
    }
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
