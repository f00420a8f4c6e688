/** Job progress reaches the window throttled within a stage, but every stage is named, and the first and last steps always show. */
import { describe, expect, it } from 'vitest';
import type { Events } from '../../shared/contracts/ipc';
import { JobService } from './JobService';

describe('JobService progress events', () => {
  it('drops rapid steps within a stage, never a new stage, the first or the last step', async () => {
    const shown: Events['job:onDidProgress'][] = [];
    const jobs = new JobService({ emit: (channel, payload) => channel === 'job:onDidProgress' && shown.push(payload as Events['job:onDidProgress']) }, () => {});
    const jobId = jobs.start('volume:export', async (ctx) => {
      ctx.progress(0, 100, 'Converting');
      for (let n = 1; n < 50; n++) ctx.progress(n, 100, 'Converting');
      ctx.progress(50, 100, 'Compressing');
      ctx.progress(51, 100, 'Compressing');
      ctx.progress(99, 100, 'Writing');
      ctx.progress(100, 100, 'Writing');
      return { out: '/x.nrrd', format: 'nrrd', files: 1, bytes: 0 };
    });
    await jobs.finished(jobId);
    expect(shown.map((p) => [p.done, p.stage])).toEqual([
      [0, 'Converting'],
      [50, 'Compressing'],
      [99, 'Writing'],
      [100, 'Writing'],
    ]);
  });
});
