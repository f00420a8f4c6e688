import type { DicomHeader, Orientation, Vec3 } from './DicomHeader';
import type { SeriesSummary } from './SeriesSummary';

/** One frame to load: frame `frameIndex` of `file`. */
export interface FrameRef {
  file: string;
  frameIndex: number;
  /** ImagePositionPatient of this frame, where known (LPS mm). */
  position?: Vec3;
  /** Set only where this frame's rescale differs from the representative header's. */
  rescale?: { slope: number; intercept: number };
  /**
   * X-ray frames: the source-to-detector and source-to-isocentre distances (mm) the frame
   * itself gives (its per-frame functional groups, else its file's attributes), set only
   * where one differs from the representative header's attribute.
   */
  distances?: { sid?: number; sod?: number };
}

/**
 * Geometry of a volume series. `ijkToLps` maps (i = column, j = row, k = slice, 1) to
 * LPS mm, row-major 4x4: column 0 = row cosines × column spacing, column 1 = column
 * cosines × row spacing, column 2 = `sliceStep`, column 3 = first slice's IPP.
 */
export interface VolumeGeometry {
  ijkToLps: number[];
  /** [columns, rows, slices]. */
  dimensions: [number, number, number];
  /** [col mm, row mm, slice mm]; slice mm is the distance between slice planes (nominal when uneven). */
  spacing: [number, number, number];
  /** (0020,0037) of the stack: row cosines then column cosines. */
  orientation: Orientation;
  /** Unit normal of the slice planes (row × column cosines); k increases along it. */
  normal: Vec3;
  /**
   * LPS step from slice k to k+1. Along `normal` × spacing for an orthogonal stack;
   * for a gantry-tilted (sheared) stack it is the true IPP difference, so voxels sit
   * where the patient was.
   */
  sliceStep: Vec3;
  /**
   * False when the slice planes are not equally spaced (missing slices, uneven
   * spacing): `ijkToLps` then uses the nominal spacing, and the loader must place
   * each slice at its own `frames[k].position`.
   */
  uniformSpacing: boolean;
  /** Each slice's signed distance along `normal` from the first one (mm). */
  sliceOffsets: number[];
  /** Angle between `sliceStep` and `normal` in degrees; 0 for an orthogonal stack. */
  shearDeg: number;
}

/** What the volume loader and thumbnails need to read a series' pixels, besides the frames. */
export type PixelFormat = Required<Pick<DicomHeader, 'rows' | 'columns'>> &
  Pick<
    DicomHeader,
    | 'samplesPerPixel'
    | 'photometricInterpretation'
    | 'bitsAllocated'
    | 'bitsStored'
    | 'pixelRepresentation'
    | 'planarConfiguration'
    | 'rescaleSlope'
    | 'rescaleIntercept'
    | 'windowCenter'
    | 'windowWidth'
    | 'transferSyntaxUid'
  >;

/** Everything main keeps per series after indexing, to load and show it later. */
export interface SeriesPlan {
  summary: SeriesSummary;
  /** In display order; for volumes, slice order along the normal (k = 0 first). */
  frames: FrameRef[];
  /** Volumes only. */
  geometry?: VolumeGeometry;
  /** Absent for non-image series. */
  pixelFormat?: PixelFormat;
  /** One header of the series (the first frame's), e.g. for acquisition geometry of a rotational run. */
  representative: DicomHeader;
}
