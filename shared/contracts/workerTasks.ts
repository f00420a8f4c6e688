/**
 * The worker pool's named tasks: one request type and one response type per name,
 * shared by the pool (electron/services/WorkerPool) and the worker entry
 * (electron/workers/lumenWorker). Typed arrays in responses are moved to the caller,
 * never cloned; SharedArrayBuffers are shared.
 */
import type { DicomHeader } from '../dicom/DicomHeader';
import type { SkippedFile } from '../dicom/SeriesSummary';
import type { InverseDisplacementField } from '../reformat/inverseDisplacementField';
import type { MapBackReport } from '../reformat/mapBack';
import type { Interpolation } from '../reformat/reslicePlane';
import type { StraightenedTransforms } from '../reformat/straightenedFrames';
import type { WasmVolume } from '../reformat/wasm/wasmVolume';
import type { ConeBeamGeometry } from '../recon/cArmGeometry';
import type { ReconGrid } from '../recon/fdk';
import type { RampWindow } from '../recon/rampFilter';
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
  'recon:estimateI0': { request: { views: FrameRef[]; columns: number; rows: number }; response: { i0: number[] } };
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
      out: SharedArrayBuffer;
    };
    response: Record<string, never>;
  };
  /**
   * Backprojects every filtered view (shared, as written by recon:filterViews) into
   * slices [kFirst, kLast) of the shared output volume (grid.dimensions Float32, column
   * fastest); each task owns its slab, so no two write the same voxel. Progress counts views.
   */
  'recon:backproject': {
    request: { geometry: ConeBeamGeometry; filtered: SharedArrayBuffer; grid: ReconGrid; kFirst: number; kLast: number; out: SharedArrayBuffer };
    response: Record<string, never>;
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
}
