import { describe, expect, it } from 'vitest';
import { RAMP_WINDOWS, rampFilterRows, rampKernel, rampPadding, type RampWindow } from './rampFilter';

/** Kak & Slaney's band-limited ramp sampled at τ (eq. 61), times τ. */
function ramLak(n: number, tau: number): number {
  if (n === 0) return 1 / (4 * tau);
  return Math.abs(n) % 2 === 1 ? -1 / (n * n * Math.PI * Math.PI * tau) : 0;
}

/** Inverse DFT of a real even response, by the definition (no FFT). */
function inverseDft(response: Float32Array, n: number): number {
  const L = response.length;
  let sum = 0;
  for (let k = 0; k < L; k++) sum += response[k] * Math.cos((2 * Math.PI * k * n) / L);
  return sum / L;
}

describe('rampKernel', () => {
  const L = 256;
  const tau = 0.8;

  it('is the DFT of the analytic Ram-Lak kernel: h(0) = 1/(4τ²), h(odd n) = −1/(n²π²τ²), 0 at even n', () => {
    const response = rampKernel(L, tau, 'ramlak');
    for (const n of [0, 1, 2, 3, 4, 5, 17, 40, 127, -1, -7, -128]) {
      expect(inverseDft(response, n)).toBeCloseTo(ramLak(n, tau), 6);
    }
    // And it is the ramp |f| in cycles/mm, up to the kernel's truncation at ±L/2.
    for (const k of [8, 32, 64, 100, 128]) expect(response[k]).toBeCloseTo(k / (L * tau), 2);
    for (let k = 1; k < L; k++) expect(response[k]).toBeCloseTo(response[L - k], 6);
  });

  it('applies each window as documented, as a fraction ν of the cut-off frequency', () => {
    const ramp = rampKernel(L, tau, 'ramlak');
    const nyquist = L / 2;
    const half = L / 4; // ν = 0.5 at full cut-off
    const ratio = (window: RampWindow, k: number, cutoff = 1) => rampKernel(L, tau, window, cutoff)[k] / ramp[k];
    expect(ratio('shepp-logan', nyquist)).toBeCloseTo(2 / Math.PI, 6);
    expect(ratio('shepp-logan', half)).toBeCloseTo(Math.sin(Math.PI / 4) / (Math.PI / 4), 6);
    expect(ratio('cosine', half)).toBeCloseTo(Math.cos(Math.PI / 4), 6);
    expect(ratio('cosine', nyquist)).toBeCloseTo(0, 6);
    expect(ratio('hamming', nyquist)).toBeCloseTo(0.08, 6);
    expect(ratio('hamming', half)).toBeCloseTo(0.54, 6);
    expect(ratio('hann', half)).toBeCloseTo(0.5, 6);
    expect(ratio('hann', nyquist)).toBeCloseTo(0, 6);
    // Cut-off 0.5: the window spans half the band and nothing passes above it.
    expect(ratio('hann', L / 8, 0.5)).toBeCloseTo(0.5, 6);
    expect(rampKernel(L, tau, 'ramlak', 0.5)[L / 4 + 1]).toBe(0);
    expect(ratio('ramlak', L / 4 - 1, 0.5)).toBeCloseTo(1, 6);
  });
});

describe('rampFilterRows', () => {
  it('equals the direct linear convolution with τ·h on rows that end in air', () => {
    const columns = 50;
    const tau = 1.3;
    const rows = 3;
    const input = new Float32Array(columns * rows);
    for (let r = 0; r < rows; r++) {
      for (let c = 8; c < columns - 8; c++) input[r * columns + c] = Math.sin(c * (0.3 + r)) + 1.5;
    }
    const response = rampKernel(rampPadding(columns).length, tau, 'ramlak');
    const out = new Float32Array(input.length);
    rampFilterRows(input, columns, rows, response, out);
    for (let r = 0; r < rows; r++) {
      for (let n = 0; n < columns; n++) {
        let direct = 0;
        for (let m = 0; m < columns; m++) direct += input[r * columns + m] * ramLak(n - m, tau);
        expect(out[r * columns + n]).toBeCloseTo(direct, 4);
      }
    }
  });

  for (const window of RAMP_WINDOWS) {
    it(`equals the direct circular convolution with the inverse DFT of the ${window} response, on truncated random rows`, () => {
      const columns = 61; // odd: two-row packing leaves a last row alone
      const rows = 5;
      const tau = 0.7;
      const { length, taper } = rampPadding(columns);
      const response = rampKernel(length, tau, window, 0.8);
      const kernel = Float64Array.from({ length }, (_, m) => inverseDft(response, m));
      let state = 17;
      const input = Float32Array.from({ length: columns * rows }, () => {
        state = (state * 1103515245 + 12345) % 2 ** 31;
        return 5 + state / 2 ** 31;
      });
      const out = new Float32Array(input.length);
      rampFilterRows(input, columns, rows, response, out);
      let peak = 0;
      let worst = 0;
      for (let r = 0; r < rows; r++) {
        // The documented extension: each edge value faded by cos²(πk / (2(taper + 1))) over k = 1 … taper, zeros beyond.
        const extended = new Float64Array(length);
        for (let c = 0; c < columns; c++) extended[c] = input[r * columns + c];
        for (let k = 1; k <= taper; k++) {
          const fade = Math.cos((Math.PI * k) / (2 * (taper + 1))) ** 2;
          extended[length - k] = input[r * columns] * fade;
          extended[columns - 1 + k] = input[r * columns + columns - 1] * fade;
        }
        for (let n = 0; n < columns; n++) {
          let direct = 0;
          for (let m = 0; m < length; m++) direct += extended[m] * kernel[(n - m + length) % length];
          peak = Math.max(peak, Math.abs(direct));
          worst = Math.max(worst, Math.abs(out[r * columns + n] - direct));
        }
      }
      expect(peak).toBeGreaterThan(0.1);
      expect(worst / peak).toBeLessThan(1e-5);
    });
  }

  it('tames the bright rim of a truncated row: the edge taper keeps a constant row near zero', () => {
    // An object wider than the detector: every sample sees the same chord. The ramp of a
    // constant is zero; zero-padding alone turns the edges into a large undershoot.
    const columns = 128;
    const input = new Float32Array(columns).fill(10);
    const response = rampKernel(rampPadding(columns).length, 1, 'ramlak');
    const out = new Float32Array(columns);
    rampFilterRows(input, columns, 1, response, out);
    let zeroPaddedEdge = 0;
    for (let m = 0; m < columns; m++) zeroPaddedEdge += 10 * ramLak(-m, 1);
    const worst = out.reduce((w, x) => Math.max(w, Math.abs(x)), 0);
    expect(Math.abs(zeroPaddedEdge)).toBeGreaterThan(1);
    expect(worst).toBeLessThan(Math.abs(zeroPaddedEdge) / 4);
  });
});
