/**
 * Quadric decimation to 25%: the surface stays a closed, consistently oriented manifold
 * of the same topology (Euler characteristic), on a sphere and on a noise surface of
 * high genus, and the sphere keeps its volume and stays on the analytic sphere.
 */
import { describe, expect, it } from 'vitest';
import { decimateMesh } from './decimateMesh';
import { marchingCubes } from './marchingCubes';
import { edgeTopology, enclosedVolume, isClosedOrientedManifold, surfaceArea } from './meshMeasures';
import { taubinSmooth } from './taubinSmooth';
import { sampleEllipsoids } from './testkit/ellipsoidVolume';

const IDENTITY = [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1];

describe('decimateMesh', () => {
  it('keeps 25% of a sphere closed, manifold, within 1% of its volume and 0.25 mm of the sphere', () => {
    const centre: [number, number, number] = [31.7, 32.2, 31.4];
    const r = 20;
    const full = marchingCubes(sampleEllipsoids([64, 64, 64], IDENTITY, [{ centre, radii: [r, r, r] }]), { threshold: 0 });
    const decimated = decimateMesh(full, { keep: 0.25 });
    const [before, after] = [full.triangles.length / 3, decimated.triangles.length / 3];
    expect(Math.abs(after - 0.25 * before)).toBeLessThanOrEqual(2);
    const topology = edgeTopology(decimated);
    expect(isClosedOrientedManifold(topology)).toBe(true);
    expect(topology.eulerCharacteristic).toBe(2);
    const truth = (4 / 3) * Math.PI * r ** 3;
    console.log(`sphere r = ${r}: ${before} → ${after} triangles; volume/truth ${(enclosedVolume(full) / truth).toFixed(4)} → ${(enclosedVolume(decimated) / truth).toFixed(4)}, area/truth ${(surfaceArea(decimated) / (4 * Math.PI * r * r)).toFixed(4)}`);
    expect(Math.abs(enclosedVolume(decimated) / truth - 1)).toBeLessThan(0.01);
    let worst = 0;
    for (let v = 0; v < decimated.positions.length; v += 3) {
      const p = decimated.positions;
      worst = Math.max(worst, Math.abs(Math.hypot(p[v] - centre[0], p[v + 1] - centre[1], p[v + 2] - centre[2]) - r));
    }
    expect(worst).toBeLessThan(0.25);
  });

  it('keeps the topology of a high-genus noise surface', () => {
    let s = 5;
    const random = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
    const n = 14;
    const voxels = Float32Array.from({ length: n ** 3 }, () => random() - 0.5);
    const noisy = taubinSmooth(marchingCubes({ dimensions: [n, n, n], ijkToLps: IDENTITY, voxels }, { threshold: 0 }), { iterations: 3 });
    const before = edgeTopology(noisy);
    const decimated = decimateMesh(noisy, { keep: 0.25 });
    const after = edgeTopology(decimated);
    expect(isClosedOrientedManifold(after), JSON.stringify(after)).toBe(true);
    expect(after.eulerCharacteristic).toBe(before.eulerCharacteristic);
    // Handles and tiny pieces cannot go below a few triangles each: the target is approached, not always met.
    expect(decimated.triangles.length / 3).toBeLessThan(0.5 * (noisy.triangles.length / 3));
  });

  it('leaves an open mesh\'s border where it is', () => {
    const n = 24;
    const voxels = Float32Array.from({ length: n ** 3 }, (_, v) => {
      const [i, j, k] = [v % n, Math.floor(v / n) % n, Math.floor(v / (n * n))];
      return 10 + Math.sin(i / 3) + Math.cos(j / 4) - k;
    });
    const open = marchingCubes({ dimensions: [n, n, n], ijkToLps: IDENTITY, voxels }, { threshold: 0, closeAtBorders: false });
    const before = edgeTopology(open);
    const decimated = decimateMesh(open, { keep: 0.25 });
    const after = edgeTopology(decimated);
    expect(after.nonManifoldEdges + after.misorientedEdges).toBe(0);
    expect(after.boundaryEdges).toBe(before.boundaryEdges);
    expect(after.eulerCharacteristic).toBe(before.eulerCharacteristic);
  });
});
