import { describe, expect, it } from 'vitest';
import { defaultPhantom, seededRandom } from '../../test/fixtures/phantom';
import { projectEllipsoids } from '../../test/fixtures/projectEllipsoids';
import { estimateI0, toLineIntegrals } from './lineIntegrals';

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
