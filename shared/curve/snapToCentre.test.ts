/**
 * Snap to centre against analytic tubes: voxels hold the tube's true partial volume (each voxel
 * supersampled), so the centroid found must land on the tube's axis within a fraction of a voxel,
 * whichever side the point starts on, for bright and dark lumens, axis-aligned and oblique tubes.
 */
import { describe, expect, it } from 'vitest';
import { fromAxes, transformPoint, type Mat4 } from '../math/mat4';
import { cross, dot, normalize, sub, type Vec3 } from '../math/vec3';
import { controlPointTangent, snapToCentre, type SnapVolume } from './snapToCentre';

interface Tube {
  /** A point of the axis, LPS mm. */
  through: Vec3;
  direction: Vec3;
  radius: number;
  lumen: number;
  background: number;
}

const SUPERSAMPLE = 4;

/** A volume whose voxels are the tube's exact coverage fraction (SUPERSAMPLE³ points per voxel) blended between the two levels. */
function tubeVolume(tube: Tube, dimensions: [number, number, number], ijkToLps: Mat4): SnapVolume {
  const [ni, nj, nk] = dimensions;
  const d = normalize(tube.direction);
  const voxels = new Float32Array(ni * nj * nk);
  const offsets = Array.from({ length: SUPERSAMPLE }, (_, s) => (s + 0.5) / SUPERSAMPLE - 0.5);
  for (let k = 0; k < nk; k++) {
    for (let j = 0; j < nj; j++) {
      for (let i = 0; i < ni; i++) {
        const centre = transformPoint(ijkToLps, [i, j, k]);
        // Far from the wall a voxel is all lumen or all background: skip the supersampling.
        const r0 = distanceToAxis(centre, tube.through, d);
        let covered: number;
        if (Math.abs(r0 - tube.radius) > 2) covered = r0 < tube.radius ? 1 : 0;
        else {
          let count = 0;
          for (const a of offsets) for (const b of offsets) for (const c of offsets) if (distanceToAxis(transformPoint(ijkToLps, [i + a, j + b, k + c]), tube.through, d) < tube.radius) count++;
          covered = count / SUPERSAMPLE ** 3;
        }
        voxels[i + ni * (j + nj * k)] = tube.background + covered * (tube.lumen - tube.background);
      }
    }
  }
  return { dimensions, voxels, ijkToLps };
}

function distanceToAxis(p: Vec3, through: Vec3, unitDirection: Vec3): number {
  const v = sub(p, through);
  const along = dot(v, unitDirection);
  return Math.hypot(v[0] - along * unitDirection[0], v[1] - along * unitDirection[1], v[2] - along * unitDirection[2]);
}

/** Two unit vectors ⟂ `d` (and to each other). */
function perpendiculars(d: Vec3): [Vec3, Vec3] {
  const u = normalize(cross(d, Math.abs(d[0]) < 0.9 ? [1, 0, 0] : [0, 1, 0]));
  return [u, normalize(cross(d, u))];
}

/** 40×40×36 voxels of 0.7 × 0.7 × 1.0 mm centred near the isocentre. */
const AXIAL_GRID = fromAxes([0.7, 0, 0], [0, 0.7, 0], [0, 0, 1], [-13.6, -13.9, -17.3]);
const FINEST = 0.7;

describe('snapToCentre', () => {
  const bright: Tube = { through: [1.37, -0.81, 0], direction: [0, 0, 1], radius: 4, lumen: 350, background: 40 };
  const brightVolume = tubeVolume(bright, [40, 40, 36], AXIAL_GRID);

  it('a bright tube: points started 2 mm off the axis in any direction land on it within a fifth of a voxel, in the plane they started in', () => {
    const [u, v] = perpendiculars(bright.direction);
    for (let a = 0; a < 360; a += 45) {
      const c = Math.cos((a * Math.PI) / 180);
      const s = Math.sin((a * Math.PI) / 180);
      const start: Vec3 = [bright.through[0] + 2 * (c * u[0] + s * v[0]), bright.through[1] + 2 * (c * u[1] + s * v[1]), 3.2];
      const result = snapToCentre({ volume: brightVolume, point: start, tangent: [0, 0, 1], lumen: 'bright' });
      if (!result.ok) throw new Error(result.reason);
      expect(distanceToAxis(result.point, bright.through, [0, 0, 1])).toBeLessThan(0.2 * FINEST);
      expect(result.point[2]).toBeCloseTo(3.2, 9);
      expect(Math.abs(result.movedMm - 2)).toBeLessThan(0.2 * FINEST);
      // The lumen's area is the tube's: π·4² ≈ 50.3 mm².
      expect(Math.abs(result.diameterMm - 8)).toBeLessThan(0.3);
      expect(result.threshold).toBeGreaterThan(150);
      expect(result.threshold).toBeLessThan(250);
    }
  });

  it('a point just outside the wall finds the lumen nearest to it', () => {
    const start: Vec3 = [bright.through[0] + 5.5, bright.through[1], 0];
    const result = snapToCentre({ volume: brightVolume, point: start, tangent: [0, 0, 1], lumen: 'bright' });
    if (!result.ok) throw new Error(result.reason);
    expect(distanceToAxis(result.point, bright.through, [0, 0, 1])).toBeLessThan(0.2 * FINEST);
    expect(result.movedMm).toBeCloseTo(5.5, 0);
  });

  it('a dark (air) tube at an oblique angle through an oblique voxel grid, with a tangent 10° off its axis', () => {
    // The grid's axes are rotated, and the tube runs obliquely through it.
    const r = normalize([0.9, 0.3, 0.1]);
    const s = normalize(cross([0.1, 0.2, 1], r));
    const t = cross(r, s);
    const grid = fromAxes([r[0] * 0.8, r[1] * 0.8, r[2] * 0.8], [s[0] * 0.8, s[1] * 0.8, s[2] * 0.8], [t[0] * 1.25, t[1] * 1.25, t[2] * 1.25], [0, 0, 0]);
    const centreIjk: Vec3 = [22, 22, 16];
    const origin = transformPoint(grid, centreIjk);
    grid[3] = -origin[0];
    grid[7] = -origin[1];
    grid[11] = -origin[2];
    const air: Tube = { through: [-0.6, 1.1, 0.4], direction: normalize([0.35, -0.25, 1]), radius: 3.5, lumen: -1000, background: 40 };
    const volume = tubeVolume(air, [45, 45, 33], grid);
    const [u, v] = perpendiculars(air.direction);
    // A tangent turned 10° away from the axis: the section is an ellipse, still centred on the axis.
    const tilt = (10 * Math.PI) / 180;
    const tangent: Vec3 = normalize([air.direction[0] * Math.cos(tilt) + u[0] * Math.sin(tilt), air.direction[1] * Math.cos(tilt) + u[1] * Math.sin(tilt), air.direction[2] * Math.cos(tilt) + u[2] * Math.sin(tilt)]);
    for (const [du, dv] of [[2, 0], [-1.5, 1.5], [0, -2.5]] as const) {
      const start: Vec3 = [0, 1, 2].map((c) => air.through[c]! + 3 * air.direction[c]! + du * u[c]! + dv * v[c]!) as Vec3;
      const result = snapToCentre({ volume, point: start, tangent, lumen: 'dark' });
      if (!result.ok) throw new Error(result.reason);
      expect(distanceToAxis(result.point, air.through, air.direction)).toBeLessThan(0.2 * 0.8);
      expect(Math.abs(dot(sub(result.point, start), tangent))).toBeLessThan(1e-9);
      expect(result.threshold).toBeGreaterThan(-700);
      expect(result.threshold).toBeLessThan(-300);
    }
  });

  it('an airway in lung: the wall, not the lung beyond it, sets the threshold', () => {
    // Air lumen r = 3 mm, a 2 mm soft-tissue wall, then lung at −850.
    const lumen: Tube = { through: [0.4, 0.3, 0], direction: [0, 0, 1], radius: 3, lumen: -1000, background: 40 };
    const outer: Tube = { ...lumen, radius: 5, lumen: 40, background: -850 };
    const wall = tubeVolume(outer, [40, 40, 36], AXIAL_GRID);
    const inner = tubeVolume(lumen, [40, 40, 36], AXIAL_GRID);
    const voxels = new Float32Array(wall.voxels.length);
    // Inside the outer tube the inner one's levels hold; outside, lung.
    for (let n = 0; n < voxels.length; n++) voxels[n] = (inner.voxels[n] as number) + (wall.voxels[n] as number) - 40;
    const result = snapToCentre({ volume: { ...wall, voxels }, point: [1.9, 1.3, 0], tangent: [0, 0, 1], lumen: 'dark' });
    if (!result.ok) throw new Error(result.reason);
    expect(distanceToAxis(result.point, lumen.through, [0, 0, 1])).toBeLessThan(0.2 * FINEST);
    expect(Math.abs(result.diameterMm - 6)).toBeLessThan(0.3);
  });

  it('a given threshold is used as is', () => {
    const result = snapToCentre({ volume: brightVolume, point: [bright.through[0] - 1, bright.through[1] + 1, 0], tangent: [0, 0, 1], lumen: 'bright', threshold: 300 });
    if (!result.ok) throw new Error(result.reason);
    expect(result.threshold).toBe(300);
    // A higher threshold keeps the voxels mostly inside: a smaller disc, same centre.
    expect(result.diameterMm).toBeLessThan(8);
    expect(distanceToAxis(result.point, bright.through, [0, 0, 1])).toBeLessThan(0.2 * FINEST);
  });

  it('refuses, saying why, where there is no lumen or the lumen does not close within the radius', () => {
    const flat: SnapVolume = { dimensions: [20, 20, 20], voxels: new Float32Array(8000).fill(40), ijkToLps: fromAxes([1, 0, 0], [0, 1, 0], [0, 0, 1], [-10, -10, -10]) };
    const none = snapToCentre({ volume: flat, point: [0, 0, 0], tangent: [0, 0, 1], lumen: 'bright' });
    expect(none.ok).toBe(false);
    expect(!none.ok && none.reason).toMatch(/no bright lumen/);

    const wide: Tube = { through: [0, 0, 0], direction: [0, 0, 1], radius: 12, lumen: 350, background: 40 };
    const wideVolume = tubeVolume(wide, [40, 40, 36], AXIAL_GRID);
    const leak = snapToCentre({ volume: wideVolume, point: [2, 0, 0], tangent: [0, 0, 1], lumen: 'bright', maxRadiusMm: 8, threshold: 200 });
    expect(!leak.ok && leak.reason).toMatch(/does not close within 8 mm/);

    const outside = snapToCentre({ volume: brightVolume, point: [200, 0, 0], tangent: [0, 0, 1], lumen: 'bright' });
    expect(!outside.ok && outside.reason).toMatch(/outside the volume/);
    const noDirection = snapToCentre({ volume: brightVolume, point: [0, 0, 0], tangent: [0, 0, 0], lumen: 'bright' });
    expect(noDirection.ok).toBe(false);
  });
});

describe('controlPointTangent', () => {
  it('follows a straight path, and is ⟂ the radius on a circle of control points', () => {
    const line: Vec3[] = [[0, 0, 0], [1, 1, 0], [2, 2, 0], [3, 3, 0]];
    for (let i = 0; i < 4; i++) {
      const t = controlPointTangent(line, i, false)!;
      expect(t[0]).toBeCloseTo(Math.SQRT1_2, 9);
      expect(t[1]).toBeCloseTo(Math.SQRT1_2, 9);
    }
    const circle: Vec3[] = Array.from({ length: 12 }, (_, k) => [20 * Math.cos((k * Math.PI) / 6), 20 * Math.sin((k * Math.PI) / 6), 0]);
    for (let i = 0; i < 12; i++) {
      const t = controlPointTangent(circle, i, true)!;
      expect(Math.abs(dot(t, normalize(circle[i]!)))).toBeLessThan(1e-9);
    }
    // A repeated point shares its twin's tangent; one distinct point has none.
    const repeated: Vec3[] = [[0, 0, 0], [0, 0, 5], [0, 0, 5], [0, 0, 10]];
    expect(controlPointTangent(repeated, 2, false)![2]).toBeCloseTo(1, 9);
    expect(controlPointTangent(repeated, 3, false)![2]).toBeCloseTo(1, 9);
    expect(controlPointTangent([[1, 2, 3]], 0, false)).toBeNull();
  });
});
