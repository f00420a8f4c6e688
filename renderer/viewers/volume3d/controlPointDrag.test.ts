import { describe, expect, it } from 'vitest';
import { fromAxes } from '../../../shared/math/mat4';
import { cross, distance, dot, length, normalize, sub, type Vec3 } from '../../../shared/math/vec3';
import { HIT_RADIUS_PX } from '../slice/pathCurve';
import { draggedPoint, hitHandle, type ScreenHandle } from './controlPointDrag';
import { pickVolume, type PickGrid, type PickRay } from './pickVolume';

/** A perspective camera at the eye looking along +y (anterior view, as the 3D view resets to). */
const EYE: Vec3 = [0, -300, 0];
const VIEW: Vec3 = [0, 1, 0];
const rayTo = (target: Vec3): PickRay => ({ origin: EYE, direction: normalize(sub(target, EYE)) });

/** A 1000 HU ball of radius 10 mm at the origin in a 0 HU box, 1 mm voxels. */
function ballGrid(radius = 10): PickGrid {
  const n = 41;
  const voxels = new Float32Array(n * n * n);
  for (let k = 0; k < n; k++)
    for (let j = 0; j < n; j++) for (let i = 0; i < n; i++) voxels[i + n * (j + n * k)] = Math.hypot(i - 20, j - 20, k - 20) <= radius ? 1000 : 0;
  return { dimensions: [n, n, n], voxels, ijkToLps: fromAxes([1, 0, 0], [0, 1, 0], [0, 0, 1], [-20, -20, -20]) };
}

describe('hitHandle', () => {
  const handle = (x: number, y: number, depth = 0.5, radiusPx = 4): ScreenHandle => ({ x, y, depth, radiusPx });

  it('takes a point whose sphere, or the slice views’ hit radius, covers the cursor', () => {
    const handles = [handle(100, 100, 0.5, 12), handle(200, 100)];
    expect(hitHandle(handles, 110, 104)).toBe(0); // 10.8 px out, inside a 12 px sphere
    expect(hitHandle(handles, 200 + HIT_RADIUS_PX - 0.5, 100)).toBe(1); // 4 px sphere, 6 px reach
    expect(hitHandle(handles, 200 + HIT_RADIUS_PX + 0.5, 100)).toBeNull();
    expect(hitHandle(handles, 150, 100)).toBeNull();
    expect(hitHandle([], 0, 0)).toBeNull();
  });

  it('of overlapping points takes the one nearest the camera, and never one outside the clipping range', () => {
    expect(hitHandle([handle(100, 100, 0.7), handle(102, 100, 0.3), handle(99, 100, 0.6)], 100, 100)).toBe(1);
    expect(hitHandle([handle(100, 100, -0.1), handle(100, 100, 1.2)], 100, 100)).toBeNull();
  });
});

describe('draggedPoint', () => {
  it('follows the surface under the cursor: the dragged point lands on the ball where the ray meets it', () => {
    const grid = ballGrid();
    const current: Vec3 = [0, -10, 0];
    for (const target of [[3, 0, 4], [-6, 0, 2], [0, 0, -8]] as Vec3[]) {
      const ray = rayTo(target);
      const next = draggedPoint({ pick: pickVolume(grid, ray, { kind: 'iso', isoValue: 500 }), ray, current, viewDirection: VIEW });
      // On the sphere (±0.5 mm of voxelisation), on its side facing the camera.
      expect(Math.abs(distance(next, [0, 0, 0]) - 10)).toBeLessThan(0.5);
      expect(next[1]).toBeLessThan(0);
      // And on the cursor's ray.
      const along = dot(sub(next, ray.origin), ray.direction);
      expect(distance(next, [0, 1, 2].map((a) => ray.origin[a]! + along * ray.direction[a]!) as Vec3)).toBeLessThan(1e-9);
    }
  });

  it('off the surface, slides in the plane through the point parallel to the screen: same depth, under the cursor', () => {
    const grid = ballGrid();
    const current: Vec3 = [8, -6, 0];
    const ray = rayTo([40, 0, 30]); // beside the ball: nothing visible
    const pick = pickVolume(grid, ray, { kind: 'iso', isoValue: 500 });
    expect(pick).toBeNull();
    const next = draggedPoint({ pick, ray, current, viewDirection: VIEW });
    expect(next[1]).toBeCloseTo(current[1], 9);
    // Where the ray from the eye to (40, 0, 30) crosses y = −6: scaled by (300 − 6) / 300.
    expect(next[0]).toBeCloseTo((40 * 294) / 300, 9);
    expect(next[2]).toBeCloseTo((30 * 294) / 300, 9);
  });

  it('works for a parallel projection and an oblique view, and keeps the point when the plane cannot be reached', () => {
    const view = normalize([1, 1, -1]);
    const current: Vec3 = [5, 5, 5];
    // Parallel projection: every ray runs along the view direction; the point moves across the screen only.
    const ray: PickRay = { origin: [-50, -60, 40], direction: view };
    const next = draggedPoint({ pick: null, ray, current, viewDirection: view });
    expect(dot(sub(next, current), view)).toBeCloseTo(0, 9);
    // …to where the cursor's ray is: straight down the view direction from the ray's origin.
    expect(length(cross(sub(next, ray.origin), view))).toBeLessThan(1e-9);
    // A ray along the screen, or one that would have to go backwards, leaves it where it is.
    expect(draggedPoint({ pick: null, ray: { origin: [0, 0, 0], direction: [1, -1, 0].map((c) => c / Math.SQRT2) as Vec3 }, current, viewDirection: view })).toEqual(current);
    expect(draggedPoint({ pick: null, ray: { origin: [50, 50, -50], direction: view }, current, viewDirection: view })).toEqual(current);
  });
});
