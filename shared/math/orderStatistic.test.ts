import { describe, expect, it } from 'vitest';
import { kthSmallest } from './orderStatistic';

/** Deterministic uniform numbers in [0, 1). */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32;
}

describe('kthSmallest', () => {
  it('is the value a numeric sort puts at k: random, many ties, sorted, reversed, constant', () => {
    const rand = random(7);
    const cases: Float64Array[] = [
      Float64Array.from({ length: 1001 }, () => rand() * 1000 - 500),
      Float64Array.from({ length: 5000 }, () => Math.floor(rand() * 12)),
      Float64Array.from({ length: 777 }, (_, n) => n * 0.5),
      Float64Array.from({ length: 778 }, (_, n) => -n),
      new Float64Array(100).fill(3),
      Float64Array.of(2),
      Float64Array.of(5, -5),
    ];
    for (const values of cases) {
      const sorted = values.slice().sort();
      const ks = [0, values.length - 1, Math.floor(values.length / 2), Math.floor(0.995 * values.length), Math.floor(values.length / 3)].filter((k) => k < values.length);
      for (const k of ks) expect(kthSmallest(values.slice(), k)).toBe(sorted[k]);
    }
  });

  it('works on float32 in place, and refuses an index outside the values', () => {
    const values = Float32Array.from([0.5, -1, 7, 7, 2]);
    expect(kthSmallest(values, 3)).toBe(7);
    expect([...values].sort((a, b) => a - b)).toEqual([-1, 0.5, 2, 7, 7]);
    expect(() => kthSmallest(values, 5)).toThrow(RangeError);
    expect(() => kthSmallest(new Float64Array(0), 0)).toThrow(RangeError);
    expect(() => kthSmallest(values, 1.5)).toThrow(RangeError);
  });
});
