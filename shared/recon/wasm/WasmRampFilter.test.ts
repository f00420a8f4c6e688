import { describe, expect, it } from 'vitest';
import { RAMP_WINDOWS, rampFilterRows, rampKernel, rampPadding, taperWeights } from '../rampFilter';
import { WasmRampFilter } from './WasmRampFilter';

/** Deterministic rows: a truncated smooth profile plus noise, so the taper matters. */
function rowsOf(columns: number, rows: number, seed: number): Float32Array {
  let state = seed;
  return Float32Array.from({ length: columns * rows }, (_, n) => {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    return 5 + 3 * Math.sin((n % columns) * 0.05 + Math.floor(n / columns)) + state / 2 ** 31;
  });
}

function relativeError(got: Float32Array, expected: ArrayLike<number>): number {
  let peak = 0;
  let worst = 0;
  for (let n = 0; n < got.length; n++) {
    peak = Math.max(peak, Math.abs(expected[n]));
    worst = Math.max(worst, Math.abs(got[n] - expected[n]));
  }
  return worst / peak;
}

describe('WasmRampFilter', () => {
  it('runs here (Node has WebAssembly SIMD and shared memory)', () => {
    expect(WasmRampFilter.create()).not.toBeNull();
  });

  it('is the circular convolution of the tapered, zero-padded rows with the inverse DFT of the response', () => {
    const columns = 45;
    const rows = 11; // eight rows per pass: a partial second pass
    const tau = 0.9;
    const { length, taper } = rampPadding(columns);
    const response = rampKernel(length, tau, 'shepp-logan', 0.9);
    const kernel = Float64Array.from({ length }, (_, m) => response.reduce((sum, h, k) => sum + h * Math.cos((2 * Math.PI * k * m) / length), 0) / length);
    const input = rowsOf(columns, rows, 3);
    const out = new Float32Array(input.length);
    WasmRampFilter.create()!.filterRows(input, columns, rows, response, out);
    const fade = taperWeights(taper);
    const direct = new Float64Array(input.length);
    for (let r = 0; r < rows; r++) {
      const extended = new Float64Array(length);
      for (let c = 0; c < columns; c++) extended[c] = input[r * columns + c];
      for (let k = 1; k <= taper; k++) {
        extended[length - k] = input[r * columns] * fade[k];
        extended[columns - 1 + k] = input[r * columns + columns - 1] * fade[k];
      }
      for (let n = 0; n < columns; n++) {
        for (let m = 0; m < length; m++) direct[r * columns + n] += extended[m] * kernel[(n - m + length) % length];
      }
    }
    expect(relativeError(out, direct)).toBeLessThan(1e-5);
  });

  it('equals rampFilterRows within float32 rounding for every window, row count and length, in place too', () => {
    const filter = WasmRampFilter.create()!;
    for (const [columns, rows] of [[384, 40], [61, 5], [2, 9], [130, 8]] as const) {
      for (const window of RAMP_WINDOWS) {
        const response = rampKernel(rampPadding(columns).length, 0.7, window, window === 'hann' ? 0.6 : 1);
        const input = rowsOf(columns, rows, columns + rows);
        const expected = new Float32Array(input.length);
        rampFilterRows(input, columns, rows, response, expected);
        filter.filterRows(input, columns, rows, response, input);
        expect(relativeError(input, expected)).toBeLessThan(1e-5);
      }
    }
  });
});
