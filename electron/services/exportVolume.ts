/**
 * Writes a loaded volume to NRRD, NIfTI or MetaImage (chosen by file name), in
 * modality units with its LPS geometry, atomically, and never inside a source folder.
 * Values are stored as 16-bit integers when that loses nothing (CT in HU always
 * qualifies), else as 32-bit floats.
 */
import path from 'node:path';
import { UserError } from '../../shared/contracts/UserError';
import { encodeVolume, VOLUME_EXTENSIONS, volumeFormatOf, type VolumeFormat } from '../../shared/io/volumeFormats';
import type { VoxelArray } from '../../shared/io/VolumeImage';
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
  const voxels = narrowIfLossless(volume.voxels);
  const bytes = encodeVolume({ dimensions: volume.dimensions, ijkToLps: volume.ijkToLps, voxels }, format);
  await writeFileAtomic(file, bytes, { sourceFolders });
  return { file, format, voxelType: voxels instanceof Int16Array ? 'int16' : 'float32', bytes: bytes.length };
}

/** An Int16Array copy when every value is an integer in range, else the values as they are. */
export function narrowIfLossless(values: Float32Array): VoxelArray {
  for (let n = 0; n < values.length; n++) {
    const v = values[n];
    if (!Number.isInteger(v) || v < -32768 || v > 32767) return values;
  }
  return Int16Array.from(values);
}
