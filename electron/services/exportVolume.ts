/**
 * Writes a loaded volume to NRRD, NIfTI or MetaImage (chosen by file name), in
 * modality units with its LPS geometry, atomically, and never inside a source folder.
 * Values are stored as 16-bit integers when that loses nothing (CT in HU always
 * qualifies), else as 32-bit floats.
 */
import path from 'node:path';
import { UserError } from '../../shared/contracts/UserError';
import { encodeVolume, VOLUME_EXTENSIONS, volumeFormatOf, type VolumeFormat } from '../../shared/io/volumeFormats';
import type { VolumeImage, VoxelArray } from '../../shared/io/VolumeImage';
import type { LoadedVolume } from './VolumeService';
import { assertOutsideSources, writeFileAtomic } from './writeFileAtomic';

export interface ExportResult {
  file: string;
  format: VolumeFormat;
  voxelType: 'int16' | 'float32';
  bytes: number;
}

/** Checks an export destination before any work is done: known format, not in a source folder. */
export function checkExportTarget(out: string, sourceFolders: readonly string[]): VolumeFormat {
  const file = path.resolve(out);
  const format = volumeFormatOf(file);
  if (!format) {
    throw new UserError('invalid-request', `Cannot tell the format of ${path.basename(file)}: use one of ${VOLUME_EXTENSIONS.join(', ')}.`);
  }
  assertOutsideSources(file, sourceFolders);
  return format;
}

export async function exportVolume(volume: LoadedVolume, out: string, sourceFolders: readonly string[]): Promise<ExportResult> {
  const file = path.resolve(out);
  const format = checkExportTarget(file, sourceFolders);
  const { bytes, voxelType } = encodeVolumeFile(volume, format);
  await writeFileAtomic(file, bytes, { sourceFolders });
  return { file, format, voxelType, bytes: bytes.length };
}

/** Gzip-compressed formats, whose encoding is mostly compression. */
const COMPRESSED: ReadonlySet<VolumeFormat> = new Set(['nrrd', 'nifti-gzip']);

/**
 * The file's bytes: the CPU-heavy part of an export, run in a worker by the app.
 * Progress counts three steps (converting, encoding or compressing, and the caller's write).
 */
export function encodeVolumeFile(
  volume: VolumeImage & { voxels: Float32Array },
  format: VolumeFormat,
  onProgress?: (stage: string, done: number, total: number) => void,
): { bytes: Uint8Array; voxelType: ExportResult['voxelType'] } {
  onProgress?.('Converting', 0, ENCODE_STEPS);
  const voxels = narrowIfLossless(volume.voxels);
  onProgress?.(COMPRESSED.has(format) ? 'Compressing' : 'Encoding', 1, ENCODE_STEPS);
  const bytes = encodeVolume({ dimensions: volume.dimensions, ijkToLps: volume.ijkToLps, voxels }, format);
  return { bytes, voxelType: voxels instanceof Int16Array ? 'int16' : 'float32' };
}

/** Converting, encoding, writing. */
export const ENCODE_STEPS = 3;

/** An Int16Array copy when every value is an integer in range, else the values as they are. */
export function narrowIfLossless(values: Float32Array): VoxelArray {
  for (let n = 0; n < values.length; n++) {
    const v = values[n];
    if (!Number.isInteger(v) || v < -32768 || v > 32767) return values;
  }
  return Int16Array.from(values);
}
