/**
 * The Reformat panel's work in main: exporting a straightened volume (the same files as
 * `lumen straighten`) and carrying labels drawn in straightened space back onto the loaded
 * volume. Mapped labels stay here, by id, until saved or replaced, so the renderer only ever
 * holds what it shows.
 */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { InvokeRequest, MappedLabelsInfo, ProjectionImage, ReformatExportResult } from '../../shared/contracts/ipc';
import { UserError } from '../../shared/contracts/UserError';
import { readNrrd } from '../../shared/io/nrrd';
import { formatBytes } from '../../shared/formatBytes';
import type { JobContext } from './JobService';
import { straightenToFolder } from './straightenToFolder';
import type { LoadedVolume, VolumeService } from './VolumeService';
import type { WorkerPool } from './WorkerPool';

export interface MappedLabels extends MappedLabelsInfo {
  /** On the grid of the volume `seriesUid` names. */
  voxels: Uint8Array;
}

/** Mapped label volumes kept at once: the newest few, as a user compares attempts. */
const KEEP_MAPPED = 3;

export class ReformatJobs {
  private readonly mapped = new Map<string, MappedLabels>();

  constructor(
    private readonly pool: WorkerPool,
    private readonly volumes: VolumeService,
    private readonly sourceFolders: () => string[],
  ) {}

  async export(req: InvokeRequest<'reformat:export'>, ctx: JobContext): Promise<ReformatExportResult> {
    const volume = this.requireVolume(req.seriesUid);
    const summary = await straightenToFolder(
      { pool: this.pool, budgetBytes: this.volumes.budgetBytes, volume, sourceFolders: this.sourceFolders(), signal: ctx.signal, onProgress: (stage, done, total) => ctx.progress(done, total, stage) },
      req.path,
      req.params,
      req.outDir,
    );
    const projections = await Promise.all(req.params.projections.map((kind) => readProjection(summary.outDir, kind)));
    const { outDir, files, size, insideFraction, folds, timings } = summary;
    return { outDir, files, size, insideFraction, folds, timings, projections };
  }

  async mapBack(req: InvokeRequest<'reformat:mapBack'>, ctx: JobContext): Promise<MappedLabelsInfo> {
    const volume = this.requireVolume(req.seriesUid);
    const [columns, rows] = req.transforms.size;
    const plane = columns * rows;
    const bytes = plane * req.transforms.slices.length;
    if (bytes > this.volumes.budgetBytes) {
      throw new UserError('too-large', `The straightened labels need ${formatBytes(bytes)}, more than the ${formatBytes(this.volumes.budgetBytes)} Lumen may use here.`);
    }
    ctx.progress(0, 1, 'Mapping labels back');
    // Only the painted slices travel from the renderer; the worker wants the whole volume.
    const labels = new SharedArrayBuffer(bytes);
    const view = new Uint8Array(labels);
    for (const s of req.labels) view.set(s.voxels, s.slice * plane);
    const result = await this.pool.run('reformat:mapBack', { transforms: req.transforms, labels, reference: { dimensions: volume.dimensions, ijkToLps: volume.ijkToLps } }, { signal: ctx.signal });
    ctx.progress(1, 1, 'Mapping labels back');
    const info: MappedLabelsInfo = { labelsId: randomUUID(), seriesUid: volume.seriesUid, dimensions: volume.dimensions, report: result.report };
    this.remember({ ...info, voxels: result.voxels });
    return info;
  }

  labels(labelsId: string): MappedLabels {
    const labels = this.mapped.get(labelsId);
    if (!labels) throw new UserError('not-found', 'These labels are no longer in memory. Map them back again.');
    return labels;
  }

  private remember(labels: MappedLabels): void {
    this.mapped.set(labels.labelsId, labels);
    while (this.mapped.size > KEEP_MAPPED) this.mapped.delete(this.mapped.keys().next().value!);
  }

  private requireVolume(seriesUid: string): LoadedVolume {
    const volume = this.volumes.get(seriesUid);
    if (!volume) throw new UserError('not-found', 'This volume is no longer in memory. Open the series again.');
    return volume;
  }
}

/** A projection the export wrote, read back so the app shows exactly what is on disk. */
async function readProjection(outDir: string, kind: ProjectionImage['kind']): Promise<ProjectionImage> {
  const image = readNrrd(new Uint8Array(await fs.promises.readFile(path.join(outDir, `projection-${kind}.nrrd`))));
  // The NRRD has spacings and no LPS geometry: its affine is diagonal.
  const m = image.ijkToLps;
  return { kind, width: image.dimensions[0], height: image.dimensions[1], pixelSpacing: [m[0]!, m[5]!], pixels: Float32Array.from(image.voxels) };
}
