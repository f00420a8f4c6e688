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
 *   source to isocentre): when missing, typical C-arm values (DEFAULT_SID_MM, DEFAULT_SOD_MM)
 *   are used and `notes.defaultedDistances` makes the geometry report say so;
 * - Imager Pixel Spacing (0018,1164), at the detector; else Pixel Spacing (0028,0030)
 *   scaled back to the detector by the magnification, with a warning;
 * - Pixel Intensity Relationship (0028,1040): LIN (proportional to the X-ray intensity)
 *   or LOG (already logarithmic).
 */
import type { FrameRef, SeriesPlan } from '../dicom/SeriesPlan';
import { UserError } from '../contracts/UserError';
import type { CArmView, ConeBeamGeometry, DetectorGeometry } from './cArmGeometry';

/** Source to detector (image receptor) distance used when the run does not say, mm: a typical flat-panel C-arm. */
export const DEFAULT_SID_MM = 1200;
/** Source to isocentre distance used when the run does not say, mm. */
export const DEFAULT_SOD_MM = 800;

export type IntensityRelationship = 'LIN' | 'LOG';

export interface RotationalRun {
  seriesUid: string;
  description: string;
  geometry: ConeBeamGeometry;
  /** The pixels of view n: frame `frameIndex` of `file`, in acquisition order. */
  views: FrameRef[];
  intensity: IntensityRelationship;
  /** What geometryReport needs to warn about (defaults used, intensity scale). */
  notes: { defaultedDistances: boolean; intensity: IntensityRelationship };
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

  const defaultedDistances = !positive(h.distanceSourceToDetector) || !positive(h.distanceSourceToPatient);
  const sid = positive(h.distanceSourceToDetector) ? h.distanceSourceToDetector : DEFAULT_SID_MM;
  const sod = positive(h.distanceSourceToPatient) ? h.distanceSourceToPatient : Math.min(DEFAULT_SOD_MM, 0.9 * sid);
  // geometryReport warns about defaulted distances (notes.defaultedDistances), with the values used.
  if (sod >= sid) {
    throw new UserError('unsupported', `The run says the isocentre (${sod} mm from the source) lies beyond the detector (${sid} mm), so its geometry cannot be right.`);
  }

  const detector: DetectorGeometry = { columns: format.columns, rows: format.rows, pixelMm: detectorPixelMm(plan, sid / sod, warnings) };
  const views: CArmView[] = angles.primaryDeg.map((primaryDeg, n) => ({ primaryDeg, secondaryDeg: secondaryDeg[n], sid, sod }));

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
    notes: { defaultedDistances, intensity },
    fileBytes: h.fileSize,
    warnings,
    patient: { id: summary.patientId, name: summary.patientName, studyUid: summary.studyUid, studyDate: summary.studyDate },
  };
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
