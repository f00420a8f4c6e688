/** Connected components of a mesh (triangles sharing a vertex), and keeping the largest. */
import { keepTriangles, type TriangleMesh } from './TriangleMesh';

/** Per triangle its component's number (0 = most triangles), and the components' triangle counts, largest first. */
export function meshComponents(mesh: TriangleMesh): { labels: Int32Array; sizes: number[] } {
  const { triangles: t } = mesh;
  const parent = Int32Array.from({ length: mesh.positions.length / 3 }, (_, v) => v);
  const root = (v: number): number => {
    while (parent[v] !== v) {
      parent[v] = parent[parent[v]];
      v = parent[v];
    }
    return v;
  };
  for (let n = 0; n < t.length; n += 3) {
    const a = root(t[n]);
    for (let c = 1; c < 3; c++) {
      const b = root(t[n + c]);
      if (b !== a) parent[b] = a;
    }
  }
  const count = new Map<number, number>();
  for (let n = 0; n < t.length; n += 3) {
    const r = root(t[n]);
    count.set(r, (count.get(r) ?? 0) + 1);
  }
  const ordered = [...count.entries()].sort((x, y) => y[1] - x[1]);
  const rank = new Map(ordered.map(([r], k) => [r, k]));
  const labels = new Int32Array(t.length / 3);
  for (let n = 0; n < labels.length; n++) labels[n] = rank.get(root(t[3 * n]))!;
  return { labels, sizes: ordered.map(([, size]) => size) };
}

/** The component with the most triangles (bone without the loose fragments and noise specks); pass the components if already known. */
export function largestComponent(mesh: TriangleMesh, components = meshComponents(mesh)): TriangleMesh {
  const { labels, sizes } = components;
  if (sizes.length <= 1) return mesh;
  return keepTriangles(mesh, (n) => labels[n] === 0);
}
