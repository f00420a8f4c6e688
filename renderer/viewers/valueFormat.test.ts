import { describe, expect, it } from 'vitest';
import { formatValue, formatWindow, valueDecimals } from './valueFormat';

const HU = { range: [-1024, 3071] as [number, number], integer: true };
const MU = { range: [-0.004, 0.061] as [number, number], integer: false };

describe('formatValue', () => {
  it('prints HU whole and μ with three significant digits', () => {
    expect(formatValue(40, HU, 400)).toBe('40');
    expect(formatValue(-600.4, HU, 1)).toBe('-600');
    expect(formatValue(0.021349, MU, 0.04)).toBe('0.0213');
    expect(formatValue(0.05, MU, 0.04)).toBe('0.0500');
    // Float HU (a water-calibrated reconstruction) read whole, like CT.
    expect(formatValue(39.7, { range: [-1000, 2500], integer: false }, 400)).toBe('40');
    expect(formatWindow(0.0213, 0.0405, MU)).toBe('W 0.0405 L 0.0213');
    expect(formatWindow(40, 400, HU, ' · ')).toBe('W 400 · L 40');
  });

  it('resolves a hundredth to a thousandth of what is on screen, whatever its magnitude', () => {
    for (const span of [0.0007, 0.05, 0.9, 7, 60, 850, 4095, 65535]) {
      const scale = { range: [0, span] as [number, number], integer: false };
      const step = 10 ** -valueDecimals(scale, span);
      // One printed step is at most a hundredth of the range (≥ 3 significant digits at the range's scale) …
      expect(step).toBeLessThanOrEqual(span / 100 + 1e-12);
      // … and, below the whole-number floor, no finer than a thousandth (no noise digits).
      if (step < 1) expect(step).toBeGreaterThan(span / 10000);
      // A window wider than the data says nothing about the data's scale: the range sets the digits.
      expect(valueDecimals(scale, span * 10)).toBe(valueDecimals(scale, span));
    }
  });

  it('gains a digit when the window is narrowed a decade below the range', () => {
    expect(valueDecimals(MU, 0.04)).toBe(4);
    expect(valueDecimals(MU, 0.004)).toBe(5);
    expect(formatWindow(0.02131, 0.0042, MU)).toBe('W 0.00420 L 0.02131');
    expect(valueDecimals(HU, 0.5)).toBe(0);
  });

  it('never prints a negative zero', () => {
    expect(formatValue(-0.00001, MU, 0.04)).toBe('0.0000');
    expect(formatValue(-0.2, HU, 400)).toBe('0');
  });
});
