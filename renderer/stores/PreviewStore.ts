/**
 * The frame viewer of the selected series (rotational projections, cine loops, single
 * images): which frame is on screen, window/level, the value under the cursor, cine
 * playback and the frame cache that feeds it.
 *
 * Frames come from main one at a time (`series:getFrame`). A few requests at most are
 * in flight; what to fetch next is re-planned whenever a frame lands or the user moves
 * (framePrefetch.ts), with the frame asked for always first, so fast scrubbing never
 * queues dozens of requests. A run that fits the memory budget is buffered whole.
 * Pixel arrays are held by reference, never deep-observable; the cache itself is plain
 * and `bufferVersion` tells observers that it changed.
 */
import { makeAutoObservable, observableRef, runInAction } from 'mobx';
import type { FramePixels } from '../../shared/contracts/ipc';
import type { SeriesSummary } from '../../shared/dicom/SeriesSummary';
import { messageOf, type LumenClient } from '../ipc/LumenClient';
import { animationFrameClock, CinePlayer, fpsForFrameTime, type CineClock, type CineHost } from './CinePlayer';
import { cacheCapacity, framesToEvict, nextRequests, prefetchOrder } from './framePrefetch';
import { minWindowWidth, valueScaleOf } from '../viewers/windowLevel';

/** Decoded frames kept in the renderer: ~300 frames of 512² Float32, or a whole 256² run of 1000. */
export const CACHE_BUDGET_BYTES = 256 * 1024 * 1024;
/** Requests in flight at once: enough to keep main's decoders busy, few enough never to queue. */
export const MAX_IN_FLIGHT = 2;

export interface HoverPoint {
  column: number;
  row: number;
}

export interface HoverSample extends HoverPoint {
  /** One value per sample (1 for grey, 3 for RGB), of the frame on screen. */
  values: number[];
}

/** Per frame, for the scrubber's buffer bar. */
export const BufferState = { Empty: 0, Ready: 1, Failed: 2 } as const;

export interface PreviewStoreOptions {
  cacheBudgetBytes?: number;
  maxInFlight?: number;
  clock?: CineClock;
}

export class PreviewStore implements CineHost {
  series: SeriesSummary | null = null;
  index = 0;
  /** The frame on screen: the current one, or the previous one while the current loads. */
  frame: FramePixels | null = null;
  windowCenter = 40;
  windowWidth = 400;
  /** True until the user drags window/level; "reset" returns to the file's window. */
  windowFromFile = true;
  hoverPoint: HoverPoint | null = null;
  /** Bumped whenever the cache, the requests in flight or the failures change. */
  bufferVersion = 0;
  readonly cine: CinePlayer;

  private readonly cache = new Map<number, FramePixels>();
  private readonly pending = new Set<number>();
  private readonly failures = new Map<number, string>();
  private playhead: number | null = null;
  /** Bumped per series shown, so late answers for another series are dropped. */
  private generation = 0;
  /** Bytes of one decoded frame: estimated from the series, then measured. */
  private frameBytes = 0;
  /** The window was taken from this series' first frame; later frames keep it so cine does not flicker. */
  private windowSeeded = false;
  private readonly budgetBytes: number;
  private readonly maxInFlight: number;

  constructor(
    private readonly client: LumenClient,
    options: PreviewStoreOptions = {},
  ) {
    this.budgetBytes = options.cacheBudgetBytes ?? CACHE_BUDGET_BYTES;
    this.maxInFlight = options.maxInFlight ?? MAX_IN_FLIGHT;
    this.cine = new CinePlayer(this, options.clock ?? animationFrameClock);
    makeAutoObservable<PreviewStore, 'client' | 'cache' | 'pending' | 'failures' | 'playhead' | 'generation' | 'frameBytes' | 'windowSeeded' | 'budgetBytes' | 'maxInFlight'>(
      this,
      {
        client: false,
        cine: false,
        frame: observableRef,
        series: observableRef,
        hoverPoint: observableRef,
        cache: false,
        pending: false,
        failures: false,
        playhead: false,
        generation: false,
        frameBytes: false,
        windowSeeded: false,
        budgetBytes: false,
        maxInFlight: false,
      },
      { autoBind: true },
    );
  }

  get frameCount(): number {
    return this.series?.frames ?? 0;
  }

  /** Multi-frame cine or projection run: gets play/pause, fps and loop. */
  get hasCine(): boolean {
    return this.frameCount > 1 && (this.series?.kind === 'cine' || this.series?.kind === 'rotational-projections');
  }

  /** True once the frame on screen is the one asked for. */
  get isCurrent(): boolean {
    return this.frame !== null && this.frame.seriesUid === this.series?.uid && this.frame.index === this.index;
  }

  /** Why the current frame cannot be shown, as a sentence; null when it can. */
  get error(): string | null {
    void this.bufferVersion;
    return this.failures.get(this.index) ?? null;
  }

  get loading(): boolean {
    return this.series !== null && this.frameCount > 0 && !this.isCurrent && this.error === null;
  }

  /** The value under the cursor in the frame on screen. */
  get hover(): HoverSample | null {
    const point = this.hoverPoint;
    const frame = this.frame;
    if (!point || !frame || !this.isCurrent || point.column >= frame.width || point.row >= frame.height) return null;
    const at = (point.row * frame.width + point.column) * frame.samplesPerPixel;
    return { ...point, values: Array.from(frame.pixels.subarray(at, at + frame.samplesPerPixel)) };
  }

  /** C-arm angles of the current frame, where the series has them. */
  get angles(): { primaryDeg: number; secondaryDeg?: number } | null {
    const primaryDeg = this.series?.frameAngles?.primaryDeg[this.index];
    if (primaryDeg === undefined) return null;
    return { primaryDeg, secondaryDeg: this.series?.frameAngles?.secondaryDeg?.[this.index] };
  }

  /** Per frame: empty, decoded or failed. */
  get bufferMap(): Uint8Array {
    void this.bufferVersion;
    const map = new Uint8Array(this.frameCount);
    for (const index of this.cache.keys()) if (index < map.length) map[index] = BufferState.Ready;
    for (const index of this.failures.keys()) if (index < map.length) map[index] = BufferState.Failed;
    return map;
  }

  /** Share of the frames worth holding (the whole run when it fits) that are decoded or known to fail. */
  get bufferedFraction(): number {
    void this.bufferVersion;
    const order = this.plannedOrder();
    if (order.length === 0) return 1;
    const settled = order.filter((i) => this.cache.has(i) || this.failures.has(i)).length;
    return settled / order.length;
  }

  get isBuffering(): boolean {
    return this.frameCount > 1 && this.bufferedFraction < 1;
  }

  show(series: SeriesSummary | null): void {
    if (series?.uid === this.series?.uid) return;
    this.cine.pause();
    this.generation++;
    this.cache.clear();
    this.pending.clear();
    this.failures.clear();
    this.playhead = null;
    this.bufferVersion++;
    this.series = series;
    this.frame = null;
    this.hoverPoint = null;
    this.windowFromFile = true;
    this.windowSeeded = false;
    if (!series) return;
    const [columns, rows] = series.dimensions;
    this.frameBytes = columns * rows * Float32Array.BYTES_PER_ELEMENT;
    this.cine.reset(fpsForFrameTime(series.frameTimeMs));
    // Start mid-stack: for a chest CT that is the mediastinum rather than the neck.
    this.index = series.kind === 'volume' ? Math.floor((series.frames - 1) / 2) : 0;
    this.pump();
  }

  /** The user moves to a frame (slider, Home/End): playback, if running, carries on from there. */
  setIndex(index: number): void {
    if (!this.series || this.frameCount === 0) return;
    const clamped = Math.min(this.frameCount - 1, Math.max(0, Math.round(index)));
    if (clamped === this.index) return;
    this.moveTo(clamped);
    this.cine.seek(clamped);
    this.pump();
  }

  /** Frame stepping (keys, wheel) pauses playback, as in a video player. */
  step(delta: number): void {
    this.cine.pause();
    this.setIndex(this.index + delta);
  }

  first(): void {
    this.setIndex(0);
  }

  last(): void {
    this.setIndex(this.frameCount - 1);
  }

  togglePlay(): void {
    if (this.hasCine) this.cine.toggle();
  }

  setWindow(center: number, width: number): void {
    this.windowCenter = center;
    this.windowWidth = Math.max(this.frame ? minWindowWidth(valueScaleOf(this.frame.pixels, this.frame.range)) : 1, width);
    this.windowFromFile = false;
  }

  /** Back to the file's window (or one computed from the data), for the frame on screen. */
  resetWindow(): void {
    this.windowFromFile = true;
    if (this.frame) this.applyFileWindow(this.frame);
  }

  setHoverPoint(point: HoverPoint | null): void {
    this.hoverPoint = point;
  }

  // CineHost

  isReady(index: number): boolean {
    return this.cache.has(index);
  }

  isFailed(index: number): boolean {
    return this.failures.has(index);
  }

  showFrame(index: number): void {
    if (index === this.index && this.isCurrent) return;
    this.moveTo(index);
    this.pump();
  }

  setPlayhead(index: number | null): void {
    if (index === this.playhead) return;
    this.playhead = index;
    this.pump();
  }

  // Fetching

  private moveTo(index: number): void {
    this.index = index;
    const cached = this.cache.get(index);
    if (cached) this.display(cached);
  }

  private plannedOrder(): number[] {
    const n = this.frameCount;
    if (n === 0) return [];
    return prefetchOrder({
      frameCount: n,
      anchor: this.playhead ?? this.index,
      capacity: cacheCapacity(this.frameBytes, this.budgetBytes, n),
      loop: this.cine.loop,
    });
  }

  /** Starts the next requests, if a slot is free. */
  private pump(): void {
    if (!this.series || this.frameCount === 0) return;
    const slots = this.maxInFlight - this.pending.size;
    if (slots <= 0) return;
    const wanted = nextRequests(this.plannedOrder(), slots, (i) => this.cache.has(i) || this.pending.has(i) || this.failures.has(i));
    for (const index of wanted) void this.fetchFrame(this.series, index);
  }

  private async fetchFrame(series: SeriesSummary, index: number): Promise<void> {
    const generation = this.generation;
    this.pending.add(index);
    try {
      const frame = await this.client.invoke('series:getFrame', { seriesUid: series.uid, index });
      runInAction(() => {
        if (generation !== this.generation) return;
        this.pending.delete(index);
        this.frameBytes = frame.pixels.byteLength;
        this.cache.set(index, frame);
        this.evict();
        this.bufferVersion++;
        if (index === this.index) this.display(frame);
      });
    } catch (err) {
      runInAction(() => {
        if (generation !== this.generation) return;
        this.pending.delete(index);
        this.failures.set(index, messageOf(err));
        this.bufferVersion++;
      });
    }
    if (generation === this.generation) this.pump();
  }

  private evict(): void {
    const capacity = cacheCapacity(this.frameBytes, this.budgetBytes, this.frameCount);
    for (const index of framesToEvict(this.cache.keys(), this.plannedOrder(), capacity)) this.cache.delete(index);
  }

  private display(frame: FramePixels): void {
    this.frame = frame;
    if (this.windowFromFile && !this.windowSeeded) {
      this.applyFileWindow(frame);
      this.windowSeeded = true;
    }
  }

  private applyFileWindow(frame: FramePixels): void {
    this.windowCenter = frame.windowCenter;
    this.windowWidth = Math.max(minWindowWidth(valueScaleOf(frame.pixels, frame.range)), frame.windowWidth);
  }
}
