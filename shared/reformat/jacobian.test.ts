import { describe, expect, it } from 'vitest';
import { helixFrames, helixPoint } from '../curve/curveTestGeometry';
import { cross } from '../math/vec3';
import { foldReport, frameCurvatures, jacobianMap } from './jacobian';
import type { SliceFrame } from './straightenedFrames';

/**
 * A circle of radius R in the axial plane, counter-clockwise from (R, 0, 0): its rotation-minimising
 * frame keeps N pointing at the centre and B = T × N = +z, so k1 = 1/R, k2 = 0.
 */
function circleFrames(R: number, step: number, count: number): SliceFrame[] {
  return Array.from({ length: count }, (_, k) => {
    const s = k * step;
    const a = s / R;
    return { point: [R * Math.cos(a), R * Math.sin(a), 0], tangent: [-Math.sin(a), Math.cos(a), 0], normal: [-Math.cos(a), -Math.sin(a), 0], binormal: [0, 0, 1], arcLength: s };
  });
}

describe('frameCurvatures', () => {
  it('gives k1² + k2² = 1/R² on a circle (1e-3 relative), with the curvature along the inward normal', () => {
    for (const [R, step] of [[10, 0.5], [60, 1], [200, 2.5]] as const) {
      const { k1, k2 } = frameCurvatures(circleFrames(R, step, 40));
      for (let k = 0; k < 40; k++) {
        expect(Math.abs((k1[k]! ** 2 + k2[k]! ** 2) * R * R - 1)).toBeLessThan(1e-3);
        expect(k1[k]).toBeGreaterThan(0);
      }
    }
  });

  it('gives the helix curvature r/(r² + c²) with its analytic rotation-minimising frame', () => {
    const h = { r: 20, c: 6 };
    const w = Math.hypot(h.r, h.c);
    const frames = Array.from({ length: 60 }, (_, k): SliceFrame => {
      const t = (0.5 * k) / w;
      const { tangent, rmfNormal } = helixFrames(h, t);
      return { point: helixPoint(h, t), tangent, normal: rmfNormal, binormal: cross(tangent, rmfNormal), arcLength: 0.5 * k };
    });
    const { k1, k2 } = frameCurvatures(frames);
    const kappa = h.r / (h.r ** 2 + h.c ** 2);
    for (let k = 1; k < 59; k++) expect(Math.abs(Math.hypot(k1[k]!, k2[k]!) / kappa - 1)).toBeLessThan(1e-3);
    // The RMF normal turns against the Frenet normal, so both components appear.
    expect(Math.max(...Array.from(k2, Math.abs))).toBeGreaterThan(0.1 * kappa);
  });
});

describe('jacobianMap', () => {
  it('is 1 − u/R on a circle: exactly 0 at distance R on the inner side, 2 at R on the outer side', () => {
    const R = 10;
    const frames = circleFrames(R, 0.5, 20);
    const columns = 41; // u = (i − 20)·0.5 mm: i = 40 is 10 mm towards the centre
    const rows = 5;
    const J = jacobianMap(frames, [columns, rows], 0.5);
    expect(J.length).toBe(columns * rows * 20);
    for (let k = 0; k < 20; k++) {
      for (let j = 0; j < rows; j++) {
        const at = (i: number): number => J[i + columns * (j + rows * k)]!;
        expect(Math.abs(at(40))).toBeLessThan(1e-6);
        expect(at(0)).toBeCloseTo(2, 6);
        expect(at(30)).toBeCloseTo(0.5, 6);
        expect(at(20)).toBeCloseTo(1, 6);
      }
    }
  });

  it('is 1 everywhere on a straight path', () => {
    const frames = Array.from({ length: 10 }, (_, k): SliceFrame => ({ point: [1, 2, 3 + k], tangent: [0, 0, 1], normal: [1, 0, 0], binormal: [0, 1, 0], arcLength: k }));
    const J = jacobianMap(frames, [33, 17], [0.7, 0.7]);
    expect(J.every((x) => x === 1)).toBe(true);
  });
});

describe('foldReport', () => {
  it('finds the fold of 40 mm wide slices on a 10 mm radius bend', () => {
    const frames = circleFrames(10, 0.5, 60);
    const size: [number, number] = [81, 81]; // 40 mm at 0.5 mm
    const report = foldReport(jacobianMap(frames, size, 0.5), frames, size);
    expect(report.totalVoxels).toBe(81 * 81 * 60);
    expect(report.regions).toHaveLength(1);
    expect(report.regions[0]).toMatchObject({ firstSlice: 0, lastSlice: 59, arcStart: 0, arcEnd: 29.5 });
    expect(report.regions[0]!.minRadiusMm).toBeCloseTo(10, 3);
    // Columns with u > 10 mm (i > 60) fold, every row and slice; column 60 (J = 0 up to round-off) may count.
    expect(report.foldedVoxels).toBeGreaterThanOrEqual(20 * 81 * 60);
    expect(report.foldedVoxels).toBeLessThanOrEqual(21 * 81 * 60);
  });

  it('finds none on a gentle 200 mm bend with the same slices, and separates two bends', () => {
    const size: [number, number] = [81, 81];
    const gentle = circleFrames(200, 0.5, 60);
    expect(foldReport(jacobianMap(gentle, size, 0.5), gentle, size)).toEqual({ foldedVoxels: 0, totalVoxels: 81 * 81 * 60, regions: [] });

    // Straight, tight quarter-bend (R = 10), straight, tight again: two regions.
    const frames: SliceFrame[] = [];
    const bend = circleFrames(10, 0.5, 32);
    const straight = (from: SliceFrame, count: number): SliceFrame[] =>
      Array.from({ length: count }, (_, k) => ({ ...from, point: [0, 1, 2].map((a) => from.point[a]! + from.tangent[a]! * 0.5 * (k + 1)) as [number, number, number], arcLength: from.arcLength + 0.5 * (k + 1) }));
    frames.push(...straight({ ...bend[0]!, point: [10, -10, 0], arcLength: -10.5 }, 20));
    frames.push(...bend.slice(1));
    frames.push(...straight(bend[31]!, 20));
    const J = jacobianMap(frames, size, 0.5);
    const report = foldReport(J, frames, size);
    expect(report.regions).toHaveLength(1);
    expect(report.regions[0]!.minRadiusMm).toBeCloseTo(10, 3);
  });
});
