/**
 * Which frames to decode ahead of need, and which to keep, as pure functions. A run
 * that fits the memory budget is buffered whole; a longer one keeps a window around
 * the playhead, three quarters ahead and one quarter behind, so playback and
 * scrubbing back both find their frames. Requests are capped by the caller (a few in
 * flight), so nothing ever queues: the order is re-planned whenever a frame lands or
 * the playhead moves, and the frame asked for always comes first.
 */

/** How many frames of `frameBytes` fit `budgetBytes`: at least 1, at most the whole run. */
export function cacheCapacity(frameBytes: number, budgetBytes: number, frameCount: number): number {
  const fit = frameBytes > 0 ? Math.floor(budgetBytes / frameBytes) : frameCount;
  return Math.max(1, Math.min(frameCount, fit));
}

export interface PrefetchWindow {
  frameCount: number;
  /** The frame on screen, or the playhead while playing. */
  anchor: number;
  /** Frames the cache may hold. */
  capacity: number;
  /** Playback wraps around: "ahead" continues from frame 0. */
  loop: boolean;
}

/**
 * The frames worth holding, most wanted first: the anchor, then ahead and behind
 * interleaved three to one. Never longer than `capacity`.
 */
export function prefetchOrder({ frameCount, anchor, capacity, loop }: PrefetchWindow): number[] {
  const n = frameCount;
  if (n <= 0) return [];
  const start = Math.min(n - 1, Math.max(0, anchor));
  const size = Math.min(n, Math.max(1, capacity));
  const ahead: number[] = [];
  const behind: number[] = [];
  if (size >= n) {
    if (loop) for (let d = 1; d < n; d++) ahead.push((start + d) % n);
    else {
      for (let i = start + 1; i < n; i++) ahead.push(i);
      for (let i = start - 1; i >= 0; i--) behind.push(i);
    }
  } else {
    const aheadAt = (d: number): number => (loop ? (start + d) % n : start + d < n ? start + d : -1);
    const behindAt = (d: number): number => (loop ? (((start - d) % n) + n) % n : start - d >= 0 ? start - d : -1);
    const wanted = size - 1;
    let da = 1;
    let db = 1;
    const fillAhead = (upTo: number): void => {
      for (let i = aheadAt(da); ahead.length + behind.length < upTo && i >= 0; i = aheadAt(++da)) ahead.push(i);
    };
    fillAhead(wanted - Math.floor(size / 4));
    // What "ahead" could not use (the end of a run without loop) goes behind, and the other way round.
    for (let i = behindAt(db); ahead.length + behind.length < wanted && i >= 0; i = behindAt(++db)) behind.push(i);
    fillAhead(wanted);
  }
  const order = [start];
  let a = 0;
  let b = 0;
  while (a < ahead.length || b < behind.length) {
    for (let k = 0; k < 3 && a < ahead.length; k++) order.push(ahead[a++]);
    if (b < behind.length) order.push(behind[b++]);
  }
  return order;
}

/**
 * The next frames to request: the first `slots` frames of the order that are not
 * cached, in flight or known to fail.
 */
export function nextRequests(order: readonly number[], slots: number, isSettledOrPending: (index: number) => boolean): number[] {
  const picked: number[] = [];
  for (const index of order) {
    if (picked.length >= slots) break;
    if (!isSettledOrPending(index)) picked.push(index);
  }
  return picked;
}

/** Cached frames to drop so that at most `capacity` remain: frames outside the order first, then the least wanted. */
export function framesToEvict(cached: Iterable<number>, order: readonly number[], capacity: number): number[] {
  const rank = new Map(order.map((index, position) => [index, position]));
  const held = [...cached];
  const excess = held.length - capacity;
  if (excess <= 0) return [];
  const rankOf = (index: number): number => rank.get(index) ?? Number.MAX_SAFE_INTEGER;
  held.sort((x, y) => rankOf(y) - rankOf(x));
  return held.slice(0, excess);
}
