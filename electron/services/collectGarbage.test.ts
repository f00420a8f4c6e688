import { describe, expect, it } from 'vitest';
import { collectGarbage } from './collectGarbage';

describe('collectGarbage', () => {
  it('frees an unreachable shared buffer at once, and keeps a reachable one', async () => {
    const kept = new SharedArrayBuffer(64 * 2 ** 20);
    const keptRef = new WeakRef(kept);
    const droppedRef = new WeakRef(new SharedArrayBuffer(64 * 2 ** 20));
    // WeakRef targets live until the current job ends.
    await new Promise((resolve) => setImmediate(resolve));
    collectGarbage();
    expect(droppedRef.deref()).toBeUndefined();
    expect(keptRef.deref()).toBe(kept);
  });
});
