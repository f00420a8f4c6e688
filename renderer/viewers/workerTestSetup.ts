/** What the worker-backed computers' tests share: a worker factory that keeps every fake worker it made. */
import type { WorkerFactory } from './cancellableWorker';

/** `createWorker` makes a fake with `make` and appends it to `workers`, oldest first. */
export function fakeWorkers<W>(make: () => W): { createWorker: WorkerFactory; workers: W[] } {
  const workers: W[] = [];
  const createWorker = (): Worker => {
    const worker = make();
    workers.push(worker);
    return worker as unknown as Worker;
  };
  return { createWorker, workers };
}
