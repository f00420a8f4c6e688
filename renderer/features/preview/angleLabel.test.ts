import { describe, expect, it } from 'vitest';
import { frameTimeLabel, positionerAngleLabel, primaryAngleLabel, secondaryAngleLabel } from './angleLabel';

describe('C-arm angle labels', () => {
  it('names the primary angle LAO when positive and RAO when negative (PS3.3 C.8.7.5.1.2)', () => {
    expect(primaryAngleLabel(32.14)).toBe('LAO 32.1°');
    expect(primaryAngleLabel(-100)).toBe('RAO 100.0°');
    expect(primaryAngleLabel(-0.5)).toBe('RAO 0.5°');
    expect(primaryAngleLabel(179.96)).toBe('LAO 180.0°');
  });

  it('names the secondary angle CRA when positive and CAU when negative', () => {
    expect(secondaryAngleLabel(12)).toBe('CRA 12.0°');
    expect(secondaryAngleLabel(-5.55)).toBe('CAU 5.6°');
  });

  it('never shows a signed zero: what rounds to 0.0° takes the positive name', () => {
    expect(primaryAngleLabel(0)).toBe('LAO 0.0°');
    expect(primaryAngleLabel(-0.04)).toBe('LAO 0.0°');
    expect(primaryAngleLabel(-0)).toBe('LAO 0.0°');
    expect(secondaryAngleLabel(-0.049)).toBe('CRA 0.0°');
  });

  it('joins both angles, and shows the primary alone when the secondary is unknown', () => {
    expect(positionerAngleLabel(32.1, 0)).toBe('LAO 32.1°  CRA 0.0°');
    expect(positionerAngleLabel(-45, -20)).toBe('RAO 45.0°  CAU 20.0°');
    expect(positionerAngleLabel(-45)).toBe('RAO 45.0°');
  });

  it('gives the time of a frame from the start of the run', () => {
    expect(frameTimeLabel(0, 33.3333)).toBe('0 ms');
    expect(frameTimeLabel(40, 1000 / 30)).toBe('1333 ms');
  });
});
