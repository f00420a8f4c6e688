/**
 * Fault-injection tasks for the pool's own tests. The worker refuses them unless its
 * workerData enables them, so the app can never run them.
 */
import type { WorkerTaskProgress } from '../../../shared/contracts/workerTasks';

let lastTransferred: Float32Array | undefined;

export function crash(how: 'exit' | 'throw' | 'oom'): Promise<Record<string, never>> {
  if (how === 'exit') process.exit(7);
  if (how === 'throw') {
    // Thrown outside the task's promise chain: an uncaught exception in the worker.
    setTimeout(() => {
      throw new Error('injected uncaught exception');
    }, 0);
    return new Promise(() => {});
  }
  const hoard: number[][] = [];
  for (;;) hoard.push(new Array<number>(1_000_000).fill(Math.random()));
}

export async function sleep(ms: number, steps: number, progress: (p: WorkerTaskProgress) => void): Promise<{ slept: number }> {
  const n = Math.max(1, steps);
  for (let i = 1; i <= n; i++) {
    await new Promise((resolve) => setTimeout(resolve, ms / n));
    progress({ done: i, total: n });
  }
  return { slept: ms };
}

export function makeTransferable(length: number): { values: Float32Array } {
  const values = new Float32Array(length);
  for (let i = 0; i < length; i++) values[i] = i;
  lastTransferred = values;
  return { values };
}

/** Whether the last test:transfer result's buffer was detached here, i.e. moved. */
export function lastTransferDetached(): { detached: boolean | null } {
  return { detached: lastTransferred ? lastTransferred.buffer.byteLength === 0 : null };
}
