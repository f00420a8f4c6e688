/**
 * Everything the indexer keeps from one DICOM file's header (read up to, never into,
 * the pixel data). Produced by `readDicomHeader`; consumed by grouping, classification
 * and geometry, which never touch bytes. All lengths are in mm, angles in degrees.
 */
export type Vec3 = [number, number, number];
/** Row direction cosines (3) then column direction cosines (3), as in (0020,0037). */
export type Orientation = [number, number, number, number, number, number];

export interface FrameGeometry {
  imagePositionPatient?: Vec3;
  imageOrientationPatient?: Orientation;
  /** (0028,0030): [row spacing (between rows), column spacing (between columns)]. */
  pixelSpacing?: [number, number];
  sliceThickness?: number;
  /** Enhanced XA per-frame positioner angles, where present. */
  positionerPrimaryAngle?: number;
  positionerSecondaryAngle?: number;
  /** Enhanced XA/XRF X-Ray Geometry (0018,9476): Distance Source to Detector (0018,1110), mm. */
  distanceSourceToDetector?: number;
  /** Enhanced XA/XRF X-Ray Geometry (0018,9476): Distance Source to Isocenter (0018,9402), mm. */
  distanceSourceToIsocenter?: number;
}

export interface DicomHeader {
  /** Absolute path of the file. */
  file: string;
  fileSize: number;
  transferSyntaxUid: string;
  /** True when the file had no preamble/DICM/group 0002 and was read as a raw data set. */
  rawDataSet: boolean;
  sopClassUid?: string;
  sopInstanceUid?: string;
  /** A DICOMDIR (Media Storage Directory) rather than an image. */
  isDicomDir: boolean;

  patientId?: string;
  patientName?: string;
  studyInstanceUid?: string;
  studyDate?: string;
  studyDescription?: string;
  seriesInstanceUid?: string;
  seriesNumber?: number;
  seriesDescription?: string;
  modality?: string;
  frameOfReferenceUid?: string;
  instanceNumber?: number;
  imageType?: string[];

  // Pixel module
  hasPixelData: boolean;
  rows?: number;
  columns?: number;
  numberOfFrames: number;
  samplesPerPixel: number;
  photometricInterpretation?: string;
  bitsAllocated?: number;
  bitsStored?: number;
  highBit?: number;
  /** 0 unsigned, 1 two's complement. */
  pixelRepresentation?: number;
  planarConfiguration?: number;
  rescaleSlope: number;
  rescaleIntercept: number;
  windowCenter?: number;
  windowWidth?: number;
  /** (0028,2110) "01" or derived from a lossy transfer syntax. */
  lossyImageCompression: boolean;

  // Geometry (shared across frames unless perFrame says otherwise)
  geometry: FrameGeometry;
  spacingBetweenSlices?: number;
  gantryDetectorTilt?: number;
  /** Enhanced multi-frame per-frame functional groups, one entry per frame, where present. */
  perFrame?: FrameGeometry[];

  // X-ray angiography acquisition (XA / XRF, possibly enhanced)
  positionerMotion?: string;
  positionerPrimaryAngle?: number;
  positionerSecondaryAngle?: number;
  positionerPrimaryAngleIncrement?: number[];
  positionerSecondaryAngleIncrement?: number[];
  /** (0018,1110); Enhanced XA/XRF: frame 0's X-Ray Geometry value. */
  distanceSourceToDetector?: number;
  /** (0018,1111), source to isocentre; Enhanced XA/XRF: frame 0's Distance Source to Isocenter (0018,9402). */
  distanceSourceToPatient?: number;
  imagerPixelSpacing?: [number, number];
  pixelIntensityRelationship?: string;
  /** Enhanced XA/XRF X-Ray Receptor Type (0018,9420): IMG_INTENSIFIER or DIGITAL_DETECTOR. */
  xRayReceptorType?: string;
  /** Classic XA/XRF Intensifier Size (0018,1162), mm: present only for an image intensifier. */
  intensifierSize?: number;
  /** Digital X-Ray Detector Type (0018,7004): DIRECT, SCINTILLATOR, STORAGE, FILM. */
  detectorType?: string;
  frameTime?: number;
  frameTimeVector?: number[];

  /** Malformed values that were ignored or replaced while reading, as plain sentences. */
  warnings?: string[];
}
