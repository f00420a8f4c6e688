/**
 * Analytic test objects sampled on voxel grids (for the mesh tests and benchmarks): an
 * ellipsoid anywhere in LPS, seen through any ijkToLps. Its value is 1000·(1 − ρ) with
 * ρ the ellipsoid's normalised radius, so the iso-surface at 0 is the ellipsoid itself
 * and linear interpolation along grid edges lands close to it.
 */
import { transformPoint, type Mat4 } from '../../math/mat4';
import type { Vec3 } from '../../math/vec3';
import type { VoxelVolume } from '../marchingCubes';

export interface Ellipsoid {
  centre: Vec3;
  /** Semi-axes along the three unit directions of `axes`, mm. */
  radii: Vec3;
  /** Orthonormal directions of the semi-axes (default LPS x, y, z). */
  axes?: [Vec3, Vec3, Vec3];
}

/** ρ: 1 on the surface, below 1 inside. */
export function normalisedRadius(e: Ellipsoid, p: Vec3): number {
  const axes = e.axes ?? [[1, 0, 0], [0, 1, 0], [0, 0, 1]];
  const d: Vec3 = [p[0] - e.centre[0], p[1] - e.centre[1], p[2] - e.centre[2]];
  let sum = 0;
  for (let a = 0; a < 3; a++) {
    const u = (d[0] * axes[a][0] + d[1] * axes[a][1] + d[2] * axes[a][2]) / e.radii[a];
    sum += u * u;
  }
  return Math.sqrt(sum);
}

/** The ellipsoids sampled at the voxel centres: 1000·(1 − ρ) of the nearest-inside one, or `binary` (0/1000, a staircase) when asked. */
export function sampleEllipsoids(dimensions: [number, number, number], ijkToLps: Mat4, ellipsoids: readonly Ellipsoid[], binary = false): VoxelVolume & { dimensions: [number, number, number]; ijkToLps: Mat4 } {
  const [nx, ny, nz] = dimensions;
  const voxels = new Float32Array(nx * ny * nz);
  for (let k = 0, n = 0; k < nz; k++) {
    for (let j = 0; j < ny; j++) {
      for (let i = 0; i < nx; i++, n++) {
        const p = transformPoint(ijkToLps, [i, j, k]);
        const rho = Math.min(...ellipsoids.map((e) => normalisedRadius(e, p)));
        voxels[n] = binary ? (rho < 1 ? 1000 : 0) : 1000 * (1 - rho);
      }
    }
  }
  return { dimensions, ijkToLps, voxels };
}
