/**
 * The one typed IPC contract. Main binds a handler to every `Invoke` channel and
 * emits every `Events` channel; the preload, the WebSocket harness and the renderer
 * derive their types and allow-lists from here. Names are `domain:verb`; every call
 * takes one object and returns one result; events are `onDid*`.
 */
import type { IndexResult } from '../dicom/SeriesSummary';
import type { VolumeFormat } from '../io/volumeFormats';
import type { GeometryReport } from '../recon/cArmGeometry';
import type { HuCalibration } from '../recon/huScale';
import type { RampWindow } from '../recon/rampFilter';
import type { FoldReport } from '../reformat/jacobian';
import type { MapBackReport } from '../reformat/mapBack';
import type { ProjectionChoice } from '../reformat/projectVolume';
import type { StraightenedTransforms } from '../reformat/straightenedFrames';
import type { StraightenParameters, StraighteningPath } from '../reformat/straighteningPlan';
import type { UserErrorPayload } from './UserError';

export type JobId = string;

export interface AppInfo {
  version: string;
  /** 'electron' or 'web' (the loopback browser harness). */
  shell: 'electron' | 'web';
  /** Folder of the bundled sample study, if it is installed. */
  sampleFolder: string | null;
  /** Folder to open at start (command line or sample), if any. */
  initialFolder: string | null;
}

export interface RecentFolder {
  folder: string;
  /** ISO-8601 time it was last opened. */
  openedAt: string;
}

export interface FolderListing {
  folder: string;
  parent: string | null;
  entries: { name: string; path: string }[];
}

/** An 8-bit grey preview (already windowed), for the study browser. */
export interface Thumbnail {
  width: number;
  height: number;
  pixels: Uint8Array;
}

/**
 * One frame of a series in modality units (rescale applied: HU for CT), as a
 * transferable typed array. For RGB data `samplesPerPixel` is 3, interleaved.
 */
export interface FramePixels {
  seriesUid: string;
  index: number;
  width: number;
  height: number;
  samplesPerPixel: 1 | 3;
  pixels: Float32Array;
  /** Default display window from the file, or computed from the data. */
  windowCenter: number;
  windowWidth: number;
  /** [min, max] of this frame's values. */
  range: [number, number];
}

/** What every holder of a volume (main, the renderer, the contract) says about it besides its voxels. */
export interface VolumeDescription {
  seriesUid: string;
  modality: string;
  /** [columns, rows, slices]. */
  dimensions: [number, number, number];
  /** [col mm, row mm, slice mm]. */
  spacing: [number, number, number];
  /** (i, j, k, 1) → LPS mm, row-major 4x4. */
  ijkToLps: number[];
  /** [min, max] in modality units (HU for CT). */
  range: [number, number];
}

/** A volume loaded in main, described without its voxels (those come from `volume:getVoxels`). */
export interface VolumeInfo extends VolumeDescription {
  /** How `volume:getVoxels` will deliver the values: int16 when that loses nothing. */
  voxelType: 'int16' | 'float32';
}

/** The voxels of a loaded volume, column fastest, then row, then slice. */
export interface VolumeVoxels {
  seriesUid: string;
  voxels: Int16Array | Float32Array;
}

/** A projection of an exported straightened volume, read back from its NRRD for viewing. */
export interface ProjectionImage {
  kind: ProjectionChoice;
  width: number;
  height: number;
  /** [mm per column, mm per row] of the image. */
  pixelSpacing: [number, number];
  /** Raw projection values (line integrals for xray), row-major. */
  pixels: Float32Array;
}

/** What an export of the Reformat panel wrote (the CLI's `lumen straighten` output, same files). */
export interface ReformatExportResult {
  outDir: string;
  files: string[];
  /** [columns, rows, slices]. */
  size: [number, number, number];
  /** Fraction of output voxels inside the source volume. */
  insideFraction: number;
  folds: FoldReport | null;
  timings: { reslice_s: number; write_s: number };
  projections: ProjectionImage[];
}

/** Labels carried back onto a loaded volume's grid, kept in main until saved or replaced. */
export interface MappedLabelsInfo {
  labelsId: string;
  seriesUid: string;
  dimensions: [number, number, number];
  report: MapBackReport;
}

/** Non-empty slices of a label volume drawn in straightened space (0 = no label). */
export interface StraightenedLabelSlice {
  slice: number;
  /** columns × rows, column fastest. */
  voxels: Uint8Array;
}

/** A path as a volume's session keeps it (per series; the renderer's path ids are not kept). */
export interface SessionPath {
  name: string;
  /** '#rrggbb'. */
  colour: string;
  closed: boolean;
  locked: boolean;
  /** Control points, LPS mm. */
  points: [number, number, number][];
}

/** A reconstruction grid: voxels per axis and the isotropic voxel size, centred on the isocentre. */
export interface ReconGridChoice {
  size: [number, number, number];
  /** mm. */
  spacing: number;
}

/** What the Reconstruct panel shows before anything runs (`recon:describe`). */
export interface ReconstructionPlan {
  seriesUid: string;
  description: string;
  report: GeometryReport;
  /** What was assumed reading the run, then the report's sanity warnings, as plain sentences. */
  warnings: string[];
  intensity: 'LIN' | 'LOG';
  /** Units of μ as reconstructed: '1/mm', or the vendor's log units per mm for LOG runs. */
  units: string;
  /** The value scale the panel starts with: HU (the viewers' CT windows and presets apply). */
  defaultScale: ReconValueScale;
  /** The grid asked for, completed from the default (size or spacing alone fills in the other). */
  grid: ReconGridChoice;
  /** The grid covering the field of view at the detector's resolution at the isocentre. */
  defaultGrid: ReconGridChoice;
  /** The low-resolution grid of the automatic preview (same field of view). */
  previewGrid: ReconGridChoice;
  /** What reconstructing `grid` holds in memory at most, and what Lumen may use. */
  memoryBytes: number;
  budgetBytes: number;
}

export type ReconAlgorithm = 'fdk' | 'sart';

/**
 * The values a reconstruction holds: linear attenuation μ (as RTK), or Hounsfield units,
 * HU = 1000 · (μ / μwater − 1), which the slice and 3D views' CT windows and presets
 * expect (see shared/recon/huScale.ts for how μwater is found when not given).
 */
export type ReconValueScale = 'mu' | 'hu';

export interface ReconstructionParams {
  algorithm: ReconAlgorithm;
  size: [number, number, number];
  /** Isotropic voxel size, mm. */
  spacing: number;
  window: RampWindow;
  /** Ramp cut-off as a fraction of the detector's Nyquist frequency, (0, 1]. */
  cutoff: number;
  scale: ReconValueScale;
  /** HU scale: μ of water in the run's units (1/mm for LIN runs), measured on a water phantom; omitted: estimated from the volume. */
  muWater?: number;
  /** SART: passes over all views, and ordered subsets per pass (default one view per subset). */
  iterations?: number;
  subsets?: number;
  /** A fast low-resolution look: replaces the previous preview and is not listed with the results. */
  preview?: boolean;
}

/** A reconstruction held in main as a volume (served by `volume:getVoxels` and `volume:export` under its own UID). */
export interface ReconstructionInfo extends VolumeInfo {
  /** "Reconstruction of <run>". */
  description: string;
  /** The rotational run it was made from. */
  sourceSeriesUid: string;
  preview: boolean;
  /** 'HU', '1/mm', or 'LOG units/mm'. */
  units: string;
  /** HU scale: the μ water used, and whether it was given or estimated from the volume. */
  huCalibration?: HuCalibration;
  params: ReconstructionParams;
  /** Wall time of the whole job, s. */
  elapsed_s: number;
}

export type VolumeExportFormat = VolumeFormat | 'dicom';

/** An iso-surface of a loaded volume as STL (`volume:exportSurface`). */
export interface SurfaceExportRequest {
  seriesUid: string;
  out: string;
  /** Iso-value in the volume's units (HU for CT). */
  threshold: number;
  /** Taubin smoothing passes (default none). */
  smoothIterations?: number;
  /** Fraction of the triangles kept, (0, 1] (default 1). */
  decimate?: number;
  /** Only the component with the most triangles. */
  largestOnly?: boolean;
}

export interface SurfaceExportResult {
  file: string;
  triangles: number;
  vertices: number;
  bytes: number;
}

/** What `volume:export` wrote: one file, or a new folder of one DICOM file per slice. */
export interface VolumeExportResult {
  out: string;
  format: VolumeExportFormat;
  files: number;
  bytes: number;
}

export type JobKind = 'dicom:index' | 'volume:load' | 'reformat:export' | 'reformat:mapBack' | 'recon:reconstruct' | 'volume:export' | 'volume:exportSurface';

export interface JobResults {
  'dicom:index': IndexResult;
  'volume:load': VolumeInfo;
  'reformat:export': ReformatExportResult;
  'reformat:mapBack': MappedLabelsInfo;
  'recon:reconstruct': ReconstructionInfo;
  'volume:export': VolumeExportResult;
  'volume:exportSurface': SurfaceExportResult;
}

export type JobFinish =
  | { [K in JobKind]: { jobId: JobId; kind: K; ok: true; result: JobResults[K] } }[JobKind]
  | { jobId: JobId; kind: JobKind; ok: false; error: UserErrorPayload };

export interface Invoke {
  'app:getInfo': (req: Record<string, never>) => AppInfo;
  'app:listRecentFolders': (req: Record<string, never>) => { folders: RecentFolder[] };
  /** Native folder picker; `folder` is null when the user cancels or the shell has none. */
  'dialog:pickFolder': (req: Record<string, never>) => { folder: string | null };
  /** Sub-folders of a folder (home when omitted), for the harness's in-app folder browser. */
  'fs:listFolder': (req: { folder?: string }) => FolderListing;
  /** Starts indexing; the result arrives as `job:onDidFinish` with kind 'dicom:index'. */
  'dicom:indexFolder': (req: { folder: string }) => { jobId: JobId };
  'series:getThumbnail': (req: { seriesUid: string }) => Thumbnail;
  'series:getFrame': (req: { seriesUid: string; index: number }) => FramePixels;
  /** Starts loading a volume series in main; the result arrives as `job:onDidFinish` with kind 'volume:load'. */
  'volume:load': (req: { seriesUid: string }) => { jobId: JobId };
  /** The voxels of a volume `volume:load` finished, sent once to the renderer for its 3D texture and reslicing. */
  'volume:getVoxels': (req: { seriesUid: string }) => VolumeVoxels;
  /** Straightens a loaded volume along a path and writes the `lumen straighten` files into `outDir` (job 'reformat:export'). */
  'reformat:export': (req: { seriesUid: string; path: StraighteningPath; params: StraightenParameters; outDir: string }) => { jobId: JobId };
  /** Carries labels drawn in straightened space back onto the loaded volume's grid (job 'reformat:mapBack'). */
  'reformat:mapBack': (req: { seriesUid: string; transforms: StraightenedTransforms; labels: StraightenedLabelSlice[] }) => { jobId: JobId };
  /** The voxels of mapped labels, on their volume's grid, for the slice views' overlay. */
  'labels:getVoxels': (req: { labelsId: string }) => { labelsId: string; voxels: Uint8Array };
  /** Saves mapped labels as NRRD, NIfTI, MetaImage or DICOM SEG, chosen by the file name. */
  'labels:save': (req: { labelsId: string; out: string }) => { file: string; format: string };
  /** The paths saved with a volume's session, none when nothing was saved; a damaged file is set aside and reported (UserError). */
  'paths:load': (req: { seriesUid: string }) => { paths: SessionPath[] };
  /** Saves a volume's paths with its session, replacing what was saved (atomic write). */
  'paths:save': (req: { seriesUid: string; paths: SessionPath[] }) => { savedAt: string };
  /** A rotational run's geometry report, default grids and the memory a grid needs (size and spacing optional). */
  'recon:describe': (req: { seriesUid: string; size?: [number, number, number]; spacing?: number; algorithm?: ReconAlgorithm; subsets?: number }) => ReconstructionPlan;
  /** Reconstructs a rotational run into a new volume held in main (job 'recon:reconstruct'). */
  'recon:reconstruct': (req: { seriesUid: string; params: ReconstructionParams }) => { jobId: JobId };
  /**
   * Writes a loaded volume (a series or a reconstruction) as NRRD, NIfTI, MetaImage, or a DICOM series into a new folder
   * (job 'volume:export'); a destination that cannot be written is refused at once.
   */
  'volume:export': (req: { seriesUid: string; out: string; format: VolumeExportFormat }) => { jobId: JobId };
  /** Writes a loaded volume's iso-surface as an STL file: marching cubes, optional smoothing and decimation (job 'volume:exportSurface'). */
  'volume:exportSurface': (req: SurfaceExportRequest) => { jobId: JobId };
  'job:cancel': (req: { jobId: JobId }) => { cancelled: boolean };
}

export interface Events {
  'job:onDidProgress': { jobId: JobId; kind: JobKind; done: number; total: number; stage: string };
  'job:onDidFinish': JobFinish;
  /** Main asks the window to open a folder (menu, command line, second instance). */
  'app:onDidRequestOpenFolder': { folder: string };
  /** Main asks the window to show its keyboard-shortcut help (Help menu). */
  'app:onDidRequestShowShortcuts': Record<string, never>;
}

export type InvokeChannel = keyof Invoke;
export type EventChannel = keyof Events;
export type InvokeRequest<C extends InvokeChannel> = Parameters<Invoke[C]>[0];
export type InvokeResponse<C extends InvokeChannel> = ReturnType<Invoke[C]>;

/** What crosses a transport for one invoke: a result or a UserError, never a throw. */
export type InvokeOutcome<C extends InvokeChannel> =
  | { ok: true; value: InvokeResponse<C> }
  | { ok: false; error: UserErrorPayload };

/** The bridge the renderer sees as `window.lumen`, whatever the transport. */
export interface LumenBridge {
  invoke<C extends InvokeChannel>(channel: C, req: InvokeRequest<C>): Promise<InvokeOutcome<C>>;
  on<E extends EventChannel>(channel: E, listener: (payload: Events[E]) => void): () => void;
  /** Electron only: the filesystem path of a dropped File; null in the browser harness. */
  pathForFile?(file: File): string | null;
}

// Allow-lists, checked by the preload and the WebSocket transport. `satisfies` keeps
// them exhaustive: adding a channel to the contract without listing it fails typecheck.
const invokeChannelSet = {
  'app:getInfo': true,
  'app:listRecentFolders': true,
  'dialog:pickFolder': true,
  'fs:listFolder': true,
  'dicom:indexFolder': true,
  'series:getThumbnail': true,
  'series:getFrame': true,
  'volume:load': true,
  'volume:getVoxels': true,
  'reformat:export': true,
  'reformat:mapBack': true,
  'labels:getVoxels': true,
  'labels:save': true,
  'paths:load': true,
  'paths:save': true,
  'recon:describe': true,
  'recon:reconstruct': true,
  'volume:export': true,
  'volume:exportSurface': true,
  'job:cancel': true,
} as const satisfies Record<InvokeChannel, true>;

const eventChannelSet = {
  'job:onDidProgress': true,
  'job:onDidFinish': true,
  'app:onDidRequestOpenFolder': true,
  'app:onDidRequestShowShortcuts': true,
} as const satisfies Record<EventChannel, true>;

export const INVOKE_CHANNELS = Object.keys(invokeChannelSet) as InvokeChannel[];
export const EVENT_CHANNELS = Object.keys(eventChannelSet) as EventChannel[];

export function isInvokeChannel(value: unknown): value is InvokeChannel {
  return typeof value === 'string' && Object.hasOwn(invokeChannelSet, value);
}

export function isEventChannel(value: unknown): value is EventChannel {
  return typeof value === 'string' && Object.hasOwn(eventChannelSet, value);
}
