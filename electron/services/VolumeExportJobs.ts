/**
 * The volume toolbar's exports as jobs: a volume file (NRRD, NIfTI, MetaImage), a DICOM
 * series folder, or an STL iso-surface. The destination is checked before the job starts
 * (a bad name is an answer, not a failed job); the heavy part runs in the worker pool on
 * the volume's shared voxels, so main stays responsive; main only writes the result
 * atomically (or renames the series' temp folder). Cancel stops the worker, and the temp
 * file or folder goes with it.
 */
import path from 'node:path';
import type { InvokeRequest, SurfaceExportResult, VolumeExportResult } from '../../shared/contracts/ipc';
import { UserError } from '../../shared/contracts/UserError';
import type { SharedVolume } from '../../shared/contracts/workerTasks';
import type { VolumeSeriesMeta } from '../../shared/dicom/writeVolumeSeries';
import { VOLUME_EXTENSIONS, volumeFormatOf } from '../../shared/io/volumeFormats';
import { checkSurfaceTarget, writeSurface } from './exportSurface';
import { checkExportTarget, ENCODE_STEPS } from './exportVolume';
import { checkSeriesTarget, exportVolumeSeries } from './exportVolumeSeries';
import type { JobContext } from './JobService';
import type { LoadedVolume } from './VolumeService';
import type { WorkerPool } from './WorkerPool';
import { writeFileAtomic } from './writeFileAtomic';

export interface VolumeExportDeps {
  pool: WorkerPool;
  sourceFolders: () => readonly string[];
  /** Patient, study and frame of reference of the volume `seriesUid` names, for a DICOM series. */
  seriesMeta: (seriesUid: string) => VolumeSeriesMeta;
}

export class VolumeExportJobs {
  constructor(private readonly deps: VolumeExportDeps) {}

  /** Throws (UserError) when `volume:export` could not write where asked; run before starting the job. */
  checkVolumeTarget(req: InvokeRequest<'volume:export'>): void {
    const sources = this.deps.sourceFolders();
    if (req.format === 'dicom') {
      checkSeriesTarget(req.out, sources);
      return;
    }
    // The name decides what the file holds: it must say the format asked for.
    if (volumeFormatOf(req.out) !== req.format) {
      const endings = VOLUME_EXTENSIONS.filter((e) => volumeFormatOf(`x${e}`) === req.format).join(' or ');
      throw new UserError('invalid-request', `${path.basename(req.out)} does not name a ${req.format} file: end it with ${endings}.`);
    }
    checkExportTarget(req.out, sources);
  }

  /** Throws (UserError) when `volume:exportSurface` could not write where asked. */
  checkSurfaceTarget(req: InvokeRequest<'volume:exportSurface'>): void {
    checkSurfaceTarget(req.out, this.deps.sourceFolders());
  }

  async exportVolume(volume: LoadedVolume, req: InvokeRequest<'volume:export'>, ctx: JobContext): Promise<VolumeExportResult> {
    const shared = sharedVolumeOf(volume);
    const sources = this.deps.sourceFolders();
    const run = { signal: ctx.signal };
    if (req.format === 'dicom') {
      const meta = this.deps.seriesMeta(req.seriesUid);
      const written = await exportVolumeSeries(volume, meta, req.out, sources, (folder) =>
        this.deps.pool.run('export:dicomSeries', { ...shared, meta, folder }, { ...run, onProgress: (p) => ctx.progress(p.done, p.total, `Writing slice ${p.done}/${p.total}`) }),
      );
      return { out: written.out, format: 'dicom', files: written.files, bytes: written.bytes };
    }
    const file = path.resolve(req.out);
    const format = checkExportTarget(file, sources);
    const encoded = await this.deps.pool.run('export:encodeVolume', { ...shared, format }, { ...run, onProgress: (p) => ctx.progress(p.done, p.total, p.stage ?? 'Encoding') });
    ctx.signal.throwIfAborted();
    ctx.progress(ENCODE_STEPS - 1, ENCODE_STEPS, 'Writing');
    await writeFileAtomic(file, encoded.bytes, { sourceFolders: sources });
    ctx.progress(ENCODE_STEPS, ENCODE_STEPS, 'Writing');
    return { out: file, format, files: 1, bytes: encoded.bytes.length };
  }

  async exportSurface(volume: LoadedVolume, req: InvokeRequest<'volume:exportSurface'>, ctx: JobContext): Promise<SurfaceExportResult> {
    const sources = this.deps.sourceFolders();
    const file = checkSurfaceTarget(req.out, sources);
    const { threshold, smoothIterations, decimate, largestOnly } = req;
    const request = {
      ...sharedVolumeOf(volume),
      threshold,
      ...(smoothIterations !== undefined && { smoothIterations }),
      ...(decimate !== undefined && { decimate }),
      ...(largestOnly !== undefined && { largestOnly }),
    };
    const onProgress = (stage: string, done: number, total: number): void => ctx.progress(done, total, stage);
    const surface = await this.deps.pool.run('export:surface', request, { signal: ctx.signal, onProgress: (p) => onProgress(p.stage ?? 'Extracting surface', p.done, p.total) });
    ctx.signal.throwIfAborted();
    const { triangles, vertices, bytes } = await writeSurface(file, surface, sources, onProgress);
    return { file, triangles, vertices, bytes };
  }
}

/** The volume as the workers read it: its own SharedArrayBuffer when it fills one (every loaded volume), else a shared copy. */
function sharedVolumeOf(volume: LoadedVolume): SharedVolume {
  const { voxels, dimensions, ijkToLps } = volume;
  if (voxels.buffer instanceof SharedArrayBuffer && voxels.byteOffset === 0 && voxels.byteLength === voxels.buffer.byteLength) {
    return { voxels: voxels.buffer, dimensions, ijkToLps };
  }
  const copy = new SharedArrayBuffer(voxels.byteLength);
  new Float32Array(copy).set(voxels);
  return { voxels: copy, dimensions, ijkToLps };
}
