/**
 * Turns the headers of a folder scan into the index the study browser and the CLI
 * show (series summaries and the patient → study → series tree) and the per-series
 * plans main keeps to load pixels later. Pure: no file access.
 */
import type { DicomHeader } from './DicomHeader';
import type { IndexResult, PatientNode, SeriesSummary, SkippedFile, StudyNode } from './SeriesSummary';
import type { FrameRef, PixelFormat, SeriesPlan } from './SeriesPlan';
import { classifySeries } from './classifySeries';
import { nominalFrameTimeMs, seriesFrameAngles, type SeriesFrameAngles } from './frameAngles';
import { expandFrames, type ResolvedFrame } from './frameGeometry';
import { folderOf, groupSeries, type SeriesGroup } from './groupSeries';
import {
  duplicatePositionWarning,
  gantryTiltWarning,
  gapWarnings,
  lossyWarning,
  MIN_REPORTED_TILT_DEG,
  missingGeometryWarning,
  notAStackWarning,
} from './seriesWarnings';
import { stableUid } from './uid';
import { analyseStack } from './volumeGeometry';

export interface BuildIndexInput {
  folder: string;
  headers: DicomHeader[];
  skipped: SkippedFile[];
  elapsedSeconds: number;
}

export interface BuildIndexOutput {
  result: IndexResult;
  plans: Map<string, SeriesPlan>;
}

/** Modalities whose images are slices of the patient, so missing geometry matters. */
const CROSS_SECTIONAL = new Set(['CT', 'MR', 'PT', 'NM']);

/** Display order for non-volumes: instance number, then file name, which is all there is. */
function displayOrder(a: DicomHeader, b: DicomHeader): number {
  const ia = a.instanceNumber ?? Number.POSITIVE_INFINITY;
  const ib = b.instanceNumber ?? Number.POSITIVE_INFINITY;
  return ia === ib ? a.file.localeCompare(b.file) : ia - ib;
}

function pixelFormatOf(h: DicomHeader): PixelFormat | undefined {
  if (!h.hasPixelData || h.rows === undefined || h.columns === undefined) return undefined;
  return {
    rows: h.rows,
    columns: h.columns,
    samplesPerPixel: h.samplesPerPixel,
    photometricInterpretation: h.photometricInterpretation,
    bitsAllocated: h.bitsAllocated,
    bitsStored: h.bitsStored,
    pixelRepresentation: h.pixelRepresentation,
    planarConfiguration: h.planarConfiguration,
    rescaleSlope: h.rescaleSlope,
    rescaleIntercept: h.rescaleIntercept,
    windowCenter: h.windowCenter,
    windowWidth: h.windowWidth,
    transferSyntaxUid: h.transferSyntaxUid,
  };
}

function frameRef(frame: ResolvedFrame, representative: DicomHeader): FrameRef {
  const ref: FrameRef = { file: frame.file, frameIndex: frame.frameIndex };
  if (frame.position) ref.position = frame.position;
  const h = frame.header;
  if (h.rescaleSlope !== representative.rescaleSlope || h.rescaleIntercept !== representative.rescaleIntercept) {
    ref.rescale = { slope: h.rescaleSlope, intercept: h.rescaleIntercept };
  }
  const own = h.perFrame?.[frame.frameIndex];
  const sid = own?.distanceSourceToDetector ?? h.distanceSourceToDetector;
  const sod = own?.distanceSourceToIsocenter ?? h.distanceSourceToPatient;
  if (sid !== undefined && sid !== representative.distanceSourceToDetector) ref.distances = { sid };
  if (sod !== undefined && sod !== representative.distanceSourceToPatient) ref.distances = { ...ref.distances, sod };
  return ref;
}

function missingGeometryTags(frames: readonly ResolvedFrame[]): string[] {
  const missing: string[] = [];
  if (frames.some((f) => !f.position)) missing.push('Image Position');
  if (frames.some((f) => !f.orientation)) missing.push('Image Orientation');
  if (frames.some((f) => !f.pixelSpacing)) missing.push('Pixel Spacing');
  return missing;
}

function nonEmpty(value: string | undefined): string | undefined {
  const v = value?.trim();
  return v ? v : undefined;
}

function studyUidOf(h: DicomHeader): string {
  return nonEmpty(h.studyInstanceUid) ?? stableUid(`study|${h.patientId ?? ''}|${h.studyDate ?? ''}|${folderOf(h.file)}`);
}

function planSeries(group: SeriesGroup): SeriesPlan {
  const headers = [...group.headers].sort(displayOrder);
  const representative = headers[0];
  const warnings = [...group.warnings];
  const allFrames = expandFrames(headers);
  const rows = representative.rows ?? 0;
  const columns = representative.columns ?? 0;
  const stack = allFrames.length >= 2 ? analyseStack(allFrames, rows, columns) : undefined;
  const kind = classifySeries(headers, stack?.ok === true);
  const modality = representative.modality?.trim() ?? '';

  let frames: ResolvedFrame[] = allFrames;
  let dimensions: [number, number, number];
  let spacing: [number, number, number];
  let geometry: SeriesPlan['geometry'];

  if (kind === 'volume' && stack?.ok) {
    geometry = stack.geometry;
    frames = stack.frames;
    dimensions = geometry.dimensions;
    spacing = geometry.spacing;
    if (geometry.shearDeg >= MIN_REPORTED_TILT_DEG) warnings.push(gantryTiltWarning(geometry.shearDeg));
    warnings.push(...gapWarnings(stack.gaps, geometry.spacing[2], geometry.normal));
    if (stack.duplicates > 0) warnings.push(duplicatePositionWarning(stack.duplicates));
  } else {
    if (kind === 'non-image') frames = [];
    dimensions = kind === 'non-image' ? [0, 0, 0] : [columns, rows, frames.length];
    const ps = frames[0]?.pixelSpacing;
    const imager = representative.imagerPixelSpacing;
    spacing = ps ? [ps[1], ps[0], 0] : imager ? [imager[1], imager[0], 0] : [0, 0, 0];
    if (kind !== 'non-image' && CROSS_SECTIONAL.has(modality.toUpperCase())) {
      const missing = missingGeometryTags(frames);
      if (missing.length) warnings.push(missingGeometryWarning(missing));
      else if (stack && !stack.ok && (stack.reason === 'not-parallel' || stack.reason === 'not-collinear')) {
        warnings.push(notAStackWarning(stack.reason));
      }
    }
  }
  const lossy = lossyWarning(headers);
  if (lossy) warnings.push(lossy);
  // Projections and cine are shown frame by frame with their C-arm angle and timing.
  const frameAngles: SeriesFrameAngles = kind === 'volume' || kind === 'non-image' ? { warnings: [] } : seriesFrameAngles(frames);
  warnings.push(...frameAngles.warnings);
  const frameTimeMs = kind === 'volume' || kind === 'non-image' ? undefined : nominalFrameTimeMs(representative);

  const summary: SeriesSummary = {
    uid: group.uid,
    kind,
    modality,
    description: representative.isDicomDir ? 'DICOMDIR (media directory)' : (representative.seriesDescription?.trim() ?? ''),
    files: headers.length,
    frames: frames.length,
    dimensions,
    spacing,
    warnings,
    seriesNumber: representative.seriesNumber,
    uidSynthesised: group.uidSynthesised,
    patientId: representative.patientId?.trim() ?? '',
    patientName: representative.patientName?.trim() ?? '',
    studyUid: studyUidOf(representative),
    studyDescription: representative.studyDescription?.trim() ?? '',
    studyDate: representative.studyDate?.trim() ?? '',
    frameOfReferenceUid: nonEmpty(representative.frameOfReferenceUid),
  };
  if (geometry) summary.ijkToLps = geometry.ijkToLps;
  if (frameAngles.angles) summary.frameAngles = frameAngles.angles;
  if (frameTimeMs !== undefined) summary.frameTimeMs = frameTimeMs;

  const plan: SeriesPlan = {
    summary,
    frames: frames.map((f) => frameRef(f, representative)),
    representative,
  };
  if (geometry) plan.geometry = geometry;
  const pixelFormat = kind === 'non-image' ? undefined : pixelFormatOf(representative);
  if (pixelFormat) plan.pixelFormat = pixelFormat;
  return plan;
}

/** Empty values sort last, so undated studies and unnumbered series trail the rest. */
function compareText(a: string, b: string): number {
  if (!a || !b) return a ? -1 : b ? 1 : 0;
  return a.localeCompare(b);
}

function compareSeries(a: SeriesSummary, b: SeriesSummary): number {
  const na = a.seriesNumber ?? Number.POSITIVE_INFINITY;
  const nb = b.seriesNumber ?? Number.POSITIVE_INFINITY;
  return na === nb ? a.uid.localeCompare(b.uid) : na - nb;
}

/** Patients by name, studies by date (oldest first), series by series number. */
function buildTree(series: readonly SeriesSummary[]): { patients: PatientNode[]; ordered: SeriesSummary[] } {
  const patients = new Map<string, { node: PatientNode; studies: Map<string, { node: StudyNode; series: SeriesSummary[] }> }>();
  for (const s of series) {
    const patientKey = `${s.patientId}\u0000${s.patientName}`;
    let patient = patients.get(patientKey);
    if (!patient) {
      patient = { node: { patientId: s.patientId, patientName: s.patientName, studies: [] }, studies: new Map() };
      patients.set(patientKey, patient);
    }
    let study = patient.studies.get(s.studyUid);
    if (!study) {
      study = { node: { studyUid: s.studyUid, description: s.studyDescription, date: s.studyDate, seriesUids: [] }, series: [] };
      patient.studies.set(s.studyUid, study);
    }
    study.series.push(s);
  }
  const ordered: SeriesSummary[] = [];
  const nodes = [...patients.values()]
    .sort((a, b) => compareText(a.node.patientName, b.node.patientName) || compareText(a.node.patientId, b.node.patientId))
    .map((p) => {
      const studies = [...p.studies.values()].sort(
        (a, b) => compareText(a.node.date, b.node.date) || compareText(a.node.description, b.node.description) || a.node.studyUid.localeCompare(b.node.studyUid),
      );
      for (const study of studies) {
        study.series.sort(compareSeries);
        study.node.seriesUids = study.series.map((s) => s.uid);
        ordered.push(...study.series);
      }
      p.node.studies = studies.map((s) => s.node);
      return p.node;
    });
  return { patients: nodes, ordered };
}

export function buildIndex(input: BuildIndexInput): BuildIndexOutput {
  const plans = new Map<string, SeriesPlan>();
  for (const group of groupSeries(input.headers)) {
    const plan = planSeries(group);
    plans.set(plan.summary.uid, plan);
  }
  const { patients, ordered } = buildTree([...plans.values()].map((p) => p.summary));
  return {
    result: { folder: input.folder, series: ordered, skipped: input.skipped, patients, elapsedSeconds: input.elapsedSeconds },
    plans,
  };
}
