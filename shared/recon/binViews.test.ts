/**
 * Binning against independent truth: an analytic projection of a marker lands in the
 * same place (mm on the detector, and the projection matrix's pixel) before and after
 * binning, on detectors that do and do not divide into whole blocks, with a detector offset.
 */
import { describe, expect, it } from 'vitest';
import { projectEllipsoidsView } from '../../test/fixtures/projectEllipsoids';
import type { Vec3 } from '../math/vec3';
import { detectorCoordinates, projectionMatrix, type CArmView, type DetectorGeometry } from './cArmGeometry';
import { binnedDetector, binView } from './binViews';

const view: CArmView = { primaryDeg: 32, secondaryDeg: -11, sid: 1180, sod: 790 };
/** Left, anterior, inferior of the isocentre: its shadow stays well inside every detector below. */
const MARKER: Vec3 = [7, -9, -4];

/** Detector pixel (column, row) where the projection matrix sends an LPS point. */
function projectPoint(detector: DetectorGeometry, p: Vec3): [number, number] {
  const m = projectionMatrix(view, detector);
  const row = (k: number) => m[4 * k] * p[0] + m[4 * k + 1] * p[1] + m[4 * k + 2] * p[2] + m[4 * k + 3];
  return [row(0) / row(2), row(1) / row(2)];
}

/** Centroid of an image weighted by its values, as detector mm from the central ray. */
function centroidMm(image: Float32Array, detector: DetectorGeometry): [number, number] {
  let sum = 0;
  let sc = 0;
  let sr = 0;
  for (let r = 0; r < detector.rows; r++) {
    for (let c = 0; c < detector.columns; c++) {
      const w = image[r * detector.columns + c];
      sum += w;
      sc += w * c;
      sr += w * r;
    }
  }
  // detectorCoordinates is affine in (column, row): the centroid's coordinates are the mean's.
  return detectorCoordinates(detector, sc / sum, sr / sum);
}

describe('binnedDetector and binView', () => {
  const detectors: [string, DetectorGeometry][] = [
    ['even, centred', { columns: 120, rows: 96, pixelMm: [0.6, 0.6] }],
    ['odd, with an offset', { columns: 101, rows: 77, pixelMm: [0.62, 0.71], offsetMm: [3.1, -2.3] }],
  ];
  for (const [name, detector] of detectors) {
    for (const factor of [2, 3]) {
      it(`keeps a projected marker in place: ${name}, ${factor}×${factor}`, () => {
        const marker = [{ centre: MARKER, semiAxes: [3, 3, 3] as Vec3, mu: 0.04 }];
        const full = projectEllipsoidsView(view, detector, marker);
        const binned = binnedDetector(detector, factor);
        expect([binned.columns, binned.rows]).toEqual([Math.floor(detector.columns / factor), Math.floor(detector.rows / factor)]);
        expect(binned.pixelMm).toEqual([detector.pixelMm[0] * factor, detector.pixelMm[1] * factor]);
        const image = binView(full, detector.columns, detector.rows, factor);

        // The marker's shadow has the same centroid in mm, to the sub-pixel sampling error of
        // a 3 mm disc (a centring error would be half an original pixel, 0.3 mm or more).
        const [fu, fv] = centroidMm(full, detector);
        const [bu, bv] = centroidMm(image, binned);
        expect(Math.hypot(bu - fu, bv - fv)).toBeLessThan(0.03);

        // The backprojector's matrix sends the marker centre to the same physical spot:
        // binned pixel index = (original index − (N − 1)/2) / N.
        const [c, r] = projectPoint(detector, MARKER);
        const [cb, rb] = projectPoint(binned, MARKER);
        expect(cb).toBeCloseTo((c - (factor - 1) / 2) / factor, 9);
        expect(rb).toBeCloseTo((r - (factor - 1) / 2) / factor, 9);
        // And the shadow is where the matrix says (a 3 mm sphere's centroid is its centre's projection within 0.02 mm).
        const [mu, mv] = detectorCoordinates(binned, cb, rb);
        expect(Math.hypot(bu - mu, bv - mv)).toBeLessThan(0.02);
      });
    }
  }

  it('averages blocks: a linear ramp is read at the block centres, trailing partial blocks dropped', () => {
    const columns = 11;
    const rows = 7;
    const ramp = Float32Array.from({ length: columns * rows }, (_, n) => 3 * (n % columns) - 2 * Math.floor(n / columns) + 5);
    const out = binView(ramp, columns, rows, 3);
    expect(out).toHaveLength(3 * 2);
    for (let r = 0; r < 2; r++) for (let c = 0; c < 3; c++) expect(out[r * 3 + c]).toBeCloseTo(3 * (3 * c + 1) - 2 * (3 * r + 1) + 5, 5);
  });

  it('is the identity at 1×1 and refuses a factor that is not a whole number within the detector', () => {
    const detector: DetectorGeometry = { columns: 5, rows: 4, pixelMm: [1, 1] };
    expect(binnedDetector(detector, 1)).toEqual(detector);
    const values = Float32Array.from({ length: 20 }, (_, n) => n * n);
    expect(binView(values, 5, 4, 1)).toEqual(values);
    expect(() => binnedDetector(detector, 1.5)).toThrow(RangeError);
    expect(() => binnedDetector(detector, 5)).toThrow(RangeError);
  });
});
