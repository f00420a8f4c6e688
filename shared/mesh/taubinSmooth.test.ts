/**
 * Taubin smoothing on the staircase surface of a binary sphere (voxels 0 or 1000, the
 * worst case marching cubes meets): the radial error to the true sphere drops, the
 * enclosed volume stays within 1%, the topology is untouched; and plain Laplacian
 * smoothing with the same λ (no μ step) shrinks it, which is what Taubin avoids.
 */
import { describe, expect, it } from 'vitest';
import { marchingCubes } from './marchingCubes';
import { edgeTopology, enclosedVolume, isClosedOrientedManifold } from './meshMeasures';
import { taubinSmooth } from './taubinSmooth';
import { sampleEllipsoids } from './testkit/ellipsoidVolume';
import type { TriangleMesh } from './TriangleMesh';

const centre: [number, number, number] = [31.7, 32.2, 31.4];
const r = 20;
const truthVolume = (4 / 3) * Math.PI * r ** 3;

function rmsRadialError(mesh: TriangleMesh): number {
  const p = mesh.positions;
  let sum = 0;
  for (let v = 0; v < p.length; v += 3) sum += (Math.hypot(p[v] - centre[0], p[v + 1] - centre[1], p[v + 2] - centre[2]) - r) ** 2;
  return Math.sqrt(sum / (p.length / 3));
}

describe('taubinSmooth', () => {
  const staircase = marchingCubes(sampleEllipsoids([64, 64, 64], [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1], [{ centre, radii: [r, r, r] }], true), { threshold: 500 });

  it('removes the staircase without shrinking the sphere', () => {
    const before = rmsRadialError(staircase);
    const smoothed = taubinSmooth(staircase, { iterations: 20 });
    const after = rmsRadialError(smoothed);
    console.log(`binary sphere r = ${r}: RMS radial error ${before.toFixed(3)} → ${after.toFixed(3)} mm; volume/truth ${(enclosedVolume(staircase) / truthVolume).toFixed(4)} → ${(enclosedVolume(smoothed) / truthVolume).toFixed(4)}`);
    expect(after).toBeLessThan(0.6 * before);
    expect(Math.abs(enclosedVolume(smoothed) / truthVolume - 1)).toBeLessThan(0.01);
    expect(Math.abs(enclosedVolume(smoothed) / enclosedVolume(staircase) - 1)).toBeLessThan(0.01);
    const topology = edgeTopology(smoothed);
    expect(isClosedOrientedManifold(topology)).toBe(true);
    expect(topology.eulerCharacteristic).toBe(2);
    expect(smoothed.triangles).toBe(staircase.triangles);
  });

  it('shrinks far less than Laplacian smoothing with the same λ', () => {
    const laplacian = taubinSmooth(staircase, { iterations: 20, mu: 0 });
    const taubin = taubinSmooth(staircase, { iterations: 20 });
    const shrinkLaplacian = 1 - enclosedVolume(laplacian) / enclosedVolume(staircase);
    const shrinkTaubin = Math.abs(1 - enclosedVolume(taubin) / enclosedVolume(staircase));
    expect(shrinkLaplacian).toBeGreaterThan(0.01);
    expect(shrinkTaubin).toBeLessThan(shrinkLaplacian / 5);
  });
});
