/**
 * The flythrough along the active path's straightening plan (ReformatStore.plan): where the
 * endoscopic camera is, playback on the animation-frame clock, and the linked views following
 * it. The camera's sample is the Reformat panel's slice, so the cross-section, the CPR cursor
 * line and the 3-up crosshair (ReformatStore.setSlice) all follow from one place.
 */
import { makeAutoObservable, observableRef, reaction, type IReactionDisposer } from 'mobx';
import type { CameraPose } from '../../shared/curve/CameraPose';
import { detectLumenKind, type LumenDetection } from '../../shared/curve/detectLumenKind';
import { flythroughPose, keyframeRollDeg, nearestSampleIndex, wrapRollDeg, type FlythroughPathShape, type RollKeyframe } from '../../shared/curve/flythroughPose';
import type { PathSample } from '../../shared/curve/PathSample';
import type { ReformatStore } from './ReformatStore';
import type { ViewerStore } from './ViewerStore';

export type { RollKeyframe } from '../../shared/curve/flythroughPose';

/** requestAnimationFrame by default; tests inject a manual clock. */
export interface FrameClock {
  request(callback: (nowMs: number) => void): number;
  cancel(handle: number): void;
}

/** Looked up when a frame is requested, not at import, so the store also runs in node. */
export const animationFrameClock: FrameClock = {
  request: (callback) => requestAnimationFrame(callback),
  cancel: (handle) => cancelAnimationFrame(handle),
};

export type LumenKind = 'dark' | 'bright';

export const SPEED_RANGE_MM_PER_S = { min: 1, max: 200 } as const;
export const VIEW_ANGLE_RANGE_DEG = { min: 30, max: 120 } as const;

const DEFAULTS = { speedMmPerS: 20, loop: false, viewAngleDeg: 70, lumen: 'dark' as LumenKind };
/** Longest frame counted: after a stalled tab (background, debugger) the flight resumes where it was instead of jumping ahead. */
const MAX_FRAME_MS = 100;
/** Animation frames without a step after which stepping counts as stopped (the views draw in full again). */
export const STEP_SETTLE_FRAMES = 6;
/** Arc lengths this close (in steps) are the same station. */
const SAME_STATION_STEPS = 1e-6;

export class FlythroughStore {
  open = false;
  /** mm along the path, in [0, length]. */
  arcLength = 0;
  playing = false;
  /** Stepping sample by sample (a held arrow key): until it settles, the views draw as in playback. */
  stepping = false;
  speedMmPerS = DEFAULTS.speedMmPerS;
  loop = DEFAULTS.loop;
  viewAngleDeg = DEFAULTS.viewAngleDeg;
  /** Roll of the whole flight about the tangent, degrees in (−180, 180]. */
  rollOffsetDeg = 0;
  /** Sorted by arc length; replaced, never mutated. */
  rollKeyframes: RollKeyframe[] = [];
  lumen: LumenKind = DEFAULTS.lumen;
  /** What the volume says about the path's lumen, when it set `lumen`; null once the user picks one. */
  lumenDetected: LumenDetection | null = null;
  /** The user picked the lumen: detection no longer overrides it (until a new volume). */
  private lumenChosen = false;

  private handle: number | null = null;
  /** The frame callback that watches stepping settle, and the frames since the last step. */
  private settleHandle: number | null = null;
  private framesSinceStep = 0;
  /** The previous animation frame's timestamp while playing; null until the first frame. */
  private lastFrameMs: number | null = null;
  private readonly disposers: IReactionDisposer[];

  constructor(
    readonly reformat: ReformatStore,
    readonly viewer: ViewerStore,
    readonly clock: FrameClock = animationFrameClock,
  ) {
    makeAutoObservable<FlythroughStore, 'handle' | 'lastFrameMs' | 'disposers' | 'lumenChosen' | 'settleHandle' | 'framesSinceStep'>(
      this,
      { reformat: false, viewer: false, clock: false, rollKeyframes: observableRef, lumenDetected: observableRef, lumenChosen: false, handle: false, lastFrameMs: false, disposers: false, settleHandle: false, framesSinceStep: false },
      { autoBind: true },
    );
    this.disposers = [
      // The linked views: the camera's sample is the cross-section shown (and setSlice moves the
      // 3-up crosshair there). A new plan re-sends it: the same index is another place.
      reaction(
        () => (this.open && this.samples ? { index: this.sampleIndex, samples: this.samples } : null),
        (station) => {
          if (station) this.reformat.setSlice(station.index);
        },
        { equals: (a, b) => a?.index === b?.index && a?.samples === b?.samples },
      ),
      // An edited path or new parameters: stay where we were, as far as the new path reaches.
      reaction(
        () => this.length,
        (length) => {
          if (!(length > 0)) this.pause();
          this.arcLength = Math.min(this.arcLength, length);
        },
      ),
    ];
  }

  /** The path's stations (the plan's samples), or null without a plan. */
  get samples(): readonly PathSample[] | null {
    return this.reformat.plan?.sampled.samples ?? null;
  }

  /** Path length, mm (0 without a plan). */
  get length(): number {
    return this.reformat.plan?.sampled.length ?? 0;
  }

  /** A closed path has no end: the flight goes round. */
  get closed(): boolean {
    return this.reformat.plan !== null && (this.reformat.path?.closed ?? false);
  }

  /** Arc length between samples, mm (samples sit at k·step; a plan has at least two). */
  get stepMm(): number {
    return this.samples?.[1]?.arcLength ?? 1;
  }

  get sampleIndex(): number {
    const samples = this.samples;
    return samples ? nearestSampleIndex(samples, this.arcLength, this.shape) : 0;
  }

  /** The roll the camera has here: the offset plus the keyframes' roll, degrees. */
  get rollDeg(): number {
    return this.rollOffsetDeg + keyframeRollDeg(this.rollKeyframes, this.arcLength);
  }

  get pose(): CameraPose | null {
    const samples = this.samples;
    return samples ? flythroughPose(samples, this.arcLength, { offsetDeg: this.rollOffsetDeg, keyframes: this.rollKeyframes }, this.shape) : null;
  }

  toggleOpen(): void {
    this.setOpen(!this.open);
  }

  /** Opening shows the flight where it is (on a lumen read from the volume, unless the user chose one); closing stops it. */
  setOpen(open: boolean): void {
    this.open = open;
    if (!open) this.pause();
    else if (!this.lumenChosen) this.detectLumen();
  }

  play(): void {
    if (this.playing || !(this.length > 0)) return;
    // Play at the end of an open path starts it again, as media players do.
    if (!this.closed && this.arcLength >= this.length - this.stationTolerance) this.arcLength = 0;
    this.playing = true;
    this.stopStepping();
    this.lastFrameMs = null;
    this.schedule();
  }

  pause(): void {
    if (this.handle !== null) this.clock.cancel(this.handle);
    this.handle = null;
    this.playing = false;
    this.showMotion();
  }

  /** Playing or stepping: the views follow every frame, drawing coarser (the wall) or at screen resolution (the 3-up). */
  get moving(): boolean {
    return this.playing || this.stepping;
  }

  togglePlay(): void {
    if (this.playing) this.pause();
    else this.play();
  }

  /** To the next sample; round a closed path from the last to the first. */
  stepForward(): void {
    this.pause();
    const samples = this.samples;
    if (!samples) return;
    const next = Math.floor((this.wrappedArcLength + this.stationTolerance) / this.stepMm) + 1;
    // jumpTo: the last sample may sit a rounding error past the length (samplePath's end tolerance).
    if (next < samples.length) this.jumpTo(samples[next].arcLength);
    else if (this.closed) this.jumpTo(0);
    this.noteStep();
  }

  /** To the previous sample; round a closed path from the first to the last. */
  stepBack(): void {
    this.pause();
    const samples = this.samples;
    if (!samples) return;
    const previous = Math.min(Math.ceil((this.wrappedArcLength - this.stationTolerance) / this.stepMm) - 1, samples.length - 1);
    if (previous >= 0) this.jumpTo(samples[previous].arcLength);
    else if (this.closed) this.jumpTo(samples[samples.length - 1].arcLength);
    this.noteStep();
  }

  /** To `mm` along the path (clamped); playback carries on from there. */
  jumpTo(mm: number): void {
    if (!Number.isFinite(mm)) return;
    this.arcLength = Math.min(Math.max(mm, 0), this.length);
  }

  jumpToStart(): void {
    this.jumpTo(0);
  }

  jumpToEnd(): void {
    this.jumpTo(this.length);
  }

  /** To the first control point ahead of the camera (back to the first after the last). */
  jumpToNextControlPoint(): void {
    const arcs = this.reformat.plan?.sampled.controlPointArcLengths ?? [];
    const next = arcs.findIndex((a) => a > this.arcLength + SAME_STATION_STEPS * this.stepMm);
    this.jumpToControlPoint(next >= 0 ? next : 0);
  }

  /** To the path's i-th (distinct) control point. */
  jumpToControlPoint(index: number): void {
    const at = this.reformat.plan?.sampled.controlPointArcLengths[index];
    if (at !== undefined) this.jumpTo(at);
  }

  setSpeed(mmPerS: number): void {
    if (Number.isFinite(mmPerS)) this.speedMmPerS = Math.min(Math.max(mmPerS, SPEED_RANGE_MM_PER_S.min), SPEED_RANGE_MM_PER_S.max);
  }

  setLoop(loop: boolean): void {
    this.loop = loop;
  }

  setViewAngle(deg: number): void {
    if (Number.isFinite(deg)) this.viewAngleDeg = Math.min(Math.max(deg, VIEW_ANGLE_RANGE_DEG.min), VIEW_ANGLE_RANGE_DEG.max);
  }

  setRollOffset(deg: number): void {
    if (Number.isFinite(deg)) this.rollOffsetDeg = wrapRollDeg(deg);
  }

  /**
   * Pins the roll the camera has here: a keyframe at this arc length holding the whole current
   * roll (offset included, so the offset returns to 0 and the view does not move). Rolling with
   * the offset and pinning at a few places is how a roll is keyframed along the path. A keyframe
   * within half a step is replaced.
   */
  addRollKeyframe(): void {
    if (!this.samples) return;
    const arcLength = this.arcLength;
    const keyframe: RollKeyframe = { arcLength, rollDeg: wrapRollDeg(this.rollDeg) };
    const others = this.rollKeyframes.filter((k) => Math.abs(k.arcLength - arcLength) >= this.stepMm / 2);
    this.rollKeyframes = [...others, keyframe].sort((a, b) => a.arcLength - b.arcLength);
    this.rollOffsetDeg = 0;
  }

  removeRollKeyframe(index: number): void {
    if (index >= 0 && index < this.rollKeyframes.length) this.rollKeyframes = this.rollKeyframes.filter((_, i) => i !== index);
  }

  setLumen(lumen: LumenKind): void {
    this.lumen = lumen;
    this.lumenChosen = true;
    this.lumenDetected = null;
  }

  /** Air or contrast from the CT values along the active path; an ambiguous answer leaves the lumen as it is. */
  private detectLumen(): void {
    const volume = this.viewer.volume;
    const path = this.reformat.path;
    this.lumenDetected = null;
    if (!volume || volume.modality.toUpperCase() !== 'CT' || !path || path.points.length < 2) return;
    let detection: LumenDetection;
    try {
      detection = detectLumenKind({ volume, points: path.points, closed: path.closed });
    } catch {
      return; // Coincident points: no curve to read along.
    }
    if (detection.kind === 'unknown') return;
    this.lumen = detection.kind;
    this.lumenDetected = detection;
  }

  /** A new volume: stopped at the start with the default settings and no roll. */
  reset(): void {
    this.pause();
    this.arcLength = 0;
    this.speedMmPerS = DEFAULTS.speedMmPerS;
    this.loop = DEFAULTS.loop;
    this.viewAngleDeg = DEFAULTS.viewAngleDeg;
    this.rollOffsetDeg = 0;
    this.rollKeyframes = [];
    this.lumen = DEFAULTS.lumen;
    this.lumenDetected = null;
    this.lumenChosen = false;
  }

  dispose(): void {
    this.pause();
    this.stopStepping();
    this.disposers.forEach((d) => d());
  }

  /** A step: moving until STEP_SETTLE_FRAMES frames pass without another. */
  private noteStep(): void {
    this.stepping = true;
    this.framesSinceStep = 0;
    this.settleHandle ??= this.clock.request(this.settleFrame);
    this.showMotion();
  }

  private settleFrame(): void {
    this.settleHandle = null;
    if (++this.framesSinceStep < STEP_SETTLE_FRAMES) this.settleHandle = this.clock.request(this.settleFrame);
    else this.stopStepping();
  }

  private stopStepping(): void {
    if (this.settleHandle !== null) this.clock.cancel(this.settleHandle);
    this.settleHandle = null;
    this.stepping = false;
    this.showMotion();
  }

  /** The 3-up may draw at screen resolution while the flight moves it every frame. */
  private showMotion(): void {
    this.viewer.setInMotion(this.moving);
  }

  private get shape(): FlythroughPathShape {
    return this.closed ? { closedLength: this.length } : {};
  }

  /** The arc length within one round of a closed path ([0, length)); as it is on an open one. */
  private get wrappedArcLength(): number {
    return this.closed && this.arcLength >= this.length ? this.arcLength - this.length : this.arcLength;
  }

  private get stationTolerance(): number {
    return this.stepMm * SAME_STATION_STEPS;
  }

  /** One animation frame: advance by the time since the previous one. */
  private tick(nowMs: number): void {
    this.handle = null;
    if (!this.playing) return;
    if (this.lastFrameMs !== null) this.advance((this.speedMmPerS * Math.min(Math.max(nowMs - this.lastFrameMs, 0), MAX_FRAME_MS)) / 1000);
    this.lastFrameMs = nowMs;
    if (this.playing) this.schedule();
  }

  private advance(mm: number): void {
    const length = this.length;
    if (!(length > 0)) {
      this.pause();
      return;
    }
    const next = this.arcLength + mm;
    if (next < length) this.arcLength = next;
    else if (this.closed || this.loop) this.arcLength = next % length;
    else {
      this.arcLength = length;
      this.pause();
    }
  }

  private schedule(): void {
    if (this.handle === null) this.handle = this.clock.request(this.tick);
  }
}
