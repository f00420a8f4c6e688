/** Splitting an ijkToLps affine into what file headers store, and back. */
import type { Vec3 } from '../dicom/DicomHeader';

export function axis(ijkToLps: readonly number[], c: number): Vec3 {
  return [ijkToLps[c], ijkToLps[4 + c], ijkToLps[8 + c]];
}

export function originOf(ijkToLps: readonly number[]): Vec3 {
  return axis(ijkToLps, 3);
}

/** Voxel spacing (length of each axis vector) and the unit axis directions. */
export function decomposeAffine(ijkToLps: readonly number[]): { spacing: Vec3; directions: [Vec3, Vec3, Vec3] } {
  const spacing: number[] = [];
  const directions: Vec3[] = [];
  for (let c = 0; c < 3; c++) {
    const a = axis(ijkToLps, c);
    const len = Math.hypot(a[0], a[1], a[2]);
    spacing.push(len);
    directions.push(len > 0 ? [a[0] / len, a[1] / len, a[2] / len] : [c === 0 ? 1 : 0, c === 1 ? 1 : 0, c === 2 ? 1 : 0]);
  }
  return { spacing: spacing as Vec3, directions: directions as [Vec3, Vec3, Vec3] };
}

/** The affine whose columns are the three axis vectors and the origin. */
export function affineFromAxes(axes: [Vec3, Vec3, Vec3], origin: Vec3): number[] {
  const [x, y, z] = axes;
  return [x[0], y[0], z[0], origin[0], x[1], y[1], z[1], origin[1], x[2], y[2], z[2], origin[2], 0, 0, 0, 1];
}
