/**
 * The volume on screen: asks main to load the series (a job with progress and
 * cancel), then fetches its voxels once. The RendererVolume is held by reference and
 * replaced whole; the previous one is dropped before the next loads, so two large
 * volumes never sit in the renderer at once. The volume on screen can be exported
 * (`volume:export`, `volume:exportSurface` jobs, followed with progress and cancel): a file,
 * a DICOM series folder or an STL surface, named in the export dialog.
 */
import { makeAutoObservable, observableRef, runInAction } from 'mobx';
import type { VolumeExportFormat } from '../../shared/contracts/ipc';
import { isCancellation } from '../../shared/contracts/UserError';
import type { SeriesSummary } from '../../shared/dicom/SeriesSummary';
import { messageOf, type LumenClient } from '../ipc/LumenClient';
import { runJob, type JobProgress, type RunJobOptions } from '../ipc/runJob';
import type { RendererVolume } from '../viewers/RendererVolume';

export type VolumeStatus = 'idle' | 'loading' | 'ready' | 'cancelled' | 'error';

/** What the export dialog offers: the volume itself, or its iso-surface as STL. */
export type ExportFormat = VolumeExportFormat | 'stl';

export const EXPORT_FORMATS: readonly { format: ExportFormat; label: string; extension: string }[] = [
  { format: 'nrrd', label: 'NRRD', extension: '.nrrd' },
  { format: 'nifti-gzip', label: 'NIfTI, compressed', extension: '.nii.gz' },
  { format: 'nifti', label: 'NIfTI', extension: '.nii' },
  { format: 'metaimage', label: 'MetaImage', extension: '.mha' },
  { format: 'dicom', label: 'DICOM series (a new folder)', extension: '' },
  { format: 'stl', label: 'STL surface (iso-value)', extension: '.stl' },
];

export interface ExportOutcome {
  out: string;
  files: number;
  bytes: number;
  /** STL only. */
  triangles?: number;
}

/** The STL threshold offered first: contrast-filled vessels and bone in HU, else the middle of the values. */
export function defaultSurfaceThreshold(modality: string, range: [number, number]): number {
  return modality === 'CT' ? 300 : (range[0] + range[1]) / 2;
}

export type ExportState = 'idle' | 'running' | 'done' | 'error';

/** A series description as a file name: letters, digits, dashes and underscores. */
export function fileNameOf(description: string): string {
  return description.trim().replace(/[^\p{L}\p{N}._-]+/gu, '-').replace(/^-+|-+$/g, '') || 'volume';
}

export class VolumeStore {
  series: SeriesSummary | null = null;
  status: VolumeStatus = 'idle';
  progress: JobProgress = { done: 0, total: 0, stage: '' };
  error: string | null = null;
  volume: RendererVolume | null = null;
  /** Milliseconds from open() to main having the volume, and to the voxels being in the renderer (benchmarks). */
  timings: { loadedInMainMs: number; voxelsInRendererMs: number } | null = null;
  exportOpen = false;
  exportFolder = '';
  exportName = '';
  exportFormat: ExportFormat = 'nrrd';
  /** STL: iso-value in the volume's units, Taubin smoothing passes, and the largest part only. */
  surfaceThreshold = 0;
  surfaceSmoothing = 10;
  surfaceLargestOnly = false;
  exportState: ExportState = 'idle';
  exportError: string | null = null;
  exportResult: ExportOutcome | null = null;
  /** The running export's stage and done of total (its job's progress events). */
  exportProgress: JobProgress | null = null;

  private loading: AbortController | null = null;
  private exporting: AbortController | null = null;
  /** The user chose the STL threshold for this volume: opening the dialog again keeps it. */
  private surfaceThresholdSet = false;

  constructor(private readonly client: LumenClient) {
    makeAutoObservable<VolumeStore, 'client' | 'loading' | 'exporting' | 'surfaceThresholdSet' | 'surfaceExport'>(
      this,
      {
        client: false,
        loading: false,
        exporting: false,
        surfaceThresholdSet: false,
        surfaceExport: false,
        series: observableRef,
        volume: observableRef,
        progress: observableRef,
        timings: observableRef,
        exportResult: observableRef,
        exportProgress: observableRef,
      },
      { autoBind: true },
    );
  }

  async open(series: SeriesSummary): Promise<void> {
    if (series.uid === this.series?.uid && this.status !== 'error' && this.status !== 'cancelled') return;
    this.close();
    const loading = new AbortController();
    this.loading = loading;
    this.series = series;
    this.status = 'loading';
    this.progress = { done: 0, total: series.frames, stage: 'Loading' };
    const started = performance.now();
    const current = (): boolean => this.loading === loading;
    try {
      const info = await runJob(this.client, 'volume:load', () => this.client.invoke('volume:load', { seriesUid: series.uid }), {
        signal: loading.signal,
        onProgress: (p) => current() && runInAction(() => (this.progress = p)),
      });
      if (!current()) return;
      const loadedInMainMs = performance.now() - started;
      runInAction(() => (this.progress = { done: info.dimensions[2], total: info.dimensions[2], stage: 'Transferring voxels' }));
      const { voxels } = await this.client.invoke('volume:getVoxels', { seriesUid: series.uid });
      if (!current()) return;
      const { seriesUid, modality, dimensions, spacing, ijkToLps, range } = info;
      runInAction(() => {
        this.volume = { seriesUid, modality, dimensions, spacing, ijkToLps, range, voxels };
        this.status = 'ready';
        this.timings = { loadedInMainMs, voxelsInRendererMs: performance.now() - started };
      });
    } catch (err) {
      if (!current()) return;
      runInAction(() => {
        this.status = isCancellation(err) ? 'cancelled' : 'error';
        this.error = isCancellation(err) ? null : messageOf(err);
      });
    } finally {
      if (current()) this.loading = null;
    }
  }

  cancel(): void {
    this.loading?.abort();
  }

  /** Where the export writes: the folder joined with the name and the format's extension. */
  get exportTarget(): string {
    const folder = this.exportFolder.trim().replace(/[\\/]+$/, '');
    const separator = folder.includes('\\') && !folder.includes('/') ? '\\' : '/';
    const extension = EXPORT_FORMATS.find((f) => f.format === this.exportFormat)?.extension ?? '';
    return `${folder}${separator}${this.exportName.trim()}${extension}`;
  }

  /** The export dialog, named after the series and aimed at the home folder until the user says otherwise. */
  async openExport(): Promise<void> {
    if (this.status !== 'ready' || !this.series) return;
    // A running export, or one that ended while the dialog was closed, is shown as it stands.
    this.exportOpen = true;
    if (!this.exportName) this.exportName = fileNameOf(this.series.description || 'volume');
    if (this.volume && !this.surfaceThresholdSet) this.surfaceThreshold = defaultSurfaceThreshold(this.volume.modality, this.volume.range);
    if (!this.exportFolder) {
      try {
        const { folder } = await this.client.invoke('fs:listFolder', {});
        runInAction(() => (this.exportFolder ||= folder));
      } catch {
        // The user types the folder.
      }
    }
  }

  /** Closes the dialog; a running export goes on (the toolbar shows it), an ended one has been seen. */
  closeExport(): void {
    this.exportOpen = false;
    if (this.exportState !== 'running') this.resetExport();
  }

  /** Stops the running export: its job ends cancelled and leaves no file behind. */
  cancelExport(): void {
    this.exporting?.abort();
  }

  private resetExport(): void {
    this.exportState = 'idle';
    this.exportError = null;
    this.exportResult = null;
  }

  setExportFolder(folder: string): void {
    this.exportFolder = folder;
  }

  setExportName(name: string): void {
    this.exportName = name;
  }

  setExportFormat(format: ExportFormat): void {
    this.exportFormat = format;
  }

  setSurface(options: { threshold?: number; smoothing?: number; largestOnly?: boolean }): void {
    if (options.threshold !== undefined) {
      this.surfaceThreshold = options.threshold;
      this.surfaceThresholdSet = true;
    }
    if (options.smoothing !== undefined) this.surfaceSmoothing = options.smoothing;
    if (options.largestOnly !== undefined) this.surfaceLargestOnly = options.largestOnly;
  }

  async chooseExportFolder(): Promise<void> {
    try {
      const { folder } = await this.client.invoke('dialog:pickFolder', {});
      if (folder) runInAction(() => (this.exportFolder = folder));
    } catch (err) {
      runInAction(() => (this.exportError = messageOf(err)));
    }
  }

  async exportVolume(): Promise<void> {
    const series = this.series;
    if (!series || this.status !== 'ready' || this.exportState === 'running') return;
    if (!this.exportFolder.trim() || !this.exportName.trim()) {
      this.exportState = 'error';
      this.exportError = 'Name the folder and the file to export into.';
      return;
    }
    this.exportState = 'running';
    this.exportError = null;
    this.exportResult = null;
    this.exportProgress = { done: 0, total: 1, stage: 'Starting' };
    const exporting = (this.exporting = new AbortController());
    const options: RunJobOptions = { signal: exporting.signal, onProgress: (p) => runInAction(() => (this.exportProgress = p)) };
    const format = this.exportFormat;
    const out = this.exportTarget;
    try {
      let result: ExportOutcome;
      if (format === 'stl') {
        result = await this.surfaceExport(series.uid, out, options);
      } else {
        result = await runJob(this.client, 'volume:export', () => this.client.invoke('volume:export', { seriesUid: series.uid, out, format }), options);
      }
      runInAction(() => {
        this.exportResult = result;
        this.exportState = 'done';
      });
    } catch (err) {
      runInAction(() => {
        this.exportState = 'error';
        this.exportError = isCancellation(err) ? 'Export cancelled: nothing was written.' : messageOf(err);
      });
    } finally {
      runInAction(() => {
        this.exportProgress = null;
        this.exporting = null;
      });
    }
  }

  private async surfaceExport(seriesUid: string, out: string, options: RunJobOptions): Promise<ExportOutcome> {
    const request = { seriesUid, out, threshold: this.surfaceThreshold, smoothIterations: this.surfaceSmoothing, largestOnly: this.surfaceLargestOnly };
    const written = await runJob(this.client, 'volume:exportSurface', () => this.client.invoke('volume:exportSurface', request), options);
    return { out: written.file, files: 1, bytes: written.bytes, triangles: written.triangles };
  }

  /** Forgets the volume (and stops a load in flight). */
  close(): void {
    this.loading?.abort();
    this.loading = null;
    this.series = null;
    this.volume = null;
    this.status = 'idle';
    this.error = null;
    this.timings = null;
    this.exportOpen = false;
    this.exportName = '';
    this.surfaceThresholdSet = false;
    // An export under way finishes: the user asked for that file, whatever they look at next.
    if (this.exportState !== 'running') this.resetExport();
  }
}
