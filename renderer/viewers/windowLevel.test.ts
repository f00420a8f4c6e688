import { describe, expect, it } from 'vitest';
import { isHounsfield, minWindowWidth, valueScaleOf, voiFunction, windowDragStep, windowFrameToRgba, windowToByte } from './windowLevel';

describe('DICOM linear window/level', () => {
  it('follows the PS3.3 C.11.2.1.2.1 thresholds for a CT soft-tissue window (c=40, w=400)', () => {
    // Thresholds: c − 0.5 − (w−1)/2 = −160, c − 0.5 + (w−1)/2 = 239.
    expect(windowToByte(-1000, 40, 400)).toBe(0);
    expect(windowToByte(-160, 40, 400)).toBe(0);
    expect(windowToByte(239.01, 40, 400)).toBe(255);
    expect(windowToByte(3000, 40, 400)).toBe(255);
    expect(windowToByte(39.5, 40, 400)).toBe(128); // the centre maps to mid-grey
    expect(windowToByte(Number.NaN, 40, 400)).toBe(0);
  });

  it('is monotone, and the fast frame path agrees with the scalar definition everywhere', () => {
    const values = new Float32Array(4001).map((_, i) => -2000 + i);
    const out = new Uint8ClampedArray(values.length * 4);
    for (const [c, w] of [[40, 400], [-600, 1500], [300, 1], [0.5, 2]] as const) {
      windowFrameToRgba(values, 1, c, w, out);
      let previous = -1;
      for (let i = 0; i < values.length; i++) {
        const g = out[i * 4]!;
        expect(g).toBe(windowToByte(values[i]!, c, w));
        expect(g).toBeGreaterThanOrEqual(previous);
        expect(out[i * 4 + 3]).toBe(255);
        previous = g;
      }
    }
  });

  it('windows each channel of interleaved RGB independently', () => {
    const rgb = new Float32Array([0, 127.5, 255, 255, 0, 127.5]);
    const out = new Uint8ClampedArray(8);
    windowFrameToRgba(rgb, 3, 128, 256, out);
    expect(Array.from(out)).toEqual([0, 128, 255, 255, 255, 0, 128, 255]);
  });
});

/** PS3.3 C.11.2.1.2.1 LINEAR written out as the standard states it, independently of windowLevel.ts. */
function dicomLinear(x: number, c: number, w: number): number {
  if (x <= c - 0.5 - (w - 1) / 2) return 0;
  if (x > c - 0.5 + (w - 1) / 2) return 255;
  return Math.round(((x - (c - 0.5)) / (w - 1) + 0.5) * 255);
}

describe('windows for integer-scale and continuous values', () => {
  it('keeps DICOM LINEAR bit for bit for integer data, with or without naming the function', () => {
    const values = new Float32Array(8001).map((_, i) => -4000 + i);
    const implicit = new Uint8ClampedArray(values.length * 4);
    const explicit = new Uint8ClampedArray(values.length * 4);
    for (const [c, w] of [[40, 400], [-600, 1500], [500, 2000], [50, 400], [300, 600], [40, 80], [0, 1], [7, 3]] as const) {
      windowFrameToRgba(values, 1, c, w, implicit);
      windowFrameToRgba(values, 1, c, w, explicit, 'LINEAR');
      let mismatches = 0;
      for (let i = 0; i < values.length; i++) if (implicit[i * 4] !== dicomLinear(values[i]!, c, w)) mismatches++;
      expect(mismatches, `c=${c} w=${w}`).toBe(0);
      expect(explicit).toEqual(implicit);
    }
  });

  it('draws a linear ramp across a window much narrower than 1 (μ in mm⁻¹)', () => {
    const [c, w] = [0.02, 0.01];
    const values = new Float32Array(5001).map((_, i) => i * 1e-5); // 0 … 0.05 mm⁻¹
    const out = new Uint8ClampedArray(values.length * 4);
    for (const fn of ['LINEAR_EXACT', undefined] as const) {
      windowFrameToRgba(values, 1, c, w, out, fn);
      const levels = new Set<number>();
      for (let i = 0; i < values.length; i++) {
        const v = values[i]!;
        const g = out[i * 4]!;
        // PS3.3 C.11.2.1.3.2 LINEAR_EXACT: ((x − c)/w + 0.5) · 255 between c ± w/2.
        const exact = Math.min(255, Math.max(0, ((v - c) / w + 0.5) * 255));
        expect(Math.abs(g - exact)).toBeLessThanOrEqual(0.5 + 1e-3);
        expect(g).toBe(windowToByte(v, c, w, fn));
        levels.add(g);
      }
      // 1000 samples inside the window: every grey level is used, not just black and white.
      expect(levels.size).toBe(256);
    }
  });

  it('floors the width at 1 for integer data and at 10⁻⁴ of the range for continuous data', () => {
    expect(minWindowWidth({ range: [-1024, 3071], integer: true })).toBe(1);
    expect(minWindowWidth({ range: [0, 0.05], integer: false })).toBeCloseTo(5e-6, 15);
    expect(minWindowWidth({ range: [0.02, 0.02], integer: false })).toBeCloseTo(2e-6, 15);
  });

  it('drags at a rate proportional to the width, floored in proportion to the range, so scaling the data scales the drag', () => {
    const ct = { range: [-1024, 3071] as [number, number], integer: true };
    expect(windowDragStep(400, ct)).toBe(400 / 256);
    const k = 1e-5;
    const mu = { range: [ct.range[0] * k, ct.range[1] * k] as [number, number], integer: false };
    for (const w of [400, 80, 10, 1]) expect(windowDragStep(w * k, mu)).toBeCloseTo(windowDragStep(w, ct) * k, 15);
    // At the floor a drag still moves the window by a visible fraction of the range.
    expect(windowDragStep(minWindowWidth(mu), mu) * 256).toBeGreaterThan(0.01 * (mu.range[1] - mu.range[0]));
  });

  it('tells integer-scale values from continuous ones', () => {
    expect(valueScaleOf(new Int16Array([1, 2]), [1, 2]).integer).toBe(true);
    expect(valueScaleOf(new Float32Array([-1000, 40, NaN, 3000]), [-1000, 3000]).integer).toBe(true);
    expect(valueScaleOf(new Float32Array([0, 0.5, 2]), [0, 2]).integer).toBe(false);
    expect(valueScaleOf(new Float32Array([0, 0.0213, 0.05]), [0, 0.05])).toEqual({ range: [0, 0.05], integer: false });
    expect(voiFunction({ range: [0, 1], integer: true })).toBe('LINEAR');
    expect(voiFunction({ range: [0, 0.05], integer: false })).toBe('LINEAR_EXACT');
  });

  it('takes CT values for HU only when they span like HU', () => {
    expect(isHounsfield('CT', [-1024, 3071])).toBe(true);
    expect(isHounsfield('ct', [0, 799])).toBe(true);
    expect(isHounsfield('CT', [-0.002, 0.061])).toBe(false); // μ in mm⁻¹ saved as CT, Rescale Type US
    expect(isHounsfield('MR', [0, 4000])).toBe(false);
  });
});
