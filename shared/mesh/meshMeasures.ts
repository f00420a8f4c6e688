/** Area, enclosed volume and the topology checks that say whether a mesh is a closed, oriented 2-manifold. */
import type { TriangleMesh } from './TriangleMesh';
import { vertexTriangles } from './vertexTriangles';

export function surfaceArea(mesh: TriangleMesh): number {
  const { positions: p, triangles: t } = mesh;
  let area = 0;
  for (let n = 0; n < t.length; n += 3) {
    const a = 3 * t[n];
    const b = 3 * t[n + 1];
    const c = 3 * t[n + 2];
    const ux = p[b] - p[a], uy = p[b + 1] - p[a + 1], uz = p[b + 2] - p[a + 2];
    const vx = p[c] - p[a], vy = p[c + 1] - p[a + 1], vz = p[c + 2] - p[a + 2];
    area += Math.hypot(uy * vz - uz * vy, uz * vx - ux * vz, ux * vy - uy * vx) / 2;
  }
  return area;
}

/**
 * The volume a closed mesh encloses (divergence theorem: signed tetrahedra from the
 * origin), positive when the triangles face outwards. Meaningless for an open mesh.
 */
export function enclosedVolume(mesh: TriangleMesh): number {
  const { positions: p, triangles: t } = mesh;
  let six = 0;
  for (let n = 0; n < t.length; n += 3) {
    const a = 3 * t[n];
    const b = 3 * t[n + 1];
    const c = 3 * t[n + 2];
    six +=
      p[a] * (p[b + 1] * p[c + 2] - p[b + 2] * p[c + 1]) -
      p[a + 1] * (p[b] * p[c + 2] - p[b + 2] * p[c]) +
      p[a + 2] * (p[b] * p[c + 1] - p[b + 1] * p[c]);
  }
  return six / 6;
}

export interface EdgeTopology {
  edges: number;
  /** Edges of one triangle only (holes, cut borders). */
  boundaryEdges: number;
  /** Edges of three or more triangles. */
  nonManifoldEdges: number;
  /** Edges of two triangles that run along it in the same direction (inconsistent winding). */
  misorientedEdges: number;
  /** Vertices used by triangles. */
  vertices: number;
  /** Used vertices whose triangles do not form one closed fan (pinched, or on a boundary). */
  singularVertices: number;
  /** V − E + F: 2 per closed sphere-like component. */
  eulerCharacteristic: number;
}

export function edgeTopology(mesh: TriangleMesh): EdgeTopology {
  const { triangles: t } = mesh;
  const vertexTotal = mesh.positions.length / 3;
  // Per undirected edge: how many triangles use it forwards (low → high) and backwards.
  const uses = new Map<number, number>();
  const FORWARD = 1;
  const BACKWARD = 1 << 16;
  for (let n = 0; n < t.length; n += 3) {
    for (let c = 0; c < 3; c++) {
      const a = t[n + c];
      const b = t[n + ((c + 1) % 3)];
      const key = a < b ? a * vertexTotal + b : b * vertexTotal + a;
      uses.set(key, (uses.get(key) ?? 0) + (a < b ? FORWARD : BACKWARD));
    }
  }
  let boundaryEdges = 0;
  let nonManifoldEdges = 0;
  let misorientedEdges = 0;
  for (const u of uses.values()) {
    const forward = u & 0xffff;
    const backward = u >>> 16;
    const count = forward + backward;
    if (count === 1) boundaryEdges++;
    else if (count > 2) nonManifoldEdges++;
    else if (forward !== 1) misorientedEdges++;
  }
  const { vertices, singularVertices } = vertexFans(mesh);
  return { edges: uses.size, boundaryEdges, nonManifoldEdges, misorientedEdges, vertices, singularVertices, eulerCharacteristic: vertices - uses.size + t.length / 3 };
}

/** Walks the triangles around each vertex: on a closed manifold the edges opposite it chain into a single cycle. */
function vertexFans(mesh: TriangleMesh): { vertices: number; singularVertices: number } {
  const { triangles: t } = mesh;
  const { start, list } = vertexTriangles(mesh);
  const next = new Map<number, number>();
  let vertices = 0;
  let singularVertices = 0;
  for (let v = 0; v + 1 < start.length; v++) {
    const count = start[v + 1] - start[v];
    if (count === 0) continue;
    vertices++;
    next.clear();
    let singular = false;
    for (let s = start[v]; s < start[v + 1]; s++) {
      const n = 3 * list[s];
      const c = t[n] === v ? 0 : t[n + 1] === v ? 1 : 2;
      const b = t[n + ((c + 1) % 3)];
      if (next.has(b)) singular = true;
      next.set(b, t[n + ((c + 2) % 3)]);
    }
    const first = next.keys().next().value as number;
    let steps = 0;
    let at: number | undefined = first;
    do {
      at = next.get(at!);
      steps++;
    } while (at !== undefined && at !== first && steps <= count);
    if (singular || at !== first || steps !== count) singularVertices++;
  }
  return { vertices, singularVertices };
}

/** True when every edge joins exactly two consistently wound triangles and every vertex is a single fan. */
export function isClosedOrientedManifold(topology: EdgeTopology): boolean {
  return topology.boundaryEdges === 0 && topology.nonManifoldEdges === 0 && topology.misorientedEdges === 0 && topology.singularVertices === 0;
}
