/**
 * The worker pool's named tasks: one request type and one response type per name,
 * shared by the pool (electron/services/WorkerPool) and the worker entry
 * (electron/workers/lumenWorker). Typed arrays in responses are moved to the caller,
 * never cloned; SharedArrayBuffers are shared.
 */
import type { DicomHeader } from '../dicom/DicomHeader';
import type { SkippedFile } from '../dicom/SeriesSummary';
import type { VolumeSeriesMeta } from '../dicom/writeVolumeSeries';
import type { VolumeFormat } from '../io/volumeFormats';
import type { InverseDisplacementField } from '../reformat/inverseDisplacementField';
import type { MapBackReport } from '../reformat/mapBack';
import type { Interpolation } from '../reformat/reslicePlane';
import type { StraightenedTransforms } from '../reformat/straightenedFrames';
import type { WasmVolume } from '../reformat/wasm/wasmVolume';
import type { ConeBeamGeometry } from '../recon/cArmGeometry';
import type { ReconGrid } from '../recon/fdk';
import type { RampWindow } from '../recon/rampFilter';
import type { ViewPreprocessing } from '../recon/viewPreprocessing';
import type { Thumbnail } from './ipc';

/** One frame of one file. */
export interface FrameRef {
  file: string;
  frameIndex: number;
  /** Overrides the file's own rescale (enhanced multi-frame with per-frame rescale). */
  rescale?: { slope: number; intercept: number };
}

/** A decoded frame in modality units (rescale applied), with what a viewer needs to show it. */
export interface ModalityFrame {
  width: number;
  height: number;
  samplesPerPixel: 1 | 3;
  /** Interleaved when samplesPerPixel is 3. */
  pixels: Float32Array;
  min: number;
  max: number;
  /** From the file's (0028,1050/1051), in modality units, when present. */
  windowCenter?: number;
  windowWidth?: number;
  monochrome1: boolean;
}

/** A volume on shared memory: Float32 voxels, slice-major, column fastest. */
export interface SharedVolume {
  voxels: SharedArrayBuffer;
  dimensions: [number, number, number];
  ijkToLps: number[];
}

/** An iso-surface as binary STL, with what the export reports about it; the bytes are moved. */
export interface SurfaceStl {
  stl: Uint8Array;
  triangles: number;
  vertices: number;
  frame: 'LPS' | 'RAS';
  areaMm2: number;
  /** Enclosed volume in mL (cm³). */
  volumeMl: number;
  /** Components of the marching-cubes surface, before keeping the largest. */
  components: number;
  timings: { marchingCubes_s: number; largest_s: number; smooth_s: number; decimate_s: number; write_s: number };
}

/** One slice of a volume: which frame to decode and where it goes. */
export interface VolumeSliceRef extends FrameRef {
  slice: number;
}

export interface WorkerTasks {
  'dicom:readHeaders': {
    request: { files: string[]; prefixBytes: number };
    response: { headers: DicomHeader[]; skipped: SkippedFile[] };
  };
  /** The files a DICOMDIR lists, as absolute paths (resolved beside the DICOMDIR). */
  'dicom:readDicomDir': { request: { file: string }; response: { referencedFiles: string[] } };
  'dicom:decodeFrame': { request: FrameRef; response: ModalityFrame };
  /**
   * Decodes slices straight into a shared volume of `columns × rows × slices` Float32
   * voxels (slice-major, column fastest), in modality units. Progress counts slices.
   */
  'dicom:decodeIntoVolume': {
    request: { voxels: SharedArrayBuffer; columns: number; rows: number; slices: VolumeSliceRef[] };
    response: { min: number; max: number };
  };
  'dicom:thumbnail': { request: FrameRef & { maxSize: number }; response: Thumbnail };
  /**
   * Fills slices [first, last) of a straightened volume from a shared source volume
   * (Float32, column fastest), straight into shared output and mask buffers
   * (columns × rows per slice). Progress counts slices.
   */
  'reformat:straighten': {
    request: {
      volume: SharedArrayBuffer;
      dimensions: [number, number, number];
      ijkToLps: number[];
      sliceToWorld: number[][];
      first: number;
      last: number;
      columns: number;
      rows: number;
      spacing: number;
      interpolation: Interpolation;
      background: number;
      out: SharedArrayBuffer;
      mask: SharedArrayBuffer;
      /** The SIMD kernel's shared memory (volume copy; with outputOffset set, the output too, and out/mask are ignored). */
      wasm?: WasmVolume;
    };
    response: { inside: number };
  };
  /**
   * Carries a straightened label volume (columns × rows × slices, column fastest, shared)
   * back onto a reference grid; the mapped labels are moved to the caller.
   */
  'reformat:mapBack': {
    request: { transforms: StraightenedTransforms; labels: SharedArrayBuffer; reference: { dimensions: [number, number, number]; ijkToLps: number[] } };
    response: { voxels: Uint8Array; report: MapBackReport };
  };
  /** The original→straightened displacement field of a straightening (see inverseDisplacementField); its arrays are moved to the caller. */
  'reformat:inverseField': {
    request: { transforms: StraightenedTransforms; reference: { dimensions: [number, number, number]; ijkToLps: number[] } };
    response: InverseDisplacementField;
  };
  /**
   * The unattenuated intensity (I0, LIN runs) or air level (LOG runs) of each of a few
   * projections of a rotational run, each estimated from its own pixels.
   */
  'recon:estimateI0': { request: { views: FrameRef[]; columns: number; rows: number; preprocessing?: ViewPreprocessing }; response: { i0: number[] } };
  /**
   * Decodes projections of a rotational run, turns them into line integrals and applies
   * the FDK projection filter (weights and ramp, which depend on the view's index `view`
   * in the geometry), writing each into place `slot` of the shared `out` (slots × rows ×
   * columns Float32, column fastest). Progress counts views.
   */
  'recon:filterViews': {
    request: {
      geometry: ConeBeamGeometry;
      views: (FrameRef & { view: number; slot: number })[];
      intensity: 'LIN' | 'LOG';
      /** LIN: unattenuated intensity; LOG: pixel value of air. */
      i0: number;
      window: RampWindow;
      cutoff?: number;
      /** Dark/flat correction and detector binning, applied before the line integrals. */
      preprocessing?: ViewPreprocessing;
      out: SharedArrayBuffer;
    };
    response: Record<string, never>;
  };
  /**
   * Backprojects every filtered view (shared, as written by recon:filterViews) into the
   * box of rows [jFirst, jLast) of slices [kFirst, kLast) of the shared output volume
   * (grid.dimensions Float32, column fastest); each task owns its box, so no two write the
   * same voxel. Voxels outside what every view of the batch sees may be left without its
   * contributions (they are outside the run's field of view, which the service clears).
   * Progress counts views.
   */
  'recon:backproject': {
    request: { geometry: ConeBeamGeometry; filtered: SharedArrayBuffer; grid: ReconGrid; jFirst: number; jLast: number; kFirst: number; kLast: number; out: SharedArrayBuffer };
    response: Record<string, never>;
  };

  /**
   * Decodes projections of a rotational run into line integrals (LIN: −ln(I/i0); LOG: the
   * drop below the air level i0), after the preprocessing if any (then `columns` × `rows`
   * is the binned size), each into its own shared buffer (rows × columns Float32, column
   * fastest). Progress counts views.
   */
  'sart:lineIntegrals': {
    request: { views: (FrameRef & { out: SharedArrayBuffer })[]; columns: number; rows: number; intensity: 'LIN' | 'LOG'; i0: number; preprocessing?: ViewPreprocessing };
    response: Record<string, never>;
  };
  /**
   * SART's forward step (shared/recon/sart.ts sartCorrections) over detector rows
   * [rowFirst, rowLast) of views of `geometry`: each projected through the shared volume
   * (grid.dimensions Float32, column fastest), compared with its measured line integrals
   * and written as normalised corrections into place `slot` of the shared `corrections`
   * (slots × rows × columns Float32). Progress counts items; returns Σ (b − A x)².
   */
  'sart:corrections': {
    request: {
      geometry: ConeBeamGeometry;
      grid: ReconGrid;
      volume: SharedArrayBuffer;
      corrections: SharedArrayBuffer;
      items: { view: number; slot: number; rowFirst: number; rowLast: number; measured: SharedArrayBuffer }[];
    };
    response: { squares: number };
  };
  /**
   * SART's update of one subset (sartSlabUpdate) on slices [kFirst, kLast) of the shared
   * volume: `geometry.views` are the subset's, in the order of their slots in
   * `corrections`; `mask` is the field of view (grid.dimensions Uint8). Each task owns its
   * slab. Progress counts views.
   */
  'sart:update': {
    request: {
      geometry: ConeBeamGeometry;
      grid: ReconGrid;
      volume: SharedArrayBuffer;
      corrections: SharedArrayBuffer;
      mask: SharedArrayBuffer;
      kFirst: number;
      kLast: number;
      lambda: number;
    };
    response: Record<string, never>;
  };

  /**
   * A volume's iso-surface as STL bytes (marching cubes, then the options' largest part,
   * smoothing and decimation) from the shared voxels (Float32, column fastest). Progress
   * is one bar over every stage, named in `stage`.
   */
  'export:surface': {
    request: SharedVolume & { threshold: number; smoothIterations?: number; decimate?: number; largestOnly?: boolean; ras?: boolean };
    response: SurfaceStl;
  };
  /** A shared volume encoded as one NRRD, NIfTI or MetaImage file, in int16 when that loses nothing. Progress names the stage. */
  'export:encodeVolume': {
    request: SharedVolume & { format: VolumeFormat };
    response: { bytes: Uint8Array; voxelType: 'int16' | 'float32' };
  };
  /** A shared volume written as a DICOM series, one file per slice, into the existing empty `folder`. Progress counts slices. */
  'export:dicomSeries': {
    request: SharedVolume & { meta: VolumeSeriesMeta; folder: string };
    response: { files: number; bytes: number; seriesInstanceUid: string };
  };

  // Test-only tasks: the worker refuses them unless started with test tasks enabled.
  'test:crash': { request: { how: 'exit' | 'throw' | 'oom' }; response: Record<string, never> };
  'test:sleep': { request: { ms: number; steps: number }; response: { slept: number } };
  'test:transfer': { request: { length: number }; response: { values: Float32Array } };
  'test:lastTransferDetached': { request: Record<string, never>; response: { detached: boolean | null } };
}

export type WorkerTaskName = keyof WorkerTasks;
export type WorkerTaskRequest<T extends WorkerTaskName> = WorkerTasks[T]['request'];
export type WorkerTaskResponse<T extends WorkerTaskName> = WorkerTasks[T]['response'];

export interface WorkerTaskProgress {
  done: number;
  total: number;
  /** What is being done, for tasks whose progress runs through several stages. */
  stage?: string;
}
