/**
 * The opened folder: its indexing job (progress, cancel), the index result
 * (patients → studies → series, skipped files), the selected series and the
 * series thumbnails, and the volumes made from its series in this session (reconstructions),
 * listed under the series they came from. The result and thumbnails are held by reference:
 * they are replaced whole, never edited, and must not become deep observables.
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

export interface DerivedSeries {
  series: SeriesSummary;
  /** The series of the folder it was made from. */
  parentUid: string;
}

export type ThumbnailState = { status: 'loading' } | { status: 'ready'; thumbnail: Thumbnail } | { status: 'error'; message: string };

export class StudyStore {
  folder: string | null = null;
  status: IndexStatus = 'idle';
  progress: IndexProgress = { done: 0, total: 0, stage: '' };
  error: string | null = null;
  result: IndexResult | null = null;
  selectedSeriesUid: string | null = null;
  /** Volumes made from a series of the folder (held in main), in the order they were made. */
  derived: DerivedSeries[] = [];
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
      { client: false, recent: false, result: observableRef, progress: observableRef, derived: observableRef, indexing: false, openSeq: false },
      { autoBind: true },
    );
  }

  get seriesByUid(): Map<string, SeriesSummary> {
    return new Map([...(this.result?.series ?? []), ...this.derived.map((d) => d.series)].map((s) => [s.uid, s]));
  }

  /** The volumes made from a series, oldest first. */
  derivedOf(parentUid: string): SeriesSummary[] {
    return this.derived.filter((d) => d.parentUid === parentUid).map((d) => d.series);
  }

  /** Lists a volume made from a series of the folder under it. */
  addDerivedSeries(series: SeriesSummary, parentUid: string): void {
    this.derived = [...this.derived.filter((d) => d.series.uid !== series.uid), { series, parentUid }];
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
    const derived = (uid: string) => this.derivedOf(uid).map((s) => s.uid);
    return (this.result?.patients ?? []).flatMap((p) => p.studies.flatMap((s) => s.seriesUids.flatMap((uid) => [uid, ...derived(uid)])));
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
    // Made volumes stay listed while the series they came from is still there (the same folder re-read).
    const uids = new Set(result.series.map((s) => s.uid));
    this.derived = this.derived.filter((d) => uids.has(d.parentUid));
    const selected = this.selectedSeriesUid;
    const keep = selected !== null && (uids.has(selected) || this.derived.some((d) => d.series.uid === selected));
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
