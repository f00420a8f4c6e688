/**
 * Builds every main-process service and binds one handler per IPC channel. Plain
 * Node: the Electron shell and the browser harness pass their own ShellAdapter and
 * EventSink, and the same handlers serve both.
 */
import fs from 'node:fs';
import path from 'node:path';
import packageJson from '../../package.json';
import type { VolumeInfo } from '../../shared/contracts/ipc';
import { UserError } from '../../shared/contracts/UserError';
import type { SeriesPlan } from '../../shared/dicom/SeriesPlan';
import type { VolumeSeriesMeta } from '../../shared/dicom/writeVolumeSeries';
import { DicomIndexService } from './DicomIndexService';
import { FrameService } from './FrameService';
import type { EventSink, InvokeHandlers, ShellAdapter } from './InvokeHandlers';
import { JobService } from './JobService';
import { listFolder } from './listFolder';
import { PathSessions } from './PathSessions';
import { RecentFolders } from './RecentFolders';
import { ReconstructionJobs } from './ReconstructionJobs';
import { ReformatJobs } from './ReformatJobs';
import { saveLabelVolume } from './saveLabels';
import { VolumeExportJobs } from './VolumeExportJobs';
import { packVoxels, voxelTypeFor } from './packVoxels';
import { VolumeService, type LoadedVolume } from './VolumeService';
import { WorkerPool, type WorkerPoolOptions } from './WorkerPool';

export interface LumenServicesOptions {
  shell: ShellAdapter;
  events: EventSink;
  /** Overrides shell.stateDir (tests). */
  stateDir?: string;
  pool?: WorkerPoolOptions;
  volumeBudgetBytes?: number;
  log?: (message: string) => void;
}

export interface LumenServices {
  pool: WorkerPool;
  index: DicomIndexService;
  volumes: VolumeService;
  frames: FrameService;
  jobs: JobService;
  recent: RecentFolders;
  pathSessions: PathSessions;
  reconstructions: ReconstructionJobs;
}

const voxelTypes = new WeakMap<LoadedVolume, VolumeInfo['voxelType']>();

function volumeInfoOf(volume: LoadedVolume): VolumeInfo {
  let voxelType = voxelTypes.get(volume);
  if (!voxelType) {
    voxelType = voxelTypeFor(volume.voxels, volume.range);
    voxelTypes.set(volume, voxelType);
  }
  const { seriesUid, modality, dimensions, spacing, ijkToLps, range } = volume;
  return { seriesUid, modality, dimensions, spacing, ijkToLps, range, voxelType };
}

/** A loaded series exported as DICOM: its patient, study and frame of reference (the geometry is unchanged). */
function seriesMetaOf(plan: SeriesPlan): VolumeSeriesMeta {
  const s = plan.summary;
  return {
    patientName: s.patientName,
    patientId: s.patientId,
    studyInstanceUid: s.studyUid,
    studyDate: s.studyDate,
    ...(s.frameOfReferenceUid ? { frameOfReferenceUid: s.frameOfReferenceUid } : {}),
    seriesDescription: `${s.description || 'Volume'} (exported by Lumen)`,
    rescaleType: s.modality === 'CT' ? 'HU' : 'US',
  };
}

export function createLumenServices(options: LumenServicesOptions): {
  handlers: InvokeHandlers;
  services: LumenServices;
  dispose(): Promise<void>;
} {
  const { shell, events } = options;
  const log = options.log ?? ((m: string) => console.error(m));
  const pool = new WorkerPool(options.pool);
  const index = new DicomIndexService(pool);
  // Reconstructions are held with the loaded volumes, under one budget; one dropped to make room is told (declared below: the two refer to each other).
  const volumes = new VolumeService(pool, { ...(options.volumeBudgetBytes === undefined ? {} : { budgetBytes: options.volumeBudgetBytes }), onEvict: (uid) => reconstructions.evicted(uid) });
  const frames = new FrameService(pool, index);
  const jobs = new JobService(events, log);
  const recent = new RecentFolders(options.stateDir ?? shell.stateDir);
  const pathSessions = new PathSessions(options.stateDir ?? shell.stateDir);
  const reformat = new ReformatJobs(pool, volumes, () => index.sourceFolders());
  const reconstructions = new ReconstructionJobs({ pool, volumes, planOf: (uid) => index.requirePlan(uid), describeVolume: volumeInfoOf });
  const volumeExports = new VolumeExportJobs({
    pool,
    sourceFolders: () => index.sourceFolders(),
    seriesMeta: (uid) => reconstructions.seriesMeta(uid) ?? seriesMetaOf(index.requirePlan(uid)),
  });
  /** A loaded series or a reconstruction made here. */
  const requireVolume = (seriesUid: string): LoadedVolume => {
    const volume = volumes.get(seriesUid);
    reconstructions.assertNotDropped(seriesUid);
    if (!volume) throw new UserError('not-found', 'This volume is no longer in memory. Open the series again.');
    return volume;
  };

  const handlers: InvokeHandlers = {
    'app:getInfo': () => ({
      version: packageJson.version,
      shell: shell.shell,
      sampleFolder: shell.sampleFolder,
      initialFolder: shell.initialFolder,
    }),
    'app:listRecentFolders': async () => ({ folders: await recent.list() }),
    'dialog:pickFolder': async () => ({ folder: await shell.pickFolder() }),
    'fs:listFolder': (req) => listFolder(req.folder),
    'dicom:indexFolder': async (req) => {
      const folder = path.resolve(req.folder);
      const stat = await fs.promises.stat(folder).catch(() => null);
      if (!stat) throw new UserError('not-found', `The folder ${folder} does not exist.`, folder);
      if (!stat.isDirectory()) throw new UserError('not-found', `${folder} is a file, not a folder. Choose the folder that holds the DICOM files.`, folder);
      const jobId = jobs.start('dicom:index', async (ctx) => {
        const result = await index.index(folder, {
          signal: ctx.signal,
          onProgress: (p) => ctx.progress(p.done, p.total, p.stage),
        });
        await recent.add(folder).catch((err: unknown) => log(`[lumen] could not save recent folders: ${String(err)}`));
        return result;
      });
      return { jobId };
    },
    'series:getThumbnail': (req) => frames.getThumbnail(req.seriesUid),
    'series:getFrame': (req) => frames.getFrame(req.seriesUid, req.index),
    'volume:load': (req) => {
      const reconstruction = reconstructions.made(req.seriesUid) ? volumes.get(req.seriesUid) : undefined;
      if (reconstruction) return { jobId: jobs.start('volume:load', () => Promise.resolve(volumeInfoOf(reconstruction))) };
      reconstructions.assertNotDropped(req.seriesUid);
      const plan = index.requirePlan(req.seriesUid);
      const jobId = jobs.start('volume:load', async (ctx) => {
        const volume = await volumes.load(plan, {
          signal: ctx.signal,
          onProgress: (p) => ctx.progress(p.done, p.total, p.stage),
        });
        return volumeInfoOf(volume);
      });
      return { jobId };
    },
    'volume:getVoxels': (req) => {
      const volume = requireVolume(req.seriesUid);
      return { seriesUid: volume.seriesUid, voxels: packVoxels(volume.voxels, volumeInfoOf(volume).voxelType) };
    },
    'reformat:export': (req) => ({ jobId: jobs.start('reformat:export', (ctx) => reformat.export(req, ctx)) }),
    'reformat:mapBack': (req) => ({ jobId: jobs.start('reformat:mapBack', (ctx) => reformat.mapBack(req, ctx)) }),
    'labels:getVoxels': (req) => ({ labelsId: req.labelsId, voxels: reformat.labels(req.labelsId).voxels }),
    'labels:save': async (req) => {
      const labels = reformat.labels(req.labelsId);
      const saved = await saveLabelVolume({ labels, reference: index.requirePlan(labels.seriesUid), out: req.out, sourceFolders: index.sourceFolders() });
      return { file: saved.file, format: saved.format };
    },
    'paths:load': async (req) => ({ paths: await pathSessions.load(req.seriesUid) }),
    'paths:save': (req) => pathSessions.save(req.seriesUid, req.paths),
    'recon:describe': (req) => reconstructions.describe(req),
    'recon:reconstruct': (req) => {
      // The run must be known now: an unknown series is an answer, not a failed job.
      index.requirePlan(req.seriesUid);
      return { jobId: jobs.start('recon:reconstruct', (ctx) => reconstructions.reconstruct(req, ctx)) };
    },
    'volume:export': (req) => {
      const volume = requireVolume(req.seriesUid);
      volumeExports.checkVolumeTarget(req);
      return { jobId: jobs.start('volume:export', (ctx) => volumeExports.exportVolume(volume, req, ctx)) };
    },
    'volume:exportSurface': (req) => {
      const volume = requireVolume(req.seriesUid);
      volumeExports.checkSurfaceTarget(req);
      return { jobId: jobs.start('volume:exportSurface', (ctx) => volumeExports.exportSurface(volume, req, ctx)) };
    },
    'job:cancel': (req) => ({ cancelled: jobs.cancel(req.jobId) }),
  };

  return {
    handlers,
    services: { pool, index, volumes, frames, jobs, recent, pathSessions, reconstructions },
    async dispose() {
      await jobs.cancelAll();
      volumes.clear();
      reconstructions.clear();
      await pool.destroy();
    },
  };
}
