/**
 * Cone-beam reconstruction tasks over shared buffers (see ReconstructionService):
 * projections are decoded, turned into line integrals and filtered one at a time, straight
 * into the shared filtered stack, so no raw copy of the run is ever held; backprojection
 * then reads that stack and adds into its own slab of the shared output volume, with the
 * WebAssembly SIMD kernel where it runs (WasmBackprojector), the TypeScript one elsewhere.
 *
 * A run is usually one multi-frame file of hundreds of MB: a task reads each file once
 * and lets go of it when it ends (not the worker-wide dicomFileCache, which would keep it
 * in every worker through the backprojection).
 */
import fs from 'node:fs';
import { UserError } from '../../../shared/contracts/UserError';
import type { FrameRef, WorkerTaskProgress, WorkerTasks } from '../../../shared/contracts/workerTasks';
import { toModalityValues } from '../../../shared/dicom/toModalityValues';
import { backprojectView, makeProjectionFilter } from '../../../shared/recon/fdk';
import { estimateI0, toLineIntegrals } from '../../../shared/recon/lineIntegrals';
import { WasmBackprojector } from '../../../shared/recon/wasm/WasmBackprojector';
import type { DicomHeader } from '../../../shared/dicom/DicomHeader';
import { readDicomHeader } from '../../../shared/dicom/readDicomHeader';
import { decodeFrame } from '../../services/pixels/decodeFrame';

type Request<T extends keyof WorkerTasks> = WorkerTasks[T]['request'];

interface OpenedFile {
  file: string;
  bytes: Uint8Array;
  header: DicomHeader;
}

/** Opens files for one task, keeping only the last: a run's frames come file by file, in order. */
function fileOpener(): (file: string) => OpenedFile {
  let last: OpenedFile | undefined;
  return (file) => {
    if (last?.file !== file) {
      // A plain Uint8Array over the Buffer's memory: copying a run's hundreds of MB would cost as much as reading them.
      const read = fs.readFileSync(file);
      const bytes = new Uint8Array(read.buffer, read.byteOffset, read.byteLength);
      last = { file, bytes, header: readDicomHeader(bytes, file, bytes.length) };
    }
    return last;
  };
}

/** One projection in modality units (rescale applied), checked against the run's detector size. */
async function decodeProjection(open: (file: string) => OpenedFile, ref: FrameRef, columns: number, rows: number): Promise<Float32Array> {
  const { bytes, header } = open(ref.file);
  const decoded = await decodeFrame(bytes, header, ref.frameIndex);
  if (decoded.width !== columns || decoded.height !== rows || decoded.samplesPerPixel !== 1) {
    throw new UserError(
      'unsupported',
      `Frame ${ref.frameIndex + 1} of ${ref.file} is ${decoded.width}×${decoded.height}${decoded.samplesPerPixel > 1 ? ' colour' : ''}, unlike the run's ${columns}×${rows} grey projections.`,
    );
  }
  return toModalityValues(decoded, ref.rescale?.slope ?? header.rescaleSlope, ref.rescale?.intercept ?? header.rescaleIntercept);
}

export async function estimateRunI0(req: Request<'recon:estimateI0'>): Promise<{ i0: number[] }> {
  const open = fileOpener();
  const i0: number[] = [];
  for (const ref of req.views) i0.push(estimateI0(await decodeProjection(open, ref, req.columns, req.rows), req.columns, req.rows));
  return { i0 };
}

export async function filterViews(req: Request<'recon:filterViews'>, progress: (p: WorkerTaskProgress) => void): Promise<Record<string, never>> {
  const { columns, rows } = req.geometry.detector;
  const pixels = columns * rows;
  const filter = makeProjectionFilter(req.geometry, { window: req.window, ...(req.cutoff !== undefined ? { cutoff: req.cutoff } : {}) });
  const integrals = new Float32Array(pixels);
  const open = fileOpener();
  let done = 0;
  for (const ref of req.views) {
    const values = await decodeProjection(open, ref, columns, rows);
    if (req.intensity === 'LIN') toLineIntegrals(values, req.i0, integrals);
    else logToLineIntegrals(values, req.i0, integrals);
    filter(ref.view, integrals, new Float32Array(req.out, 4 * pixels * ref.slot, pixels));
    progress({ done: ++done, total: req.views.length });
  }
  return {};
}

/**
 * LOG pixels are a logarithm of the intensity on a scale the standard leaves to the
 * vendor: the line integral is the drop below air, in those units.
 */
function logToLineIntegrals(values: Float32Array, air: number, out: Float32Array): void {
  for (let n = 0; n < values.length; n++) out[n] = air - values[n];
}

export function backprojectSlab(req: Request<'recon:backproject'>, progress: (p: WorkerTaskProgress) => void): Record<string, never> {
  const { detector, views } = req.geometry;
  const pixels = detector.columns * detector.rows;
  const out = new Float32Array(req.out);
  const total = views.length;
  // An instance per task: its memory (a chunk of the slab and detector bands) goes with it.
  const wasm = WasmBackprojector.create();
  if (wasm) {
    const filtered = new Float32Array(req.filtered, 0, total * pixels);
    wasm.backprojectSlab({ filtered, views, detector, grid: req.grid, kFirst: req.kFirst, kLast: req.kLast, out, onProgress: (done) => progress({ done, total }) });
    return {};
  }
  for (let v = 0; v < total; v++) {
    backprojectView(new Float32Array(req.filtered, 4 * pixels * v, pixels), views[v], detector, req.grid, req.kFirst, req.kLast, out);
    progress({ done: v + 1, total });
  }
  return {};
}
