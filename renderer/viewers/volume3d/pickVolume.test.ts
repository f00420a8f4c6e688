import { describe, expect, it } from 'vitest';
import { transformPoint } from '../../../shared/math/mat4';
import { addScaled, distance, dot, normalize, sub, type Vec3 } from '../../../shared/math/vec3';
import { pickVolume, type PickGrid } from './pickVolume';
import { obliqueIjkToLps } from './testGeometry';

/** Oblique, mirrored, anisotropic: 0.7 × 0.8 × 2.5 mm voxels. */
const IJK_TO_LPS = obliqueIjkToLps([0.7, 0.8, 2.5], [-30, -20, -25]);
const DIMS: [number, number, number] = [90, 70, 30];
const FINEST_MM = 0.7;
const CENTRE: Vec3 = transformPoint(IJK_TO_LPS, [46.3, 33.8, 14.6]);
const RADIUS = 12;

/** A grid whose voxel at each centre holds `field` of its LPS position. */
function gridOf(field: (p: Vec3) => number): PickGrid {
  const voxels = new Float32Array(DIMS[0] * DIMS[1] * DIMS[2]);
  for (let k = 0; k < DIMS[2]; k++)
    for (let j = 0; j < DIMS[1]; j++)
      for (let i = 0; i < DIMS[0]; i++) voxels[i + DIMS[0] * (j + DIMS[1] * k)] = field(transformPoint(IJK_TO_LPS, [i, j, k]));
  return { dimensions: DIMS, voxels, ijkToLps: IJK_TO_LPS };
}

/** 1000 inside, 0 outside, a linear edge 4 mm wide crossing 500 exactly at the radius. */
const sphere = gridOf((p) => Math.min(1000, Math.max(0, 500 - (distance(p, CENTRE) - RADIUS) * 250)));

/** Rays from 150 mm away towards points near the centre, from eight directions. */
function raysAtSphere(): { origin: Vec3; direction: Vec3 }[] {
  const directions: Vec3[] = [[1, 0, 0], [-1, 0.2, 0], [0, 1, 0.1], [0.3, -1, 0], [0, 0, 1], [0.2, 0.1, -1], [1, 1, 1], [-1, 0.5, -0.7]];
  return directions.map((d, n) => {
    const direction = normalize(d);
    const aim = addScaled(CENTRE, normalize([d[1], d[2] + 0.3, -d[0]]), (n % 4) * 2); // 0–6 mm off centre
    return { origin: addScaled(aim, direction, -150), direction };
  });
}

/** Analytic first intersection of a ray with the sphere: the distance along it, mm. */
function sphereEntry(origin: Vec3, direction: Vec3): number {
  const oc = sub(origin, CENTRE);
  const b = dot(oc, direction);
  return -b - Math.sqrt(b * b - (dot(oc, oc) - RADIUS * RADIUS));
}

describe('pickVolume', () => {
  it('isosurface mode: hits the sphere where the ray enters it, from every direction, on an oblique anisotropic grid', () => {
    for (const ray of raysAtSphere()) {
      const hit = pickVolume(sphere, ray, { kind: 'iso', isoValue: 500 });
      expect(hit).not.toBeNull();
      const truth = addScaled(ray.origin, ray.direction, sphereEntry(ray.origin, ray.direction));
      expect(distance(hit!, truth)).toBeLessThan(0.5 * FINEST_MM);
      expect(Math.abs(distance(hit!, CENTRE) - RADIUS)).toBeLessThan(0.5 * FINEST_MM);
    }
  });

  it('volume mode with an opaque object: hits its surface within half a step', () => {
    const opaque = (v: number): number => (v >= 500 ? 1 : 0);
    for (const ray of raysAtSphere()) {
      const hit = pickVolume(sphere, ray, { kind: 'opacity', opacityAt: opaque });
      const entry = sphereEntry(ray.origin, ray.direction);
      expect(hit).not.toBeNull();
      expect(Math.abs(dot(sub(hit!, ray.origin), ray.direction) - entry)).toBeLessThan(0.5 * FINEST_MM);
      expect(distance(hit!, addScaled(ray.origin, ray.direction, entry))).toBeLessThan(0.5 * FINEST_MM);
    }
  });

  it('volume mode with a translucent object: hits where the composited opacity reaches the threshold, 1 − (1 − o)^d', () => {
    const translucent = (v: number): number => (v >= 500 ? 0.2 : 0);
    for (const [threshold, depth] of [[0.5, Math.log(0.5) / Math.log(0.8)], [0.9, Math.log(0.1) / Math.log(0.8)]] as const) {
      for (const ray of raysAtSphere()) {
        const hit = pickVolume(sphere, ray, { kind: 'opacity', opacityAt: translucent, threshold });
        const along = dot(sub(hit!, ray.origin), ray.direction);
        expect(Math.abs(along - (sphereEntry(ray.origin, ray.direction) + depth)), `threshold ${threshold}`).toBeLessThan(0.5 * FINEST_MM);
      }
    }
  });

  it('is independent of the step: opacity is corrected per mm as vtk.js does', () => {
    const translucent = (v: number): number => (v >= 500 ? 0.2 : 0);
    const [ray] = raysAtSphere();
    const fine = pickVolume(sphere, ray!, { kind: 'opacity', opacityAt: translucent }, { stepMm: 0.05 })!;
    const coarse = pickVolume(sphere, ray!, { kind: 'opacity', opacityAt: translucent }, { stepMm: 0.7 })!;
    expect(distance(fine, coarse)).toBeLessThan(0.35);
  });

  it('misses: beside the sphere, outside the grid, and with the grid behind the ray', () => {
    const side = normalize([0, 1, 0]);
    const beside = addScaled(CENTRE, normalize([1, 0, 0.2]), RADIUS + 3);
    expect(pickVolume(sphere, { origin: addScaled(beside, side, -150), direction: side }, { kind: 'iso', isoValue: 500 })).toBeNull();
    expect(pickVolume(sphere, { origin: addScaled(beside, side, -150), direction: side }, { kind: 'opacity', opacityAt: (v) => v / 1000 })).toBeNull();
    expect(pickVolume(sphere, { origin: [500, 500, 500], direction: normalize([1, 1, 0]) }, { kind: 'iso', isoValue: 500 })).toBeNull();
    const [ray] = raysAtSphere();
    const reversed = { origin: ray!.origin, direction: [-ray!.direction[0], -ray!.direction[1], -ray!.direction[2]] as Vec3 };
    expect(pickVolume(sphere, reversed, { kind: 'iso', isoValue: 500 })).toBeNull();
  });

  it('a ray starting inside the object meets the isosurface on its way out', () => {
    const direction = normalize([0.3, 1, -0.2]);
    const origin = addScaled(CENTRE, direction, -4);
    const hit = pickVolume(sphere, { origin, direction }, { kind: 'iso', isoValue: 500 })!;
    expect(Math.abs(distance(hit, CENTRE) - RADIUS)).toBeLessThan(0.5 * FINEST_MM);
    expect(dot(sub(hit, CENTRE), direction)).toBeGreaterThan(0);
  });

  it('refines the iso crossing of a linear field to well within 0.1 voxel', () => {
    const gradient: Vec3 = [3, -1.5, 2];
    const linear = gridOf((p) => dot(gradient, p) + 40);
    // A level 3.7 units above the centre's value: the plane crosses the grid near the sphere's centre.
    const isoValue = dot(gradient, CENTRE) + 40 + 3.7;
    for (const d of [[1, 0.2, 0.1], [-0.4, 1, 0.3], [0.2, -0.3, -1]] as Vec3[]) {
      const direction = normalize(d);
      const origin = addScaled(CENTRE, direction, -60);
      const hit = pickVolume(linear, { origin, direction }, { kind: 'iso', isoValue })!;
      // The field is linear along the ray: value(t) = g·o + 40 + t g·d.
      const t = (isoValue - dot(gradient, origin) - 40) / dot(gradient, direction);
      expect(distance(hit, addScaled(origin, direction, t))).toBeLessThan(0.1 * FINEST_MM);
    }
  });
});
