import { describe, expect, it } from 'vitest';
import type { Quat } from './quaternion';
import { multiplyQuat, normalizeQuat, quatFromAxisAngle, quatFromBasis, quatToBasis, rotateByQuat, slerp } from './quaternion';
import type { Vec3 } from './vec3';
import { cross, dot, normalize } from './vec3';

type Basis = [Vec3, Vec3, Vec3];

/** Rodrigues' formula: v turned right-handedly by `radians` about the unit axis k. */
function rodrigues(k: Vec3, radians: number, v: Vec3): Vec3 {
  const c = Math.cos(radians);
  const s = Math.sin(radians);
  const kxv = cross(k, v);
  const kv = dot(k, v);
  return [0, 1, 2].map((i) => v[i] * c + kxv[i] * s + k[i] * kv * (1 - c)) as Vec3;
}

function rodriguesBasis(k: Vec3, radians: number): Basis {
  return [rodrigues(k, radians, [1, 0, 0]), rodrigues(k, radians, [0, 1, 0]), rodrigues(k, radians, [0, 0, 1])];
}

/** A deterministic stream in [0, 1) (mulberry32). */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function randomAxis(next: () => number): Vec3 {
  return normalize([next() - 0.5, next() - 0.5, next() - 0.5]);
}

function basisError(a: Basis, b: Basis): number {
  return Math.max(...a.flatMap((column, c) => column.map((v, r) => Math.abs(v - b[c][r]))));
}

function vecError(a: Vec3, b: Vec3): number {
  return Math.max(...a.map((v, k) => Math.abs(v - b[k])));
}

/** The rotation angle from a to b (radians, in [0, π]), from the relative quaternion conj(a)·b. */
function angleBetween(a: Quat, b: Quat): number {
  const r = multiplyQuat([a[0], -a[1], -a[2], -a[3]], b);
  return 2 * Math.atan2(Math.hypot(r[1], r[2], r[3]), Math.abs(r[0]));
}

/** Same rotation: q and −q agree. */
function sameRotationError(a: Quat, b: Quat): number {
  const sign = a[0] * b[0] + a[1] * b[1] + a[2] * b[2] + a[3] * b[3] < 0 ? -1 : 1;
  return Math.max(...a.map((v, k) => Math.abs(v - sign * b[k])));
}

const next = random(20240605);
const rotations = Array.from({ length: 200 }, () => ({ axis: randomAxis(next), radians: (next() * 2 - 1) * Math.PI }));
// Half turns (1 + trace = 0) and the identity, where naive conversions divide by zero.
const special = [
  { axis: [1, 0, 0] as Vec3, radians: Math.PI },
  { axis: [0, 1, 0] as Vec3, radians: Math.PI },
  { axis: [0, 0, 1] as Vec3, radians: Math.PI },
  { axis: normalize([1, 1, 0]), radians: Math.PI },
  { axis: normalize([1, -2, 3]), radians: Math.PI },
  { axis: [0, 0, 1] as Vec3, radians: 0 },
  { axis: normalize([3, 1, 1]), radians: 1e-9 },
];

describe('quaternions', () => {
  it('the basis of an axis-angle quaternion is the Rodrigues rotation matrix, and back, to 1e-12', () => {
    for (const { axis, radians } of [...rotations, ...special]) {
      const q = quatFromAxisAngle(axis, radians);
      expect(Math.hypot(...q)).toBeCloseTo(1, 14);
      const expected = rodriguesBasis(axis, radians);
      expect(basisError(quatToBasis(q), expected)).toBeLessThan(1e-12);
      expect(sameRotationError(quatFromBasis(...expected), q)).toBeLessThan(1e-12);
    }
  });

  it('a quarter turn about z: x → y, y → −x, quaternion [cos 45°, 0, 0, sin 45°]', () => {
    const q = quatFromBasis([0, 1, 0], [-1, 0, 0], [0, 0, 1]);
    expect(sameRotationError(q, [Math.SQRT1_2, 0, 0, Math.SQRT1_2])).toBeLessThan(1e-15);
    expect(vecError(rotateByQuat(q, [2, 0, 5]), [0, 2, 5])).toBeLessThan(1e-15);
  });

  it('rotating a vector agrees with Rodrigues, keeps its length and is undone by the inverse rotation', () => {
    for (const { axis, radians } of rotations) {
      const v: Vec3 = [next() * 20 - 10, next() * 20 - 10, next() * 20 - 10];
      const q = quatFromAxisAngle(axis, radians);
      const turned = rotateByQuat(q, v);
      expect(vecError(turned, rodrigues(axis, radians, v))).toBeLessThan(1e-12);
      expect(vecError(rotateByQuat([q[0], -q[1], -q[2], -q[3]], turned), v)).toBeLessThan(1e-12);
    }
  });

  it('the product composes rotations: (a·b)v = a(b v), and matches the matrix product', () => {
    for (let i = 0; i + 1 < rotations.length; i += 2) {
      const a = quatFromAxisAngle(rotations[i].axis, rotations[i].radians);
      const b = quatFromAxisAngle(rotations[i + 1].axis, rotations[i + 1].radians);
      const ab = multiplyQuat(a, b);
      const A = rodriguesBasis(rotations[i].axis, rotations[i].radians);
      const B = rodriguesBasis(rotations[i + 1].axis, rotations[i + 1].radians);
      // Column c of A·B is A applied to column c of B.
      const AB = B.map((column) => [0, 1, 2].map((r) => A[0][r] * column[0] + A[1][r] * column[1] + A[2][r] * column[2])) as Basis;
      expect(basisError(quatToBasis(ab), AB)).toBeLessThan(1e-12);
      const v: Vec3 = [1, -2, 0.5];
      expect(vecError(rotateByQuat(ab, v), rotateByQuat(a, rotateByQuat(b, v)))).toBeLessThan(1e-12);
    }
  });

  it('quatFromBasis tolerates a basis off orthonormal by rounding: still a unit quaternion of the nearest rotation', () => {
    const [x, y, z] = rodriguesBasis(normalize([2, -1, 4]), 2.1);
    const q = quatFromBasis(x.map((v) => v * (1 + 1e-10)) as Vec3, y, z);
    expect(Math.hypot(...q)).toBeCloseTo(1, 15);
    expect(basisError(quatToBasis(q), [x, y, z])).toBeLessThan(1e-9);
  });

  it('normalizeQuat gives unit length and keeps the rotation', () => {
    const q = normalizeQuat([2, -1, 0.5, 3]);
    expect(Math.hypot(...q)).toBeCloseTo(1, 15);
    expect(q[0] / q[1]).toBeCloseTo(-2, 14);
  });
});

describe('slerp', () => {
  it('hits both ends exactly and turns at constant angular speed about one axis', () => {
    for (let i = 0; i < 50; i++) {
      const a = quatFromAxisAngle(rotations[i].axis, rotations[i].radians);
      const axis = randomAxis(next);
      const total = next() * 3; // < π: this arc is the shorter one
      const b = multiplyQuat(a, quatFromAxisAngle(axis, total));
      expect(sameRotationError(slerp(a, b, 0), a)).toBeLessThan(1e-12);
      expect(sameRotationError(slerp(a, b, 1), b)).toBeLessThan(1e-12);
      const steps = 16;
      for (let k = 0; k <= steps; k++) {
        const t = k / steps;
        // The analytic path: a, then t of the relative rotation about its fixed axis.
        expect(sameRotationError(slerp(a, b, t), multiplyQuat(a, quatFromAxisAngle(axis, t * total)))).toBeLessThan(1e-12);
        if (k > 0) expect(angleBetween(slerp(a, b, (k - 1) / steps), slerp(a, b, t))).toBeCloseTo(total / steps, 11);
      }
    }
  });

  it('takes the shorter arc: b and −b give the same path, and a 300° relative turn goes −60°', () => {
    const a = quatFromAxisAngle(normalize([1, 2, 2]), 0.7);
    const axis = normalize([0, -1, 3]);
    const b = multiplyQuat(a, quatFromAxisAngle(axis, (300 * Math.PI) / 180));
    const minusB: Quat = [-b[0], -b[1], -b[2], -b[3]];
    for (const t of [0.1, 0.25, 0.5, 0.9]) {
      const expected = multiplyQuat(a, quatFromAxisAngle(axis, (-60 * t * Math.PI) / 180));
      expect(sameRotationError(slerp(a, b, t), expected)).toBeLessThan(1e-12);
      expect(sameRotationError(slerp(a, minusB, t), expected)).toBeLessThan(1e-12);
      expect(angleBetween(a, slerp(a, b, t))).toBeCloseTo((60 * t * Math.PI) / 180, 12);
    }
  });

  it('stays exact for nearly equal rotations (angles down to 1e-10 rad) and for equal ones', () => {
    const a = quatFromAxisAngle(normalize([3, -1, 2]), 1.3);
    const axis = normalize([1, 1, -1]);
    for (const total of [1e-4, 1e-7, 1e-10]) {
      const b = multiplyQuat(a, quatFromAxisAngle(axis, total));
      const mid = slerp(a, b, 0.5);
      expect(sameRotationError(mid, multiplyQuat(a, quatFromAxisAngle(axis, total / 2)))).toBeLessThan(1e-15);
    }
    expect(sameRotationError(slerp(a, a, 0.3), a)).toBeLessThan(1e-15);
  });
});
