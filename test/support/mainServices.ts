/** Lumen's main-process services in a test, as the app wires them, with the events they emit recorded. */
import type { EventChannel, Events, InvokeChannel, InvokeOutcome, InvokeRequest, JobFinish, JobId, JobKind, JobResults } from '../../shared/contracts/ipc';
import { createLumenServices } from '../../electron/services/createLumenServices';
import type { EventSink, ShellAdapter } from '../../electron/services/InvokeHandlers';
import { dispatchInvoke } from '../../electron/transport/dispatchInvoke';

type Progress = Events['job:onDidProgress'];

/** Keeps every job progress and finish event, and lets a test wait for them. */
export class RecordingSink implements EventSink {
  readonly progress: Progress[] = [];
  private readonly finishes = new Map<JobId, JobFinish>();
  private readonly waiters = new Map<JobId, (f: JobFinish) => void>();
  private readonly progressWaiters: { test: (p: Progress) => boolean; resolve: () => void }[] = [];
  emit<E extends EventChannel>(channel: E, payload: Events[E]): void {
    if (channel === 'job:onDidProgress') {
      const p = payload as Progress;
      this.progress.push(p);
      for (const w of this.progressWaiters.splice(0)) if (w.test(p)) w.resolve(); else this.progressWaiters.push(w);
    }
    if (channel === 'job:onDidFinish') {
      const finish = payload as JobFinish;
      this.finishes.set(finish.jobId, finish);
      this.waiters.get(finish.jobId)?.(finish);
    }
  }
  finished(jobId: JobId): Promise<JobFinish> {
    const done = this.finishes.get(jobId);
    return done ? Promise.resolve(done) : new Promise((resolve) => this.waiters.set(jobId, resolve));
  }
  /** Resolves at the first progress event of `jobId` that passes `test`. */
  progressed(jobId: JobId, test: (p: Progress) => boolean): Promise<void> {
    const matches = (p: Progress) => p.jobId === jobId && test(p);
    if (this.progress.some(matches)) return Promise.resolve();
    return new Promise((resolve) => this.progressWaiters.push({ test: matches, resolve }));
  }
  of(jobId: JobId): Progress[] {
    return this.progress.filter((p) => p.jobId === jobId);
  }
}

/** The services with a two-worker pool, state in `stateDir`; invoke answers as the renderer sees it, value throws on an error. */
export function mainServices(stateDir: string, volumeBudgetBytes?: number) {
  const sink = new RecordingSink();
  const shell: ShellAdapter = { shell: 'web', pickFolder: async () => null, stateDir, initialFolder: null, sampleFolder: null };
  const lumen = createLumenServices({ shell, events: sink, pool: { size: 2 }, log: () => {}, ...(volumeBudgetBytes !== undefined ? { volumeBudgetBytes } : {}) });
  async function invoke<C extends InvokeChannel>(channel: C, req: InvokeRequest<C>): Promise<InvokeOutcome<C>> {
    return (await dispatchInvoke(lumen.handlers, channel, req, () => {})) as InvokeOutcome<C>;
  }
  async function value<C extends InvokeChannel>(channel: C, req: InvokeRequest<C>) {
    const outcome = await invoke(channel, req);
    if (!outcome.ok) throw new Error(`${channel}: ${outcome.error.message}`);
    return outcome.value;
  }
  function job(jobId: JobId): Promise<JobFinish> {
    return sink.finished(jobId);
  }
  return { lumen, sink, invoke, value, job };
}

/** A job's result when it finished as a `kind` job; its error as a throw otherwise. */
export function jobResult<K extends JobKind>(kind: K, finish: JobFinish): JobResults[K] {
  if (!finish.ok || finish.kind !== kind) throw new Error(`${kind}: ${finish.ok ? finish.kind : finish.error.message}`);
  return finish.result as JobResults[K];
}
