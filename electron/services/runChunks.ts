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
