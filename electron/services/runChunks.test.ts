import { describe, expect, it } from 'vitest';
import { balancedRanges, chunkRanges } from './runChunks';

/** The ranges cover 0 … count − 1 once, in order, none empty. */
function expectPartition(ranges: [number, number][], count: number): void {
  expect(ranges[0][0]).toBe(0);
  expect(ranges.at(-1)![1]).toBe(count);
  ranges.forEach(([first, last], n) => {
    expect(last).toBeGreaterThan(first);
    if (n > 0) expect(first).toBe(ranges[n - 1][1]);
  });
}

describe('chunkRanges', () => {
  it('splits a count into about equal ranges', () => {
    expect(chunkRanges(10, 4)).toEqual([[0, 3], [3, 6], [6, 9], [9, 10]]);
    expect(chunkRanges(3, 8)).toEqual([[0, 1], [1, 2], [2, 3]]);
  });
});

describe('balancedRanges', () => {
  it('gives ranges of about equal weight: the rows of a disc through a grid', () => {
    // Work per grid row of a 256-wide grid where a centred disc of radius 126 is seen (the benchmark's field of view).
    const weights = Array.from({ length: 256 }, (_, j) => {
      const y = j - 127.5;
      return Math.abs(y) < 126 ? 2 * Math.sqrt(126 ** 2 - y ** 2) : 0;
    });
    const total = weights.reduce((a, b) => a + b, 0);
    const ranges = balancedRanges(weights, 4);
    expect(ranges).toHaveLength(4);
    expectPartition(ranges, 256);
    for (const [first, last] of ranges) {
      const share = weights.slice(first, last).reduce((a, b) => a + b, 0) / total;
      // A range overshoots its share by at most one row's weight (2 · 126 of 49,900 here: 0.5%).
      expect(Math.abs(share - 0.25)).toBeLessThan(0.006);
    }
    // Equal counts would give the middle two ranges 1.5 times the outer ones' work: the outer ranges are wider.
    expect(ranges[0][1] - ranges[0][0]).toBeGreaterThan(ranges[1][1] - ranges[1][0] + 10);
  });

  it('splits by count when nothing weighs anything, and never returns empty ranges', () => {
    expect(balancedRanges(new Float64Array(10), 4)).toEqual(chunkRanges(10, 4));
    const spiky = [0, 0, 100, 0, 0, 0];
    const ranges = balancedRanges(spiky, 4);
    expectPartition(ranges, spiky.length);
    expect(ranges.length).toBeLessThanOrEqual(4);
    expect(balancedRanges([5], 3)).toEqual([[0, 1]]);
  });
});
