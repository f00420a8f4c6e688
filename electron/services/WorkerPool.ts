/**
 * One pool of worker_threads for all CPU-heavy work, after Piscina: named tasks,
 * results moved not cloned, progress over a MessagePort, an AbortSignal on every task.
 * Aborting a running task terminates its worker (a decoder cannot be interrupted
 * mid-frame otherwise); a crashed worker fails only its own task, and the pool starts
 * a replacement on demand and keeps serving.
 */
import { setMaxListeners } from 'node:events';
import os from 'node:os';
import { MessageChannel, Worker, type ResourceLimits, type Transferable } from 'node:worker_threads';
import { UserError } from '../../shared/contracts/UserError';
import type { WorkerTaskName, WorkerTaskProgress, WorkerTaskRequest, WorkerTaskResponse } from '../../shared/contracts/workerTasks';
import type { LumenWorkerData, ResultMessage, TaskMessage } from '../workers/workerProtocol';
import { resolveWorkerEntry, type WorkerEntry } from './resolveWorkerEntry';

export interface WorkerPoolOptions {
  /** Worker count; default: available cores, 1..16. */
  size?: number;
  /** Enables the test:* tasks. Tests only. */
  enableTestTasks?: boolean;
  /** Workers load the reconstruction tasks' modules as they start (LumenWorkerData). */
  preloadReconstruction?: boolean;
  resourceLimits?: ResourceLimits;
  entry?: WorkerEntry;
}

export interface RunOptions {
  signal?: AbortSignal;
  onProgress?: (progress: WorkerTaskProgress) => void;
  /** Fails the task (and restarts its worker) if it runs longer than this. */
  timeoutMs?: number;
  /** Buffers in the request to move into the worker instead of copying. */
  transfer?: Transferable[];
}

interface PendingTask {
  id: number;
  task: WorkerTaskName;
  request: unknown;
  options: RunOptions;
  resolve: (value: unknown) => void;
  reject: (err: unknown) => void;
  cleanup: () => void;
}

interface Slot {
  worker: Worker;
  current: PendingTask | null;
  dead: boolean;
}

export function defaultPoolSize(): number {
  return Math.min(16, Math.max(1, os.availableParallelism()));
}

export class WorkerPool {
  readonly size: number;
  private readonly slots: Slot[] = [];
  private readonly queue: PendingTask[] = [];
  private readonly entry: WorkerEntry;
  private nextId = 1;
  private destroyed = false;

  constructor(private readonly options: WorkerPoolOptions = {}) {
    this.size = Math.max(1, Math.floor(options.size ?? defaultPoolSize()));
    this.entry = options.entry ?? resolveWorkerEntry();
  }

  run<T extends WorkerTaskName>(task: T, request: WorkerTaskRequest<T>, options: RunOptions = {}): Promise<WorkerTaskResponse<T>> {
    if (this.destroyed) return Promise.reject(new UserError('cancelled', 'Lumen is shutting down.'));
    if (options.signal?.aborted) return Promise.reject(cancelled());
    return new Promise<WorkerTaskResponse<T>>((resolve, reject) => {
      const pending: PendingTask = {
        id: this.nextId++,
        task,
        request,
        options,
        resolve: resolve as (value: unknown) => void,
        reject,
        cleanup: () => {},
      };
      const onAbort = () => this.abort(pending);
      // One signal commonly guards a whole batch of tasks (an index, a volume load).
      if (options.signal) setMaxListeners(0, options.signal);
      options.signal?.addEventListener('abort', onAbort, { once: true });
      pending.cleanup = () => options.signal?.removeEventListener('abort', onAbort);
      this.queue.push(pending);
      this.dispatch();
    });
  }

  /**
   * Starts every worker now rather than on first need, so their start-up (~0.1 s each)
   * overlaps work main does first, for a job known to use them all.
   */
  prestart(): void {
    while (!this.destroyed && this.slots.length < this.size) this.spawn();
  }

  /** Workers started and alive. */
  get started(): number {
    return this.slots.filter((s) => !s.dead).length;
  }

  /** Terminates every worker; queued and running tasks reject as cancelled. */
  async destroy(): Promise<void> {
    this.destroyed = true;
    for (const pending of this.queue.splice(0)) settle(pending, cancelled('Lumen is shutting down.'));
    await Promise.all(
      this.slots.splice(0).map((slot) => {
        slot.dead = true;
        if (slot.current) settle(slot.current, cancelled('Lumen is shutting down.'));
        slot.current = null;
        return slot.worker.terminate();
      }),
    );
  }

  private dispatch(): void {
    while (this.queue.length > 0) {
      let slot = this.slots.find((s) => !s.dead && s.current === null);
      if (!slot && this.slots.length < this.size) slot = this.spawn();
      if (!slot) return;
      this.start(slot, this.queue.shift()!);
    }
  }

  private spawn(): Slot {
    const data: LumenWorkerData = { enableTestTasks: this.options.enableTestTasks ?? false, ...(this.options.preloadReconstruction ? { preloadReconstruction: true } : {}) };
    const worker = new Worker(this.entry.url, {
      execArgv: this.entry.execArgv,
      workerData: data,
      ...(this.options.resourceLimits ? { resourceLimits: this.options.resourceLimits } : {}),
    });
    const slot: Slot = { worker, current: null, dead: false };
    worker.on('message', (msg: ResultMessage) => this.onResult(slot, msg));
    worker.on('error', (err) => this.onCrash(slot, crashReason(err)));
    worker.on('exit', (code) => this.onCrash(slot, `it stopped with exit code ${code}`));
    worker.unref();
    this.slots.push(slot);
    return slot;
  }

  private start(slot: Slot, pending: PendingTask): void {
    slot.current = pending;
    slot.worker.ref();
    const msg: TaskMessage = { id: pending.id, task: pending.task, request: pending.request };
    const transfer: Transferable[] = [...(pending.options.transfer ?? [])];
    const cleanups: (() => void)[] = [pending.cleanup];
    const onProgress = pending.options.onProgress;
    if (onProgress) {
      const channel = new MessageChannel();
      channel.port1.on('message', (p: WorkerTaskProgress) => {
        if (slot.current === pending) onProgress(p);
      });
      msg.progressPort = channel.port2;
      transfer.push(channel.port2);
      cleanups.push(() => channel.port1.close());
    }
    if (pending.options.timeoutMs !== undefined) {
      const seconds = Math.round(pending.options.timeoutMs / 1000);
      const timer = setTimeout(() => {
        if (slot.current !== pending) return;
        this.retire(slot);
        settle(pending, new UserError('worker-crashed', `A background task (${pending.task}) took longer than ${seconds} s and was stopped.`));
        this.dispatch();
      }, pending.options.timeoutMs);
      cleanups.push(() => clearTimeout(timer));
    }
    pending.cleanup = () => cleanups.forEach((c) => c());
    slot.worker.postMessage(msg, transfer);
  }

  private onResult(slot: Slot, msg: ResultMessage): void {
    const pending = slot.current;
    if (!pending || pending.id !== msg.id) return;
    slot.current = null;
    slot.worker.unref();
    if (msg.ok) {
      pending.cleanup();
      pending.resolve(msg.response);
    } else {
      settle(pending, UserError.fromPayload(msg.error));
    }
    this.dispatch();
  }

  private onCrash(slot: Slot, reason: string): void {
    if (slot.dead) return;
    slot.dead = true;
    this.removeSlot(slot);
    const pending = slot.current;
    slot.current = null;
    if (pending) {
      settle(
        pending,
        new UserError(
          'worker-crashed',
          `A background worker crashed while running ${describeTask(pending.task)}: ${reason}. Lumen started a new worker; you can try again.`,
        ),
      );
    }
    if (!this.destroyed) this.dispatch();
  }

  private abort(pending: PendingTask): void {
    const queued = this.queue.indexOf(pending);
    if (queued >= 0) {
      this.queue.splice(queued, 1);
      settle(pending, cancelled());
      return;
    }
    const slot = this.slots.find((s) => s.current === pending);
    if (!slot) return;
    this.retire(slot);
    settle(pending, cancelled());
    this.dispatch();
  }

  /** Stops a worker on purpose (abort, timeout); its exit is then not a crash. */
  private retire(slot: Slot): void {
    slot.dead = true;
    slot.current = null;
    this.removeSlot(slot);
    void slot.worker.terminate();
  }

  private removeSlot(slot: Slot): void {
    const at = this.slots.indexOf(slot);
    if (at >= 0) this.slots.splice(at, 1);
  }
}

function settle(pending: PendingTask, err: unknown): void {
  pending.cleanup();
  pending.reject(err);
}

function cancelled(message = 'Cancelled.'): UserError {
  return new UserError('cancelled', message);
}

function crashReason(err: Error): string {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ERR_WORKER_OUT_OF_MEMORY') return 'it ran out of memory';
  return `it hit an unexpected error (${err.message})`;
}

function describeTask(task: WorkerTaskName): string {
  switch (task) {
    case 'dicom:readHeaders':
      return 'reading DICOM headers';
    case 'dicom:readDicomDir':
      return 'reading a DICOMDIR';
    case 'dicom:decodeFrame':
    case 'dicom:decodeIntoVolume':
      return 'decoding images';
    case 'dicom:thumbnail':
      return 'making a thumbnail';
    case 'reformat:straighten':
      return 'straightening';
    case 'reformat:mapBack':
    case 'reformat:inverseField':
      return 'mapping back to the original volume';
    case 'recon:estimateI0':
    case 'recon:filterViews':
    case 'recon:backproject':
      return 'reconstructing';
    default:
      return `the task ${task}`;
  }
}
