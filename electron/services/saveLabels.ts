/**
 * Saves a label volume that lies on a reference series' grid (e.g. labels mapped back from a
 * straightened volume) in the format its file name asks for: NRRD, NIfTI (RAS on disk, as
 * NIfTI requires), MetaImage, each with the reference's LPS geometry in the header, or a DICOM
 * Segmentation (.dcm) that references the reference series' images slice by slice and carries
 * its patient and study. Used by `lumen map-back` and the Reformat panel alike.
 *
 * Writes atomically (readers see the old file or the new one) and never inside a DICOM source
 * folder.
 */
import fs from 'node:fs';
import path from 'node:path';
import packageJson from '../../package.json';
import { UserError } from '../../shared/contracts/UserError';
import type { SeriesPlan } from '../../shared/dicom/SeriesPlan';
import { readReferenceAttributes, writeSegmentation, type SegmentDescription, type SourceImage, type WrittenSegment } from '../../shared/dicom/writeSegmentation';
import { encodeVolume, volumeFormatOf, type VolumeFormat } from '../../shared/io/volumeFormats';
import type { LabelVoxels } from '../../shared/reformat/mapBack';
import { assertOutsideSources, writeFileAtomic } from './writeFileAtomic';

export type LabelFormat = VolumeFormat | 'dicom-seg';

/** File name endings saveLabelVolume understands, in the order help texts list them. */
export const LABEL_EXTENSIONS = ['.nrrd', '.nii', '.nii.gz', '.mha', '.dcm'] as const;

/** The format a label file name asks for, or undefined for an unknown ending. */
export function labelFormatOf(file: string): LabelFormat | undefined {
  return file.toLowerCase().endsWith('.dcm') ? 'dicom-seg' : volumeFormatOf(file);
}

export interface SaveLabelsRequest {
  /** Labels on the reference grid: dimensions equal to reference.geometry.dimensions, column fastest; 0 = no label. */
  labels: { dimensions: readonly [number, number, number]; voxels: LabelVoxels };
  /**
   * The reference series' plan (DicomIndexService.requirePlan): its geometry goes into every
   * format's header; DICOM SEG also reads its files for the source images, patient and study.
   */
  reference: SeriesPlan;
  /** Target file; the format follows its ending (LABEL_EXTENSIONS). */
  out: string;
  /** Folders Lumen reads DICOM from: writing inside any of them is refused. */
  sourceFolders: readonly string[];
  /** DICOM SEG only: segment names and codes by label value, series description, creator. */
  segmentation?: {
    segments?: readonly SegmentDescription[];
    seriesDescription?: string;
    contentCreatorName?: string;
  };
}

export interface SavedLabels {
  /** Absolute path written. */
  file: string;
  format: LabelFormat;
  bytes: number;
  /** DICOM SEG only. */
  segmentation?: { sopInstanceUid: string; seriesInstanceUid: string; frames: number; segments: WrittenSegment[] };
}

/**
 * Writes `labels` to `out`. Throws UserError for an unknown ending, a destination inside a
 * source folder, labels of the wrong size, or labels a DICOM SEG cannot hold (none at all,
 * non-integer or negative values).
 */
export async function saveLabelVolume(req: SaveLabelsRequest): Promise<SavedLabels> {
  const file = path.resolve(req.out);
  const format = labelFormatOf(file);
  if (!format) throw new UserError('invalid-request', `${path.basename(file)}: labels can be saved as ${LABEL_EXTENSIONS.join(', ')} (DICOM SEG).`);
  assertOutsideSources(file, req.sourceFolders);
  const geometry = req.reference.geometry;
  if (!geometry) throw new UserError('unsupported', `Series "${req.reference.summary.description || req.reference.summary.uid}" is not a volume, so labels cannot be placed on it.`);
  const { dimensions, ijkToLps } = geometry;
  if (req.labels.dimensions.some((d, a) => d !== dimensions[a]) || req.labels.voxels.length !== dimensions[0] * dimensions[1] * dimensions[2]) {
    throw new UserError('invalid-request', `The labels are ${req.labels.dimensions.join('×')} but the reference volume is ${dimensions.join('×')}.`);
  }

  if (format !== 'dicom-seg') {
    const bytes = encodeVolume({ dimensions: [...dimensions], ijkToLps, voxels: req.labels.voxels }, format);
    await writeFileAtomic(file, bytes, { sourceFolders: req.sourceFolders });
    return { file, format, bytes: bytes.length };
  }

  const { sourceImages, attributes } = await referenceImages(req.reference);
  let result;
  try {
    result = writeSegmentation({
      labels: { dimensions, voxels: req.labels.voxels },
      ijkToLps,
      reference: attributes,
      sourceImages,
      ...(req.segmentation?.segments ? { segments: req.segmentation.segments } : {}),
      ...(req.segmentation?.seriesDescription ? { seriesDescription: req.segmentation.seriesDescription } : {}),
      ...(req.segmentation?.contentCreatorName ? { contentCreatorName: req.segmentation.contentCreatorName } : {}),
      software: { manufacturer: 'Lumen', modelName: 'Lumen', version: packageJson.version },
    });
  } catch (err) {
    throw new UserError('invalid-request', `Cannot save these labels as DICOM SEG: ${err instanceof Error ? err.message : String(err)}.`);
  }
  await writeFileAtomic(file, result.bytes, { sourceFolders: req.sourceFolders });
  return {
    file,
    format,
    bytes: result.bytes.length,
    segmentation: { sopInstanceUid: result.sopInstanceUid, seriesInstanceUid: result.seriesInstanceUid, frames: result.frames, segments: result.segments },
  };
}

/** Header bytes read per file; the rest is read only when the header runs longer. */
const PREFIX_BYTES = 64 * 1024;

/**
 * The source image of every grid slice, and the series' patient / study / frame-of-reference
 * values (from its representative file). A grid slice takes the source frame whose plane lies
 * nearest: the same frame where slices are evenly spaced, the closest one where the loader
 * resampled an uneven stack.
 */
async function referenceImages(plan: SeriesPlan): Promise<{ sourceImages: SourceImage[]; attributes: ReturnType<typeof readReferenceAttributes> }> {
  const geometry = plan.geometry!;
  const slices = geometry.dimensions[2];
  const offsets = geometry.sliceOffsets;
  const frameOfSlice = Array.from({ length: slices }, (_, k) => {
    if (plan.frames.length === slices && geometry.uniformSpacing) return k;
    let best = 0;
    for (let f = 1; f < offsets.length; f++) if (Math.abs(offsets[f]! - k * geometry.spacing[2]) < Math.abs(offsets[best]! - k * geometry.spacing[2])) best = f;
    return best;
  });
  const files = [...new Set([plan.representative.file, ...frameOfSlice.map((f) => plan.frames[f]!.file)])];
  const headers = new Map<string, ReturnType<typeof readReferenceAttributes>>();
  for (let start = 0; start < files.length; start += 16) {
    const batch = files.slice(start, start + 16);
    const read = await Promise.all(batch.map((f) => readAttributes(f)));
    batch.forEach((f, n) => headers.set(f, read[n]!));
  }
  const sourceImages = frameOfSlice.map((f) => {
    const frame = plan.frames[f]!;
    const h = headers.get(frame.file)!;
    return { sopClassUid: h.sopClassUid, sopInstanceUid: h.sopInstanceUid, ...(h.numberOfFrames > 1 ? { frameNumber: frame.frameIndex + 1 } : {}) };
  });
  return { sourceImages, attributes: headers.get(plan.representative.file)! };
}

async function readAttributes(file: string): Promise<ReturnType<typeof readReferenceAttributes>> {
  let handle: fs.promises.FileHandle | undefined;
  try {
    handle = await fs.promises.open(file, 'r');
    const size = (await handle.stat()).size;
    const prefix = new Uint8Array(Math.min(size, PREFIX_BYTES));
    await handle.read(prefix, 0, prefix.length, 0);
    try {
      return readReferenceAttributes(prefix);
    } catch (err) {
      if (prefix.length === size) throw err;
      // A header longer than the prefix (large private groups): read it all.
      const whole = new Uint8Array(size);
      await handle.read(whole, 0, size, 0);
      return readReferenceAttributes(whole);
    }
  } catch (err) {
    if (err instanceof UserError) throw err;
    throw new UserError('unreadable', `Cannot read the reference image ${file} for DICOM SEG: ${err instanceof Error ? err.message : String(err)}.`, file);
  } finally {
    await handle?.close();
  }
}
