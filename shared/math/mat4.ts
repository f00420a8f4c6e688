/**
 * 4x4 affine matrices stored row-major as 16 numbers, the layout of `ijkToLps`:
 * element (row r, column c) is m[4 * r + c], and a point maps as m · (x, y, z, 1)ᵀ.
 */
import type { Vec3 } from './vec3';

export type Mat4 = number[];

export function identity(): Mat4 {
  return [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1];
}

/** The affine whose columns are the three axis vectors and the origin. */
export function fromAxes(x: Vec3, y: Vec3, z: Vec3, origin: Vec3): Mat4 {
  return [
    x[0], y[0], z[0], origin[0],
    x[1], y[1], z[1], origin[1],
    x[2], y[2], z[2], origin[2],
    0, 0, 0, 1,
  ];
}

export function transformPoint(m: Mat4, p: Vec3): Vec3 {
  return [
    m[0] * p[0] + m[1] * p[1] + m[2] * p[2] + m[3],
    m[4] * p[0] + m[5] * p[1] + m[6] * p[2] + m[7],
    m[8] * p[0] + m[9] * p[1] + m[10] * p[2] + m[11],
  ];
}

/** Column c (0..3) as a 3-vector: the image of axis c, or the origin for c = 3. */
export function column(m: Mat4, c: number): Vec3 {
  return [m[c], m[4 + c], m[8 + c]];
}

export function multiply(a: Mat4, b: Mat4): Mat4 {
  const out = new Array<number>(16).fill(0);
  for (let r = 0; r < 4; r++) {
    for (let c = 0; c < 4; c++) {
      let s = 0;
      for (let k = 0; k < 4; k++) s += a[4 * r + k] * b[4 * k + c];
      out[4 * r + c] = s;
    }
  }
  return out;
}

/** Inverse of an affine matrix (last row 0 0 0 1); throws when the 3x3 part is singular. */
export function invertAffine(m: Mat4): Mat4 {
  const [a, b, c, , d, e, f, , g, h, i] = m;
  const det = a * (e * i - f * h) - b * (d * i - f * g) + c * (d * h - e * g);
  if (Math.abs(det) < 1e-12) throw new Error('Matrix is singular');
  const inv = [
    (e * i - f * h) / det, (c * h - b * i) / det, (b * f - c * e) / det,
    (f * g - d * i) / det, (a * i - c * g) / det, (c * d - a * f) / det,
    (d * h - e * g) / det, (b * g - a * h) / det, (a * e - b * d) / det,
  ];
  const t: Vec3 = [m[3], m[7], m[11]];
  return [
    inv[0], inv[1], inv[2], -(inv[0] * t[0] + inv[1] * t[1] + inv[2] * t[2]),
    inv[3], inv[4], inv[5], -(inv[3] * t[0] + inv[4] * t[1] + inv[5] * t[2]),
    inv[6], inv[7], inv[8], -(inv[6] * t[0] + inv[7] * t[1] + inv[8] * t[2]),
    0, 0, 0, 1,
  ];
}
