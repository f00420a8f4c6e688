/**
 * Messages between the pool and a worker. One task in flight per worker; progress
 * travels on its own MessagePort so a chatty task never delays a result.
 */
import type { MessagePort } from 'node:worker_threads';
import type { UserErrorPayload } from '../../shared/contracts/UserError';
import type { WorkerTaskName } from '../../shared/contracts/workerTasks';

export interface TaskMessage {
  id: number;
  task: WorkerTaskName;
  request: unknown;
  progressPort?: MessagePort;
}

export type ResultMessage = { id: number; ok: true; response: unknown } | { id: number; ok: false; error: UserErrorPayload };

export interface LumenWorkerData {
  /** Enables the test:* tasks (crash injection and friends). Never set in the app. */
  enableTestTasks: boolean;
  /** Load the reconstruction tasks' modules at start, not on the first task: `lumen reconstruct` knows it will need them. */
  preloadReconstruction?: boolean;
}

/**
 * Every ArrayBuffer behind a typed array in `value` (a few levels deep), so a result
 * is moved rather than copied. SharedArrayBuffers are shared anyway and are skipped.
 */
export function collectTransferables(value: unknown, depth = 3, out: Set<ArrayBuffer> = new Set()): ArrayBuffer[] {
  if (value === null || typeof value !== 'object') return [...out];
  if (ArrayBuffer.isView(value)) {
    if (value.buffer instanceof ArrayBuffer && value.buffer.byteLength > 0) out.add(value.buffer);
    return [...out];
  }
  if (value instanceof ArrayBuffer) {
    out.add(value);
    return [...out];
  }
  if (depth === 0) return [...out];
  const children = Array.isArray(value) ? value : Object.values(value);
  for (const child of children) collectTransferables(child, depth - 1, out);
  return [...out];
}
