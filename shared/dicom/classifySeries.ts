/**
 * Decides what kind of series a stack of compatible headers is, which decides how
 * Lumen shows it: a volume, a rotational run to reconstruct, a cine loop, single
 * images, or a non-image object (report, plan, presentation state, directory).
 */
import type { DicomHeader } from './DicomHeader';
import type { SeriesKind } from './SeriesSummary';

const XRAY_ANGIO_SOP_CLASSES = new Set([
  '1.2.840.10008.5.1.4.1.1.12.1', // X-Ray Angiographic Image
  '1.2.840.10008.5.1.4.1.1.12.1.1', // Enhanced XA Image
  '1.2.840.10008.5.1.4.1.1.12.2', // X-Ray Radiofluoroscopic Image
  '1.2.840.10008.5.1.4.1.1.12.2.1', // Enhanced XRF Image
]);

/** X-ray angiography or radiofluoroscopy, classic or enhanced: the C-arm images. */
export function isXray(h: DicomHeader): boolean {
  const modality = h.modality?.trim().toUpperCase();
  return modality === 'XA' || modality === 'XRF' || (h.sopClassUid !== undefined && XRAY_ANGIO_SOP_CLASSES.has(h.sopClassUid));
}

function varies(values: readonly (number | undefined)[] | undefined): boolean {
  if (!values) return false;
  const known = values.filter((v): v is number => v !== undefined && Number.isFinite(v));
  return known.length > 1 && known.some((v) => Math.abs(v - known[0]) > 1e-6);
}

function hasIncrements(values: readonly number[] | undefined): boolean {
  return values !== undefined && values.length > 1 && values.some((v) => Math.abs(v) > 1e-6);
}

/**
 * A C-arm spin: an X-ray multi-frame whose positioner moved during the run, as said by
 * PositionerMotion DYNAMIC, per-frame angle increments (0018,1520/1521), or per-frame
 * positioner angles (enhanced XA).
 */
export function isRotationalRun(h: DicomHeader): boolean {
  if (!isXray(h) || h.numberOfFrames < 2 || !h.hasPixelData) return false;
  return (
    h.positionerMotion?.trim().toUpperCase() === 'DYNAMIC' ||
    hasIncrements(h.positionerPrimaryAngleIncrement) ||
    hasIncrements(h.positionerSecondaryAngleIncrement) ||
    varies(h.perFrame?.map((f) => f.positionerPrimaryAngle)) ||
    varies(h.perFrame?.map((f) => f.positionerSecondaryAngle))
  );
}

/**
 * `formsStack` says whether the frames' positions and orientations form one volume
 * (see `analyseStack`); the headers are one compatible stack from `groupSeries`.
 */
export function classifySeries(headers: readonly DicomHeader[], formsStack: boolean): SeriesKind {
  if (headers.every((h) => !h.hasPixelData || h.isDicomDir)) return 'non-image';
  if (headers.some(isRotationalRun)) return 'rotational-projections';
  if (formsStack) return 'volume';
  if (headers.some((h) => h.numberOfFrames > 1)) return 'cine';
  return 'image';
}
