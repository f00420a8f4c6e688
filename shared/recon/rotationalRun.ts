/**
 * A rotational angiography run as the reconstruction sees it: the cone-beam geometry of
 * every view (C-arm angles, distances, detector) read from the indexed series, and where
 * each view's pixels are (file and frame). Pure: it reads the series plan that indexing
 * made, never the files.
 *
 * Sources (classic XA/XRF and Enhanced XA/XRF, as readDicomHeader exposes them):
 * - per-frame angles: the series' `frameAngles`, which buildIndex computed with
 *   frameAngles.ts (Enhanced per-frame positioner macro, else Positioner Primary/Secondary
 *   Angle (0018,1510/1511) plus their increments (0018,1520/1521));
 * - Distance Source to Detector (0018,1110) and Distance Source to Patient (0018,1111,
 *   source to isocentre), or per frame in Enhanced XA/XRF's X-Ray Geometry functional
 *   group (0018,9476: Distance Source to Detector and Distance Source to Isocenter
 *   0018,9402). Each view keeps its own distances (every later stage, from the cosine
 *   and Parker weights to the projection matrices, is per view); when they vary by more
 *   than DISTANCE_SPREAD_MM over the spin a warning says so. When missing, typical C-arm
 *   values (DEFAULT_SID_MM, DEFAULT_SOD_MM) are used and `notes.defaultedDistances` makes
 *   the geometry report say so;
 * - the image receptor: X-Ray Receptor Type (0018,9420, Enhanced), else Detector Type
 *   (0018,7004, a digital detector) or Intensifier Size (0018,1162, an image intensifier),
 *   so the report can warn that intensifier distortion is not corrected;
 * - Imager Pixel Spacing (0018,1164), at the detector; else Pixel Spacing (0028,0030)
 *   scaled back to the detector by the magnification, with a warning;
 * - Pixel Intensity Relationship (0028,1040): LIN (proportional to the X-ray intensity)
 *   or LOG (already logarithmic).
 */
import type { DicomHeader } from '../dicom/DicomHeader';
import type { FrameRef, SeriesPlan } from '../dicom/SeriesPlan';
import { UserError } from '../contracts/UserError';
import type { CArmView, ConeBeamGeometry, DetectorGeometry } from './cArmGeometry';

/** Source to detector (image receptor) distance used when the run does not say, mm: a typical flat-panel C-arm. */
export const DEFAULT_SID_MM = 1200;
/** Source to isocentre distance used when the run does not say, mm. */
export const DEFAULT_SOD_MM = 800;
/**
 * A spread of the source distances over the spin beyond this is worth a warning, mm:
 * a few mm is the mechanical sag calibrated C-arms report; more suggests an orbit that
 * is not the circle short-scan weighting and the field of view assume.
 */
export const DISTANCE_SPREAD_MM = 5;

export type IntensityRelationship = 'LIN' | 'LOG';

export interface RotationalRun {
  seriesUid: string;
  description: string;
  geometry: ConeBeamGeometry;
  /** The pixels of view n: frame `frameIndex` of `file`, in acquisition order. */
  views: FrameRef[];
  intensity: IntensityRelationship;
  /** What geometryReport needs to warn about (defaults used, receptor, intensity scale). */
  notes: { defaultedDistances: boolean; imageIntensifier?: boolean; intensity: IntensityRelationship };
  /** Bytes of the run's (first) file: a worker decoding its frames holds one whole file. */
  fileBytes: number;
  /** Plain sentences about what was assumed while reading the geometry. */
  warnings: string[];
  /** Patient and study of the run, for the reconstructed series. */
  patient: { id: string; name: string; studyUid: string; studyDate: string };
}

function positive(v: number | undefined): v is number {
  return v !== undefined && Number.isFinite(v) && v > 0;
}

/** The run of an indexed `rotational-projections` series. Throws a UserError when its geometry cannot be known. */
export function rotationalRunOf(plan: SeriesPlan): RotationalRun {
  const { summary, representative: h } = plan;
  const name = summary.description || summary.uid;
  if (summary.kind !== 'rotational-projections') {
    throw new UserError('unsupported', `Series "${name}" is ${summary.kind}, not a rotational angiography run (C-arm spin), so it cannot be reconstructed.`);
  }
  const format = plan.pixelFormat;
  if (!format || format.samplesPerPixel !== 1) {
    throw new UserError('unsupported', `Series "${name}" has no greyscale pixel data to reconstruct from.`);
  }
  const angles = summary.frameAngles;
  if (!angles || angles.primaryDeg.length !== plan.frames.length) {
    throw new UserError('unsupported', `The C-arm angle of some frames of "${name}" is unknown (Positioner Primary Angle and its increments), so it cannot be reconstructed.`);
  }
  const warnings: string[] = [];

  let secondaryDeg = angles.secondaryDeg;
  if (!secondaryDeg) {
    const constant = h.positionerSecondaryAngle ?? 0;
    warnings.push(`The secondary (cranial/caudal) angle of some frames is unknown; ${constant}° is used for all of them.`);
    secondaryDeg = angles.primaryDeg.map(() => constant);
  }

  const { distances, defaultedDistances } = viewDistances(plan, warnings);
  const meanMagnification = distances.reduce((sum, d) => sum + d.sid / d.sod, 0) / distances.length;
  const detector: DetectorGeometry = { columns: format.columns, rows: format.rows, pixelMm: detectorPixelMm(plan, meanMagnification, warnings) };
  const views: CArmView[] = angles.primaryDeg.map((primaryDeg, n) => ({ primaryDeg, secondaryDeg: secondaryDeg[n], ...distances[n] }));

  const relationship = h.pixelIntensityRelationship?.trim().toUpperCase();
  let intensity: IntensityRelationship = 'LIN';
  if (relationship === 'LOG') intensity = 'LOG';
  else if (relationship !== 'LIN') {
    warnings.push(`Pixel Intensity Relationship (0028,1040) is ${relationship ? `"${relationship}"` : 'missing'}: the pixels are read as proportional to the X-ray intensity (LIN).`);
  }

  return {
    seriesUid: summary.uid,
    description: summary.description,
    geometry: { views, detector },
    views: plan.frames,
    intensity,
    notes: { defaultedDistances, imageIntensifier: isImageIntensifier(h), intensity },
    fileBytes: h.fileSize,
    warnings,
    patient: { id: summary.patientId, name: summary.patientName, studyUid: summary.studyUid, studyDate: summary.studyDate },
  };
}

/**
 * Source to detector and source to isocentre distance of every frame: the frame's own
 * (Enhanced per-frame functional groups, or its file's attributes), else the series'
 * (the representative's attributes or shared group), else the defaults.
 */
function viewDistances(plan: SeriesPlan, warnings: string[]): { distances: { sid: number; sod: number }[]; defaultedDistances: boolean } {
  const h = plan.representative;
  let defaultedDistances = false;
  const distances = plan.frames.map((ref) => {
    const sidGiven = [ref.distances?.sid, h.distanceSourceToDetector].find(positive);
    const sodGiven = [ref.distances?.sod, h.distanceSourceToPatient].find(positive);
    // geometryReport warns about defaulted distances (notes.defaultedDistances), with the values used.
    if (sidGiven === undefined || sodGiven === undefined) defaultedDistances = true;
    const sid = sidGiven ?? DEFAULT_SID_MM;
    const sod = sodGiven ?? Math.min(DEFAULT_SOD_MM, 0.9 * sid);
    if (sod >= sid) {
      throw new UserError('unsupported', `The run says the isocentre (${sod} mm from the source) lies beyond the detector (${sid} mm), so its geometry cannot be right.`);
    }
    return { sid, sod };
  });
  for (const [key, name] of [['sid', 'source to detector'], ['sod', 'source to isocentre']] as const) {
    const values = distances.map((d) => d[key]);
    const low = Math.min(...values);
    const high = Math.max(...values);
    if (high - low > DISTANCE_SPREAD_MM) {
      warnings.push(
        `The ${name} distance varies by ${(high - low).toFixed(1)} mm over the spin (${low.toFixed(1)} to ${high.toFixed(1)} mm): ` +
          'each view is reconstructed with its own distances and the report gives their mean, but an orbit this far from a circle may blur the volume.',
      );
    }
  }
  return { distances, defaultedDistances };
}

/**
 * True for an image-intensifier receptor: Enhanced XA/XRF say so in X-Ray Receptor Type
 * (0018,9420); classic XA/XRF carry Detector Type (0018,7004) for a digital detector and
 * Intensifier Size (0018,1162) for an intensifier.
 */
function isImageIntensifier(h: DicomHeader): boolean {
  const receptor = h.xRayReceptorType?.trim().toUpperCase();
  if (receptor) return receptor === 'IMG_INTENSIFIER';
  if (h.detectorType?.trim()) return false;
  return positive(h.intensifierSize);
}

/**
 * Detector pixel pitch [along columns, along rows] in mm at the detector. DICOM spacings
 * are [between rows, between columns], hence the swap.
 */
function detectorPixelMm(plan: SeriesPlan, magnification: number, warnings: string[]): [number, number] {
  const imager = plan.representative.imagerPixelSpacing;
  if (imager && positive(imager[0]) && positive(imager[1])) return [imager[1], imager[0]];
  // Pixel Spacing of a projection is calibrated at the isocentre (PS3.3 10.7.1.3).
  const atIsocentre = plan.frames.length > 0 ? plan.representative.geometry.pixelSpacing : undefined;
  if (atIsocentre && positive(atIsocentre[0]) && positive(atIsocentre[1])) {
    warnings.push('Imager Pixel Spacing (0018,1164) is missing: the detector pixel size is Pixel Spacing (0028,0030) times the magnification.');
    return [atIsocentre[1] * magnification, atIsocentre[0] * magnification];
  }
  throw new UserError('unsupported', 'The run gives no detector pixel size (Imager Pixel Spacing 0018,1164), so its geometry cannot be known.');
}

/**
 * The run with its geometry replaced (for example read from an RTK geometry file, with
 * the run's detector size and pitch); the number of views must match the frames.
 */
export function withGeometry(run: RotationalRun, geometry: ConeBeamGeometry, source: string): RotationalRun {
  if (geometry.views.length !== run.views.length) {
    throw new UserError('invalid-request', `${source} describes ${geometry.views.length} projections, but the run has ${run.views.length} frames.`);
  }
  return { ...run, geometry, notes: { ...run.notes, defaultedDistances: false } };
}

/** What a reconstruction's values are: HU when scaled; else μ in 1/mm, or the vendor's log units per mm from a LOG run. */
export function reconstructionUnits(intensity: IntensityRelationship, hu: boolean): string {
  if (hu) return 'HU';
  return intensity === 'LOG' ? 'LOG units/mm' : '1/mm';
}
