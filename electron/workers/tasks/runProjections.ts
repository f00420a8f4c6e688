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
import { frameBytes, openPixelData, type FrameBytes } from '../../../shared/dicom/pixelData';
import type { OpenedDataSet } from '../../../shared/dicom/parse/openDataSet';
import { unpackNative } from '../../../shared/dicom/storedPixels';
import { pixelCodecFor } from '../../../shared/dicom/transferSyntax';
import { decodeFrame, sampleLayout } from '../../services/pixels/decodeFrame';

export interface OpenedFile {
  file: string;
  bytes: Uint8Array;
  header: DicomHeader;
  /** Parsed up to the pixel data on first need (the 16-bit fast path). */
  dataSet?: OpenedDataSet;
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
function linearToLineIntegrals(i0: number): (values: Float32Array, out: Float32Array) => void {
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
function logToLineIntegrals(values: Float32Array, air: number, out: Float32Array): void {
  for (let n = 0; n < values.length; n++) out[n] = air - values[n];
}

export interface LineIntegralOptions {
  columns: number;
  rows: number;
  intensity: 'LIN' | 'LOG';
  /** I0 of a LIN run, air of a LOG one. */
  i0: number;
  preprocessing?: ViewPreprocessing | undefined;
}

/** Reads one view into `out` (columns × rows values). */
export type ViewReader = (ref: FrameRef, out: Float32Array) => Promise<void>;

/** Reads one task's views as line integrals (see tabulatedReader). */
export function lineIntegralReader(options: LineIntegralOptions): ViewReader {
  const { intensity, i0 } = options;
  const linear = intensity === 'LIN' ? linearToLineIntegrals(i0) : undefined;
  return tabulatedReader(options, (values, out) => (linear ? linear(values, out) : logToLineIntegrals(values, i0, out)));
}

/** Reads one task's views in modality units, as preparedProjection does (see tabulatedReader). */
export function modalityReader(options: Omit<LineIntegralOptions, 'intensity' | 'i0'>): ViewReader {
  return tabulatedReader(options, (values, out) => out.set(values));
}

/**
 * Reads views as `convert` of their modality values. Most runs store plain 16-bit samples:
 * those go straight from the file's bytes through a table of every 16-bit word (built by the
 * very unpacking, rescale and conversion of the general path, so the same to the bit), which
 * skips the decoder, a float copy and a pass per view. Anything else (compressed, other
 * depths, dark/flat or binning) takes the general path.
 */
function tabulatedReader(options: Omit<LineIntegralOptions, 'intensity' | 'i0'>, convert: (values: Float32Array, out: Float32Array) => void): ViewReader {
  const { columns, rows, preprocessing } = options;
  const open = fileOpener();
  const tables = new Map<string, Float32Array>();
  // Index n of a table is the word whose bytes, in the host's order, are n's: unpacked in the file's byte order, they are the file's value.
  const allWords = new Uint8Array(Uint16Array.from({ length: TABULATED }, (_, n) => n).buffer);
  const tableFor = (header: DicomHeader, littleEndian: boolean, slope: number, intercept: number): Float32Array => {
    const layout = { ...sampleLayout(header), rows: 1, columns: TABULATED };
    const key = `${layout.bitsStored}/${layout.highBit}/${layout.signed}/${littleEndian}/${slope}/${intercept}`;
    let table = tables.get(key);
    if (!table) {
      const stored = unpackNative(allWords, 0, littleEndian, layout);
      const frame = { width: TABULATED, height: 1, samplesPerPixel: 1, bitsStored: layout.bitsStored, signed: layout.signed, pixels: stored, monochrome1: false, photometricInterpretation: 'MONOCHROME2' };
      table = new Float32Array(TABULATED);
      convert(toModalityValues(frame, slope, intercept), table);
      tables.set(key, table);
    }
    return table;
  };
  return async (ref, out) => {
    const file = preprocessing ? undefined : open(ref.file);
    const words = file && plainSixteenBitWords(file, ref.frameIndex, columns * rows);
    if (file && words) {
      const { header } = file;
      const table = tableFor(header, words.littleEndian, ref.rescale?.slope ?? header.rescaleSlope, ref.rescale?.intercept ?? header.rescaleIntercept);
      const w = words.values;
      for (let n = 0; n < w.length; n++) out[n] = table[w[n]];
      return;
    }
    convert(await preparedProjection(open, ref, columns, rows, preprocessing), out);
  };
}

/** A frame's 16-bit words, when it is an uncompressed grey frame of `pixels` 16-bit samples; else undefined (the general path decides). */
export function plainSixteenBitWords(file: OpenedFile, frameIndex: number, pixels: number): { values: Uint16Array; littleEndian: boolean } | undefined {
  const h = file.header;
  if (h.bitsAllocated !== 16 || Math.max(1, h.samplesPerPixel) !== 1 || (h.rows ?? 0) * (h.columns ?? 0) !== pixels || pixelCodecFor(h.transferSyntaxUid) !== 'native') return undefined;
  let frame: FrameBytes;
  try {
    file.dataSet ??= openPixelData(file.bytes);
    frame = frameBytes(file.dataSet, h, frameIndex);
  } catch {
    return undefined; // the general path reports it in its words
  }
  if (frame.kind !== 'native' || frame.bitOffset !== 0 || frame.bytes.length !== 2 * pixels) return undefined;
  const { bytes } = frame;
  const values = bytes.byteOffset % 2 === 0 ? new Uint16Array(bytes.buffer, bytes.byteOffset, pixels) : new Uint16Array(bytes.slice().buffer);
  return { values, littleEndian: frame.littleEndian };
}
