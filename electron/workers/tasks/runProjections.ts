/**
 * Reading a rotational run's projections in a worker, for FDK and SART alike: each task
 * opens the run's file (a run is usually one multi-frame file of hundreds of MB) and lets
 * go of it when it ends (not the worker-wide dicomFileCache, which would keep it in every
 * worker through the backprojection). Plain 16-bit frames are read one by one where they
 * lie and converted by table; anything else is decoded from the whole file. Frames come out
 * in modality units, checked against the detector, dark/flat-corrected and binned as
 * asked, or straight as line integrals.
 */
import fs from 'node:fs';
import { UserError } from '../../../shared/contracts/UserError';
import type { FrameRef } from '../../../shared/contracts/workerTasks';
import type { DicomHeader } from '../../../shared/dicom/DicomHeader';
import { readDicomHeader } from '../../../shared/dicom/readDicomHeader';
import { toModalityValues } from '../../../shared/dicom/toModalityValues';
import { toLineIntegrals } from '../../../shared/recon/lineIntegrals';
import { preprocessView, type ViewPreprocessing } from '../../../shared/recon/viewPreprocessing';
import { HeaderNeedsMoreBytes } from '../../../shared/dicom/DicomReadError';
import { frameBytes, openPixelData, type FrameBytes } from '../../../shared/dicom/pixelData';
import { openDataSet, type OpenedDataSet } from '../../../shared/dicom/parse/openDataSet';
import { unpackNative } from '../../../shared/dicom/storedPixels';
import { pixelCodecFor } from '../../../shared/dicom/transferSyntax';
import { decodeFrame, sampleLayout } from '../../services/pixels/decodeFrame';

export interface OpenedFile {
  file: string;
  size: number;
  header: DicomHeader;
  /** The file's first bytes: its header, and where its pixel data starts (the whole file when small). */
  head: Uint8Array;
  /** The whole file, read on first need (the general path decodes from it). */
  readonly bytes: Uint8Array;
  /** Where plain frames are read from: parsed up to the pixel data on first need (the 16-bit table path). */
  pixelData?: { dataSet: OpenedDataSet; inFile: boolean };
  /** The last frame read from the file (reused: a frame is used up before the next is read). */
  frameWords?: Uint16Array;
}

/** Bytes read first: the index reads as much for a header. */
const HEAD_BYTES = 64 * 1024;

function readBytes(file: string, length: number, position = 0, into: Uint8Array = new Uint8Array(length)): Uint8Array {
  const fd = fs.openSync(file, 'r');
  try {
    let done = 0;
    while (done < length) {
      const n = fs.readSync(fd, into, done, length - done, position + done);
      if (n === 0) throw new UserError('unreadable', `${file} ended while being read (was it changed or truncated meanwhile?).`, file);
      done += n;
    }
    return into;
  } finally {
    fs.closeSync(fd);
  }
}

function readWhole(file: string): Uint8Array {
  // A plain Uint8Array over the Buffer's memory: copying a run's hundreds of MB would cost as much as reading them.
  const read = fs.readFileSync(file);
  return new Uint8Array(read.buffer, read.byteOffset, read.byteLength);
}

/**
 * Opens files for one task, keeping only the last: a run's frames come file by file, in
 * order. Only the header is read at first; the 16-bit table path then reads just the
 * frames it needs (a task's share of a run, not the whole file in every worker), the
 * general path the whole file.
 */
export function fileOpener(): (file: string) => OpenedFile {
  let last: OpenedFile | undefined;
  return (file) => {
    if (last?.file === file) return last;
    const size = fs.statSync(file).size;
    let whole: Uint8Array | undefined;
    let head = size <= HEAD_BYTES ? (whole = readWhole(file)) : readBytes(file, HEAD_BYTES);
    let header: DicomHeader;
    try {
      header = readDicomHeader(head, file, size);
    } catch (e) {
      if (!(e instanceof HeaderNeedsMoreBytes)) throw e;
      head = whole = readWhole(file);
      header = readDicomHeader(head, file, size);
    }
    last = {
      file,
      size,
      header,
      head,
      get bytes() {
        return (whole ??= readWhole(file));
      },
    };
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
  if (intensity === 'LOG') return tabulatedReader(options, (values, out) => logToLineIntegrals(values, i0, out));
  // Its own table of 65,536 logarithms only for a view that is not plain 16-bit words (the reader's tables serve those).
  let linear: ((values: Float32Array, out: Float32Array) => void) | undefined;
  return tabulatedReader(options, (values, out) => (linear ??= linearToLineIntegrals(i0))(values, out));
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

/**
 * A frame's 16-bit words, when it is an uncompressed grey frame of `pixels` 16-bit samples;
 * else undefined (the general path decides, and words its errors). Read from the file at
 * the frame's place when the pixel data's header is in the file's head, else cut from the
 * whole file.
 */
export function plainSixteenBitWords(file: OpenedFile, frameIndex: number, pixels: number): { values: Uint16Array; littleEndian: boolean } | undefined {
  const h = file.header;
  if (h.bitsAllocated !== 16 || Math.max(1, h.samplesPerPixel) !== 1 || (h.rows ?? 0) * (h.columns ?? 0) !== pixels || pixelCodecFor(h.transferSyntaxUid) !== 'native') return undefined;
  if (!Number.isInteger(frameIndex) || frameIndex < 0 || frameIndex >= Math.max(1, h.numberOfFrames)) return undefined;
  try {
    file.pixelData ??= pixelDataOf(file);
  } catch {
    return undefined;
  }
  const { dataSet, inFile } = file.pixelData;
  const element = dataSet.pixelElement!;
  const littleEndian = dataSet.encoding.littleEndian;
  if (inFile) {
    // Offsets in the head are the file's own: read the frame where it lies, if it is all there.
    const start = element.dataOffset + frameIndex * 2 * pixels;
    if (element.length === 0xffffffff || (frameIndex + 1) * 2 * pixels > element.length || start + 2 * pixels > file.size) return undefined;
    const values = file.frameWords?.length === pixels ? file.frameWords : (file.frameWords = new Uint16Array(pixels));
    readBytes(file.file, 2 * pixels, start, new Uint8Array(values.buffer));
    return { values, littleEndian };
  }
  let frame: FrameBytes;
  try {
    frame = frameBytes(dataSet, h, frameIndex);
  } catch {
    return undefined;
  }
  if (frame.kind !== 'native' || frame.bitOffset !== 0 || frame.bytes.length !== 2 * pixels) return undefined;
  const { bytes } = frame;
  const values = bytes.byteOffset % 2 === 0 ? new Uint16Array(bytes.buffer, bytes.byteOffset, pixels) : new Uint16Array(bytes.slice().buffer);
  return { values, littleEndian };
}

/** The pixel data element: from the head when it is there as the file holds it (not inflated or re-framed), else from the whole file. */
function pixelDataOf(file: OpenedFile): { dataSet: OpenedDataSet; inFile: boolean } {
  if (file.head.length < file.size) {
    const inHead = openDataSet(file.head, true);
    if (inHead.pixelElement && inHead.bytes === file.head) return { dataSet: inHead, inFile: true };
  }
  return { dataSet: openPixelData(file.bytes), inFile: false };
}
