/**
 * Complex FFT of a power-of-two size on split real/imaginary float64 arrays, in place:
 * radix-4 stages (a radix-2 one when log2 n is odd) with per-stage twiddle tables.
 *
 * The decimation-in-frequency pass leaves the spectrum in bit-reversed order and the
 * decimation-in-time pass takes it back from that order, so a convolution (forward,
 * multiply by a response permuted the same way, inverse) never reorders its data.
 */

export interface Fft {
  readonly size: number;
  /** index → its bit reversal: the bit-reversed passes keep bin k at bitReversed[k]. */
  readonly bitReversed: Uint32Array;
  /** X[k] = Σ x[n]·e^(−2πi·kn/N), natural order in, bin k left at bitReversed[k]. */
  forwardToBitReversed(re: Float64Array, im: Float64Array): void;
  /** x[n] = Σ X[k]·e^(+2πi·kn/N) without the 1/N, bin k read from bitReversed[k], natural order out. */
  inverseFromBitReversed(re: Float64Array, im: Float64Array): void;
  /** The DFT, natural order in and out. */
  forward(re: Float64Array, im: Float64Array): void;
  /** The inverse DFT with its 1/N, natural order in and out. */
  inverse(re: Float64Array, im: Float64Array): void;
  /**
   * Circular convolution in place: forward, times the real `spectrum` given in
   * bit-reversed order (bin k at bitReversed[k]), unnormalised inverse. The stages
   * around the product are fused, so the data is swept once less each way.
   */
  convolve(re: Float64Array, im: Float64Array, spectrum: Float64Array): void;
}

/** Plans by size, so each view's rows reuse the tables. */
const plans = new Map<number, Fft>();

export function fftPlan(n: number): Fft {
  let plan = plans.get(n);
  if (!plan) {
    plan = makePlan(n);
    plans.set(n, plan);
  }
  return plan;
}

function makePlan(n: number): Fft {
  const bits = Math.log2(n);
  if (!Number.isInteger(bits) || n < 2) throw new RangeError(`FFT size ${n} is not a power of two ≥ 2`);
  const bitReversed = new Uint32Array(n);
  for (let i = 0; i < n; i++) {
    let r = 0;
    for (let b = 0; b < bits; b++) r |= ((i >> b) & 1) << (bits - 1 - b);
    bitReversed[i] = r;
  }
  const oddStage = bits % 2 === 1;
  // Radix-4 quarter sizes q, largest first (the DIF order); the DIT pass runs them reversed.
  const quarters: number[] = [];
  for (let q = n / 4; q >= (oddStage ? 2 : 1); q /= 4) quarters.push(q);
  // cos and sin of 2π·k/(4q), 2π·2k/(4q), 2π·3k/(4q) for k < q, interleaved per k, per stage.
  const tables = quarters.map((q) => {
    const table = new Float64Array(6 * q);
    for (let k = 0; k < q; k++) {
      for (let m = 1; m <= 3; m++) {
        const angle = (2 * Math.PI * m * k) / (4 * q);
        table[6 * k + 2 * (m - 1)] = Math.cos(angle);
        table[6 * k + 2 * (m - 1) + 1] = Math.sin(angle);
      }
    }
    return table;
  });
  const forwardToBitReversed = (re: Float64Array, im: Float64Array) => {
    for (let s = 0; s < quarters.length; s++) difStage(re, im, n, quarters[s], tables[s]);
    if (oddStage) radix2Stage(re, im, n);
  };
  // The inverse is the forward transform with real and imaginary parts swapped:
  // swap(x) = i·conj(x), and DFT(i·conj(x)) = i·conj(IDFT_unnormalised(x)); stage by
  // stage, too, so a pass may start on data another stage left unswapped.
  const inverseFromBitReversed = (re: Float64Array, im: Float64Array) => {
    if (oddStage) radix2Stage(im, re, n);
    for (let s = quarters.length - 1; s >= 0; s--) ditStage(im, re, n, quarters[s], tables[s]);
  };
  // The stages the fused product leaves out: the size-4 (or size-2) blocks at the bottom.
  const outer = oddStage ? quarters.length : quarters.length - 1;
  const convolve = (re: Float64Array, im: Float64Array, spectrum: Float64Array) => {
    for (let s = 0; s < outer; s++) difStage(re, im, n, quarters[s], tables[s]);
    if (oddStage) radix2Product(re, im, n, spectrum);
    else radix4Product(re, im, n, spectrum);
    for (let s = outer - 1; s >= 0; s--) ditStage(im, re, n, quarters[s], tables[s]);
  };
  const permute = (re: Float64Array, im: Float64Array) => {
    for (let i = 0; i < n; i++) {
      const j = bitReversed[i];
      if (j > i) {
        let t = re[i];
        re[i] = re[j];
        re[j] = t;
        t = im[i];
        im[i] = im[j];
        im[j] = t;
      }
    }
  };
  return {
    size: n,
    bitReversed,
    forwardToBitReversed,
    inverseFromBitReversed,
    forward: (re, im) => {
      forwardToBitReversed(re, im);
      permute(re, im);
    },
    convolve,
    inverse: (re, im) => {
      permute(re, im);
      inverseFromBitReversed(re, im);
      for (let i = 0; i < n; i++) {
        re[i] /= n;
        im[i] /= n;
      }
    },
  };
}

/** Size-2 butterflies on neighbours: the last DIF stage and the first DIT stage alike. */
function radix2Stage(re: Float64Array, im: Float64Array, n: number): void {
  for (let i = 0; i < n; i += 2) {
    const ar = re[i];
    const ai = im[i];
    const br = re[i + 1];
    const bi = im[i + 1];
    re[i] = ar + br;
    im[i] = ai + bi;
    re[i + 1] = ar - br;
    im[i + 1] = ai - bi;
  }
}

/** Last DIF radix-2 stage, the product, and first DIT radix-2 stage (the inverse's butterfly is the same). */
function radix2Product(re: Float64Array, im: Float64Array, n: number, spectrum: Float64Array): void {
  for (let i = 0; i < n; i += 2) {
    const s0 = spectrum[i];
    const s1 = spectrum[i + 1];
    const z0r = (re[i] + re[i + 1]) * s0;
    const z0i = (im[i] + im[i + 1]) * s0;
    const z1r = (re[i] - re[i + 1]) * s1;
    const z1i = (im[i] - im[i + 1]) * s1;
    re[i] = z0r + z1r;
    im[i] = z0i + z1i;
    re[i + 1] = z0r - z1r;
    im[i + 1] = z0i - z1i;
  }
}

/**
 * Last DIF radix-4 stage (no twiddles at q = 1), the product, and the first stage of the
 * unnormalised inverse: bins sit at i, i+1, i+2, i+3 as 0, 2, 1, 3 of the block.
 */
function radix4Product(re: Float64Array, im: Float64Array, n: number, spectrum: Float64Array): void {
  for (let i = 0; i < n; i += 4) {
    const t0r = re[i] + re[i + 2];
    const t0i = im[i] + im[i + 2];
    const t1r = re[i] - re[i + 2];
    const t1i = im[i] - im[i + 2];
    const t2r = re[i + 1] + re[i + 3];
    const t2i = im[i + 1] + im[i + 3];
    const t3r = re[i + 1] - re[i + 3];
    const t3i = im[i + 1] - im[i + 3];
    const s0 = spectrum[i];
    const s2 = spectrum[i + 1];
    const s1 = spectrum[i + 2];
    const s3 = spectrum[i + 3];
    const x0r = (t0r + t2r) * s0;
    const x0i = (t0i + t2i) * s0;
    const x2r = (t0r - t2r) * s2;
    const x2i = (t0i - t2i) * s2;
    const x1r = (t1r + t3i) * s1; // (t1 − i·t3)·s
    const x1i = (t1i - t3r) * s1;
    const x3r = (t1r - t3i) * s3; // (t1 + i·t3)·s
    const x3i = (t1i + t3r) * s3;
    const u0r = x0r + x2r;
    const u0i = x0i + x2i;
    const u1r = x0r - x2r;
    const u1i = x0i - x2i;
    const u2r = x1r + x3r;
    const u2i = x1i + x3i;
    const u3r = x1r - x3r;
    const u3i = x1i - x3i;
    re[i] = u0r + u2r;
    im[i] = u0i + u2i;
    re[i + 2] = u0r - u2r;
    im[i + 2] = u0i - u2i;
    re[i + 1] = u1r - u3i; // u1 + i·u3
    im[i + 1] = u1i + u3r;
    re[i + 3] = u1r + u3i; // u1 − i·u3
    im[i + 3] = u1i - u3r;
  }
}

/**
 * One radix-4 decimation-in-frequency stage over blocks of 4q. Outputs go to the
 * quarters in the order 0, 2, 1, 3, which makes the final order base-2 bit-reversed.
 */
function difStage(re: Float64Array, im: Float64Array, n: number, q: number, w: Float64Array): void {
  // k outermost: each twiddle is loaded once for all the blocks; u·e^(−iθ) = (ur·c + ui·s) + i(ui·c − ur·s).
  for (let k = 0; k < q; k++) {
    const c1 = w[6 * k];
    const s1 = w[6 * k + 1];
    const c2 = w[6 * k + 2];
    const s2 = w[6 * k + 3];
    const c3 = w[6 * k + 4];
    const s3 = w[6 * k + 5];
    for (let start = 0; start < n; start += 4 * q) {
      const i0 = start + k;
      const i1 = i0 + q;
      const i2 = i1 + q;
      const i3 = i2 + q;
      const t0r = re[i0] + re[i2];
      const t0i = im[i0] + im[i2];
      const t1r = re[i0] - re[i2];
      const t1i = im[i0] - im[i2];
      const t2r = re[i1] + re[i3];
      const t2i = im[i1] + im[i3];
      const t3r = re[i1] - re[i3];
      const t3i = im[i1] - im[i3];
      re[i0] = t0r + t2r;
      im[i0] = t0i + t2i;
      const u2r = t0r - t2r;
      const u2i = t0i - t2i;
      re[i1] = u2r * c2 + u2i * s2;
      im[i1] = u2i * c2 - u2r * s2;
      const u1r = t1r + t3i; // t1 − i·t3
      const u1i = t1i - t3r;
      re[i2] = u1r * c1 + u1i * s1;
      im[i2] = u1i * c1 - u1r * s1;
      const u3r = t1r - t3i; // t1 + i·t3
      const u3i = t1i + t3r;
      re[i3] = u3r * c3 + u3i * s3;
      im[i3] = u3i * c3 - u3r * s3;
    }
  }
}

/**
 * One radix-4 decimation-in-time stage: combines four transforms of size q, laid out
 * in bit-reversed quarter order (0, 2, 1, 3), into one of size 4q in natural order.
 */
function ditStage(re: Float64Array, im: Float64Array, n: number, q: number, w: Float64Array): void {
  // k outermost, as in difStage.
  for (let k = 0; k < q; k++) {
    const c1 = w[6 * k];
    const s1 = w[6 * k + 1];
    const c2 = w[6 * k + 2];
    const s2 = w[6 * k + 3];
    const c3 = w[6 * k + 4];
    const s3 = w[6 * k + 5];
    for (let start = 0; start < n; start += 4 * q) {
      const i0 = start + k;
      const i1 = i0 + q;
      const i2 = i1 + q;
      const i3 = i2 + q;
      const a0r = re[i0];
      const a0i = im[i0];
      // a·e^(−iθ) = (ar·c + ai·s) + i(ai·c − ar·s)
      const a1r = re[i2] * c1 + im[i2] * s1;
      const a1i = im[i2] * c1 - re[i2] * s1;
      const a2r = re[i1] * c2 + im[i1] * s2;
      const a2i = im[i1] * c2 - re[i1] * s2;
      const a3r = re[i3] * c3 + im[i3] * s3;
      const a3i = im[i3] * c3 - re[i3] * s3;
      const t0r = a0r + a2r;
      const t0i = a0i + a2i;
      const t1r = a0r - a2r;
      const t1i = a0i - a2i;
      const t2r = a1r + a3r;
      const t2i = a1i + a3i;
      const t3r = a1r - a3r;
      const t3i = a1i - a3i;
      re[i0] = t0r + t2r;
      im[i0] = t0i + t2i;
      re[i2] = t0r - t2r;
      im[i2] = t0i - t2i;
      re[i1] = t1r + t3i; // t1 − i·t3
      im[i1] = t1i - t3r;
      re[i3] = t1r - t3i; // t1 + i·t3
      im[i3] = t1i + t3r;
    }
  }
}
