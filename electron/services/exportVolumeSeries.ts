/**
 * Writes a volume as a DICOM series (one file per slice, see writeVolumeSeries) into a
 * new folder, atomically: the files go into a hidden temp folder beside the target, which
 * is renamed into place once every slice is written, so another viewer never finds half a
 * series. A failed or cancelled export removes the temp folder. An existing folder is
 * never written into, nor anything inside a source folder.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { UserError } from '../../shared/contracts/UserError';
import { writeVolumeSeries, type VolumeSeriesInput, type VolumeSeriesMeta } from '../../shared/dicom/writeVolumeSeries';
import { assertOutsideSources } from './writeFileAtomic';
import { trackTempOutput } from './tempOutputs';

export interface SeriesFolderResult {
  out: string;
  files: number;
  bytes: number;
  seriesInstanceUid: string;
}

export type SeriesSlices = Omit<SeriesFolderResult, 'out'>;

/** Writes the slices into `folder`; the app runs this in a worker (task 'export:dicomSeries'), the CLI in its own thread. */
export type SeriesSliceWriter = (folder: string) => Promise<SeriesSlices>;

/** Checks a DICOM series destination before any work is done: a new folder, in an existing one, outside the sources. */
export function checkSeriesTarget(outDir: string, sourceFolders: readonly string[]): string {
  const out = path.resolve(outDir);
  assertOutsideSources(out, sourceFolders);
  if (fs.existsSync(out)) {
    throw new UserError('invalid-request', `${out} already exists. A DICOM series is written into a new folder: give a folder name that does not exist yet.`, out);
  }
  const parent = path.dirname(out);
  if (!fs.statSync(parent, { throwIfNoEntry: false })?.isDirectory()) throw new UserError('not-found', `The folder ${parent} does not exist.`, parent);
  return out;
}

export async function exportVolumeSeries(
  volume: VolumeSeriesInput,
  meta: VolumeSeriesMeta,
  outDir: string,
  sourceFolders: readonly string[],
  writeSlices: SeriesSliceWriter = (folder) => Promise.resolve(writeSeriesSlices(volume, meta, folder)),
): Promise<SeriesFolderResult> {
  const out = checkSeriesTarget(outDir, sourceFolders);
  const parent = path.dirname(out);
  const temp = path.join(parent, `.${path.basename(out)}.${randomBytes(6).toString('hex')}.tmp`);
  const untrack = trackTempOutput(temp);
  try {
    await fs.promises.mkdir(temp);
    const written = await writeSlices(temp);
    await fs.promises.rename(temp, out);
    return { out, ...written };
  } catch (err) {
    // A cancelled worker may finish the one slice it was writing after this starts: retry until the folder is gone.
    await fs.promises.rm(temp, { recursive: true, force: true, maxRetries: 10, retryDelay: 20 }).catch(() => {});
    throw seriesWriteError(err, parent);
  } finally {
    untrack();
  }
}

/** A file-system error while writing into `parent`, as a UserError a clinician can act on (others unchanged). */
export function seriesWriteError(err: unknown, parent: string): unknown {
  const code = (err as NodeJS.ErrnoException | null)?.code;
  if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS') return new UserError('unreadable', `Lumen is not allowed to write to ${parent} (permission denied).`, parent);
  if (code === 'ENOSPC') return new UserError('too-large', `The disk holding ${parent} is full; nothing was left behind.`, parent);
  return err;
}

/** Encodes and writes every slice into `folder`, reporting slices done of total. */
export function writeSeriesSlices(volume: VolumeSeriesInput, meta: VolumeSeriesMeta, folder: string, onProgress?: (done: number, total: number) => void): SeriesSlices {
  const series = writeVolumeSeries(volume, meta);
  let bytes = 0;
  onProgress?.(0, series.count);
  for (let k = 0; k < series.count; k++) {
    const file = series.fileAt(k);
    fs.writeFileSync(path.join(folder, file.name), file.bytes);
    bytes += file.bytes.length;
    onProgress?.(k + 1, series.count);
  }
  return { files: series.count, bytes, seriesInstanceUid: series.seriesInstanceUid };
}
