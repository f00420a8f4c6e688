import { describe, expect, it } from 'vitest';
import { cineDueFrame, forwardDistance, pickCineFrame } from './cineTiming';

describe('cine timing: the frame due at a time', () => {
  it('advances one frame per 1/fps seconds from the frame playback started at', () => {
    expect(cineDueFrame({ anchorIndex: 5, elapsedMs: 0, fps: 30, frameCount: 133, loop: true })).toEqual({ index: 5, ended: false });
    expect(cineDueFrame({ anchorIndex: 5, elapsedMs: 1000, fps: 30, frameCount: 133, loop: true })).toEqual({ index: 35, ended: false });
    expect(cineDueFrame({ anchorIndex: 0, elapsedMs: 999, fps: 1, frameCount: 10, loop: true }).index).toBe(0);
    // Exactly three periods of 1000/30 ms is frame 3, despite float error in the period.
    expect(cineDueFrame({ anchorIndex: 0, elapsedMs: 3 * (1000 / 30), fps: 30, frameCount: 10, loop: true }).index).toBe(3);
  });

  it('wraps around when looping, and stops at the last frame when not', () => {
    expect(cineDueFrame({ anchorIndex: 40, elapsedMs: 1000 / 15, fps: 15, frameCount: 41, loop: true })).toEqual({ index: 0, ended: false });
    expect(cineDueFrame({ anchorIndex: 0, elapsedMs: 10_000, fps: 15, frameCount: 41, loop: true }).index).toBe(150 % 41);
    expect(cineDueFrame({ anchorIndex: 38, elapsedMs: 1000 / 15, fps: 15, frameCount: 41, loop: false })).toEqual({ index: 39, ended: false });
    expect(cineDueFrame({ anchorIndex: 38, elapsedMs: 2000, fps: 15, frameCount: 41, loop: false })).toEqual({ index: 40, ended: true });
  });

  it('measures forward distance around the end only when looping', () => {
    expect(forwardDistance(39, 2, 41, true)).toBe(4);
    expect(forwardDistance(39, 2, 41, false)).toBe(-37);
    expect(forwardDistance(7, 7, 41, true)).toBe(0);
  });
});

describe('cine timing: the frame to show, dropping instead of lagging', () => {
  const ready = (set: number[]) => (i: number) => set.includes(i);

  it('shows the due frame when it is decoded, counting the frames it skipped', () => {
    expect(pickCineFrame({ due: 11, shown: 10, frameCount: 41, loop: true, isReady: () => true })).toEqual({ index: 11, skipped: 0 });
    expect(pickCineFrame({ due: 14, shown: 10, frameCount: 41, loop: true, isReady: () => true })).toEqual({ index: 14, skipped: 3 });
  });

  it('falls back to the newest decoded frame before the due one, never to one on screen or behind it', () => {
    expect(pickCineFrame({ due: 14, shown: 10, frameCount: 41, loop: true, isReady: ready([10, 12]) })).toEqual({ index: 12, skipped: 1 });
    expect(pickCineFrame({ due: 14, shown: 10, frameCount: 41, loop: true, isReady: ready([9, 10]) })).toBeNull();
    expect(pickCineFrame({ due: 10, shown: 10, frameCount: 41, loop: true, isReady: () => true })).toBeNull();
  });

  it('crosses the end of a looping run', () => {
    expect(pickCineFrame({ due: 1, shown: 39, frameCount: 41, loop: true, isReady: ready([40, 0]) })).toEqual({ index: 0, skipped: 1 });
    expect(pickCineFrame({ due: 1, shown: 39, frameCount: 41, loop: false, isReady: () => true })).toBeNull();
  });
});
