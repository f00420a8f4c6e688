/**
 * Unit quaternions [w, x, y, z] for orientations: a frame turned smoothly between two others
 * (slerp) stays a rotation, which interpolating basis vectors does not.
 * Conventions: rotateByQuat(multiplyQuat(a, b), v) = rotateByQuat(a, rotateByQuat(b, v)).
 */
import type { Vec3 } from './vec3';
import { normalize } from './vec3';

export type Quat = [w: number, x: number, y: number, z: number];

export function normalizeQuat(q: Quat): Quat {
  const n = Math.hypot(q[0], q[1], q[2], q[3]);
  return [q[0] / n, q[1] / n, q[2] / n, q[3] / n];
}

/**
 * The rotation whose matrix has columns x, y, z (a right-handed orthonormal basis), by
 * Shepperd's method: it divides by the largest of the four candidate terms, so it stays accurate
 * for every rotation, including half turns where 1 + trace vanishes.
 */
export function quatFromBasis(x: Vec3, y: Vec3, z: Vec3): Quat {
  const [m00, m10, m20] = x;
  const [m01, m11, m21] = y;
  const [m02, m12, m22] = z;
  const trace = m00 + m11 + m22;
  if (trace >= m00 && trace >= m11 && trace >= m22) {
    const s = 2 * Math.sqrt(1 + trace);
    return normalizeQuat([s / 4, (m21 - m12) / s, (m02 - m20) / s, (m10 - m01) / s]);
  }
  if (m00 >= m11 && m00 >= m22) {
    const s = 2 * Math.sqrt(1 + m00 - m11 - m22);
    return normalizeQuat([(m21 - m12) / s, s / 4, (m01 + m10) / s, (m02 + m20) / s]);
  }
  if (m11 >= m22) {
    const s = 2 * Math.sqrt(1 + m11 - m00 - m22);
    return normalizeQuat([(m02 - m20) / s, (m01 + m10) / s, s / 4, (m12 + m21) / s]);
  }
  const s = 2 * Math.sqrt(1 + m22 - m00 - m11);
  return normalizeQuat([(m10 - m01) / s, (m02 + m20) / s, (m12 + m21) / s, s / 4]);
}

/** The rotation matrix's columns: the images of the x, y and z axes. */
export function quatToBasis([w, x, y, z]: Quat): [Vec3, Vec3, Vec3] {
  return [
    [1 - 2 * (y * y + z * z), 2 * (x * y + w * z), 2 * (x * z - w * y)],
    [2 * (x * y - w * z), 1 - 2 * (x * x + z * z), 2 * (y * z + w * x)],
    [2 * (x * z + w * y), 2 * (y * z - w * x), 1 - 2 * (x * x + y * y)],
  ];
}

/** v turned by q: v + 2w(u × v) + 2u × (u × v), u the vector part. */
export function rotateByQuat([w, x, y, z]: Quat, v: Vec3): Vec3 {
  const cx = y * v[2] - z * v[1];
  const cy = z * v[0] - x * v[2];
  const cz = x * v[1] - y * v[0];
  return [
    v[0] + 2 * (w * cx + y * cz - z * cy),
    v[1] + 2 * (w * cy + z * cx - x * cz),
    v[2] + 2 * (w * cz + x * cy - y * cx),
  ];
}

/** Hamilton product a·b: b's rotation first, then a's. */
export function multiplyQuat(a: Quat, b: Quat): Quat {
  const [aw, ax, ay, az] = a;
  const [bw, bx, by, bz] = b;
  return [
    aw * bw - ax * bx - ay * by - az * bz,
    aw * bx + ax * bw + ay * bz - az * by,
    aw * by - ax * bz + ay * bw + az * bx,
    aw * bz + ax * by - ay * bx + az * bw,
  ];
}

/** Right-handed rotation by `radians` about `axis` (any non-zero length). */
export function quatFromAxisAngle(axis: Vec3, radians: number): Quat {
  const [x, y, z] = normalize(axis);
  const s = Math.sin(radians / 2);
  return [Math.cos(radians / 2), s * x, s * y, s * z];
}

/**
 * Spherical linear interpolation from a (t = 0) to b (t = 1) at constant angular speed, along
 * the shorter of the two arcs (q and −q are the same rotation). The angle comes from atan2 of
 * the chord lengths, which stays accurate for nearly equal rotations where acos(dot) does not.
 */
export function slerp(a: Quat, b: Quat, t: number): Quat {
  const sign = a[0] * b[0] + a[1] * b[1] + a[2] * b[2] + a[3] * b[3] < 0 ? -1 : 1;
  const c: Quat = [sign * b[0], sign * b[1], sign * b[2], sign * b[3]];
  const chord = Math.hypot(a[0] - c[0], a[1] - c[1], a[2] - c[2], a[3] - c[3]);
  const sum = Math.hypot(a[0] + c[0], a[1] + c[1], a[2] + c[2], a[3] + c[3]);
  const angle = 2 * Math.atan2(chord, sum);
  const sinAngle = Math.sin(angle);
  // Below this the two are one rotation to double precision: the straight blend is as exact.
  const [wa, wc] = angle < 1e-12 ? [1 - t, t] : [Math.sin((1 - t) * angle) / sinAngle, Math.sin(t * angle) / sinAngle];
  return normalizeQuat([wa * a[0] + wc * c[0], wa * a[1] + wc * c[1], wa * a[2] + wc * c[2], wa * a[3] + wc * c[3]]);
}
