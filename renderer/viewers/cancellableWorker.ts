/**
 * A module Web Worker answering one request at a time, for computations that can only be stopped
 * by terminating the worker (marching cubes has no yield points). The worker is kept between
 * requests; a request that arrives while another runs terminates it and starts a fresh one.
 */

export type WorkerFactory = () => Worker;

export class IsosurfaceCancelledError extends Error {
  constructor() {
    super('Isosurface computation cancelled');
    this.name = 'IsosurfaceCancelledError';
  }
}

/** What a worker answers when its computation threw. */
export interface WorkerErrorResponse {
  type: 'error';
  id: number;
  message: string;
}

interface Pending<TResult> {
  id: number;
  resolve: (result: TResult) => void;
  reject: (error: Error) => void;
}

export interface CancellableWorkerOptions<TResponse, TResult> {
  createWorker: WorkerFactory;
  /** Names the worker in failure messages, e.g. 'Isosurface worker'. */
  name: string;
  /** Sent to each fresh worker before its first request (e.g. the volume it keeps). */
  onStart?: (worker: Worker) => void;
  toResult: (response: Exclude<TResponse, WorkerErrorResponse>) => TResult;
}

export class CancellableWorker<TResponse extends { type: string; id: number }, TResult> {
  private worker: Worker | null = null;
  private pending: Pending<TResult> | null = null;
  private nextId = 1;

  constructor(private readonly options: CancellableWorkerOptions<TResponse, TResult>) {}

  get busy(): boolean {
    return this.pending !== null;
  }

  /**
   * Cancels any running request, then has `post` send the new one, tagged `id`, to the worker.
   * Rejects with IsosurfaceCancelledError when superseded or cancelled.
   */
  run(post: (worker: Worker, id: number) => void): Promise<TResult> {
    this.cancel();
    const worker = this.ensureWorker();
    const id = this.nextId++;
    return new Promise<TResult>((resolve, reject) => {
      this.pending = { id, resolve, reject };
      post(worker, id);
    });
  }

  /** Stops a running computation (terminating its worker); no-op when idle. */
  cancel(): void {
    const pending = this.pending;
    if (!pending) return;
    this.pending = null;
    this.stopWorker();
    pending.reject(new IsosurfaceCancelledError());
  }

  /** Cancels and terminates the worker; the next request starts a fresh one. */
  stop(): void {
    this.cancel();
    this.stopWorker();
  }

  private ensureWorker(): Worker {
    if (this.worker) return this.worker;
    const { createWorker, name, onStart } = this.options;
    const worker = createWorker();
    worker.onmessage = (event: MessageEvent<TResponse>) => this.onResponse(event.data);
    worker.onerror = (event: ErrorEvent) => {
      event.preventDefault();
      this.fail(`${name} failed: ${event.message || 'could not start'}`);
    };
    worker.onmessageerror = () => this.fail(`${name} sent an unreadable message`);
    onStart?.(worker);
    this.worker = worker;
    return worker;
  }

  private stopWorker(): void {
    this.worker?.terminate();
    this.worker = null;
  }

  private fail(message: string): void {
    const pending = this.pending;
    this.pending = null;
    this.stopWorker();
    pending?.reject(new Error(message));
  }

  private onResponse(response: TResponse): void {
    const pending = this.pending;
    if (!pending || pending.id !== response.id) return;
    this.pending = null;
    if (response.type === 'error') {
      pending.reject(new Error((response as unknown as WorkerErrorResponse).message));
      return;
    }
    pending.resolve(this.options.toResult(response as Exclude<TResponse, WorkerErrorResponse>));
  }
}
