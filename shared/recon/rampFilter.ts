/**
 * The ramp filter of filtered backprojection, applied row by row along the detector's
 * u axis by FFT convolution.
 *
 * The kernel is the band-limited ramp of Kak & Slaney (ch. 3, eq. 61), sampled at the
 * pixel pitch τ: h(0) = 1/(4τ²), h(n) = −1/(n²π²τ²) for odd n, 0 for even n ≠ 0.
 * Its DFT (not a sampled |f|) is used as the frequency response, so the discrete
 * convolution has no DC offset, the classic cupping source of a sampled ramp.
 */
import { fftPlan } from './fft';

export type RampWindow = 'ramlak' | 'shepp-logan' | 'cosine' | 'hamming' | 'hann';

export const RAMP_WINDOWS: readonly RampWindow[] = ['ramlak', 'shepp-logan', 'cosine', 'hamming', 'hann'];

/**
 * Apodisation of the ramp at ν = frequency / (cutoff · Nyquist), 0 ≤ ν ≤ 1; 0 above the
 * cut-off. Ram-Lak 1; Shepp-Logan sinc(ν/2) = sin(πν/2)/(πν/2); cosine cos(πν/2);
 * Hamming 0.54 + 0.46·cos(πν); Hann 0.5 + 0.5·cos(πν).
 */
export function rampWindow(window: RampWindow, nu: number): number {
  if (nu > 1) return 0;
  switch (window) {
    case 'ramlak':
      return 1;
    case 'shepp-logan':
      return nu === 0 ? 1 : Math.sin((Math.PI * nu) / 2) / ((Math.PI * nu) / 2);
    case 'cosine':
      return Math.cos((Math.PI * nu) / 2);
    case 'hamming':
      return 0.54 + 0.46 * Math.cos(Math.PI * nu);
    case 'hann':
      return 0.5 + 0.5 * Math.cos(Math.PI * nu);
  }
}

/**
 * Frequency response of the discrete ramp convolution for an FFT of `length` (a power of
 * two): H[k] = DFT of τ·h(n), n = −length/2 … length/2 − 1, times the window, for
 * bins k = 0 … length − 1 (real and symmetric, H[k] = H[length − k]). The factor τ makes
 * the sum a quadrature of the convolution integral, so H is in mm⁻¹ and approaches
 * |f| (cycles/mm) below the cut-off. `cutoff` is a fraction of the Nyquist frequency, (0, 1].
 */
export function rampKernel(length: number, pixelMm: number, window: RampWindow, cutoff = 1): Float32Array {
  if (!Number.isInteger(Math.log2(length)) || length < 4) throw new RangeError(`ramp kernel length ${length} is not a power of two ≥ 4`);
  if (!(cutoff > 0 && cutoff <= 1)) throw new RangeError(`ramp cut-off ${cutoff} is outside (0, 1]`);
  const re = new Float64Array(length);
  const im = new Float64Array(length);
  re[0] = 1 / (4 * pixelMm);
  for (let n = 1; n < length / 2; n += 2) {
    const value = -1 / (n * n * Math.PI * Math.PI * pixelMm);
    re[n] = value;
    re[length - n] = value;
  }
  fftPlan(length).forward(re, im);
  const out = new Float32Array(length);
  for (let k = 0; k < length; k++) {
    const f = Math.min(k, length - k) / length; // cycles per sample, 0 … 0.5
    out[k] = re[k] * rampWindow(window, f / (0.5 * cutoff));
  }
  return out;
}

/**
 * FFT length and taper width for rows of `columns` samples. A truncated projection
 * (the patient wider than the detector) would otherwise jump to zero at the edge and
 * the ramp would turn that step into a bright rim; the row is extended on both sides by
 * its edge value faded out with a cos² over `taper` samples. An untruncated row ends in
 * air (≈ 0), so the extension adds nothing there. The FFT is long enough that the
 * circular convolution never wraps onto the row.
 */
export function rampPadding(columns: number): { length: number; taper: number } {
  const taper = Math.ceil(columns / 4);
  return { length: 2 ** Math.ceil(Math.log2(2 * (columns + taper))), taper };
}

/** The cos² fade of rampPadding's extension: weight k of 0 … taper (1 at the edge, → 0 at the end). */
export function taperWeights(taper: number): Float64Array {
  return Float64Array.from({ length: taper + 1 }, (_, k) => Math.cos((Math.PI * k) / (2 * (taper + 1))) ** 2);
}

/**
 * Convolves each of `rows` rows of `columns` samples in `input` with the ramp whose
 * frequency response is `response` (from rampKernel with rampPadding's length), with
 * the edge-taper truncation correction, into `out` (may be `input`).
 */
export function rampFilterRows(input: Float32Array, columns: number, rows: number, response: Float32Array, out: Float32Array): void {
  const length = response.length;
  const { taper } = rampPadding(columns);
  if (length < 2 * (columns + taper)) throw new RangeError(`ramp response of ${length} bins is too short for rows of ${columns}`);
  const plan = fftPlan(length);
  const fade = taperWeights(taper);
  // The spectrum stays in bit-reversed order between the passes; the response follows
  // it, with the inverse's 1/length folded in.
  const scaled = new Float64Array(length);
  for (let k = 0; k < length; k++) scaled[plan.bitReversed[k]] = response[k] / length;
  const re = new Float64Array(length);
  const im = new Float64Array(length);
  const load = (target: Float64Array, row: number) => {
    if (row >= rows) {
      target.fill(0);
      return;
    }
    const base = row * columns;
    target.set(input.subarray(base, base + columns));
    // Left extension sits at the end of the circular buffer (negative indices).
    const left = input[base];
    const right = input[base + columns - 1];
    for (let k = 1; k <= taper; k++) {
      target[length - k] = left * fade[k];
      target[columns - 1 + k] = right * fade[k];
    }
    target.fill(0, columns + taper, length - taper);
  };
  // Two real rows ride in one complex FFT: the response is real and even, so the real
  // and imaginary parts stay separate through the product.
  for (let row = 0; row < rows; row += 2) {
    load(re, row);
    load(im, row + 1);
    plan.convolve(re, im, scaled);
    const base = row * columns;
    out.set(re.subarray(0, columns), base);
    if (row + 1 < rows) out.set(im.subarray(0, columns), base + columns);
  }
}
