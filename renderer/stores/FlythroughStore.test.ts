/**
 * The flythrough against a real Reformat panel on a synthetic volume: playback driven by a
 * manual frame clock, stepping on the plan's samples, and the linked views (slice, crosshair).
 */
import { describe, expect, it } from 'vitest';
import type { CameraPose } from '../../shared/curve/CameraPose';
import type { PathSample } from '../../shared/curve/PathSample';
import type { Vec3 } from '../../shared/math/vec3';
import { cross, distance, dot } from '../../shared/math/vec3';
import { LumenClient } from '../ipc/LumenClient';
import type { RendererVolume } from '../viewers/RendererVolume';
import type { FrameClock } from './FlythroughStore';
import { FlythroughStore, STEP_SETTLE_FRAMES } from './FlythroughStore';
import { PathStore } from './PathStore';
import { ReformatStore } from './ReformatStore';
import { testVolume, unusedBridge } from './reformatTestSetup';
import { ViewerStore } from './ViewerStore';

const volume = testVolume;

/** Animation frames on demand: frame(ms) runs the callbacks requested so far at now + ms. */
class ManualClock implements FrameClock {
  now = 1000;
  private callbacks = new Map<number, (nowMs: number) => void>();
  private nextHandle = 1;

  request(callback: (nowMs: number) => void): number {
    const handle = this.nextHandle++;
    this.callbacks.set(handle, callback);
    return handle;
  }

  cancel(handle: number): void {
    this.callbacks.delete(handle);
  }

  get pending(): number {
    return this.callbacks.size;
  }

  frame(ms: number): void {
    this.now += ms;
    const due = [...this.callbacks.values()];
    this.callbacks.clear();
    due.forEach((callback) => callback(this.now));
  }
}

/** A straight path along +z, 40 mm: 81 samples 0.5 mm apart. */
const STRAIGHT: Vec3[] = [[0, 0, -20], [0, 0, 20]];
/** A non-planar curve through the volume. */
const CURVE: Vec3[] = [[-10, -8, -20], [-4, 6, -10], [5, 8, 0], [10, -2, 8], [2, -9, 18]];
/** A closed loop of radius 10 mm tilted out of the axial plane. */
const LOOP: Vec3[] = Array.from({ length: 12 }, (_, i) => {
  const phi = (2 * Math.PI * i) / 12;
  return [10 * Math.cos(phi), 10 * Math.sin(phi), 4 * Math.sin(phi)];
});

function setup(points: Vec3[], closed = false) {
  const viewer = new ViewerStore();
  viewer.setVolume(volume);
  const paths = new PathStore();
  for (const p of points) paths.addPoint(p);
  paths.setClosed(closed);
  const reformat = new ReformatStore(new LumenClient(unusedBridge), viewer, paths);
  const clock = new ManualClock();
  const flythrough = new FlythroughStore(reformat, viewer, clock);
  const samples = (): PathSample[] => reformat.plan!.sampled.samples;
  return { viewer, paths, reformat, clock, flythrough, samples };
}

function vecError(a: Vec3, b: Vec3): number {
  return Math.max(...a.map((v, k) => Math.abs(v - b[k])));
}

function expectPoseAtSample(pose: CameraPose | null, s: PathSample): void {
  expect(pose).not.toBeNull();
  expect(vecError(pose!.position, s.point)).toBeLessThan(1e-9);
  expect(vecError(pose!.direction, s.tangent)).toBeLessThan(1e-9);
  expect(vecError(pose!.up, [-s.binormal[0], -s.binormal[1], -s.binormal[2]])).toBeLessThan(1e-9);
  expect(vecError(cross(pose!.direction, pose!.up), s.normal)).toBeLessThan(1e-9);
}

describe('FlythroughStore', () => {
  it('follows the plan: its length, step, samples, and the pose of the sample’s frame at each sample', () => {
    const { flythrough, reformat, samples } = setup(CURVE);
    expect(flythrough.length).toBe(reformat.plan!.sampled.length);
    expect(flythrough.stepMm).toBe(0.5);
    for (const [k, s] of samples().entries()) {
      flythrough.jumpTo(s.arcLength);
      expect(flythrough.sampleIndex).toBe(k);
      expectPoseAtSample(flythrough.pose, s);
    }
    // Between samples: the nearest one, and a unit, orthogonal camera.
    flythrough.jumpTo(10.3);
    expect(flythrough.sampleIndex).toBe(21);
    const pose = flythrough.pose!;
    expect(Math.abs(dot(pose.direction, pose.up))).toBeLessThan(1e-12);
    expect(pose.arcLength).toBe(10.3);
  });

  it('jumps to each control point: the camera stands on it', () => {
    const { flythrough } = setup(CURVE);
    CURVE.forEach((point, i) => {
      flythrough.jumpToControlPoint(i);
      // Between samples the pose is Hermite-interpolated: on the curve within the engine's 1e-3 mm;
      // past the last sample (the unsampled remainder, under one step) the camera holds it.
      const last = i === CURVE.length - 1;
      expect(vecError(flythrough.pose!.position, point)).toBeLessThan(last ? flythrough.stepMm : 1e-3);
    });
    // Next from the last goes round to the first; from between points, the one ahead.
    flythrough.jumpToNextControlPoint();
    expect(flythrough.arcLength).toBe(0);
    flythrough.jumpTo(1);
    flythrough.jumpToNextControlPoint();
    expect(vecError(flythrough.pose!.position, CURVE[1]!)).toBeLessThan(1e-3);
    const before = flythrough.arcLength;
    flythrough.jumpToControlPoint(CURVE.length);
    expect(flythrough.arcLength).toBe(before);
  });

  it('without a path there is no pose, and play does nothing', () => {
    const { flythrough, clock } = setup([[0, 0, 0]]);
    expect([flythrough.pose, flythrough.length, flythrough.sampleIndex]).toEqual([null, 0, 0]);
    flythrough.play();
    expect([flythrough.playing, clock.pending]).toEqual([false, 0]);
  });

  it('play advances by speed × elapsed time, counting at most 100 ms for a stalled frame', () => {
    const { flythrough, clock } = setup(STRAIGHT);
    flythrough.play();
    expect(flythrough.playing).toBe(true);
    clock.frame(16); // the first frame only sets the time reference
    expect(flythrough.arcLength).toBe(0);
    for (let i = 0; i < 10; i++) clock.frame(16);
    expect(flythrough.arcLength).toBeCloseTo(20 * 0.16, 12);
    flythrough.setSpeed(50);
    clock.frame(40);
    expect(flythrough.arcLength).toBeCloseTo(3.2 + 50 * 0.04, 12);
    clock.frame(5000);
    expect(flythrough.arcLength).toBeCloseTo(5.2 + 50 * 0.1, 12);
    // Scrubbing while playing carries on from the new place.
    flythrough.jumpTo(20);
    clock.frame(20);
    expect(flythrough.arcLength).toBeCloseTo(21, 12);
    flythrough.pause();
    expect(clock.pending).toBe(0);
    clock.frame(100);
    expect(flythrough.arcLength).toBeCloseTo(21, 12);
  });

  it('holds the 3-up in motion while it plays, and only then', () => {
    const { flythrough, clock } = setup(STRAIGHT);
    const viewer = flythrough.viewer;
    expect(viewer.inMotion).toBe(false);
    flythrough.play();
    expect(viewer.inMotion).toBe(true);
    flythrough.pause();
    expect(viewer.inMotion).toBe(false);
    // Running off the end of an open path stops the motion too.
    flythrough.jumpTo(39.5);
    flythrough.play();
    clock.frame(16);
    for (let i = 0; i < 4; i++) clock.frame(16);
    expect([flythrough.playing, viewer.inMotion]).toEqual([false, false]);
    flythrough.play();
    flythrough.dispose();
    expect(viewer.inMotion).toBe(false);
  });

  it('holds the views in motion while steps come frame after frame, and lets go once they stop', () => {
    const { flythrough, clock } = setup(STRAIGHT);
    const viewer = flythrough.viewer;
    flythrough.stepForward();
    expect([flythrough.stepping, flythrough.moving, viewer.inMotion]).toEqual([true, true, true]);
    // A held key: a step every frame keeps it moving.
    for (let n = 0; n < 3 * STEP_SETTLE_FRAMES; n++) {
      clock.frame(16);
      flythrough.stepBack();
      expect(flythrough.moving).toBe(true);
    }
    // Released: STEP_SETTLE_FRAMES frames later the views draw in full again, and nothing more is scheduled.
    for (let n = 0; n < STEP_SETTLE_FRAMES - 1; n++) clock.frame(16);
    expect(flythrough.moving).toBe(true);
    clock.frame(16);
    expect([flythrough.stepping, flythrough.moving, viewer.inMotion, clock.pending]).toEqual([false, false, false, 0]);
    // Playing takes over from stepping; pausing then stops all motion.
    flythrough.stepForward();
    flythrough.play();
    expect([flythrough.stepping, viewer.inMotion]).toEqual([false, true]);
    flythrough.pause();
    expect([flythrough.moving, viewer.inMotion, clock.pending]).toEqual([false, false, 0]);
    flythrough.stepForward();
    flythrough.dispose();
    expect([flythrough.moving, viewer.inMotion, clock.pending]).toEqual([false, false, 0]);
  });

  it('stops at the end without loop; play from the end starts again at 0', () => {
    const { flythrough, clock } = setup(STRAIGHT);
    flythrough.jumpTo(39);
    flythrough.play();
    clock.frame(16);
    for (let i = 0; i < 4; i++) clock.frame(16); // 1.28 mm at 20 mm/s: past the end
    expect(flythrough.arcLength).toBe(flythrough.length);
    expect(flythrough.length).toBeCloseTo(40, 12);
    expect(flythrough.playing).toBe(false);
    expect(clock.pending).toBe(0);
    flythrough.togglePlay();
    expect([flythrough.playing, flythrough.arcLength]).toEqual([true, 0]);
    clock.frame(16);
    clock.frame(50);
    expect(flythrough.arcLength).toBeCloseTo(1, 12);
  });

  it('wraps to the start with loop, and always round a closed path', () => {
    const open = setup(STRAIGHT);
    open.flythrough.setLoop(true);
    open.flythrough.jumpTo(39.5);
    open.flythrough.play();
    open.clock.frame(16);
    open.clock.frame(50); // 1 mm: 0.5 mm past the end
    expect(open.flythrough.arcLength).toBeCloseTo(0.5, 12);
    expect(open.flythrough.playing).toBe(true);

    const loop = setup(LOOP, true);
    const length = loop.flythrough.length;
    expect(loop.flythrough.closed).toBe(true);
    loop.flythrough.jumpTo(length - 0.2);
    loop.flythrough.play();
    loop.clock.frame(16);
    loop.clock.frame(50);
    expect(loop.flythrough.arcLength).toBeCloseTo(0.8, 9);
    expect(loop.flythrough.playing).toBe(true);
    // The camera went over the seam: 0.8 mm along the curve from the first sample.
    expect(loop.flythrough.sampleIndex).toBe(2);
    expect(distance(loop.flythrough.pose!.position, loop.samples()[0].point)).toBeCloseTo(0.8, 2);
  });

  it('steps exactly one sample and pauses; an open path stops at its ends, a closed one goes round', () => {
    const { flythrough, samples } = setup(STRAIGHT);
    flythrough.play();
    flythrough.stepForward();
    expect([flythrough.playing, flythrough.arcLength, flythrough.sampleIndex]).toEqual([false, 0.5, 1]);
    flythrough.jumpTo(10.2);
    flythrough.stepForward();
    expect(flythrough.arcLength).toBe(10.5);
    flythrough.jumpTo(10.2);
    flythrough.stepBack();
    expect(flythrough.arcLength).toBe(10);
    flythrough.stepBack();
    expect(flythrough.arcLength).toBe(9.5);
    flythrough.jumpToStart();
    flythrough.stepBack();
    expect(flythrough.arcLength).toBe(0);
    flythrough.jumpToEnd();
    flythrough.stepForward();
    expect(flythrough.arcLength).toBe(flythrough.length);
    flythrough.stepBack();
    expect(flythrough.arcLength).toBe(samples()[79].arcLength);

    const loop = setup(LOOP, true);
    const last = loop.samples().length - 1;
    loop.flythrough.stepBack();
    expect(loop.flythrough.sampleIndex).toBe(last);
    expect(loop.flythrough.arcLength).toBe(loop.samples()[last].arcLength);
    loop.flythrough.stepForward();
    expect([loop.flythrough.arcLength, loop.flythrough.sampleIndex]).toEqual([0, 0]);
    loop.flythrough.jumpToEnd(); // the end of a loop is its start
    loop.flythrough.stepForward();
    expect(loop.flythrough.arcLength).toBe(0.5);
  });

  it('while open, the cross-section slice and the 3-up crosshair follow the camera’s sample', () => {
    const { flythrough, reformat, viewer, clock, samples } = setup(CURVE);
    flythrough.jumpTo(7.1);
    expect(reformat.slice).toBe(0); // closed: the views are left alone
    flythrough.toggleOpen();
    expect([flythrough.open, flythrough.playing, clock.pending]).toEqual([true, false, 0]); // opening does not play
    expect(reformat.slice).toBe(14);
    expect(viewer.crosshair).toEqual(samples()[14].point);
    flythrough.play();
    clock.frame(16);
    clock.frame(100); // 2 mm
    expect(flythrough.sampleIndex).toBe(18);
    expect(reformat.slice).toBe(18);
    expect(viewer.crosshair).toEqual(samples()[18].point);
    flythrough.stepBack(); // 9.1 mm → the sample at 9 mm, then the one before
    expect([flythrough.arcLength, reformat.slice]).toEqual([9, 18]);
    flythrough.stepBack();
    expect([reformat.slice, viewer.crosshair]).toEqual([17, samples()[17].point]);
    // Closing stops the flight and unlinks the views.
    flythrough.setOpen(false);
    expect(flythrough.playing).toBe(false);
    flythrough.jumpTo(30);
    expect(reformat.slice).toBe(17);
  });

  it('an edited path keeps the camera within the new length; losing the path stops it', () => {
    const { flythrough, paths, reformat, clock } = setup([[0, 0, -20], [0, 0, 0], [0, 0, 20]]);
    flythrough.setOpen(true);
    flythrough.jumpTo(35);
    expect(reformat.slice).toBe(70);
    paths.removeLastPoint();
    expect(flythrough.length).toBeCloseTo(20, 9);
    expect(flythrough.arcLength).toBeCloseTo(20, 9);
    expect(reformat.slice).toBe(40);
    flythrough.play();
    flythrough.jumpTo(5);
    paths.removeLastPoint();
    expect([flythrough.playing, flythrough.arcLength, flythrough.pose, clock.pending]).toEqual([false, 0, null, 0]);
  });

  it('clamps speed, view angle and jumps, and wraps the roll offset into (−180, 180]', () => {
    const { flythrough } = setup(STRAIGHT);
    const apply = (set: (v: number) => void, values: number[], get: () => number) =>
      values.map((v) => {
        set(v);
        return get();
      });
    expect(apply(flythrough.setSpeed, [0, 1000, 35, NaN], () => flythrough.speedMmPerS)).toEqual([1, 200, 35, 35]);
    expect(apply(flythrough.setViewAngle, [10, 170, 90], () => flythrough.viewAngleDeg)).toEqual([30, 120, 90]);
    expect(apply(flythrough.jumpTo, [-5, 1e6, 12.25], () => flythrough.arcLength)).toEqual([0, flythrough.length, 12.25]);
    expect(apply(flythrough.setRollOffset, [190, -180, 45, 720], () => flythrough.rollOffsetDeg)).toEqual([-170, 180, 45, 0]);
  });

  it('a roll keyframe pins the current roll; keyframes interpolate between them and replace one within half a step', () => {
    const { flythrough } = setup(CURVE);
    flythrough.jumpTo(10);
    flythrough.setRollOffset(30);
    const before = flythrough.pose!;
    flythrough.addRollKeyframe();
    expect(flythrough.rollKeyframes).toEqual([{ arcLength: 10, rollDeg: 30 }]);
    expect(flythrough.rollOffsetDeg).toBe(0);
    expect(vecError(flythrough.pose!.up, before.up)).toBeLessThan(1e-12); // the view did not move
    flythrough.jumpTo(30);
    expect(flythrough.rollDeg).toBe(30); // held after the last keyframe
    flythrough.setRollOffset(-60);
    flythrough.addRollKeyframe();
    expect(flythrough.rollKeyframes).toEqual([{ arcLength: 10, rollDeg: 30 }, { arcLength: 30, rollDeg: -30 }]);
    flythrough.jumpTo(20);
    expect(flythrough.rollDeg).toBeCloseTo(0, 12);
    // 0.2 mm from the keyframe at 30 mm (half a step is 0.25 mm): it is replaced.
    flythrough.jumpTo(30.2);
    flythrough.setRollOffset(10);
    flythrough.addRollKeyframe();
    expect(flythrough.rollKeyframes).toEqual([{ arcLength: 10, rollDeg: 30 }, { arcLength: 30.2, rollDeg: -20 }]);
    flythrough.jumpTo(5);
    flythrough.addRollKeyframe();
    expect(flythrough.rollKeyframes.map((k) => k.arcLength)).toEqual([5, 10, 30.2]);
    flythrough.removeRollKeyframe(1);
    flythrough.removeRollKeyframe(7);
    expect(flythrough.rollKeyframes.map((k) => k.arcLength)).toEqual([5, 30.2]);
  });

  it('reset stops playback and returns to the defaults; dispose unlinks the views', () => {
    const { flythrough, clock, reformat } = setup(STRAIGHT);
    flythrough.setOpen(true);
    flythrough.setSpeed(80);
    flythrough.setLoop(true);
    flythrough.setViewAngle(100);
    flythrough.setRollOffset(20);
    flythrough.addRollKeyframe();
    flythrough.setRollOffset(5);
    flythrough.setLumen('bright');
    flythrough.jumpTo(12);
    flythrough.play();
    flythrough.reset();
    expect(clock.pending).toBe(0);
    expect(flythrough).toMatchObject({ playing: false, arcLength: 0, speedMmPerS: 20, loop: false, viewAngleDeg: 70, rollOffsetDeg: 0, rollKeyframes: [], lumen: 'dark' });
    flythrough.play();
    flythrough.dispose();
    expect(clock.pending).toBe(0);
    flythrough.jumpTo(10);
    expect(reformat.slice).toBe(0);
  });

  it('constructs in node with the default animation-frame clock (window is only touched on play)', () => {
    const viewer = new ViewerStore();
    const reformat = new ReformatStore(new LumenClient(unusedBridge), viewer, new PathStore());
    const flythrough = new FlythroughStore(reformat, viewer);
    flythrough.toggleOpen();
    expect([flythrough.open, flythrough.pose]).toEqual([true, null]);
    flythrough.dispose();
  });
  it('opens on the lumen the CT shows along the path (air or contrast) until the user picks one', () => {
    /** The test volume with a 4 mm tube along the z axis: `lumen` HU inside, soft tissue (40 HU) around it. */
    const tubeVolume = (lumen: number): RendererVolume => {
      const [nx, ny, nz] = volume.dimensions;
      const voxels = new Int16Array(nx * ny * nz);
      for (let k = 0; k < nz; k++) for (let j = 0; j < ny; j++) for (let i = 0; i < nx; i++) voxels[i + nx * (j + ny * k)] = Math.hypot(0.5 * i - 15, 0.5 * j - 15) < 4 ? lumen : 40;
      return { ...volume, voxels, range: [Math.min(lumen, 40), Math.max(lumen, 40)] };
    };
    for (const [hu, kind] of [[-1000, 'dark'], [300, 'bright']] as const) {
      const { viewer, flythrough } = setup(STRAIGHT);
      viewer.setVolume(tubeVolume(hu));
      flythrough.setLumen(kind === 'dark' ? 'bright' : 'dark');
      flythrough.reset();
      flythrough.setOpen(true);
      expect(flythrough.lumen).toBe(kind);
      expect(flythrough.lumenDetected?.kind).toBe(kind);
      expect(flythrough.lumenDetected?.median).toBe(hu);
      // The user's choice stands from then on, also when the flythrough opens again.
      flythrough.setLumen(kind === 'dark' ? 'bright' : 'dark');
      flythrough.setOpen(false);
      flythrough.setOpen(true);
      expect(flythrough.lumen).not.toBe(kind);
      expect(flythrough.lumenDetected).toBeNull();
    }
    // Soft tissue only (the blank 0 HU volume): nothing detected, the lumen stays as it was.
    const { flythrough } = setup(STRAIGHT);
    flythrough.setOpen(true);
    expect(flythrough.lumenDetected).toBeNull();
    expect(flythrough.lumen).toBe('dark');
  });
});
