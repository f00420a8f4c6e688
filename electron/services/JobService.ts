/**
 * Long-running work as jobs: each gets an id, reports `job:onDidProgress`, and ends
 * with exactly one `job:onDidFinish` (ok, or a UserError payload). A job never throws
 * out of the service; `job:cancel` aborts its signal.
 */
import { randomUUID } from 'node:crypto';
import type { JobFinish, JobId, JobKind, JobResults } from '../../shared/contracts/ipc';
import { isCancellation, UserError, type UserErrorPayload } from '../../shared/contracts/UserError';
import { collectGarbage } from './collectGarbage';
import type { EventSink } from './InvokeHandlers';

export interface JobContext {
  jobId: JobId;
  signal: AbortSignal;
  progress(done: number, total: number, stage: string): void;
}

const JOB_LABELS: Record<JobKind, string> = {
  'dicom:index': 'reading the folder',
  'volume:load': 'loading the volume',
  'reformat:export': 'straightening and exporting',
  'reformat:mapBack': 'mapping the labels back',
  'recon:reconstruct': 'reconstructing the run',
  'volume:export': 'exporting the volume',
  'volume:exportSurface': 'exporting the surface',
};

/** Jobs that drop buffers of hundreds of megabytes when they end: collected right after (see collectGarbage). */
const RELEASES_LARGE_MEMORY: ReadonlySet<JobKind> = new Set(['reformat:export', 'reformat:mapBack', 'recon:reconstruct', 'volume:export', 'volume:exportSurface']);

/** Progress events at most this often per job, except the first and the last. */
const PROGRESS_INTERVAL_MS = 100;

export class JobService {
  private readonly running = new Map<JobId, { controller: AbortController; finished: Promise<JobFinish> }>();

  constructor(
    private readonly events: EventSink,
    private readonly log: (message: string) => void = (m) => console.error(m),
  ) {}

  start<K extends JobKind>(kind: K, work: (ctx: JobContext) => Promise<JobResults[K]>): JobId {
    const jobId = randomUUID();
    const controller = new AbortController();
    let lastEmit = 0;
    let lastStage = '';
    const ctx: JobContext = {
      jobId,
      signal: controller.signal,
      progress: (done, total, stage) => {
        const now = performance.now();
        // A new stage always shows, however soon: a short stage is still named on screen.
        if (done !== 0 && done !== total && stage === lastStage && now - lastEmit < PROGRESS_INTERVAL_MS) return;
        lastEmit = now;
        lastStage = stage;
        this.events.emit('job:onDidProgress', { jobId, kind, done, total, stage });
      },
    };
    const finished = this.execute(kind, jobId, work, ctx);
    this.running.set(jobId, { controller, finished });
    return jobId;
  }

  cancel(jobId: JobId): boolean {
    const job = this.running.get(jobId);
    if (!job || job.controller.signal.aborted) return false;
    job.controller.abort();
    return true;
  }

  /** Resolves when the job has finished (its finish event already emitted). */
  finished(jobId: JobId): Promise<JobFinish> | undefined {
    return this.running.get(jobId)?.finished;
  }

  /** Cancels every running job and waits for them to finish. */
  async cancelAll(): Promise<void> {
    const all = [...this.running.values()];
    for (const job of all) job.controller.abort();
    await Promise.all(all.map((j) => j.finished));
  }

  private async execute<K extends JobKind>(kind: K, jobId: JobId, work: (ctx: JobContext) => Promise<JobResults[K]>, ctx: JobContext): Promise<JobFinish> {
    // Let start() return the id before any event can arrive.
    await Promise.resolve();
    let finish: JobFinish;
    try {
      const result = await work(ctx);
      if (ctx.signal.aborted) throw new UserError('cancelled', 'Cancelled.');
      finish = { jobId, kind, ok: true, result } as JobFinish;
    } catch (err) {
      finish = { jobId, kind, ok: false, error: this.toUserError(err, kind) };
    }
    this.running.delete(jobId);
    try {
      this.events.emit('job:onDidFinish', finish);
    } catch (err) {
      this.log(`[lumen] job ${jobId} finish listener failed: ${String(err)}`);
    }
    if (RELEASES_LARGE_MEMORY.has(kind)) setImmediate(collectGarbage);
    return finish;
  }

  private toUserError(err: unknown, kind: JobKind): UserErrorPayload {
    if (isCancellation(err)) return { code: 'cancelled', message: 'Cancelled.' };
    if (err instanceof UserError) return err.toPayload();
    this.log(`[lumen] job ${kind} failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    return { code: 'internal', message: `Lumen could not finish ${JOB_LABELS[kind]}. The error was logged; please try again.` };
  }
}
