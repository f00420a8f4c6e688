import { describe, expect, it } from 'vitest';
import { cross, dot, length, sub, type Vec3 } from '../math/vec3';
import { MARKER_A, MARKER_A_RADIUS, type Ellipsoid } from '../../test/fixtures/phantom';
import { projectEllipsoidsView } from '../../test/fixtures/projectEllipsoids';
import { cArmFrame, detectorPixel, geometryReport, projectionMatrix, type CArmView, type ConeBeamGeometry, type DetectorGeometry } from './cArmGeometry';

const rad = (deg: number) => (deg * Math.PI) / 180;
const view = (primaryDeg: number, secondaryDeg = 0): CArmView => ({ primaryDeg, secondaryDeg, sid: 1200, sod: 800 });
const detector: DetectorGeometry = { columns: 96, rows: 80, pixelMm: [1.5, 1.25], offsetMm: [6, -4] };

function project(p: number[], point: Vec3): [number, number, number] {
  const h = [0, 1, 2].map((r) => p[4 * r] * point[0] + p[4 * r + 1] * point[1] + p[4 * r + 2] * point[2] + p[4 * r + 3]);
  return [h[0] / h[2], h[1] / h[2], h[2]];
}

describe('cArmFrame', () => {
  it('follows the convention written from its formulas', () => {
    for (const [a, b] of [[0, 0], [90, 0], [-35, 20], [160, -30]]) {
      const { d, u, v, source, detectorCentre } = cArmFrame(view(a, b));
      const expectedD = [Math.sin(rad(a)) * Math.cos(rad(b)), -Math.cos(rad(a)) * Math.cos(rad(b)), Math.sin(rad(b))];
      d.forEach((x, k) => expect(x).toBeCloseTo(expectedD[k], 12));
      [Math.cos(rad(a)), Math.sin(rad(a)), 0].forEach((x, k) => expect(u[k]).toBeCloseTo(x, 12));
      cross(u, d).forEach((x, k) => expect(v[k]).toBeCloseTo(x, 12));
      expect(length(v)).toBeCloseTo(1, 12);
      source.forEach((x, k) => expect(x).toBeCloseTo(-800 * expectedD[k], 9));
      detectorCentre.forEach((x, k) => expect(x).toBeCloseTo(400 * expectedD[k], 9));
    }
    const ap = cArmFrame(view(0));
    expect(ap.v.map((x) => x + 0)).toEqual([0, 0, -1]); // rows run to the feet
    expect(ap.source[1]).toBeGreaterThan(0); // AP: source posterior, detector anterior
  });
});

describe('projectionMatrix', () => {
  it('sends a point to the pixel whose ray passes through it, with w its depth from the source', () => {
    const points: Vec3[] = [[0, 0, 0], [30, -20, 45], [-60, 40, -25], [12, 70, 5]];
    for (const [a, b] of [[0, 0], [37, 0], [-90, 15], [135, -25]]) {
      const v = view(a, b);
      const frame = cArmFrame(v);
      const p = projectionMatrix(v, detector);
      for (const point of points) {
        const [column, row, w] = project(p, point);
        const pixel = detectorPixel(v, detector, frame, column, row);
        const ray = sub(pixel, frame.source);
        const offRay = length(cross(sub(point, frame.source), ray)) / length(ray);
        expect(offRay).toBeLessThan(1e-9);
        expect(w).toBeCloseTo(dot(sub(point, frame.source), frame.d), 9);
      }
      // The isocentre lands on the central ray's hit point, offset from the array centre.
      const [c0, r0] = project(p, [0, 0, 0]);
      expect(c0).toBeCloseTo((detector.columns - 1) / 2 + 6 / 1.5, 9);
      expect(r0).toBeCloseTo((detector.rows - 1) / 2 - 4 / 1.25, 9);
    }
  });

  it('shows the asymmetric marker where a radiograph would: left on the right and head up at AP; anterior left at LAO 90, right at RAO 90', () => {
    const marker: Ellipsoid[] = [{ centre: MARKER_A, semiAxes: [MARKER_A_RADIUS, MARKER_A_RADIUS, MARKER_A_RADIUS], mu: 0.05 }];
    const plain: DetectorGeometry = { columns: 96, rows: 80, pixelMm: [1.5, 1.5] };
    for (const a of [0, 90, -90]) {
      const v = view(a);
      const image = projectEllipsoidsView(v, plain, marker);
      let sum = 0;
      let sc = 0;
      let sr = 0;
      image.forEach((value, n) => {
        sum += value;
        sc += value * (n % plain.columns);
        sr += value * Math.floor(n / plain.columns);
      });
      const [column, row] = project(projectionMatrix(v, plain), MARKER_A);
      // A sphere's shadow centroid sits within a small fraction of a pixel of its centre's projection.
      expect(sc / sum).toBeCloseTo(column, 0);
      expect(sr / sum).toBeCloseTo(row, 0);
      const centre = (plain.columns - 1) / 2;
      if (a === 0) expect(column).toBeGreaterThan(centre + 10); // patient left (+L) on the image right
      if (a === 90) expect(column).toBeLessThan(centre - 10); // LAO 90: anterior to the image left
      if (a === -90) expect(column).toBeGreaterThan(centre + 10); // RAO 90: anterior to the image right
      expect(row).toBeLessThan((plain.rows - 1) / 2 - 10); // superior at the top in every view
    }
  });
});

describe('geometryReport', () => {
  const spin = (frames: number, arcDeg: number, startDeg = -arcDeg / 2): ConeBeamGeometry => ({
    views: Array.from({ length: frames }, (_, f) => ({ primaryDeg: startDeg + (f * arcDeg) / (frames - 1), secondaryDeg: 0, sid: 1200, sod: 800 })),
    detector: { columns: 384, rows: 384, pixelMm: [0.6, 0.6] },
  });

  it('measures arc, step, fan and cone angles, magnification and detector size', () => {
    const report = geometryReport(spin(133, 200));
    const fan = (2 * Math.atan(115.2 / 1200) * 180) / Math.PI;
    expect(report.views).toBe(133);
    expect(report.arcDeg).toBeCloseTo(200, 9);
    expect(report.meanStepDeg).toBeCloseTo(200 / 132, 9);
    expect(report.fanAngleDeg).toBeCloseTo(fan, 9);
    expect(report.coneAngleDeg).toBeCloseTo(fan, 9);
    expect(report.magnification).toBeCloseTo(1.5, 12);
    report.detectorMm.forEach((mm) => expect(mm).toBeCloseTo(230.4, 9));
    expect(report.shortScan).toBe(true);
    expect(report.warnings).toEqual([]);
  });

  it('calls 180 views 2° apart a full scan, whichever way the C-arm turns', () => {
    const views = Array.from({ length: 180 }, (_, f) => ({ primaryDeg: -f * 2, secondaryDeg: 0, sid: 1200, sod: 600 }));
    const report = geometryReport({ views, detector: { columns: 128, rows: 128, pixelMm: [4, 4] } });
    expect(report.shortScan).toBe(false);
    expect(report.arcDeg).toBeCloseTo(358, 9);
  });

  it('warns about a short arc, a reversal, defaulted distances, an image intensifier and LOG data', () => {
    const g = spin(60, 150);
    [g.views[10], g.views[11]] = [g.views[11], g.views[10]];
    const { warnings } = geometryReport(g, { defaultedDistances: true, imageIntensifier: true, intensity: 'LOG' });
    expect(warnings).toHaveLength(5);
    expect(warnings[0]).toMatch(/150\.0°.*180° \+ the fan angle/);
    expect(warnings[1]).toMatch(/monotonic/);
    expect(warnings[2]).toMatch(/defaults/);
    expect(warnings[3]).toMatch(/image intensifier/);
    expect(warnings[4]).toMatch(/LOG/);
    expect(geometryReport(g, { intensity: 'LIN' }).warnings).toHaveLength(2);
  });
});
