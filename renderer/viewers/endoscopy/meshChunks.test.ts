import { describe, expect, it } from 'vitest';
import type { Vec3 } from '../../../shared/math/vec3';
import type { IsosurfaceMesh } from '../volume3d/isosurfaceMesh';
import { chunkMesh, chunkVisible, diagonalHalfAngle, orderAlongPath } from './meshChunks';

/** A cylinder of triangles (radius 10 mm along z, 0…200 mm) with outward normals: a lumen's wall. */
function tube(): IsosurfaceMesh {
  const around = 24;
  const along = 41;
  const points: number[] = [];
  const normals: number[] = [];
  for (let s = 0; s < along; s++) {
    for (let a = 0; a < around; a++) {
      const t = (2 * Math.PI * a) / around;
      points.push(10 * Math.cos(t), 10 * Math.sin(t), 5 * s);
      normals.push(Math.cos(t), Math.sin(t), 0);
    }
  }
  const polys: number[] = [];
  for (let s = 0; s + 1 < along; s++) {
    for (let a = 0; a < around; a++) {
      const p = s * around + a;
      const q = s * around + ((a + 1) % around);
      polys.push(3, p, q, p + around, 3, q, q + around, p + around);
    }
  }
  return { points: Float32Array.from(points), normals: Float32Array.from(normals), polys: Uint32Array.from(polys) };
}

const triangleKey = (pts: Float32Array, polys: Uint32Array, at: number): string =>
  [1, 2, 3].map((v) => Array.from(pts.subarray(3 * polys[at + v]!, 3 * polys[at + v]! + 3)).join(',')).join('|');

describe('mesh chunks', () => {
  it('every triangle lands in exactly one piece, with its own vertices and normals', () => {
    const mesh = tube();
    const chunks = chunkMesh(mesh, 24);
    expect(chunks.length).toBeGreaterThan(4);
    const original: string[] = [];
    for (let at = 0; at < mesh.polys.length; at += 4) original.push(triangleKey(mesh.points, mesh.polys, at));
    const pieces: string[] = [];
    for (const c of chunks) {
      for (let at = 0; at < c.polys.length; at += 4) {
        expect(c.polys[at]).toBe(3);
        pieces.push(triangleKey(c.points, c.polys, at));
        // The normal travels with its vertex: radial, from the vertex's own x, y.
        for (let v = 1; v <= 3; v++) {
          const n = c.polys[at + v]!;
          expect(c.normals[3 * n]!).toBeCloseTo(c.points[3 * n]! / 10, 5);
        }
      }
    }
    expect(pieces.sort()).toEqual(original.sort());
  });

  it("each piece's sphere holds all its vertices", () => {
    for (const c of chunkMesh(tube(), 24)) {
      for (let n = 0; n < c.points.length; n += 3) {
        expect(Math.hypot(c.points[n]! - c.centre[0], c.points[n + 1]! - c.centre[1], c.points[n + 2]! - c.centre[2])).toBeLessThanOrEqual(c.radius + 1e-4);
      }
    }
  });

  it('a camera inside the tube looking along it sees the pieces ahead within range, not those behind or beyond', () => {
    const chunks = chunkMesh(tube(), 24);
    const eye: Vec3 = [0, 0, 60];
    const half = diagonalHalfAngle(70, 1.5);
    const seen = chunks.filter((c) => chunkVisible(c, eye, [0, 0, 1], half, 80));
    expect(seen.length).toBeGreaterThan(0);
    expect(seen.length).toBeLessThan(chunks.length);
    for (const c of chunks) {
      const ahead = c.centre[2] - eye[2];
      if (ahead - c.radius > 80) expect(seen).not.toContain(c); // beyond range
      if (ahead + c.radius < -1) expect(seen).not.toContain(c); // wholly behind the eye
      if (Math.abs(ahead) < c.radius) expect(seen).toContain(c); // around the eye
    }
  });

  it('orders the pieces along the path: a path up the tube gives rising z, down the tube falling', () => {
    const chunks = chunkMesh(tube(), 24).reverse();
    const up: Vec3[] = Array.from({ length: 201 }, (_, n) => [0, 0, n]);
    const rising = orderAlongPath(chunks, up).map((c) => c.centre[2]);
    expect(rising).toEqual([...rising].sort((a, b) => a - b));
    const falling = orderAlongPath(chunks, [...up].reverse()).map((c) => c.centre[2]);
    expect(falling).toEqual([...falling].sort((a, b) => b - a));
    expect(rising.length).toBe(chunks.length);
  });

  it('the diagonal half-angle exceeds the vertical one and grows with the aspect', () => {
    expect(diagonalHalfAngle(60, 1)).toBeCloseTo(Math.atan(Math.tan(Math.PI / 6) * Math.SQRT2), 12);
    expect(diagonalHalfAngle(60, 2)).toBeGreaterThan(diagonalHalfAngle(60, 1));
  });
});
