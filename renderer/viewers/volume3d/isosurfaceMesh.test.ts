import { describe, expect, it } from 'vitest';
import { invertAffine, transformPoint } from '../../../shared/math/mat4';
import type { Vec3 } from '../../../shared/math/vec3';
import { extractIsosurface } from './isosurfaceMesh';
import { obliqueIjkToLps } from './testGeometry';

/** An axial grid (determinant > 0) with the same spacing, for the unmirrored case. */
function axialIjkToLps(): number[] {
  return [1, 0, 0, -30, 0, 1.1, 0, -20, 0, 0, 1.3, -25, 0, 0, 0, 1];
}

describe('extractIsosurface', () => {
  for (const [name, ijkToLps] of [['oblique mirrored', obliqueIjkToLps([1, 1.1, 1.3], [-30, -20, -25])], ['axial', axialIjkToLps()]] as const) {
    it(`puts a sphere surface at its LPS radius with outward normals and outward-facing triangles (${name} grid)`, () => {
      // 1 mm-ish voxels around an off-centre sphere of radius 12 mm; value = 1000 inside, 0 outside, smooth edge.
      const centre: Vec3 = transformPoint(ijkToLps, [24.3, 22.1, 19.7]);
      const radius = 12;
      const dims: Vec3 = [48, 45, 40];
      const voxels = new Float32Array(dims[0] * dims[1] * dims[2]);
      for (let k = 0; k < dims[2]; k++)
        for (let j = 0; j < dims[1]; j++)
          for (let i = 0; i < dims[0]; i++) {
            const p = transformPoint(ijkToLps, [i, j, k]);
            const r = Math.hypot(p[0] - centre[0], p[1] - centre[1], p[2] - centre[2]);
            // A linear edge 4 mm wide, crossing 500 exactly at the radius.
            voxels[i + dims[0] * (j + dims[1] * k)] = Math.min(1000, Math.max(0, 500 - (r - radius) * 250));
          }
      const mesh = extractIsosurface({ dimensions: dims, ijkToLps, voxels }, 500);
      const vertices = mesh.points.length / 3;
      expect(vertices).toBeGreaterThan(500);
      expect(mesh.polys.length % 4).toBe(0);
      expect(mesh.normals.length).toBe(mesh.points.length);
      let worstRadius = 0;
      let worstNormal = 1;
      const sum: Vec3 = [0, 0, 0];
      for (let v = 0; v < vertices; v++) {
        const d: Vec3 = [mesh.points[3 * v]! - centre[0], mesh.points[3 * v + 1]! - centre[1], mesh.points[3 * v + 2]! - centre[2]];
        const r = Math.hypot(...d);
        worstRadius = Math.max(worstRadius, Math.abs(r - radius));
        const n: Vec3 = [mesh.normals[3 * v]!, mesh.normals[3 * v + 1]!, mesh.normals[3 * v + 2]!];
        worstNormal = Math.min(worstNormal, (n[0] * d[0] + n[1] * d[1] + n[2] * d[2]) / r);
        for (let a = 0; a < 3; a++) sum[a] += mesh.points[3 * v + a]!;
      }
      expect(worstRadius).toBeLessThan(0.15);
      expect(worstNormal).toBeGreaterThan(0.95); // outward, despite the mirrored grid
      for (let a = 0; a < 3; a++) expect(sum[a] / vertices).toBeCloseTo(centre[a]!, 0);
      // Every vertex lies inside the grid's LPS extent (no stray index-space coordinates).
      const toIndex = invertAffine(ijkToLps);
      const ijk = transformPoint(toIndex, [mesh.points[0]!, mesh.points[1]!, mesh.points[2]!]);
      for (let a = 0; a < 3; a++) {
        expect(ijk[a]).toBeGreaterThanOrEqual(0);
        expect(ijk[a]).toBeLessThanOrEqual(dims[a]! - 1);
      }
      // Counter-clockwise seen from outside (OpenGL's front face): (p1 − p0) × (p2 − p0) points away from the centre.
      let inward = 0;
      const triangles = mesh.polys.length / 4;
      for (let t = 0; t < triangles; t++) {
        const [ia, ib, ic] = [mesh.polys[4 * t + 1]!, mesh.polys[4 * t + 2]!, mesh.polys[4 * t + 3]!];
        const p = (n: number): Vec3 => [mesh.points[3 * n]!, mesh.points[3 * n + 1]!, mesh.points[3 * n + 2]!];
        const [p0, p1, p2] = [p(ia), p(ib), p(ic)];
        const u: Vec3 = [p1[0] - p0[0], p1[1] - p0[1], p1[2] - p0[2]];
        const w: Vec3 = [p2[0] - p0[0], p2[1] - p0[1], p2[2] - p0[2]];
        const face: Vec3 = [u[1] * w[2] - u[2] * w[1], u[2] * w[0] - u[0] * w[2], u[0] * w[1] - u[1] * w[0]];
        const out = face[0] * (p0[0] - centre[0]) + face[1] * (p0[1] - centre[1]) + face[2] * (p0[2] - centre[2]);
        if (out <= 0) inward++;
      }
      expect(triangles).toBeGreaterThan(500);
      expect(inward).toBe(0);
    });
  }

  it('returns an empty mesh when the threshold is never crossed', () => {
    const dims: Vec3 = [4, 4, 4];
    const mesh = extractIsosurface({ dimensions: dims, ijkToLps: obliqueIjkToLps(), voxels: new Int16Array(64) }, 100);
    expect(mesh.points.length).toBe(0);
    expect(mesh.polys.length).toBe(0);
  });
});
