/** The triangles around each vertex, in compressed rows (CSR): what smoothing, decimation and topology checks walk. */
import type { TriangleMesh } from './TriangleMesh';

export interface VertexTriangles {
  /** Triangles of vertex v: list[start[v]] … list[start[v + 1] − 1]. */
  start: Uint32Array;
  list: Uint32Array;
}

export function vertexTriangles(mesh: TriangleMesh): VertexTriangles {
  const { triangles: t } = mesh;
  const vertices = mesh.positions.length / 3;
  const start = new Uint32Array(vertices + 1);
  for (let n = 0; n < t.length; n++) start[t[n] + 1]++;
  for (let v = 0; v < vertices; v++) start[v + 1] += start[v];
  const fill = start.slice(0, vertices);
  const list = new Uint32Array(t.length);
  for (let n = 0; n < t.length; n++) list[fill[t[n]]++] = Math.floor(n / 3);
  return { start, list };
}

/**
 * 1 for vertices on a border of the mesh (an edge of one triangle): an edge v → b with
 * no b → v. On a closed mesh each neighbour is left once and entered once.
 */
export function borderVertices(mesh: TriangleMesh, around: VertexTriangles): Uint8Array {
  const { triangles: t } = mesh;
  const { start, list } = around;
  const border = new Uint8Array(start.length - 1);
  const leaving: number[] = [];
  const entering: number[] = [];
  for (let v = 0; v < border.length; v++) {
    leaving.length = 0;
    entering.length = 0;
    for (let s = start[v]; s < start[v + 1]; s++) {
      const n = 3 * list[s];
      const c = t[n] === v ? 0 : t[n + 1] === v ? 1 : 2;
      leaving.push(t[n + ((c + 1) % 3)]);
      entering.push(t[n + ((c + 2) % 3)]);
    }
    leaving.sort((a, b) => a - b);
    entering.sort((a, b) => a - b);
    if (leaving.some((b, k) => b !== entering[k])) border[v] = 1;
  }
  return border;
}
