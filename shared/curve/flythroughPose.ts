/**
 * The endoscopic camera at any arc length of a sampled path: on the curve between samples,
 * turned by quaternion slerp between the samples' rotation-minimising frames (so it never flips
 * where the path twists), then rolled about the tangent by the user's offset and roll keyframes.
 */
import type { Quat } from '../math/quaternion';
import { multiplyQuat, quatFromAxisAngle, quatFromBasis, quatToBasis, slerp } from '../math/quaternion';
import type { Vec3 } from '../math/vec3';
import type { CameraPose } from './CameraPose';
import type { PathSample } from './PathSample';

export interface RollKeyframe {
  /** mm along the path. */
  arcLength: number;
  /** Roll about the path tangent at that point, degrees, added to the roll offset. */
  rollDeg: number;
}

export interface FlythroughRoll {
  /** Roll of the whole flight, degrees, right-handed about the tangent. */
  offsetDeg: number;
  /** Sorted by arc length. */
  keyframes: readonly RollKeyframe[];
}

export interface FlythroughPathShape {
  /**
   * A closed path's length, mm: arc lengths wrap modulo it, and between the last sample and the
   * first (at closedLength ≡ 0) the camera carries on round the seam. Omitted for an open path,
   * where the camera holds the last sample over the unsampled remainder.
   */
  closedLength?: number;
}

const Z_AXIS: Vec3 = [0, 0, 1];

/** The two samples around an arc length and how far it is from the first to the second (0..1). */
interface Bracket {
  from: number;
  to: number;
  fraction: number;
  /** Arc length between the two samples, mm (0 when they are one). */
  span: number;
  /** The arc length the camera is at: wrapped round a closed path, clamped on an open one. */
  arcLength: number;
}

/**
 * The camera on `samples` at `arcLength` mm: direction = tangent, up = −binormal (so the screen's
 * right is the frame's normal, the straightened cross-section's column direction), rolled
 * right-handedly about the direction by offsetDeg + keyframeRollDeg(arcLength).
 */
export function flythroughPose(samples: readonly PathSample[], arcLength: number, roll: FlythroughRoll, shape: FlythroughPathShape = {}): CameraPose {
  const b = bracket(samples, arcLength, shape.closedLength);
  const p = samples[b.from];
  const q = samples[b.to];
  const frameA = quatFromBasis(p.normal, p.binormal, p.tangent);
  const frame = b.to === b.from ? frameA : slerp(frameA, quatFromBasis(q.normal, q.binormal, q.tangent), b.fraction);
  const rollRad = ((roll.offsetDeg + keyframeRollDeg(roll.keyframes, b.arcLength)) * Math.PI) / 180;
  // Turning the frame about its own third axis (the tangent) is right-multiplication.
  const rolled: Quat = rollRad === 0 ? frame : multiplyQuat(frame, quatFromAxisAngle(Z_AXIS, rollRad));
  const [, binormal, direction] = quatToBasis(rolled);
  return {
    position: hermitePoint(p, q, b.fraction, b.span),
    direction,
    up: [-binormal[0], -binormal[1], -binormal[2]],
    arcLength: b.arcLength,
  };
}

/** The sample nearest `arcLength` (on a closed path, past the last sample's midpoint to the seam, the first). */
export function nearestSampleIndex(samples: readonly PathSample[], arcLength: number, shape: FlythroughPathShape = {}): number {
  const b = bracket(samples, arcLength, shape.closedLength);
  return b.fraction < 0.5 ? b.from : b.to;
}

/**
 * The keyframed roll at an arc length, degrees. Before the first keyframe and after the last it
 * holds their value. Between two it turns along the shorter arc, as slerp of the two rotations
 * about the tangent does (for rotations about one axis slerp is linear in the angle), with the
 * parameter eased by smoothstep 3u² − 2u³. That choice: the roll rate is continuous everywhere
 * (zero at each keyframe, so the view settles on each key and never jerks), the roll is monotone
 * between two keyframes (never overshoots the values the user set, which a spline through all the
 * keyframes can), and moving one keyframe changes only the stretches next to it.
 */
export function keyframeRollDeg(keyframes: readonly RollKeyframe[], arcLength: number): number {
  if (keyframes.length === 0) return 0;
  const first = keyframes[0];
  const last = keyframes[keyframes.length - 1];
  if (arcLength <= first.arcLength) return first.rollDeg;
  if (arcLength >= last.arcLength) return last.rollDeg;
  let k = 0;
  while (keyframes[k + 1].arcLength <= arcLength) k++;
  const a = keyframes[k];
  const b = keyframes[k + 1];
  const u = (arcLength - a.arcLength) / (b.arcLength - a.arcLength);
  return a.rollDeg + wrapRollDeg(b.rollDeg - a.rollDeg) * u * u * (3 - 2 * u);
}

/** An angle in degrees brought into (−180, 180]. */
export function wrapRollDeg(deg: number): number {
  return deg - 360 * Math.ceil((deg - 180) / 360);
}

function bracket(samples: readonly PathSample[], arcLength: number, closedLength: number | undefined): Bracket {
  if (samples.length === 0) throw new Error('a flythrough needs at least one path sample');
  if (!Number.isFinite(arcLength)) throw new Error(`flythrough arc length must be a finite number of mm (got ${String(arcLength)})`);
  const last = samples.length - 1;
  const lastArc = samples[last].arcLength;
  if (closedLength !== undefined) {
    if (!(closedLength > lastArc)) throw new Error(`a closed path's length (${closedLength} mm) must exceed its last sample's arc length (${lastArc} mm)`);
    const s = ((arcLength % closedLength) + closedLength) % closedLength;
    if (s >= lastArc) {
      const span = closedLength - lastArc;
      return { from: last, to: 0, fraction: (s - lastArc) / span, span, arcLength: s };
    }
    return within(samples, s);
  }
  return within(samples, Math.min(Math.max(arcLength, samples[0].arcLength), lastArc));
}

/** Binary search for the sample interval holding s (first sample ≤ s ≤ last sample). */
function within(samples: readonly PathSample[], s: number): Bracket {
  let lo = 0;
  let hi = samples.length - 1;
  if (s >= samples[hi].arcLength) return { from: hi, to: hi, fraction: 0, span: 0, arcLength: s };
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (samples[mid].arcLength <= s) lo = mid;
    else hi = mid;
  }
  const span = samples[hi].arcLength - samples[lo].arcLength;
  return { from: lo, to: hi, fraction: (s - samples[lo].arcLength) / span, span, arcLength: s };
}

/**
 * The cubic Hermite through both samples with their tangents (unit per mm, so × span per unit
 * fraction): it follows the curve where the chord cuts the bend (at a 5 mm step round a 20 mm
 * radius the chord's midpoint is 0.16 mm inside the curve, the Hermite point 0.001 mm).
 */
function hermitePoint(p: PathSample, q: PathSample, f: number, span: number): Vec3 {
  if (f === 0) return [...p.point];
  const f2 = f * f;
  const f3 = f2 * f;
  const h00 = 2 * f3 - 3 * f2 + 1;
  const h10 = (f3 - 2 * f2 + f) * span;
  const h01 = 3 * f2 - 2 * f3;
  const h11 = (f3 - f2) * span;
  return [0, 1, 2].map((k) => h00 * p.point[k] + h10 * p.tangent[k] + h01 * q.point[k] + h11 * q.tangent[k]) as Vec3;
}
