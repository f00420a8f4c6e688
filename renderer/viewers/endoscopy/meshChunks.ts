/**
 * A surface cut into pieces by a grid of cubes, so the endoscopic view draws only the pieces
 * the camera can see: inside a lumen that is the wall a few centimetres ahead, a small part of
 * a path's whole surface. Vertex work is the cost that grows with the surface (vtk.js draws
 * unindexed triangles, three vertices each), so skipping hidden pieces is what keeps a frame
 * cheap on a CPU rasteriser.
 */
import type { Vec3 } from '../../../shared/math/vec3';
import type { IsosurfaceMesh } from '../volume3d/isosurfaceMesh';

export interface MeshChunk extends IsosurfaceMesh {
  /** A sphere holding every vertex of the piece, LPS mm. */
  centre: Vec3;
  radius: number;
}

/** Groups the triangles by the cube (side `cellMm`) holding their first vertex; vertices are renumbered per piece. */
export function chunkMesh(mesh: IsosurfaceMesh, cellMm: number): MeshChunk[] {
  const { points, normals, polys } = mesh;
  const groups = new Map<string, number[]>();
  for (let at = 0; at < polys.length; at += 4) {
    const a = polys[at + 1]!;
    const key = `${Math.floor(points[3 * a]! / cellMm)},${Math.floor(points[3 * a + 1]! / cellMm)},${Math.floor(points[3 * a + 2]! / cellMm)}`;
    let group = groups.get(key);
    if (!group) groups.set(key, (group = []));
    group.push(at);
  }
  const renumber = new Int32Array(points.length / 3).fill(-1);
  const chunks: MeshChunk[] = [];
  for (const triangles of groups.values()) {
    const used: number[] = [];
    const chunkPolys = new Uint32Array(triangles.length * 4);
    triangles.forEach((at, t) => {
      chunkPolys[4 * t] = 3;
      for (let v = 1; v <= 3; v++) {
        const old = polys[at + v]!;
        if (renumber[old]! < 0) {
          renumber[old] = used.length;
          used.push(old);
        }
        chunkPolys[4 * t + v] = renumber[old]!;
      }
    });
    const chunkPoints = new Float32Array(used.length * 3);
    const chunkNormals = new Float32Array(used.length * 3);
    const lo: Vec3 = [Infinity, Infinity, Infinity];
    const hi: Vec3 = [-Infinity, -Infinity, -Infinity];
    used.forEach((old, n) => {
      renumber[old] = -1;
      for (let c = 0; c < 3; c++) {
        const x = points[3 * old + c]!;
        chunkPoints[3 * n + c] = x;
        chunkNormals[3 * n + c] = normals[3 * old + c]!;
        lo[c] = Math.min(lo[c]!, x);
        hi[c] = Math.max(hi[c]!, x);
      }
    });
    const centre: Vec3 = [(lo[0] + hi[0]) / 2, (lo[1] + hi[1]) / 2, (lo[2] + hi[2]) / 2];
    let radius = 0;
    for (let n = 0; n < used.length; n++) radius = Math.max(radius, Math.hypot(chunkPoints[3 * n]! - centre[0], chunkPoints[3 * n + 1]! - centre[1], chunkPoints[3 * n + 2]! - centre[2]));
    chunks.push({ points: chunkPoints, normals: chunkNormals, polys: chunkPolys, centre, radius });
  }
  return chunks;
}

/**
 * Whether any of a piece's bounding sphere lies within `maxDistanceMm` of the eye and inside the
 * cone of half-angle `halfAngleRad` about the unit `direction` (a cone round the view frustum).
 */
export function chunkVisible(chunk: Pick<MeshChunk, 'centre' | 'radius'>, eye: Vec3, direction: Vec3, halfAngleRad: number, maxDistanceMm: number): boolean {
  const dx = chunk.centre[0] - eye[0];
  const dy = chunk.centre[1] - eye[1];
  const dz = chunk.centre[2] - eye[2];
  const distance = Math.hypot(dx, dy, dz);
  if (distance <= chunk.radius) return true;
  if (distance - chunk.radius > maxDistanceMm) return false;
  const along = (dx * direction[0] + dy * direction[1] + dz * direction[2]) / distance;
  const angle = Math.acos(Math.min(1, Math.max(-1, along)));
  return angle - Math.asin(chunk.radius / distance) <= halfAngleRad;
}

/** Half the angle across the view's diagonal, for a vertical view angle and a width/height aspect. */
export function diagonalHalfAngle(viewAngleDeg: number, aspect: number): number {
  return Math.atan(Math.tan((viewAngleDeg * Math.PI) / 360) * Math.hypot(1, aspect));
}

/**
 * The pieces in the order of the path point nearest each: a camera flying forward then draws
 * near wall before far, and the depth test discards the far wall's hidden fragments before
 * shading them (fragments, not vertices, are the bigger cost of a full-screen wall).
 */
export function orderAlongPath(chunks: readonly MeshChunk[], path: readonly Vec3[]): MeshChunk[] {
  const station = (c: MeshChunk): number => {
    let best = 0;
    let bestDistance = Infinity;
    path.forEach((p, n) => {
      const d = (p[0] - c.centre[0]) ** 2 + (p[1] - c.centre[1]) ** 2 + (p[2] - c.centre[2]) ** 2;
      if (d < bestDistance) {
        bestDistance = d;
        best = n;
      }
    });
    return best;
  };
  return chunks.map((c) => ({ c, n: station(c) })).sort((a, b) => a.n - b.n).map(({ c }) => c);
}
