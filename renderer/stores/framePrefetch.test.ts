import { describe, expect, it } from 'vitest';
import { cacheCapacity, framesToEvict, nextRequests, prefetchOrder } from './framePrefetch';

const MB = 1024 * 1024;

describe('frame cache capacity', () => {
  it('fits a whole 256² run in 256 MB of Float32, but only 64 frames of 1024²', () => {
    expect(cacheCapacity(256 * 256 * 4, 256 * MB, 300)).toBe(300);
    expect(cacheCapacity(1024 * 1024 * 4, 256 * MB, 300)).toBe(64);
    expect(cacheCapacity(2048 * 2048 * 4 * 3, 256 * MB, 300)).toBe(5);
    expect(cacheCapacity(10_000 * 10_000 * 4, 256 * MB, 300)).toBe(1); // always room for the frame on screen
  });
});

describe('prefetch order', () => {
  it('buffers a run that fits whole, from the anchor onwards and around the end when looping', () => {
    const order = prefetchOrder({ frameCount: 41, anchor: 30, capacity: 41, loop: true });
    expect(order).toEqual([...Array.from({ length: 11 }, (_, d) => 30 + d), ...Array.from({ length: 30 }, (_, i) => i)]);
  });

  it('without loop, buffers ahead and behind three to one, nearest first', () => {
    const order = prefetchOrder({ frameCount: 10, anchor: 5, capacity: 10, loop: false });
    expect(order).toEqual([5, 6, 7, 8, 4, 9, 3, 2, 1, 0]);
    expect([...order].sort((a, b) => a - b)).toEqual(Array.from({ length: 10 }, (_, i) => i));
  });

  it('holds a window of capacity frames around the anchor, three quarters ahead', () => {
    const order = prefetchOrder({ frameCount: 1000, anchor: 500, capacity: 64, loop: false });
    expect(order).toHaveLength(64);
    expect(new Set(order).size).toBe(64);
    expect(order[0]).toBe(500);
    expect(order.filter((i) => i > 500)).toHaveLength(47);
    expect(order.filter((i) => i < 500)).toHaveLength(16);
    expect(Math.max(...order)).toBe(547);
    expect(Math.min(...order)).toBe(484);
  });

  it('uses the whole capacity near the ends: behind at the end of a run, ahead at its start, around it when looping', () => {
    const atEnd = prefetchOrder({ frameCount: 100, anchor: 98, capacity: 20, loop: false });
    expect(atEnd).toHaveLength(20);
    expect(Math.min(...atEnd)).toBe(80);
    const atStart = prefetchOrder({ frameCount: 100, anchor: 1, capacity: 20, loop: false });
    expect(atStart).toHaveLength(20);
    expect(Math.max(...atStart)).toBe(19);
    const looped = prefetchOrder({ frameCount: 100, anchor: 98, capacity: 20, loop: true });
    expect(looped).toHaveLength(20);
    expect(looped.slice(0, 4)).toEqual([98, 99, 0, 1]);
    expect(looped).toContain(94);
  });

  it('asks for the frame on screen first and never more than the free slots (latest wins)', () => {
    const order = prefetchOrder({ frameCount: 41, anchor: 17, capacity: 41, loop: true });
    const settled = new Set([18, 19]);
    expect(nextRequests(order, 2, (i) => settled.has(i))).toEqual([17, 20]);
    expect(nextRequests(order, 0, () => false)).toEqual([]);
    expect(nextRequests(order, 5, () => true)).toEqual([]);
  });
});

describe('eviction', () => {
  it('drops frames outside the window first, then the least wanted, down to capacity', () => {
    const order = [10, 11, 12, 13, 9];
    expect(framesToEvict([9, 10, 11, 12, 13, 40, 41], order, 5).sort((a, b) => a - b)).toEqual([40, 41]);
    expect(framesToEvict([9, 10, 11, 12, 13], order, 3).sort((a, b) => a - b)).toEqual([9, 13]);
    expect(framesToEvict([1, 2], order, 5)).toEqual([]);
  });
});
