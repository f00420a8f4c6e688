/**
 * One job split into chunks on the worker pool: progress is the sum over chunks, and
 * the first failure (or the caller's abort) stops the chunks still running, because
 * a volume with one missing chunk is worthless.
 */
import type { WorkerTaskName, WorkerTaskRequest, WorkerTaskResponse } from '../../shared/contracts/workerTasks';
import type { WorkerPool } from './WorkerPool';

export interface ChunkOptions {
  signal?: AbortSignal;
  /** Total units done so far (the tasks' own progress units), summed over chunks. */
  onProgress?: (done: number) => void;
}

export async function runChunks<T extends WorkerTaskName>(pool: WorkerPool, task: T, requests: readonly WorkerTaskRequest<T>[], { signal, onProgress }: ChunkOptions = {}): Promise<WorkerTaskResponse<T>[]> {
  const doneByChunk = new Array<number>(requests.length).fill(0);
  const controller = new AbortController();
  const onAbort = () => controller.abort();
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    return await Promise.all(
      requests.map((request, c) =>
        pool
          .run(task, request, {
            signal: controller.signal,
            onProgress: (p) => {
              doneByChunk[c] = p.done;
              onProgress?.(doneByChunk.reduce((a, b) => a + b, 0));
            },
          })
          .catch((err: unknown) => {
            controller.abort();
            throw err;
          }),
      ),
    );
  } finally {
    signal?.removeEventListener('abort', onAbort);
  }
}

/** [first, last) ranges splitting `count` items into about `chunks` equal parts. */
export function chunkRanges(count: number, chunks: number): [number, number][] {
  const size = Math.ceil(count / Math.max(1, Math.min(count, chunks)));
  const ranges: [number, number][] = [];
  for (let first = 0; first < count; first += size) ranges.push([first, Math.min(count, first + size)]);
  return ranges;
}

/**
 * [first, last) ranges splitting items 0 … weights.length − 1 into at most `parts` runs of
 * about equal total weight (a range closes once the running total passes its share), or
 * of equal counts when nothing weighs anything.
 */
export function balancedRanges(weights: ArrayLike<number>, parts: number): [number, number][] {
  const count = weights.length;
  let total = 0;
  for (let n = 0; n < count; n++) total += weights[n];
  if (!(total > 0)) return chunkRanges(count, parts);
  const ranges: [number, number][] = [];
  let first = 0;
  let sum = 0;
  for (let n = 0; n < count - 1; n++) {
    sum += weights[n];
    if (ranges.length < parts - 1 && sum >= (total * (ranges.length + 1)) / parts) {
      ranges.push([first, n + 1]);
      first = n + 1;
    }
  }
  ranges.push([first, count]);
  return ranges;
}
