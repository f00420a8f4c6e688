import { afterAll, describe, expect, it } from 'vitest';
import { UserError } from '../../shared/contracts/UserError';
import { WorkerPool } from './WorkerPool';

async function rejection(p: Promise<unknown>): Promise<UserError> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(UserError);
    return err as UserError;
  }
  throw new Error('expected the task to fail');
}

describe('WorkerPool', () => {
  const pool = new WorkerPool({ size: 2, enableTestTasks: true, resourceLimits: { maxOldGenerationSizeMb: 64 } });
  afterAll(() => pool.destroy());

  it('runs tasks and reports progress over a port', async () => {
    const seen: number[] = [];
    const res = await pool.run('test:sleep', { ms: 100, steps: 5 }, { onProgress: (p) => seen.push(p.done) });
    expect(res).toEqual({ slept: 100 });
    // Progress may race the result on separate ports; most must have arrived in order.
    expect(seen.length).toBeGreaterThanOrEqual(3);
    expect(seen).toEqual([...seen].sort((a, b) => a - b));
  });

  it.each(['exit', 'throw', 'oom'] as const)('survives a worker crash (%s): the task fails clearly, the next succeeds', async (how) => {
    const err = await rejection(pool.run('test:crash', { how }));
    expect(err.code).toBe('worker-crashed');
    expect(err.message).toMatch(/crashed/);
    if (how === 'oom') expect(err.message).toMatch(/out of memory/);
    if (how === 'exit') expect(err.message).toMatch(/exit code 7/);
    await expect(pool.run('test:sleep', { ms: 10, steps: 1 })).resolves.toEqual({ slept: 10 });
  });

  it('aborts a running task, and keeps serving', async () => {
    const controller = new AbortController();
    const started = Date.now();
    const task = pool.run('test:sleep', { ms: 10_000, steps: 100 }, {
      signal: controller.signal,
      onProgress: () => controller.abort(),
    });
    const err = await rejection(task);
    expect(err.code).toBe('cancelled');
    expect(Date.now() - started).toBeLessThan(5_000);
    await expect(pool.run('test:sleep', { ms: 10, steps: 1 })).resolves.toEqual({ slept: 10 });
  });

  it('aborts queued tasks without running them, and rejects an already aborted signal', async () => {
    const busy = [pool.run('test:sleep', { ms: 300, steps: 1 }), pool.run('test:sleep', { ms: 300, steps: 1 })];
    const controller = new AbortController();
    const queued = pool.run('test:sleep', { ms: 300, steps: 1 }, { signal: controller.signal });
    controller.abort();
    expect((await rejection(queued)).code).toBe('cancelled');
    expect((await rejection(pool.run('test:sleep', { ms: 1, steps: 1 }, { signal: AbortSignal.abort() }))).code).toBe('cancelled');
    await Promise.all(busy);
  });

  it('times out a task', async () => {
    const err = await rejection(pool.run('test:sleep', { ms: 5_000, steps: 1 }, { timeoutMs: 200 }));
    expect(err.code).toBe('worker-crashed');
    expect(err.message).toMatch(/longer than/);
  });

  it('moves result buffers instead of cloning them', async () => {
    const single = new WorkerPool({ size: 1, enableTestTasks: true });
    try {
      const { values } = await single.run('test:transfer', { length: 1 << 20 });
      expect(values).toBeInstanceOf(Float32Array);
      expect(values[12345]).toBe(12345);
      // The worker's own array is detached once posted: the bytes were moved, not copied.
      expect(await single.run('test:lastTransferDetached', {})).toEqual({ detached: true });
    } finally {
      await single.destroy();
    }
  });

  it('refuses test tasks unless enabled', async () => {
    const plain = new WorkerPool({ size: 1 });
    try {
      const err = await rejection(plain.run('test:sleep', { ms: 1, steps: 1 }));
      expect(err.code).toBe('invalid-request');
    } finally {
      await plain.destroy();
    }
  });

  it('spreads work over its workers', async () => {
    const started = Date.now();
    await Promise.all([1, 2, 3, 4].map(() => pool.run('test:sleep', { ms: 400, steps: 1 })));
    expect(Date.now() - started).toBeLessThan(1_500);
  });

  it('prestarts every worker on request, and none beyond its size', async () => {
    const fresh = new WorkerPool({ size: 2, enableTestTasks: true });
    try {
      expect(fresh.started).toBe(0);
      fresh.prestart();
      fresh.prestart();
      expect(fresh.started).toBe(2);
      await Promise.all([1, 2].map(() => fresh.run('test:sleep', { ms: 10, steps: 1 })));
      expect(fresh.started).toBe(2);
    } finally {
      await fresh.destroy();
    }
  });
});
