/**
 * Cine playback timing, as pure functions: which frame is due at a given time, and
 * which frame to show for it. Playback follows the wall clock and never waits for a
 * frame: when the due frame is not decoded yet, the newest decoded frame before it is
 * shown, and frames whose time has passed are dropped rather than shown late. That way
 * a slow decoder makes playback jerky, never slow or lagging behind.
 */

export interface CineClockState {
  /** The frame playback (re)started from. */
  anchorIndex: number;
  /** Milliseconds since then. */
  elapsedMs: number;
  fps: number;
  frameCount: number;
  loop: boolean;
}

export interface DueFrame {
  index: number;
  /** Without loop: playback has reached the last frame. */
  ended: boolean;
}

/** The frame whose display time has come. */
export function cineDueFrame({ anchorIndex, elapsedMs, fps, frameCount, loop }: CineClockState): DueFrame {
  const n = Math.max(1, frameCount);
  // A hair of tolerance so that exactly k frame periods counts as k frames despite float error.
  const advanced = Math.max(0, Math.floor((elapsedMs * fps) / 1000 + 1e-9));
  const raw = anchorIndex + advanced;
  if (loop) return { index: raw % n, ended: false };
  return raw >= n - 1 ? { index: n - 1, ended: true } : { index: raw, ended: false };
}

/** Forward distance from `from` to `to`: around the end when looping, else plain (may be ≤ 0). */
export function forwardDistance(from: number, to: number, frameCount: number, loop: boolean): number {
  return loop ? (((to - from) % frameCount) + frameCount) % frameCount : to - from;
}

export interface CinePick {
  index: number;
  /** Frames between the one on screen and this one that were never shown. */
  skipped: number;
}

/**
 * The frame to show when `due` is due and `shown` is on screen: the newest ready frame
 * after `shown` and not after `due`. Null means keep what is on screen (nothing newer
 * is ready, or nothing is due yet).
 */
export function pickCineFrame({
  due,
  shown,
  frameCount,
  loop,
  isReady,
}: {
  due: number;
  shown: number;
  frameCount: number;
  loop: boolean;
  isReady: (index: number) => boolean;
}): CinePick | null {
  const distance = forwardDistance(shown, due, frameCount, loop);
  for (let back = 0; back < distance; back++) {
    const index = (((due - back) % frameCount) + frameCount) % frameCount;
    if (isReady(index)) return { index, skipped: distance - back - 1 };
  }
  return null;
}
