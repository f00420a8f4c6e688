/**
 * Dark (offset) and flat (gain) images of a C-arm detector, given by the user as files,
 * since DICOM has no standard home for them: a DICOM image (its modality values, rescale
 * applied; the mean of its frames when it has several), a one-slice NRRD, NIfTI or
 * MetaImage volume (i = column, j = row), or raw little-endian samples of exactly the
 * run's columns × rows, float32 or uint16 (told apart by the file's size). The result has
 * the views' layout: row-major, column fastest, columns × rows.
 */
import fs from 'node:fs';
import path from 'node:path';
import { UserError } from '../../shared/contracts/UserError';
import type { DicomHeader } from '../../shared/dicom/DicomHeader';
import { DicomReadError } from '../../shared/dicom/DicomReadError';
import { readDicomHeader } from '../../shared/dicom/readDicomHeader';
import { toModalityValues } from '../../shared/dicom/toModalityValues';
import { decodeVolume, volumeFormatOf } from '../../shared/io/volumeFormats';
import { decodeFrame } from './pixels/decodeFrame';

export async function readDetectorImage(file: string, columns: number, rows: number, role: 'dark' | 'flat'): Promise<Float32Array> {
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(await fs.promises.readFile(file));
  } catch {
    throw new UserError('not-found', `Cannot read the ${role} image ${file}.`, file);
  }
  const name = path.basename(file);
  const wrongSize = (size: string) =>
    new UserError('invalid-request', `The ${role} image ${name} is ${size}, but the run's projections are ${columns}×${rows}.`, file);

  const format = volumeFormatOf(file);
  if (format) {
    const image = decodeVolume(bytes, format);
    const [i, j, k] = image.dimensions;
    if (i !== columns || j !== rows || k !== 1) throw wrongSize(`${i}×${j}×${k}`);
    return Float32Array.from(image.voxels);
  }
  const header = readDicom(bytes, file);
  if (header) {
    if (header.columns !== columns || header.rows !== rows || header.samplesPerPixel !== 1) throw wrongSize(`${header.columns}×${header.rows}${header.samplesPerPixel > 1 ? ' colour' : ''}`);
    // Several frames (darks and flats are often taken as a short series) are averaged, lowering their noise.
    const mean = new Float32Array(columns * rows);
    for (let f = 0; f < header.numberOfFrames; f++) {
      const values = toModalityValues(await decodeFrame(bytes, header, f), header.rescaleSlope, header.rescaleIntercept);
      for (let n = 0; n < mean.length; n++) mean[n] += values[n] / header.numberOfFrames;
    }
    return mean;
  }
  // Raw samples: the size says which type, since a detector image has exactly columns × rows of them.
  const pixels = columns * rows;
  const copy = bytes.slice();
  if (bytes.length === 4 * pixels) return new Float32Array(copy.buffer);
  if (bytes.length === 2 * pixels) return Float32Array.from(new Uint16Array(copy.buffer));
  throw new UserError(
    'invalid-request',
    `The ${role} image ${name} is neither DICOM, NRRD, NIfTI nor MHA, and its ${bytes.length} bytes are not ${columns}×${rows} raw float32 (${4 * pixels}) or uint16 (${2 * pixels}) samples.`,
    file,
  );
}

/** The header of a DICOM image, or undefined when the bytes are not one. */
function readDicom(bytes: Uint8Array, file: string): DicomHeader | undefined {
  try {
    const header = readDicomHeader(bytes, file, bytes.length);
    return header.hasPixelData ? header : undefined;
  } catch (e) {
    if (e instanceof DicomReadError) return undefined;
    throw e;
  }
}
