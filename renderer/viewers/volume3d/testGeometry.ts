/** Test-only: an oblique, mirrored ijkToLps so axis mix-ups and flips cannot cancel out. */
import { fromAxes } from '../../../shared/math/mat4';
import type { Vec3 } from '../../../shared/math/vec3';

/**
 * i runs along (cos30, sin30, 0)·0.7 mm, j along +z·0.8 mm (rows running up, the
 * mirror of a DICOM coronal's), k along (−sin30, cos30, 0)·2.5 mm: the axes form a
 * left-handed set (determinant < 0), as a mirrored acquisition would.
 */
export function obliqueIjkToLps(spacing: Vec3 = [0.7, 0.8, 2.5], origin: Vec3 = [-40.5, 12.25, 30]): number[] {
  const c = Math.cos(Math.PI / 6);
  const s = Math.sin(Math.PI / 6);
  const i: Vec3 = [c * spacing[0], s * spacing[0], 0];
  const j: Vec3 = [0, 0, spacing[1]];
  const k: Vec3 = [-s * spacing[2], c * spacing[2], 0];
  return fromAxes(i, j, k, origin);
}
