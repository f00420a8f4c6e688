import { describe, expect, it } from 'vitest';
import { DEFAULT_WALL_HU, endoscopicSurface, WALL_HU_RANGE } from './endoscopicSurface';

/** Typical CT values, HU. */
const AIR = -1000;
const LUNG = -850;
const FAT = -100;
const WALL = 40;
const CONTRAST = 300;

describe('endoscopic surface', () => {
  it('dark lumen: the threshold separates air (and lung) from fat and wall, and the fill is on the wall side', () => {
    const s = endoscopicSurface('dark');
    expect(s.isoValue).toBe(DEFAULT_WALL_HU.dark);
    for (const clear of [AIR, LUNG]) expect(clear).toBeLessThan(s.isoValue);
    for (const wall of [FAT, WALL, CONTRAST]) expect(wall).toBeGreaterThan(s.isoValue);
    expect(s.fill).toBeGreaterThan(s.isoValue + 100);
  });

  it('bright lumen: the threshold separates contrast from wall and air, and the fill is on the wall side', () => {
    const s = endoscopicSurface('bright');
    expect(CONTRAST).toBeGreaterThan(s.isoValue);
    for (const wall of [AIR, FAT, WALL]) expect(wall).toBeLessThan(s.isoValue);
    expect(s.fill).toBeLessThan(s.isoValue - 100);
  });

  it('a chosen threshold is used, clamped to the slider range', () => {
    expect(endoscopicSurface('dark', -300).isoValue).toBe(-300);
    expect(endoscopicSurface('dark', 5000).isoValue).toBe(WALL_HU_RANGE.dark[1]);
    expect(endoscopicSurface('bright', -5000).isoValue).toBe(WALL_HU_RANGE.bright[0]);
    // The fill follows the threshold, so it stays on the wall side however far it moves.
    expect(endoscopicSurface('dark', -100).fill).toBeGreaterThan(-100);
    expect(endoscopicSurface('bright', 500).fill).toBeLessThan(500);
  });

  it('walls are flesh-coloured: red over green over blue', () => {
    for (const lumen of ['dark', 'bright'] as const) {
      const [r, g, b] = endoscopicSurface(lumen).colour;
      expect(r).toBeGreaterThan(g);
      expect(g).toBeGreaterThan(b - 0.05);
    }
  });
});
