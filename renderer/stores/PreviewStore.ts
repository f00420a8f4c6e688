/**
 * The simple frame preview of the selected series: which frame, its pixels (held by
 * reference, never deep-observable), window/level and the value under the cursor.
 * Fetching is "latest wins": while one frame is in flight, further scroll steps only
 * move the target, so fast wheeling never queues dozens of requests.
 */
import { makeAutoObservable, observableRef, runInAction } from 'mobx';
import type { FramePixels } from '../../shared/contracts/ipc';
import type { SeriesSummary } from '../../shared/dicom/SeriesSummary';
import { messageOf, type LumenClient } from '../ipc/LumenClient';

const CACHE_FRAMES = 48;
const MIN_WINDOW_WIDTH = 1;

export interface HoverSample {
  column: number;
  row: number;
  /** One value per sample (1 for grey, 3 for RGB). */
  values: number[];
}

export class PreviewStore {
  series: SeriesSummary | null = null;
  index = 0;
  frame: FramePixels | null = null;
  loading = false;
  error: string | null = null;
  windowCenter = 40;
  windowWidth = 400;
  hover: HoverSample | null = null;
  /** True until the user drags window/level; then scrolling keeps their choice. */
  windowFromFile = true;

  private inFlight = false;
  private readonly cache = new Map<string, FramePixels>();

  constructor(private readonly client: LumenClient) {
    makeAutoObservable<PreviewStore, 'client' | 'inFlight' | 'cache'>(
      this,
      { client: false, frame: observableRef, series: observableRef, hover: observableRef, inFlight: false, cache: false },
      { autoBind: true },
    );
  }

  get frameCount(): number {
    return this.series?.frames ?? 0;
  }

  /** True once the frame on screen is the one asked for. */
  get isCurrent(): boolean {
    return this.frame !== null && this.frame.seriesUid === this.series?.uid && this.frame.index === this.index;
  }

  show(series: SeriesSummary | null): void {
    if (series?.uid === this.series?.uid) return;
    this.series = series;
    this.frame = null;
    this.hover = null;
    this.error = null;
    if (!series) return;
    // Start mid-stack: for a chest CT that is the mediastinum rather than the neck.
    this.index = series.kind === 'volume' ? Math.floor((series.frames - 1) / 2) : 0;
    this.windowFromFile = true;
    void this.fetchCurrent();
  }

  setIndex(index: number): void {
    if (!this.series || this.frameCount === 0) return;
    const clamped = Math.min(this.frameCount - 1, Math.max(0, Math.round(index)));
    if (clamped === this.index) return;
    this.index = clamped;
    this.hover = null;
    void this.fetchCurrent();
  }

  step(delta: number): void {
    this.setIndex(this.index + delta);
  }

  setWindow(center: number, width: number): void {
    this.windowCenter = center;
    this.windowWidth = Math.max(MIN_WINDOW_WIDTH, width);
    this.windowFromFile = false;
  }

  resetWindow(): void {
    this.windowFromFile = true;
    if (this.frame) this.applyFileWindow(this.frame);
  }

  setHover(hover: HoverSample | null): void {
    this.hover = hover;
  }

  private async fetchCurrent(): Promise<void> {
    const series = this.series;
    if (!series) return;
    const cached = this.cache.get(`${series.uid}#${this.index}`);
    if (cached) {
      this.display(cached);
      return;
    }
    if (this.inFlight) return; // the running fetch re-checks the target when it lands
    this.inFlight = true;
    this.loading = true;
    const index = this.index;
    try {
      const frame = await this.client.invoke('series:getFrame', { seriesUid: series.uid, index });
      runInAction(() => {
        this.remember(frame);
        if (this.series?.uid === series.uid && this.index === index) this.display(frame);
      });
    } catch (err) {
      runInAction(() => {
        if (this.series?.uid === series.uid) this.error = messageOf(err);
      });
    } finally {
      runInAction(() => {
        this.inFlight = false;
        this.loading = false;
      });
    }
    if (this.series && !this.isCurrent && this.error === null) void this.fetchCurrent();
  }

  private display(frame: FramePixels): void {
    this.frame = frame;
    this.error = null;
    if (this.windowFromFile) this.applyFileWindow(frame);
  }

  private applyFileWindow(frame: FramePixels): void {
    this.windowCenter = frame.windowCenter;
    this.windowWidth = Math.max(MIN_WINDOW_WIDTH, frame.windowWidth);
  }

  private remember(frame: FramePixels): void {
    const key = `${frame.seriesUid}#${frame.index}`;
    this.cache.delete(key);
    this.cache.set(key, frame);
    while (this.cache.size > CACHE_FRAMES) this.cache.delete(this.cache.keys().next().value as string);
  }
}
