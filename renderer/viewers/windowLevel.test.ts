import { describe, expect, it } from 'vitest';
import { windowFrameToRgba, windowToByte } from './windowLevel';

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
