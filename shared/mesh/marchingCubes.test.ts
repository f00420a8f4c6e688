/**
 * Marching cubes against analytic truth: a sphere's area and volume, an ellipsoid seen
 * through a rotated, anisotropic (and a mirrored) grid landing where it is in LPS, and
 * the topology invariants — every edge shared by two consistently wound triangles,
 * every vertex a single fan — on every cube configuration and on noise.
 */
import { describe, expect, it } from 'vitest';
import { fromAxes, transformPoint, type Mat4 } from '../math/mat4';
import { cross, normalize, type Vec3 } from '../math/vec3';
import { AMBIGUOUS_FACES } from './cubeTriangles';
import { marchingCubes } from './marchingCubes';
import { edgeTopology, enclosedVolume, isClosedOrientedManifold, surfaceArea } from './meshMeasures';
import { normalisedRadius, sampleEllipsoids, type Ellipsoid } from './testkit/ellipsoidVolume';
import type { TriangleMesh } from './TriangleMesh';

const IDENTITY: Mat4 = [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1];

function seeded(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
}

/** Per triangle: its unit normal and centroid. */
function facets(mesh: TriangleMesh): { normal: Vec3; centroid: Vec3 }[] {
  const p = mesh.positions;
  const out: { normal: Vec3; centroid: Vec3 }[] = [];
  for (let n = 0; n < mesh.triangles.length; n += 3) {
    const [a, b, c] = [0, 1, 2].map((k) => 3 * mesh.triangles[n + k]);
    const u: Vec3 = [p[b] - p[a], p[b + 1] - p[a + 1], p[b + 2] - p[a + 2]];
    const v: Vec3 = [p[c] - p[a], p[c + 1] - p[a + 1], p[c + 2] - p[a + 2]];
    out.push({ normal: normalize(cross(u, v)), centroid: [(p[a] + p[b] + p[c]) / 3, (p[a + 1] + p[b + 1] + p[c + 1]) / 3, (p[a + 2] + p[b + 2] + p[c + 2]) / 3] });
  }
  return out;
}

/** Volume-weighted centroid of a closed mesh (signed tetrahedra from the origin). */
function enclosedCentroid(mesh: TriangleMesh): Vec3 {
  const p = mesh.positions;
  const sum: Vec3 = [0, 0, 0];
  let volume = 0;
  for (let n = 0; n < mesh.triangles.length; n += 3) {
    const [a, b, c] = [0, 1, 2].map((k) => 3 * mesh.triangles[n + k]);
    const six = p[a] * (p[b + 1] * p[c + 2] - p[b + 2] * p[c + 1]) - p[a + 1] * (p[b] * p[c + 2] - p[b + 2] * p[c]) + p[a + 2] * (p[b] * p[c + 1] - p[b + 1] * p[c]);
    volume += six;
    for (let x = 0; x < 3; x++) sum[x] += (six * (p[a + x] + p[b + x] + p[c + x])) / 4;
  }
  return [sum[0] / volume, sum[1] / volume, sum[2] / volume];
}

describe('marchingCubes topology', () => {
  it('gives a closed, consistently oriented 2-manifold for every cube configuration, both ways on ambiguous faces', () => {
    const random = seeded(7);
    let ambiguousSeen = 0;
    for (let caseIndex = 1; caseIndex < 256; caseIndex++) {
      // Random magnitudes move the asymptotic decider's saddle to both sides of the threshold.
      for (let trial = 0; trial < (AMBIGUOUS_FACES[caseIndex] ? 8 : 1); trial++) {
        const voxels = Float32Array.from({ length: 8 }, (_, c) => ((caseIndex >> c) & 1 ? 0.05 + random() : -0.05 - random()));
        const mesh = marchingCubes({ dimensions: [2, 2, 2], ijkToLps: IDENTITY, voxels }, { threshold: 0 });
        const topology = edgeTopology(mesh);
        expect(isClosedOrientedManifold(topology), `case ${caseIndex}: ${JSON.stringify(topology)}`).toBe(true);
        expect(enclosedVolume(mesh)).toBeGreaterThan(0);
        if (AMBIGUOUS_FACES[caseIndex]) ambiguousSeen++;
      }
    }
    expect(ambiguousSeen).toBeGreaterThan(100);
  });

  it('stays manifold on a noise field (every configuration many times over), closed or open at the borders', () => {
    const random = seeded(11);
    const n = 20;
    const voxels = Float32Array.from({ length: n ** 3 }, () => random() - 0.5);
    const volume = { dimensions: [n, n, n] as const, ijkToLps: IDENTITY, voxels };
    const closed = marchingCubes(volume, { threshold: 0 });
    const topology = edgeTopology(closed);
    expect(closed.triangles.length / 3).toBeGreaterThan(20_000);
    expect(isClosedOrientedManifold(topology), JSON.stringify(topology)).toBe(true);
    expect(Math.abs(topology.eulerCharacteristic % 2)).toBe(0);

    const open = edgeTopology(marchingCubes(volume, { threshold: 0, closeAtBorders: false }));
    expect(open.nonManifoldEdges).toBe(0);
    expect(open.misorientedEdges).toBe(0);
    expect(open.boundaryEdges).toBeGreaterThan(0);
  });

  it('caps an object cut by the grid half a voxel beyond the outer voxel centres', () => {
    // A slab of bright voxels filling x and y: capped, it is a closed box 0.5 voxel past the grid.
    const [nx, ny, nz] = [6, 5, 8];
    const voxels = Float32Array.from({ length: nx * ny * nz }, (_, n) => (Math.floor(n / (nx * ny)) >= 2 && Math.floor(n / (nx * ny)) <= 5 ? 1 : -1));
    const mesh = marchingCubes({ dimensions: [nx, ny, nz], ijkToLps: IDENTITY, voxels }, { threshold: 0 });
    expect(isClosedOrientedManifold(edgeTopology(mesh))).toBe(true);
    // x from −0.5 to 5.5, y from −0.5 to 4.5 (capped), z from 1.5 to 5.5 (iso halfway between ±1).
    const xs = facetsExtent(mesh);
    expect(xs.min).toEqual([-0.5, -0.5, 1.5]);
    expect(xs.max).toEqual([5.5, 4.5, 5.5]);
  });
});

function facetsExtent(mesh: TriangleMesh): { min: number[]; max: number[] } {
  const min = [Infinity, Infinity, Infinity];
  const max = [-Infinity, -Infinity, -Infinity];
  for (let v = 0; v < mesh.positions.length; v += 3) {
    for (let a = 0; a < 3; a++) {
      min[a] = Math.min(min[a], mesh.positions[v + a]);
      max[a] = Math.max(max[a], mesh.positions[v + a]);
    }
  }
  return { min, max };
}

describe('marchingCubes geometry', () => {
  it('meshes a sphere of radius 20 mm (1 mm voxels) with its area and volume within 0.5%, watertight, facing out', () => {
    const sphere: Ellipsoid = { centre: [31.7, 32.2, 31.4], radii: [20, 20, 20] };
    const mesh = marchingCubes(sampleEllipsoids([64, 64, 64], IDENTITY, [sphere]), { threshold: 0 });
    const r = 20;
    expect(surfaceArea(mesh) / (4 * Math.PI * r * r)).toBeCloseTo(1, 2);
    expect(Math.abs(surfaceArea(mesh) / (4 * Math.PI * r * r) - 1)).toBeLessThan(0.005);
    expect(Math.abs(enclosedVolume(mesh) / ((4 / 3) * Math.PI * r ** 3) - 1)).toBeLessThan(0.005);
    const topology = edgeTopology(mesh);
    expect(isClosedOrientedManifold(topology)).toBe(true);
    expect(topology.eulerCharacteristic).toBe(2);
    for (const { normal, centroid } of facets(mesh)) {
      const outward = normalize([centroid[0] - sphere.centre[0], centroid[1] - sphere.centre[1], centroid[2] - sphere.centre[2]]);
      expect(normal[0] * outward[0] + normal[1] * outward[1] + normal[2] * outward[2]).toBeGreaterThan(0.5);
    }
    for (let v = 0; v < mesh.positions.length; v += 3) {
      const p = mesh.positions;
      expect(Math.abs(Math.hypot(p[v] - sphere.centre[0], p[v + 1] - sphere.centre[1], p[v + 2] - sphere.centre[2]) - r)).toBeLessThan(0.02);
    }
  });

  for (const mirrored of [false, true]) {
    it(`places an oblique ellipsoid where it is in LPS through a rotated, anisotropic${mirrored ? ', mirrored' : ''} grid`, () => {
      // Grid axes: rotated about an oblique axis, 0.8 × 1.1 × 1.7 mm, origin far from zero.
      const x = normalize([0.9, 0.3, -0.2]);
      const y0 = normalize(cross([0.1, 0.2, 1], x));
      const z0 = cross(x, y0);
      const [y, z] = mirrored ? [z0, y0] : [y0, z0];
      const spacing: Vec3 = [0.8, 1.1, 1.7];
      const origin: Vec3 = [-120, 40, 310];
      const ijkToLps = fromAxes(
        x.map((c) => c * spacing[0]) as Vec3,
        y.map((c) => c * spacing[1]) as Vec3,
        z.map((c) => c * spacing[2]) as Vec3,
        origin,
      );
      const axisA = normalize([1, 1, 0]);
      const axisB = normalize([-1, 1, 0.5]);
      // At the grid's centre, 14 mm or more from its faces: the mesh is the ellipsoid alone, no cap.
      const ellipsoid: Ellipsoid = { centre: transformPoint(ijkToLps, [39.5, 35.5, 23.5]), radii: [18, 12, 9], axes: [axisA, axisB, cross(axisA, axisB)] };
      const mesh = marchingCubes(sampleEllipsoids([80, 72, 48], ijkToLps, [ellipsoid]), { threshold: 0 });
      const topology = edgeTopology(mesh);
      expect(isClosedOrientedManifold(topology)).toBe(true);
      expect(topology.eulerCharacteristic).toBe(2);
      const truthVolume = (4 / 3) * Math.PI * 18 * 12 * 9;
      expect(Math.abs(enclosedVolume(mesh) / truthVolume - 1)).toBeLessThan(0.01);
      const centroid = enclosedCentroid(mesh);
      for (let a = 0; a < 3; a++) expect(Math.abs(centroid[a] - ellipsoid.centre[a])).toBeLessThan(0.05);
      // Every vertex on the analytic surface: ρ − 1 times the smallest semi-axis bounds the distance.
      let worst = 0;
      for (let v = 0; v < mesh.positions.length; v += 3) {
        const p: Vec3 = [mesh.positions[v], mesh.positions[v + 1], mesh.positions[v + 2]];
        worst = Math.max(worst, Math.abs(normalisedRadius(ellipsoid, p) - 1) * 18);
      }
      expect(worst).toBeLessThan(0.1);
      // Facing out: the normal agrees with the gradient of ρ (pointing to larger ρ).
      for (const { normal, centroid: c } of facets(mesh)) {
        const h = 1e-3;
        const grad = [0, 1, 2].map((a) => {
          const plus: Vec3 = [...c];
          const minus: Vec3 = [...c];
          plus[a] += h;
          minus[a] -= h;
          return normalisedRadius(ellipsoid, plus) - normalisedRadius(ellipsoid, minus);
        }) as Vec3;
        const g = normalize(grad);
        expect(normal[0] * g[0] + normal[1] * g[1] + normal[2] * g[2]).toBeGreaterThan(0.5);
      }
    });
  }
});
