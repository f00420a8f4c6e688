/**
 * The one worker entry: runs the named tasks of shared/contracts/workerTasks.ts, one at
 * a time, for electron/services/WorkerPool. A task's failure is answered as a
 * UserError payload; only a real crash (exit, uncaught exception, OOM) kills the worker.
 */
import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import { collectGarbage } from '../services/collectGarbage';
import { UserError, type UserErrorPayload } from '../../shared/contracts/UserError';
import type { WorkerTaskName, WorkerTaskProgress, WorkerTasks } from '../../shared/contracts/workerTasks';
import { DicomReadError } from '../../shared/dicom/DicomReadError';
import { crash, lastTransferDetached, makeTransferable, sleep } from './tasks/testTasks';
import { collectTransferables, type LumenWorkerData, type ResultMessage, type TaskMessage } from './workerProtocol';

type Progress = (p: WorkerTaskProgress) => void;
type Handlers = {
  [T in WorkerTaskName]: (req: WorkerTasks[T]['request'], progress: Progress) => Promise<WorkerTasks[T]['response']> | WorkerTasks[T]['response'];
};

const reconTasks = () => import('./tasks/reconTasks');

// Task modules load on first use: an indexing worker never pays for the image codecs.
const handlers: Handlers = {
  'dicom:readHeaders': async (req) => {
    crashOnInjectedFile(req.files);
    return (await import('./tasks/readHeaders')).readHeaders(req.files, req.prefixBytes);
  },
  'dicom:readDicomDir': async (req) => (await import('./tasks/readDicomDir')).readDicomDir(req.file),
  'dicom:decodeFrame': async (req) => (await import('./tasks/decodeTasks')).decodeModalityFrame(req),
  'dicom:decodeIntoVolume': async (req, progress) => (await import('./tasks/decodeTasks')).decodeIntoVolume(req, progress),
  'dicom:thumbnail': async (req) => (await import('./tasks/decodeTasks')).decodeThumbnail(req, req.maxSize),
  'reformat:straighten': async (req, progress) => (await import('./tasks/reformatTasks')).straightenIntoShared(req, progress),
  'reformat:mapBack': async (req) => (await import('./tasks/mapBackTask')).mapBackFromShared(req),
  'reformat:inverseField': async (req) => (await import('./tasks/mapBackTask')).inverseFieldOf(req),
  'recon:estimateI0': async (req) => (await reconTasks()).estimateRunI0(req),
  'recon:filterViews': async (req, progress) => (await reconTasks()).filterViews(req, progress),
  'recon:backproject': async (req, progress) => (await reconTasks()).backprojectBox(req, progress),
  'sart:lineIntegrals': async (req, progress) => (await import('./tasks/sartTasks')).lineIntegralsInto(req, progress),
  'sart:corrections': async (req, progress) => (await import('./tasks/sartTasks')).correctionsOf(req, progress),
  'sart:update': async (req, progress) => (await import('./tasks/sartTasks')).updateSlab(req, progress),
  'export:surface': async (req, progress) => (await import('./tasks/exportTasks')).surfaceOf(req, progress),
  'export:encodeVolume': async (req, progress) => (await import('./tasks/exportTasks')).encodeVolumeOf(req, progress),
  'export:dicomSeries': async (req, progress) => (await import('./tasks/exportTasks')).dicomSeriesInto(req, progress),
  'test:crash': (req) => crash(req.how),
  'test:sleep': (req, progress) => sleep(req.ms, req.steps, progress),
  'test:transfer': (req) => makeTransferable(req.length),
  'test:lastTransferDetached': () => lastTransferDetached(),
};

const data = (workerData ?? { enableTestTasks: false }) as LumenWorkerData;
// While the command indexes its input: the first task then finds the modules loaded (a failure surfaces there).
if (data.preloadReconstruction) reconTasks().catch(() => {});

/** Test-only fault injection: a file whose name asks for it kills this worker mid-batch. */
function crashOnInjectedFile(files: string[]): void {
  if (data.enableTestTasks && files.some((f) => f.includes('lumen-test-crash'))) process.exit(9);
}

function toPayload(err: unknown): UserErrorPayload {
  if (err instanceof UserError) return err.toPayload();
  if (err instanceof DicomReadError) return { code: 'unreadable', message: err.reason, ...(err.file ? { detail: err.file } : {}) };
  return { code: 'internal', message: `Internal error in a background worker: ${err instanceof Error ? err.message : String(err)}` };
}

async function run(msg: TaskMessage, port: MessagePort): Promise<void> {
  const progressPort = msg.progressPort;
  const progress: Progress = progressPort ? (p) => progressPort.postMessage(p) : () => {};
  try {
    if (msg.task.startsWith('test:') && !data.enableTestTasks) {
      throw new UserError('invalid-request', `Task ${msg.task} is for tests only.`);
    }
    const handler = handlers[msg.task] as (req: unknown, progress: Progress) => unknown;
    if (!handler) throw new UserError('invalid-request', `Unknown worker task "${msg.task}".`);
    const response = await handler(msg.request, progress);
    const result: ResultMessage = { id: msg.id, ok: true, response };
    port.postMessage(result, collectTransferables(response));
  } catch (err) {
    const result: ResultMessage = { id: msg.id, ok: false, error: toPayload(err) };
    port.postMessage(result);
  } finally {
    progressPort?.close();
    if (READS_WHOLE_FILES.has(msg.task) || holdsLargeMemory(msg.request)) collectGarbage();
  }
}

const LARGE_BYTES = 64 * 2 ** 20;
/** Tasks that read a whole multi-frame run (hundreds of megabytes) into memory of their own. */
const READS_WHOLE_FILES: ReadonlySet<WorkerTaskName> = new Set(['recon:filterViews']);

/** Whether the request carried a large shared buffer or memory, which this worker must let go of now (see collectGarbage). */
function holdsLargeMemory(request: unknown): boolean {
  if (typeof request !== 'object' || request === null) return false;
  return Object.values(request).some(
    (v) =>
      (v instanceof SharedArrayBuffer && v.byteLength >= LARGE_BYTES) ||
      (typeof v === 'object' && v !== null && 'memory' in v && v.memory instanceof WebAssembly.Memory && v.memory.buffer.byteLength >= LARGE_BYTES),
  );
}

if (parentPort) {
  const port = parentPort;
  port.on('message', (msg: TaskMessage) => void run(msg, port));
}
