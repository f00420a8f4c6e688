import { describe, expect, it } from 'vitest';
import { fftPlan } from './fft';

/** The DFT by its definition, sign −1 forward, +1 inverse (unnormalised). */
function dft(re: Float64Array, im: Float64Array, sign: 1 | -1): [Float64Array, Float64Array] {
  const n = re.length;
  const outRe = new Float64Array(n);
  const outIm = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    let sr = 0;
    let si = 0;
    for (let m = 0; m < n; m++) {
      const angle = (sign * 2 * Math.PI * ((k * m) % n)) / n;
      const c = Math.cos(angle);
      const s = Math.sin(angle);
      sr += re[m] * c - im[m] * s;
      si += re[m] * s + im[m] * c;
    }
    outRe[k] = sr;
    outIm[k] = si;
  }
  return [outRe, outIm];
}

function random(n: number, seed: number): Float64Array {
  let state = seed;
  return Float64Array.from({ length: n }, () => {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    return state / 2 ** 30 - 1;
  });
}

/** Largest deviation relative to the largest magnitude of the expected values. */
function relativeError(actual: Float64Array[], expected: Float64Array[]): number {
  let scale = 0;
  let error = 0;
  for (let p = 0; p < 2; p++) {
    for (let i = 0; i < expected[p].length; i++) {
      scale = Math.max(scale, Math.abs(expected[p][i]));
      error = Math.max(error, Math.abs(actual[p][i] - expected[p][i]));
    }
  }
  return error / scale;
}

describe('fftPlan', () => {
  // Even and odd powers of two: pure radix-4, and radix-4 with one radix-2 stage.
  for (const n of [2, 4, 8, 16, 32, 256, 512, 1024]) {
    it(`equals the direct DFT and its inverse on random data, n = ${n}`, () => {
      const plan = fftPlan(n);
      const re = random(n, n);
      const im = random(n, n + 7);
      const [dftRe, dftIm] = dft(re, im, -1);
      const fRe = re.slice();
      const fIm = im.slice();
      plan.forward(fRe, fIm);
      expect(relativeError([fRe, fIm], [dftRe, dftIm])).toBeLessThan(1e-12);

      // Bit-reversed passes: bin k at bitReversed[k], and back to the input.
      const bRe = re.slice();
      const bIm = im.slice();
      plan.forwardToBitReversed(bRe, bIm);
      const unRe = Float64Array.from({ length: n }, (_, k) => bRe[plan.bitReversed[k]]);
      const unIm = Float64Array.from({ length: n }, (_, k) => bIm[plan.bitReversed[k]]);
      expect(relativeError([unRe, unIm], [dftRe, dftIm])).toBeLessThan(1e-12);
      plan.inverseFromBitReversed(bRe, bIm);
      const [backRe, backIm] = dft(dftRe, dftIm, 1);
      expect(relativeError([bRe, bIm], [backRe, backIm])).toBeLessThan(1e-12);

      plan.inverse(fRe, fIm);
      expect(relativeError([fRe, fIm], [re, im])).toBeLessThan(1e-12);
    });
  }

  for (const n of [2, 4, 8, 64, 128, 1024]) {
    it(`convolves circularly with a spectrum in bit-reversed order, n = ${n}`, () => {
      const plan = fftPlan(n);
      const re = random(n, 3 * n);
      const im = random(n, 3 * n + 1);
      const kernelRe = random(n, 5 * n);
      const kernelIm = random(n, 5 * n + 1);
      // A real spectrum is the DFT of a Hermitian kernel: g[m] = conj(g[−m]).
      for (let m = 1; m < n; m++) {
        kernelRe[n - m] = kernelRe[m];
        kernelIm[n - m] = -kernelIm[m];
      }
      kernelIm[0] = 0;
      kernelIm[n / 2] = 0;
      const [spectrumRe] = dft(kernelRe, kernelIm, -1);
      const spectrum = new Float64Array(n);
      for (let k = 0; k < n; k++) spectrum[plan.bitReversed[k]] = spectrumRe[k];
      const outRe = re.slice();
      const outIm = im.slice();
      plan.convolve(outRe, outIm, spectrum);
      // Unnormalised: n × the circular convolution.
      const directRe = new Float64Array(n);
      const directIm = new Float64Array(n);
      for (let j = 0; j < n; j++) {
        for (let m = 0; m < n; m++) {
          const g = (j - m + n) % n;
          directRe[j] += n * (re[m] * kernelRe[g] - im[m] * kernelIm[g]);
          directIm[j] += n * (re[m] * kernelIm[g] + im[m] * kernelRe[g]);
        }
      }
      expect(relativeError([outRe, outIm], [directRe, directIm])).toBeLessThan(1e-12);
    });
  }

  it('refuses sizes that are not powers of two', () => {
    expect(() => fftPlan(12)).toThrow(RangeError);
    expect(() => fftPlan(1)).toThrow(RangeError);
  });
});
