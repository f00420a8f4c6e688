/**
 * Runs one main-process job to its end: starts it, follows its progress events and
 * resolves with its result (or throws its UserError). Events can overtake the answer
 * to the starting invoke, so they are held until the job id is known. Aborting the
 * signal asks main to cancel; the job then ends with a 'cancelled' UserError.
 */
import type { Events, JobId, JobKind, JobResults } from '../../shared/contracts/ipc';
import { UserError } from '../../shared/contracts/UserError';
import type { LumenClient } from './LumenClient';

export interface JobProgress {
  done: number;
  total: number;
  stage: string;
}

export interface RunJobOptions {
  onProgress?: (progress: JobProgress) => void;
  signal?: AbortSignal;
}

type JobEvent = Events['job:onDidProgress'] | Events['job:onDidFinish'];

export async function runJob<K extends JobKind>(
  client: LumenClient,
  kind: K,
  start: () => Promise<{ jobId: JobId }>,
  { onProgress, signal }: RunJobOptions = {},
): Promise<JobResults[K]> {
  let jobId: JobId | null = null;
  const early: JobEvent[] = [];
  let settle: { resolve: (r: JobResults[K]) => void; reject: (e: unknown) => void } | null = null;
  const finished = new Promise<JobResults[K]>((resolve, reject) => (settle = { resolve, reject }));

  const handle = (event: JobEvent): void => {
    if (event.kind !== kind) return;
    if (jobId === null) {
      early.push(event);
      return;
    }
    if (event.jobId !== jobId) return;
    if (!('ok' in event)) {
      onProgress?.({ done: event.done, total: event.total, stage: event.stage });
    } else if (event.ok) {
      settle!.resolve(event.result as JobResults[K]);
    } else {
      settle!.reject(UserError.fromPayload(event.error));
    }
  };
  const disposers = [client.on('job:onDidProgress', handle), client.on('job:onDidFinish', handle)];
  const cancel = (): void => {
    if (jobId !== null) void client.invoke('job:cancel', { jobId }).catch(() => undefined);
  };
  signal?.addEventListener('abort', cancel, { once: true });
  try {
    jobId = (await start()).jobId;
    if (signal?.aborted) cancel();
    early.splice(0).forEach(handle);
    return await finished;
  } finally {
    signal?.removeEventListener('abort', cancel);
    disposers.forEach((d) => d());
  }
}
