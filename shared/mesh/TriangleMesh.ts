/**
 * An indexed triangle mesh: vertices shared between the triangles that meet there, so
 * connectivity (watertightness, components, neighbours) is explicit. Positions are in
 * the frame the producer names (LPS mm for surfaces from volumes); triangles wind
 * counter-clockwise seen from outside, so (b − a) × (c − a) points outwards.
 */
export interface TriangleMesh {
  /** x, y, z per vertex. */
  positions: Float64Array;
  /** a, b, c vertex indices per triangle. */
  triangles: Uint32Array;
}

export function vertexCount(mesh: TriangleMesh): number {
  return mesh.positions.length / 3;
}

export function triangleCount(mesh: TriangleMesh): number {
  return mesh.triangles.length / 3;
}

/**
 * The mesh holding only the triangles kept, with the vertices they use renumbered in
 * their original order (unused vertices dropped).
 */
export function keepTriangles(mesh: TriangleMesh, keep: (t: number) => boolean): TriangleMesh {
  const { positions, triangles } = mesh;
  const remap = new Int32Array(positions.length / 3).fill(-1);
  const kept: number[] = [];
  for (let t = 0; t < triangles.length / 3; t++) {
    if (!keep(t)) continue;
    kept.push(t);
    for (let c = 0; c < 3; c++) remap[triangles[3 * t + c]] = 0;
  }
  let count = 0;
  for (let v = 0; v < remap.length; v++) if (remap[v] === 0) remap[v] = count++;
  const outPositions = new Float64Array(3 * count);
  for (let v = 0; v < remap.length; v++) {
    const n = remap[v];
    if (n < 0) continue;
    outPositions[3 * n] = positions[3 * v];
    outPositions[3 * n + 1] = positions[3 * v + 1];
    outPositions[3 * n + 2] = positions[3 * v + 2];
  }
  const outTriangles = new Uint32Array(3 * kept.length);
  kept.forEach((t, n) => {
    for (let c = 0; c < 3; c++) outTriangles[3 * n + c] = remap[triangles[3 * t + c]];
  });
  return { positions: outPositions, triangles: outTriangles };
}
