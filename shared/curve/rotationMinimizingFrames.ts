import type { Vec3 } from '../math/vec3';
import { cross, dot, normalize, sub } from '../math/vec3';

/** A point of the curve with its unit tangent. */
export interface CurveStation {
  point: Vec3;
  tangent: Vec3;
}

/** Patient left: with a path running superior it makes straightened slices read like radiological axials. */
export const DEFAULT_NORMAL: Vec3 = [1, 0, 0];
/** Anterior: the fallback when the path runs (nearly) left–right. */
export const FALLBACK_NORMAL: Vec3 = [0, -1, 0];
/**
 * A requested direction within about 5.7° of the tangent (sin < 0.1) says too little about
 * where the normal should point: its projection would swing wildly with small changes of the path.
 */
const NEARLY_PARALLEL_SIN = 0.1;

/**
 * The first normal: the requested direction (else patient left, else anterior) with its
 * component along the tangent removed, the first of them that is not nearly parallel to it.
 */
export function initialNormal(tangent: Vec3, requested?: Vec3): Vec3 {
  if (requested && !(requested.length === 3 && requested.every(Number.isFinite) && Math.hypot(...requested) > 0)) {
    throw new Error('initial normal must be a non-zero vector of three finite numbers');
  }
  const candidates = requested ? [normalize(requested), DEFAULT_NORMAL, FALLBACK_NORMAL] : [DEFAULT_NORMAL, FALLBACK_NORMAL];
  for (const direction of candidates) {
    const projected = perpendicularPart(direction, tangent);
    if (Math.hypot(...projected) >= NEARLY_PARALLEL_SIN) return normalize(projected);
  }
  // Unreachable: left and anterior cannot both lie within 5.7° of one line.
  throw new Error('no initial normal found');
}

/**
 * Carries the normal from one station to the next by the double reflection method
 * (Wang, Jüttler, Zheng, Liu 2008, "Computation of rotation minimizing frames", ACM TOG 27(1)).
 * A reflection in the plane bisecting the two points maps the first tangent near the
 * second; a second reflection, in the plane ⟂ their difference, makes it exact. Two
 * reflections are a rotation, so the frame stays right-handed, and the result has fourth-order
 * global accuracy instead of the first order of projecting the previous normal.
 */
export function transportNormal(from: CurveStation, normal: Vec3, to: CurveStation): Vec3 {
  let v1 = sub(to.point, from.point);
  let c1 = dot(v1, v1);
  // Coincident stations (a corner revisited, the closing point of a loop): the chord has no
  // direction; reflecting in the plane ⟂ the tangent then turns the tangent straight round.
  if (!(c1 > 1e-24)) {
    v1 = from.tangent;
    c1 = 1;
  }
  const normalL = reflect(normal, v1, c1);
  const tangentL = reflect(from.tangent, v1, c1);
  const v2 = sub(to.tangent, tangentL);
  const c2 = dot(v2, v2);
  const carried = c2 > 1e-30 ? reflect(normalL, v2, c2) : normalL;
  // Re-orthonormalise so rounding never accumulates along thousands of stations.
  return normalize(perpendicularPart(carried, to.tangent));
}

/** binormal = tangent × normal (so [normal, binormal, tangent] is right-handed). */
export function binormalOf(tangent: Vec3, normal: Vec3): Vec3 {
  return cross(tangent, normal);
}

/** The frame turned about its tangent by an angle in radians (right-handed): normal → binormal at +90°. */
export function rolledNormal(tangent: Vec3, normal: Vec3, radians: number): Vec3 {
  if (radians === 0) return normal;
  const b = binormalOf(tangent, normal);
  const c = Math.cos(radians);
  const s = Math.sin(radians);
  return normalize([c * normal[0] + s * b[0], c * normal[1] + s * b[1], c * normal[2] + s * b[2]]);
}

/** Signed angle (degrees) turning a onto b about the unit axis, both taken ⟂ the axis. */
export function signedAngleAboutDeg(a: Vec3, b: Vec3, axis: Vec3): number {
  return (Math.atan2(dot(cross(a, b), axis), dot(a, b)) * 180) / Math.PI;
}

function reflect(v: Vec3, across: Vec3, acrossSquared: number): Vec3 {
  const f = (2 * dot(across, v)) / acrossSquared;
  return [v[0] - f * across[0], v[1] - f * across[1], v[2] - f * across[2]];
}

function perpendicularPart(v: Vec3, unitAxis: Vec3): Vec3 {
  const along = dot(v, unitAxis);
  return [v[0] - along * unitAxis[0], v[1] - along * unitAxis[1], v[2] - along * unitAxis[2]];
}
