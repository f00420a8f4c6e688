import { describe, expect, it } from 'vitest';
import { defaultPhantom, seededRandom } from '../../test/fixtures/phantom';
import { projectEllipsoids } from '../../test/fixtures/projectEllipsoids';
import { estimateI0, flatFieldCorrect, toLineIntegrals } from './lineIntegrals';

describe('toLineIntegrals', () => {
  it('inverts Beer–Lambert and caps what no photon reached', () => {
    const i0 = 40000;
    const truth = [0, 0.1, 1, 3.7, 9];
    const intensities = Float32Array.from(truth, (p) => i0 * Math.exp(-p));
    const out = toLineIntegrals(intensities, i0);
    truth.forEach((p, n) => expect(out[n]).toBeCloseTo(p, 5));
    const clamped = toLineIntegrals(Uint16Array.from([0, 1]), i0);
    expect(clamped[0]).toBeCloseTo(Math.log(1e6), 5);
    expect(clamped[1]).toBeCloseTo(Math.log(i0), 5);
  });
});

describe('estimateI0', () => {
  /** A LIN spin of the default phantom with Poisson-like noise (Gaussian, σ = √I). */
  function noisyRun(i0: number, views: number, columns: number, rows: number): Uint16Array {
    const random = seededRandom(7);
    const gauss = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
    const out = new Uint16Array(views * columns * rows);
    for (let v = 0; v < views; v++) {
      const integrals = projectEllipsoids({ primaryDeg: -100 + v * 25, secondaryDeg: 0, sid: 1200, sod: 800, detector: [columns, rows], pixelMm: [1.2, 1.2] }, defaultPhantom());
      integrals.forEach((p, n) => {
        const mean = i0 * Math.exp(-p);
        out[v * columns * rows + n] = Math.max(0, Math.min(65535, Math.round(mean + Math.sqrt(mean) * gauss())));
      });
    }
    return out;
  }

  it('finds the air intensity of a noisy spin within 0.5%, despite hot pixels and a covered border', () => {
    const [columns, rows] = [160, 128];
    const i0 = 50000;
    const run = noisyRun(i0, 9, columns, rows);
    // A hot column and a frame whose borders the patient covers entirely.
    for (let n = 0; n < 9 * rows; n++) run[n * columns + 3] = 65535;
    run.fill(8000, 4 * columns * rows, 5 * columns * rows);
    expect(Math.abs(estimateI0(run, columns, rows) / i0 - 1)).toBeLessThan(0.005);
    // One frame on its own, as floats.
    const frame = Float32Array.from(run.subarray(0, columns * rows));
    expect(Math.abs(estimateI0(frame, columns, rows) / i0 - 1)).toBeLessThan(0.005);
  });
});

describe('flatFieldCorrect', () => {
  const [columns, rows] = [96, 80];
  const truth = projectEllipsoids({ primaryDeg: 25, secondaryDeg: 5, sid: 1200, sod: 800, detector: [columns, rows], pixelMm: [1.2, 1.2] }, defaultPhantom());
  // A detector with an analytic offset and gain pattern: a sloped offset and a gain that
  // falls towards the corners (heel effect and vignetting) with a striped panel seam.
  const offset = Float32Array.from({ length: columns * rows }, (_, n) => 300 + 2 * (n % columns) + 150 * Math.sin(Math.floor(n / columns) / 9));
  const gain = Float32Array.from({ length: columns * rows }, (_, n) => {
    const u = (n % columns) / columns - 0.5;
    const v = Math.floor(n / columns) / rows - 0.5;
    return (1 - 0.6 * (u * u + v * v)) * ((n % columns) < columns / 2 ? 1 : 0.85);
  });
  const i0 = 40000;
  const measured = Float32Array.from(truth, (p, n) => offset[n] + gain[n] * i0 * Math.exp(-p));
  const dark = offset;
  const flatAt = (exposure: number) => Float32Array.from(gain, (g, n) => offset[n] + g * exposure);
  const maxError = (integrals: Float32Array) => integrals.reduce((worst, p, n) => Math.max(worst, Math.abs(p - truth[n])), 0);

  it('recovers the true line integrals, −ln((I − dark)/(flat − dark)), under an analytic gain and offset', () => {
    const corrected = toLineIntegrals(flatFieldCorrect(measured, columns, rows, { dark, flat: flatAt(i0) }), 1);
    expect(maxError(corrected)).toBeLessThan(1e-4);
    // Without the correction the same views are off by the gain's logarithm, up to ~0.3.
    expect(maxError(toLineIntegrals(measured, estimateI0(measured, columns, rows)))).toBeGreaterThan(0.2);
  });

  it('with a flat taken at another exposure, the air level of the corrected views absorbs the ratio', () => {
    const ratio = flatFieldCorrect(measured, columns, rows, { dark, flat: flatAt(2.5 * i0) });
    const air = estimateI0(ratio, columns, rows);
    expect(air).toBeCloseTo(1 / 2.5, 4);
    expect(maxError(toLineIntegrals(ratio, air))).toBeLessThan(1e-3);
  });

  it('removes the offset alone when only a dark image is given, and works in place', () => {
    const copy = measured.slice();
    const darkOnly = flatFieldCorrect(copy, columns, rows, { dark }, copy);
    expect(darkOnly).toBe(copy);
    darkOnly.forEach((value, n) => expect(value).toBeCloseTo(gain[n] * i0 * Math.exp(-truth[n]), 1));
  });

  it('fills dead pixels (flat ≤ dark) from their row neighbour instead of dividing by zero', () => {
    const flat = flatAt(i0);
    const row = 40 * columns;
    for (const c of [0, 1, 50]) flat[row + c] = dark[row + c];
    const corrected = flatFieldCorrect(measured, columns, rows, { dark, flat });
    expect(corrected.every(Number.isFinite)).toBe(true);
    expect(corrected[row]).toBe(corrected[row + 2]);
    expect(corrected[row + 1]).toBe(corrected[row + 2]);
    expect(corrected[row + 50]).toBe(corrected[row + 49]);
    expect(() => flatFieldCorrect(measured, columns, rows, { dark: new Float32Array(10) })).toThrow(RangeError);
  });
});
