import { arcSamples, transformsOf } from './reformatTestGeometry';
import { describe, expect, it } from 'vitest';
import { helixFrames, helixPoint } from '../curve/curveTestGeometry';
import type { PathSample } from '../curve/PathSample';
import { fromAxes, transformPoint } from '../math/mat4';
import { cross, type Vec3 } from '../math/vec3';
import { jacobianMap } from './jacobian';
import { createStraightenedInverse, mapBack } from './mapBack';
import { slicesToFrames } from './straightenedFrames';


function helixSamples(step: number, count: number): PathSample[] {
  const h = { r: 40, c: 10 };
  const w = Math.hypot(h.r, h.c);
  return Array.from({ length: count }, (_, k) => {
    const t = (step * k) / w;
    const { tangent, rmfNormal } = helixFrames(h, t);
    return { point: helixPoint(h, t), tangent, normal: rmfNormal, binormal: cross(tangent, rmfNormal), arcLength: step * k };
  });
}

describe('createStraightenedInverse', () => {
  it('recovers (u, v, s) of forward-mapped straightened voxels with J > 0.05 within 0.01 mm (helix)', () => {
    const columns = 56;
    const rows = 48;
    const spacing = 1.2; // half-diagonal 43.8 mm, past the 42.5 mm radius of curvature: some voxels fold
    const step = 1;
    // 80 mm of helix, 1.37 rad round its axis: no other stretch of the path comes nearer than a voxel's own slice.
    const t = transformsOf(helixSamples(step, 81), columns, rows, spacing, step);
    const frames = slicesToFrames(t);
    const J = jacobianMap(frames, [columns, rows], spacing);
    const inverse = createStraightenedInverse(t);
    let worst = 0;
    let checked = 0;
    let skipped = 0;
    for (let k = 0; k < frames.length; k += 3) {
      for (let j = 0; j < rows; j += 2) {
        for (let i = 0; i < columns; i += 2) {
          if (J[i + columns * (j + rows * k)]! <= 0.05) {
            skipped++;
            continue;
          }
          const p = transformPoint(t.slices[k]!.sliceToWorld, [i, j, 0]);
          const at = inverse(p);
          expect(at).toBeDefined();
          const u = (i - (columns - 1) / 2) * spacing;
          const v = (j - (rows - 1) / 2) * spacing;
          worst = Math.max(worst, Math.abs(at!.u - u), Math.abs(at!.v - v), Math.abs(at!.s - k * step));
          expect(at!.covered).toBe(true);
          expect(Math.round(at!.ijk[0]) + 0).toBe(i); // + 0: no −0
          checked++;
        }
      }
    }
    console.log(`round trip: ${checked} voxels, ${skipped} skipped (J ≤ 0.05), max |Δ(u, v, s)| = ${worst.toExponential(2)} mm`);
    expect(skipped).toBeGreaterThan(0);
    expect(worst).toBeLessThan(0.01);
  });

  it('recovers points between slices on an arc: s from the angle, u, v from the radial offset', () => {
    const R = 60;
    const t = transformsOf(arcSamples(R, 2, 90), 41, 41, 0.5, 2);
    const inverse = createStraightenedInverse(t);
    let worst = 0;
    for (const [a, u, v] of [[0.31, 3, -4], [0.77, -9.5, 2], [1.2, 7, 7]] as const) {
      const at = inverse([(R - u) * Math.cos(a), (R - u) * Math.sin(a), v])!;
      // Linear interpolation between slices 2 mm apart: the chord sags R(1 − cos(θ/2)) ≈ 8 µm.
      worst = Math.max(worst, Math.abs(at.s - R * a), Math.abs(at.u - u), Math.abs(at.v - v));
    }
    expect(worst).toBeLessThan(0.05);
    // Beyond the end planes: not covered.
    expect(inverse([R, -1, 0])).toBeUndefined();
    expect(inverse([-1, R, 0])).toBeUndefined();
  });
});

/** Quarter circle R = 60 mm with a tube of radius 8 mm drawn in straightened space, and a reference grid around it. */
function tubeCase(voxel: number) {
  const R = 60;
  const r = 8;
  const columns = 41;
  const rows = 41;
  const spacing = 0.5;
  const step = 0.5;
  const t = transformsOf(arcSamples(R, step, (R * Math.PI) / 2), columns, rows, spacing, step);
  const n = t.slices.length;
  const labels = new Int16Array(columns * rows * n);
  for (let k = 0; k < n; k++) {
    for (let j = 0; j < rows; j++) {
      for (let i = 0; i < columns; i++) {
        const u = (i - (columns - 1) / 2) * spacing;
        const v = (j - (rows - 1) / 2) * spacing;
        if (u * u + v * v < r * r) labels[i + columns * (j + rows * k)] = 7;
      }
    }
  }
  // Slightly rotated reference grid (about z by 10°) with an off-grid origin.
  const c = Math.cos(0.1745);
  const s = Math.sin(0.1745);
  const ijkToLps = fromAxes([voxel * c, voxel * s, 0], [-voxel * s, voxel * c, 0], [0, 0, voxel], [-5.3, -16.1, -10.2]);
  const dims: [number, number, number] = [Math.ceil(95 / voxel), Math.ceil(90 / voxel), Math.ceil(21 / voxel)];
  return { R, r, t, labels, reference: { dimensions: dims, ijkToLps } };
}

describe('mapBack', () => {
  it('maps a tube drawn in straightened space back onto the analytic tube (Dice ≥ 0.95), keeping the label type', () => {
    const { R, r, t, labels, reference } = tubeCase(0.75);
    const started = performance.now();
    const { voxels, report } = mapBack({ transforms: t, labels: { dimensions: [41, 41, t.slices.length], voxels: labels }, reference });
    const ms = performance.now() - started;
    expect(voxels).toBeInstanceOf(Int16Array);
    const [ni, nj, nk] = reference.dimensions;
    let truth = 0;
    let both = 0;
    let mapped = 0;
    for (let k = 0; k < nk; k++) {
      for (let j = 0; j < nj; j++) {
        for (let i = 0; i < ni; i++) {
          const p = transformPoint(reference.ijkToLps, [i, j, k]);
          const phi = Math.atan2(p[1], p[0]);
          const inside = phi >= 0 && phi <= Math.PI / 2 && Math.hypot(Math.hypot(p[0], p[1]) - R, p[2]) < r;
          const label = voxels[i + ni * (j + nj * k)]!;
          if (label !== 0) {
            expect(label).toBe(7);
            mapped++;
          }
          if (inside) truth++;
          if (inside && label !== 0) both++;
        }
      }
    }
    const dice = (2 * both) / (truth + mapped);
    console.log(`tube: Dice ${dice.toFixed(4)} (${mapped} mapped, ${truth} analytic) in ${ms.toFixed(0)} ms; report ${JSON.stringify(report)}`);
    expect(dice).toBeGreaterThanOrEqual(0.95);
    expect(report.labelled).toBe(mapped);
    expect(report.folded).toBe(0);
    expect(report.referenceVoxels).toBe(ni * nj * nk);
    // Covered = within the 20.5 mm square cross-section between the end planes.
    expect(report.covered).toBeGreaterThan(mapped);
  });

  it('gives every voxel the same answer as the exhaustive per-point inverse', () => {
    const { t, labels, reference } = tubeCase(1.5);
    const { voxels, report } = mapBack({ transforms: t, labels: { dimensions: [41, 41, t.slices.length], voxels: labels }, reference });
    const inverse = createStraightenedInverse(t);
    const [ni, nj, nk] = reference.dimensions;
    let covered = 0;
    let mismatches = 0;
    for (let k = 0; k < nk; k++) {
      for (let j = 0; j < nj; j++) {
        for (let i = 0; i < ni; i++) {
          const at = inverse(transformPoint(reference.ijkToLps, [i, j, k]));
          let expected = 0;
          if (at?.covered) {
            covered++;
            const [a, b, c] = at.ijk.map(Math.round) as Vec3;
            expected = labels[a + 41 * (b + 41 * c)]!;
          }
          if (voxels[i + ni * (j + nj * k)] !== expected) mismatches++;
        }
      }
    }
    expect(mismatches).toBe(0);
    expect(report.covered).toBe(covered);
  });

  it('flags folds on a 10 mm bend with 40 mm wide slices, and none on a 200 mm bend', () => {
    const run = (R: number, length: number) => {
      const t = transformsOf(arcSamples(R, 0.5, length), 81, 81, 0.5, 0.5);
      const n = t.slices.length;
      const labels = new Uint8Array(81 * 81 * n).fill(1);
      // 60 mm around the circle's centre (tight) or the arc's middle (gentle).
      const mid = R > 50 ? length / 2 / R : 0;
      const centre = [R > 50 ? R * Math.cos(mid) : 0, R > 50 ? R * Math.sin(mid) : 0];
      const reference = { dimensions: [120, 120, 50] as [number, number, number], ijkToLps: fromAxes([0.5, 0, 0], [0, 0.5, 0], [0, 0, 0.5], [centre[0]! - 30, centre[1]! - 30, -12.25]) };
      const J = jacobianMap(slicesToFrames(t), [81, 81], 0.5);
      const foldedStraightened = J.reduce((acc, x) => acc + (x < 0 ? 1 : 0), 0);
      return { ...mapBack({ transforms: t, labels: { dimensions: [81, 81, n], voxels: labels }, reference }).report, foldedStraightened };
    };
    const tight = run(10, 15 * Math.PI); // 270°: inside the circle, slices from opposite sides overlap
    expect(tight.folded).toBeGreaterThan(0);
    // A folded straightened voxel is never a closest-point answer: all of them go unmapped.
    expect(tight.foldedStraightened).toBeGreaterThan(0);
    expect(tight.unmapped).toBeGreaterThanOrEqual(tight.foldedStraightened);
    const gentle = run(200, 40);
    expect(gentle.folded).toBe(0);
    expect(gentle.covered).toBeGreaterThan(0);
    console.log(`folds: tight ${JSON.stringify(tight)}; gentle ${JSON.stringify(gentle)}`);
  });

  it('rejects labels that do not match the straightened size', () => {
    const { t, reference } = tubeCase(3);
    expect(() => mapBack({ transforms: t, labels: { dimensions: [41, 40, t.slices.length], voxels: new Uint8Array(41 * 40 * t.slices.length) }, reference })).toThrow(/41×40/);
  });
});
