/**
 * Reading a rotational run's projections in a worker, for FDK and SART alike: each task
 * opens the run's file once (a run is usually one multi-frame file of hundreds of MB) and
 * lets go of it when it ends (not the worker-wide dicomFileCache, which would keep it in
 * every worker through the backprojection); frames come out in modality units, checked
 * against the detector, dark/flat-corrected and binned as asked, then as line integrals.
 */
import fs from 'node:fs';
import { UserError } from '../../../shared/contracts/UserError';
import type { FrameRef } from '../../../shared/contracts/workerTasks';
import type { DicomHeader } from '../../../shared/dicom/DicomHeader';
import { readDicomHeader } from '../../../shared/dicom/readDicomHeader';
import { toModalityValues } from '../../../shared/dicom/toModalityValues';
import { toLineIntegrals } from '../../../shared/recon/lineIntegrals';
import { preprocessView, type ViewPreprocessing } from '../../../shared/recon/viewPreprocessing';
import { decodeFrame } from '../../services/pixels/decodeFrame';

export interface OpenedFile {
  file: string;
  bytes: Uint8Array;
  header: DicomHeader;
}

/** Opens files for one task, keeping only the last: a run's frames come file by file, in order. */
export function fileOpener(): (file: string) => OpenedFile {
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

/** One projection decoded at the run's own size, then dark/flat-corrected and binned to `columns` × `rows` as asked. */
export async function preparedProjection(open: (file: string) => OpenedFile, ref: FrameRef, columns: number, rows: number, p: ViewPreprocessing | undefined): Promise<Float32Array> {
  return p ? preprocessView(await decodeProjection(open, ref, p.columns, p.rows), p) : decodeProjection(open, ref, columns, rows);
}

/** Stored pixel values are 16-bit at most: a table of every one of them. */
const TABULATED = 65536;

/**
 * toLineIntegrals for one I0, by table for the integer values 0 … 65535 that LIN runs
 * store (the table is toLineIntegrals of them, so the results are the same to the bit,
 * at a fraction of a logarithm's cost); a view holding any other value (rescaled,
 * dark/flat-corrected) goes through toLineIntegrals itself.
 */
export function linearToLineIntegrals(i0: number): (values: Float32Array, out: Float32Array) => void {
  const table = toLineIntegrals(Float32Array.from({ length: TABULATED }, (_, n) => n), i0);
  return (values, out) => {
    for (let n = 0; n < values.length; n++) {
      const value = values[n];
      const index = value | 0;
      if (index !== value || index < 0 || index >= TABULATED) {
        toLineIntegrals(values, i0, out);
        return;
      }
      out[n] = table[index];
    }
  };
}

/**
 * LOG pixels are a logarithm of the intensity on a scale the standard leaves to the
 * vendor: the line integral is the drop below air, in those units.
 */
export function logToLineIntegrals(values: Float32Array, air: number, out: Float32Array): void {
  for (let n = 0; n < values.length; n++) out[n] = air - values[n];
}
