import type { Vec3 } from './DicomHeader';

export type SeriesKind = 'volume' | 'rotational-projections' | 'cine' | 'image' | 'non-image';

/**
 * One series as the index reports it. The first nine fields are the exact
 * `lumen index --json` contract; the rest extend it for the study browser.
 */
export interface SeriesSummary {
  uid: string;
  kind: SeriesKind;
  modality: string;
  description: string;
  files: number;
  frames: number;
  /** [columns, rows, slices]; slices is the frame count for non-volumes. */
  dimensions: [number, number, number];
  /** [col mm, row mm, slice mm]; 0 where unknown. */
  spacing: [number, number, number];
  /** Plain sentences a clinician understands. */
  warnings: string[];

  seriesNumber?: number;
  /** True when the UID was synthesised because the files had none. */
  uidSynthesised: boolean;
  patientId: string;
  patientName: string;
  studyUid: string;
  studyDescription: string;
  studyDate: string;
  frameOfReferenceUid?: string;
  /** Volumes only: maps homogeneous voxel indices (i=column, j=row, k=slice, 1) to LPS mm, row-major 4x4. */
  ijkToLps?: number[];
  /**
   * X-ray angiography (rotational runs, cine, images): the C-arm angles of every frame
   * in display order, where every frame's primary angle is known (see frameAngles.ts).
   */
  frameAngles?: FrameAngles;
  /** Multi-frame series: nominal time between frames in ms (Frame Time or Frame Time Vector). */
  frameTimeMs?: number;
}

/**
 * Per-frame C-arm angles in degrees, as DICOM defines them (PS3.3 C.8.7.5.1.2):
 * primary > 0 is LAO, < 0 RAO; secondary > 0 is CRA, < 0 CAU.
 */
export interface FrameAngles {
  primaryDeg: number[];
  /** Absent when some frame's secondary angle is unknown. */
  secondaryDeg?: number[];
}

export interface SkippedFile {
  file: string;
  reason: string;
}

export interface StudyNode {
  studyUid: string;
  description: string;
  date: string;
  seriesUids: string[];
}

export interface PatientNode {
  patientId: string;
  patientName: string;
  studies: StudyNode[];
}

export interface IndexResult {
  folder: string;
  series: SeriesSummary[];
  skipped: SkippedFile[];
  /** The patient → study → series tree over `series`. */
  patients: PatientNode[];
  /** Wall-clock seconds the scan took. */
  elapsedSeconds: number;
}

export type { Vec3 };
