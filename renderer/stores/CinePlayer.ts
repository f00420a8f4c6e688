/**
 * Cine playback of a frame series: play/pause, frames per second, loop. It drives its
 * host (the PreviewStore) on each animation frame with the timing of cineTiming.ts: the
 * wall clock decides which frame is due, only decoded frames are shown, and frames
 * that are late are dropped (and counted) instead of being shown late.
 */
import { makeAutoObservable } from 'mobx';
import { cineDueFrame, pickCineFrame } from './cineTiming';

export const MIN_FPS = 1;
export const MAX_FPS = 60;
export const DEFAULT_FPS = 15;

/** What the player needs from the frame viewer. */
export interface CineHost {
  readonly frameCount: number;
  /** The frame on screen. */
  readonly index: number;
  /** Decoded and cached: can be shown at once. */
  isReady(index: number): boolean;
  /** Failed to decode: will never be ready. */
  isFailed(index: number): boolean;
  /** Put a ready frame on screen. */
  showFrame(index: number): void;
  /** The frame due now while playing (null when stopped), so prefetching can run ahead of it. */
  setPlayhead(index: number | null): void;
}

/** requestAnimationFrame and a clock; injected so tests can drive time. */
export interface CineClock {
  now(): number;
  request(callback: () => void): number;
  cancel(handle: number): void;
}

export const animationFrameClock: CineClock = {
  now: () => performance.now(),
  request: (callback) => requestAnimationFrame(() => callback()),
  cancel: (handle) => cancelAnimationFrame(handle),
};

/** Frames per second from a frame time in ms, clamped to the control's range and rounded to 0.1. */
export function fpsForFrameTime(frameTimeMs: number | undefined): number {
  if (frameTimeMs === undefined || !(frameTimeMs > 0)) return DEFAULT_FPS;
  return clampFps(1000 / frameTimeMs);
}

export function clampFps(fps: number): number {
  if (!Number.isFinite(fps)) return DEFAULT_FPS;
  return Math.min(MAX_FPS, Math.max(MIN_FPS, Math.round(fps * 10) / 10));
}

export class CinePlayer {
  playing = false;
  fps = DEFAULT_FPS;
  loop = true;
  /** Frames skipped since play started because they were not decoded in time. */
  dropped = 0;

  private anchorIndex = 0;
  private anchorTime = 0;
  private lastDue = 0;
  private handle: number | null = null;

  constructor(
    private readonly host: CineHost,
    private readonly clock: CineClock = animationFrameClock,
  ) {
    makeAutoObservable<CinePlayer, 'host' | 'clock' | 'anchorIndex' | 'anchorTime' | 'lastDue' | 'handle'>(
      this,
      { host: false, clock: false, anchorIndex: false, anchorTime: false, lastDue: false, handle: false },
      { autoBind: true },
    );
  }

  /** Stops and takes the defaults of a newly shown series. */
  reset(fps: number): void {
    this.pause();
    this.fps = clampFps(fps);
    this.dropped = 0;
  }

  play(): void {
    const n = this.host.frameCount;
    if (this.playing || n < 2) return;
    // Play at the end of a run without loop starts it again, as media players do.
    if (!this.loop && this.host.index >= n - 1) this.host.showFrame(0);
    this.playing = true;
    this.dropped = 0;
    this.anchorAt(this.host.index);
    this.host.setPlayhead(this.host.index);
    this.schedule();
  }

  pause(): void {
    if (this.handle !== null) this.clock.cancel(this.handle);
    this.handle = null;
    if (!this.playing) return;
    this.playing = false;
    this.host.setPlayhead(null);
  }

  toggle(): void {
    if (this.playing) this.pause();
    else this.play();
  }

  setFps(fps: number): void {
    const next = clampFps(fps);
    if (next === this.fps) return;
    // Keep the frame that is due now, so a rate change never jumps.
    if (this.playing) this.anchorAt(this.lastDue);
    this.fps = next;
  }

  toggleLoop(): void {
    if (this.playing) this.anchorAt(this.lastDue);
    this.loop = !this.loop;
  }

  /** The user moved to `index` while playing: carry on from there. */
  seek(index: number): void {
    if (!this.playing) return;
    this.anchorAt(index);
    this.host.setPlayhead(index);
  }

  /** One animation frame: show what is due, if it is decoded. */
  tick(): void {
    this.handle = null;
    if (!this.playing) return;
    const frameCount = this.host.frameCount;
    if (frameCount < 2) {
      this.pause();
      return;
    }
    const due = cineDueFrame({
      anchorIndex: this.anchorIndex,
      elapsedMs: this.clock.now() - this.anchorTime,
      fps: this.fps,
      frameCount,
      loop: this.loop,
    });
    this.lastDue = due.index;
    this.host.setPlayhead(due.index);
    const pick = pickCineFrame({ due: due.index, shown: this.host.index, frameCount, loop: this.loop, isReady: this.host.isReady });
    if (pick) {
      this.dropped += pick.skipped;
      this.host.showFrame(pick.index);
    }
    const last = frameCount - 1;
    if (due.ended && (this.host.index === last || this.host.isFailed(last))) {
      this.pause();
      return;
    }
    this.schedule();
  }

  private anchorAt(index: number): void {
    this.anchorIndex = index;
    this.anchorTime = this.clock.now();
    this.lastDue = index;
  }

  private schedule(): void {
    if (this.handle === null) this.handle = this.clock.request(this.tick);
  }
}
