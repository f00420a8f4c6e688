import { describe, expect, it } from 'vitest';
import type { Vec3 } from '../math/vec3';
import { angleDeg, cross, distance, dot } from '../math/vec3';
import type { CameraPose } from './CameraPose';
import { helixFrames, helixPoint, nearestHelixParameter } from './curveTestGeometry';
import type { RollKeyframe } from './flythroughPose';
import { flythroughPose, keyframeRollDeg, nearestSampleIndex, wrapRollDeg } from './flythroughPose';
import type { PathSample } from './PathSample';
import { samplePath } from './samplePath';

/** The samplePath tests' helix: radius 20 mm, pitch 30 mm, 3 turns, 20 control points per turn. */
const HELIX = { r: 20, c: 30 / (2 * Math.PI) };
const helixControlPoints: Vec3[] = Array.from({ length: 61 }, (_, i) => helixPoint(HELIX, (2 * Math.PI * i) / 20));
/** Curvature κ = r / (r² + c²): the rotation-minimising frame turns κ rad per mm, all of it about an axis ⟂ the tangent. */
const HELIX_CURVATURE = HELIX.r / (HELIX.r ** 2 + HELIX.c ** 2);
const NO_ROLL = { offsetDeg: 0, keyframes: [] };

/** Rodrigues' formula: v turned right-handedly by `deg` about the unit axis k. */
function turned(v: Vec3, k: Vec3, deg: number): Vec3 {
  const a = (deg * Math.PI) / 180;
  const kxv = cross(k, v);
  const kv = dot(k, v);
  return [0, 1, 2].map((i) => v[i] * Math.cos(a) + kxv[i] * Math.sin(a) + k[i] * kv * (1 - Math.cos(a))) as Vec3;
}

/** Signed angle (degrees) from a to b about the unit axis, both ⟂ it. */
function angleAboutDeg(a: Vec3, b: Vec3, axis: Vec3): number {
  return (Math.atan2(dot(cross(a, b), axis), dot(a, b)) * 180) / Math.PI;
}

function vecError(a: Vec3, b: Vec3): number {
  return Math.max(...a.map((v, k) => Math.abs(v - b[k])));
}

/** The screen's right (vtk.js: direction × up). */
function rightOf(pose: CameraPose): Vec3 {
  return cross(pose.direction, pose.up);
}

function expectPoseAtSample(pose: CameraPose, s: PathSample, tolerance: number): void {
  expect(vecError(pose.position, s.point)).toBeLessThan(tolerance);
  expect(vecError(pose.direction, s.tangent)).toBeLessThan(tolerance);
  expect(vecError(pose.up, [-s.binormal[0], -s.binormal[1], -s.binormal[2]])).toBeLessThan(tolerance);
  expect(vecError(rightOf(pose), s.normal)).toBeLessThan(tolerance);
}

describe('flythroughPose along the analytic helix (samplePath at 0.5 mm, poses every 0.1 mm)', () => {
  const path = samplePath(helixControlPoints, { step: 0.5, initialNormal: [-1, 0, 0] });
  // The curve itself sampled at the poses' arc lengths: its exact point and tangent there.
  const fine = samplePath(helixControlPoints, { step: 0.1, initialNormal: [-1, 0, 0] });
  const poses = fine.samples.map((s) => flythroughPose(path.samples, s.arcLength, NO_ROLL));

  it('the camera is on the curve, looking along it: direction = the curve’s tangent to 0.05°, within the interpolant’s own error of the analytic helix', () => {
    // The Catmull-Rom curve through the control points deviates from the helix by itself
    // (its tangent by up to this much); the flythrough must add nothing visible to that.
    const interpolantTangentDeg = Math.max(...path.samples.map((s) => angleDeg(s.tangent, helixFrames(HELIX, nearestHelixParameter(HELIX, s.point)).tangent)));
    expect(interpolantTangentDeg).toBeLessThan(0.6); // measured 0.57° at the first point, 0.21° inside
    let curveTangentDeg = 0;
    let curvePointMm = 0;
    poses.forEach((pose, k) => {
      const t = nearestHelixParameter(HELIX, pose.position);
      expect(distance(pose.position, helixPoint(HELIX, t))).toBeLessThan(0.05); // the interpolant's tolerance in the samplePath tests
      expect(angleDeg(pose.direction, helixFrames(HELIX, t).tangent)).toBeLessThan(interpolantTangentDeg + 0.01);
      curveTangentDeg = Math.max(curveTangentDeg, angleDeg(pose.direction, fine.samples[k].tangent));
      curvePointMm = Math.max(curvePointMm, distance(pose.position, fine.samples[k].point));
    });
    // Slerp turns at a constant rate across a 0.5 mm step (the tangent turns 1.36° over it); the
    // centripetal Catmull-Rom curve's curvature jumps at its control points, which a constant rate
    // cannot follow: measured 0.045° there, 0.004° at the 90th percentile.
    expect(curveTangentDeg).toBeLessThan(0.05);
    expect(curvePointMm).toBeLessThan(1e-4);
  });

  it('direction and up are unit and orthogonal at every pose', () => {
    for (const pose of poses) {
      expect(Math.abs(Math.hypot(...pose.direction) - 1)).toBeLessThan(1e-12);
      expect(Math.abs(Math.hypot(...pose.up) - 1)).toBeLessThan(1e-12);
      expect(Math.abs(dot(pose.direction, pose.up))).toBeLessThan(1e-12);
    }
  });

  it('up turns smoothly: between 0.1 mm steps by at most 1.5 × the frame’s analytic turn κ·0.1 mm, never a flip', () => {
    const boundDeg = ((1.5 * HELIX_CURVATURE * 0.1) * 180) / Math.PI; // κ·Δs = 0.27°
    let worstRatio = 0;
    for (let k = 1; k < poses.length; k++) {
      const stepDeg = angleDeg(poses[k - 1].up, poses[k].up);
      expect(stepDeg).toBeLessThan(boundDeg);
      worstRatio = Math.max(worstRatio, stepDeg / (boundDeg / 1.5));
    }
    expect(worstRatio).toBeGreaterThan(0.9); // it does turn (measured 1.06 κΔs: the interpolant's curvature ripples)
  });

  it('the screen’s right follows the analytic rotation-minimising normal within 0.1° per 100 mm (the samplePath tolerance)', () => {
    let worstRate = 0;
    poses.forEach((pose) => {
      const { rmfNormal } = helixFrames(HELIX, nearestHelixParameter(HELIX, pose.position));
      const twist = Math.abs(angleAboutDeg(rightOf(pose), rmfNormal, pose.direction));
      worstRate = Math.max(worstRate, (twist / Math.max(pose.arcLength, 100)) * 100);
    });
    expect(worstRate).toBeLessThan(0.1); // measured 0.028°/100 mm
  });

  it('at each sample’s arc length the pose is that sample’s frame: up = −binormal, right = normal (1e-9)', () => {
    for (const s of path.samples) expectPoseAtSample(flythroughPose(path.samples, s.arcLength, NO_ROLL), s, 1e-9);
  });

  it('a roll offset turns up about the direction by exactly that angle, between samples too', () => {
    for (const s of [0, 0.5, 17.23, 100.01, 250.9]) {
      const plain = flythroughPose(path.samples, s, NO_ROLL);
      for (const deg of [-170, -33, 12.5, 90, 180]) {
        const rolled = flythroughPose(path.samples, s, { offsetDeg: deg, keyframes: [] });
        expect(vecError(rolled.position, plain.position)).toBe(0);
        expect(vecError(rolled.direction, plain.direction)).toBeLessThan(1e-12);
        expect(vecError(rolled.up, turned(plain.up, plain.direction, deg))).toBeLessThan(1e-12);
      }
    }
  });
});

describe('flythroughPose between coarse samples', () => {
  // A planar arc of radius 20 mm through 25 control points, sampled every 5 mm (the camera's
  // stations) and every 0.5 mm (the truth at the coarse midpoints).
  const arc: Vec3[] = Array.from({ length: 25 }, (_, i) => {
    const phi = (i / 24) * 1.5 * Math.PI;
    return [20 * Math.cos(phi), 20 * Math.sin(phi), 3];
  });
  const coarse = samplePath(arc, { step: 5 });
  const fine = samplePath(arc, { step: 0.5 });

  it('stays on the curve where the chord cuts the bend by 0.16 mm', () => {
    for (let k = 0; k + 1 < coarse.samples.length; k++) {
      const s = 5 * k + 2.5;
      const truth = fine.samples[Math.round(s / 0.5)];
      const pose = flythroughPose(coarse.samples, s, NO_ROLL);
      const chordMid = coarse.samples[k].point.map((v, i) => (v + coarse.samples[k + 1].point[i]) / 2) as Vec3;
      expect(distance(chordMid, truth.point)).toBeGreaterThan(0.15);
      expect(distance(pose.position, truth.point)).toBeLessThan(0.002); // measured 0.0012 mm
      expect(angleDeg(pose.direction, truth.tangent)).toBeLessThan(0.1); // measured 0.097°: slerp of a 14° turn
      // Planar path leaving along +y with its normal left (+x): up = −(y × x) = +z, the plane normal, throughout.
      expect(vecError(pose.up, [0, 0, 1])).toBeLessThan(1e-6);
    }
  });

  it('an open path: before the start and past the last sample the camera holds the end sample', () => {
    const last = coarse.samples[coarse.samples.length - 1];
    expect(coarse.remainder).toBeGreaterThan(0);
    const past = flythroughPose(coarse.samples, coarse.length, NO_ROLL);
    expectPoseAtSample(past, last, 1e-12);
    expect(past.arcLength).toBe(last.arcLength);
    expectPoseAtSample(flythroughPose(coarse.samples, -3, NO_ROLL), coarse.samples[0], 1e-12);
  });

  it('nearestSampleIndex rounds to the nearest sample and clamps', () => {
    expect(nearestSampleIndex(coarse.samples, 12.4)).toBe(2);
    expect(nearestSampleIndex(coarse.samples, 12.6)).toBe(3);
    expect(nearestSampleIndex(coarse.samples, 15)).toBe(3);
    expect(nearestSampleIndex(coarse.samples, -1)).toBe(0);
    expect(nearestSampleIndex(coarse.samples, 1e6)).toBe(coarse.samples.length - 1);
  });
});

describe('flythroughPose round a closed path', () => {
  // A non-planar loop: its rotation-minimising frame comes back turned (closureTwistDeg).
  const loop = Array.from({ length: 24 }, (_, i): Vec3 => {
    const phi = (2 * Math.PI * i) / 24;
    return [30 * Math.cos(phi), 22 * Math.sin(phi), 10 * Math.sin(2 * phi)];
  });
  const path = samplePath(loop, { closed: true, step: 1 });
  const shape = { closedLength: path.length };
  const last = path.samples[path.samples.length - 1];

  it('carries on over the seam from the last sample to the first, and wraps the arc length', () => {
    expect(Math.abs(path.closureTwistDeg ?? 0)).toBeGreaterThan(1);
    expectPoseAtSample(flythroughPose(path.samples, last.arcLength, NO_ROLL, shape), last, 1e-9);
    expectPoseAtSample(flythroughPose(path.samples, path.length, NO_ROLL, shape), path.samples[0], 1e-9);
    const inGap = flythroughPose(path.samples, last.arcLength + path.remainder / 2, NO_ROLL, shape);
    expect(distance(inGap.position, last.point)).toBeGreaterThan(0.3 * path.remainder);
    expect(distance(inGap.position, path.samples[0].point)).toBeGreaterThan(0.3 * path.remainder);
    // The seam spreads the closure twist over the gap: the frame turns by about that much, no flip.
    expect(angleDeg(inGap.up, last.binormal.map((v) => -v) as Vec3)).toBeLessThan(Math.abs(path.closureTwistDeg ?? 0));
    const once = flythroughPose(path.samples, 37.25, NO_ROLL, shape);
    const again = flythroughPose(path.samples, 37.25 + 2 * path.length, NO_ROLL, shape);
    expect(vecError(again.position, once.position)).toBeLessThan(1e-9);
    expect(vecError(again.up, once.up)).toBeLessThan(1e-9);
    expect(again.arcLength).toBeCloseTo(37.25, 9);
  });

  it('nearestSampleIndex is the first sample past the middle of the seam gap', () => {
    expect(nearestSampleIndex(path.samples, last.arcLength + 0.4 * path.remainder, shape)).toBe(path.samples.length - 1);
    expect(nearestSampleIndex(path.samples, last.arcLength + 0.6 * path.remainder, shape)).toBe(0);
    expect(nearestSampleIndex(path.samples, path.length, shape)).toBe(0);
  });

  it('refuses a closed length that does not reach past the last sample', () => {
    expect(() => flythroughPose(path.samples, 1, NO_ROLL, { closedLength: last.arcLength })).toThrow(/closed path's length/);
    expect(() => flythroughPose([], 1, NO_ROLL)).toThrow(/at least one path sample/);
    expect(() => flythroughPose(path.samples, NaN, NO_ROLL)).toThrow(/finite/);
  });
});

describe('roll keyframes', () => {
  const keyframes: RollKeyframe[] = [
    { arcLength: 10, rollDeg: 20 },
    { arcLength: 30, rollDeg: 80 },
    { arcLength: 50, rollDeg: -10 },
  ];

  it('hit their values at the keyframes and hold them before the first and after the last', () => {
    for (const k of keyframes) expect(keyframeRollDeg(keyframes, k.arcLength)).toBe(k.rollDeg);
    expect(keyframeRollDeg(keyframes, -5)).toBe(20);
    expect(keyframeRollDeg(keyframes, 1e4)).toBe(-10);
    expect(keyframeRollDeg([], 12)).toBe(0);
    // Halfway the eased parameter is ½ too.
    expect(keyframeRollDeg(keyframes, 20)).toBeCloseTo(50, 12);
  });

  it('are monotone between two keyframes', () => {
    let previous = keyframeRollDeg(keyframes, 10);
    for (let s = 10.01; s <= 30; s += 0.01) {
      const value = keyframeRollDeg(keyframes, s);
      expect(value).toBeGreaterThanOrEqual(previous);
      previous = value;
    }
    for (let s = 30.01; s <= 50; s += 0.01) {
      const value = keyframeRollDeg(keyframes, s);
      expect(value).toBeLessThanOrEqual(previous);
      previous = value;
    }
  });

  it('have a continuous roll rate, at the interior keyframe too (finite differences)', () => {
    const h = 1e-4;
    const rate = (s: number) => (keyframeRollDeg(keyframes, s + h) - keyframeRollDeg(keyframes, s - h)) / (2 * h);
    const left = (s: number) => (keyframeRollDeg(keyframes, s) - keyframeRollDeg(keyframes, s - h)) / h;
    const right = (s: number) => (keyframeRollDeg(keyframes, s + h) - keyframeRollDeg(keyframes, s)) / h;
    for (const k of keyframes) expect(Math.abs(right(k.arcLength) - left(k.arcLength))).toBeLessThan(0.01);
    // Everywhere: the rate changes by no more than its bounded second derivative allows over 0.01 mm.
    let worstJump = 0;
    for (let s = 5; s < 55; s += 0.01) worstJump = Math.max(worstJump, Math.abs(rate(s + 0.01) - rate(s)));
    // |d²roll/ds²| ≤ 6·|Δroll|/Δs² = 6·90/400 per mm² between the last two keyframes.
    expect(worstJump).toBeLessThan(((6 * 90) / 400) * 0.01 * 1.01);
    // Not flat everywhere: the peak rate is 1.5·Δroll/Δs.
    expect(rate(20)).toBeCloseTo((1.5 * 60) / 20, 6);
  });

  it('turn the shorter way: 170° to −170° passes through 180°, not 0°', () => {
    const across = [{ arcLength: 0, rollDeg: 170 }, { arcLength: 10, rollDeg: -170 }];
    expect(wrapRollDeg(keyframeRollDeg(across, 5))).toBeCloseTo(180, 12);
    expect(wrapRollDeg(keyframeRollDeg(across, 10))).toBeCloseTo(-170, 12);
  });

  it('add to the offset in the pose', () => {
    const path = samplePath(helixControlPoints, { step: 0.5 });
    for (const s of [5, 18.3, 27, 40]) {
      const plain = flythroughPose(path.samples, s, NO_ROLL);
      const rolled = flythroughPose(path.samples, s, { offsetDeg: -15, keyframes });
      expect(vecError(rolled.up, turned(plain.up, plain.direction, -15 + keyframeRollDeg(keyframes, s)))).toBeLessThan(1e-12);
    }
  });

  it('wrapRollDeg brings angles into (−180, 180]', () => {
    expect([180, -180, 181, -181, 540, 0, 359.5, -720].map(wrapRollDeg)).toEqual([180, 180, -179, 179, 180, 0, -0.5, 0]);
  });
});
