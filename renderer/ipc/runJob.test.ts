import { describe, expect, it } from 'vitest';
import type { InvokeChannel, InvokeOutcome } from '../../shared/contracts/ipc';
import { UserError } from '../../shared/contracts/UserError';
import { FakeBridge } from './fakeBridge';
import { LumenClient } from './LumenClient';
import { runJob } from './runJob';

/** A bridge whose events the test fires by hand, and which records job:cancel calls. */
class CancelRecordingBridge extends FakeBridge {
  readonly cancelled: string[] = [];
  async invoke<C extends InvokeChannel>(channel: C, req: unknown): Promise<InvokeOutcome<C>> {
    if (channel === 'job:cancel') this.cancelled.push((req as { jobId: string }).jobId);
    return { ok: true, value: { cancelled: true } } as InvokeOutcome<C>;
  }
}

const info = { seriesUid: 's', modality: 'CT', dimensions: [1, 1, 1] as [number, number, number], spacing: [1, 1, 1] as [number, number, number], ijkToLps: [], range: [0, 0] as [number, number], voxelType: 'int16' as const };

describe('runJob', () => {
  it('keeps events that overtake the start answer, reports progress, resolves with the result, then unsubscribes', async () => {
    const bridge = new CancelRecordingBridge();
    const progress: number[] = [];
    const done = runJob(new LumenClient(bridge), 'volume:load', async () => {
      bridge.emit('job:onDidProgress', { jobId: 'j1', kind: 'volume:load', done: 3, total: 9, stage: 'decoding' });
      bridge.emit('job:onDidProgress', { jobId: 'other', kind: 'volume:load', done: 8, total: 9, stage: 'decoding' });
      bridge.emit('job:onDidFinish', { jobId: 'j1', kind: 'volume:load', ok: true, result: info });
      return { jobId: 'j1' };
    }, { onProgress: (p) => progress.push(p.done) });
    expect(await done).toEqual(info);
    expect(progress).toEqual([3]);
    expect(bridge.listenerCount).toBe(0);
  });

  it('throws the job’s UserError, and cancels through main when aborted', async () => {
    const bridge = new CancelRecordingBridge();
    const client = new LumenClient(bridge);
    const failing = runJob(client, 'volume:load', async () => ({ jobId: 'j2' }));
    await Promise.resolve();
    await Promise.resolve();
    bridge.emit('job:onDidFinish', { jobId: 'j2', kind: 'volume:load', ok: false, error: { code: 'too-large', message: 'This volume needs 9 GB.' } });
    await expect(failing).rejects.toThrow(new UserError('too-large', 'This volume needs 9 GB.'));

    const abort = new AbortController();
    const cancelled = runJob(client, 'volume:load', async () => ({ jobId: 'j3' }), { signal: abort.signal });
    await new Promise((r) => setTimeout(r, 0));
    abort.abort();
    await new Promise((r) => setTimeout(r, 0));
    expect(bridge.cancelled).toEqual(['j3']);
    bridge.emit('job:onDidFinish', { jobId: 'j3', kind: 'volume:load', ok: false, error: { code: 'cancelled', message: 'Cancelled.' } });
    await expect(cancelled).rejects.toMatchObject({ code: 'cancelled' });
  });
});
