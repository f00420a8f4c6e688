/**
 * Reads everything the indexer needs from one DICOM file's header, without touching
 * pixel values. Works on a prefix of the file: when the prefix ends before the header
 * does, it throws HeaderNeedsMoreBytes so the caller re-reads the whole file.
 */
import type { DicomHeader, FrameGeometry } from './DicomHeader';
import { DicomReadError, HeaderNeedsMoreBytes } from './DicomReadError';
import { ElementValues, parseDecimal } from './parse/ElementValues';
import { functionalGroupGeometry, imagePlaneGeometry, mergeGeometry } from './parse/frameGeometry';
import { openDataSet } from './parse/openDataSet';
import type { OpenedDataSet } from './parse/openDataSet';
import { isEncapsulated, isLossyTransferSyntax, TransferSyntax } from './transferSyntax';

const DICOMDIR_SOP_CLASS = '1.2.840.10008.1.3.10';
const SHARED_GROUPS = 'x52009229';
const PER_FRAME_GROUPS = 'x52009230';
const PIXEL_VALUE_TRANSFORMATION = 'x00289145';
const FRAME_VOI_LUT = 'x00289132';
/** Enhanced XA/XRF X-Ray Geometry functional group: the source distances of a frame. */
const XRAY_GEOMETRY = 'x00189476';

export function readDicomHeader(bytes: Uint8Array, file: string, fileSize: number): DicomHeader {
  try {
    return readHeader(bytes, file, fileSize);
  } catch (e) {
    if (e instanceof DicomReadError || e instanceof HeaderNeedsMoreBytes) throw e;
    // Anything else is a malformed structure dicom-parser tripped over.
    throw new DicomReadError(`unreadable header (${e instanceof Error ? e.message : String(e)})`, file);
  }
}

function readHeader(bytes: Uint8Array, file: string, fileSize: number): DicomHeader {
  const complete = bytes.length >= fileSize;
  let opened: OpenedDataSet;
  try {
    opened = openDataSet(bytes, complete);
  } catch (e) {
    if (e instanceof DicomReadError) {
      if (!complete && e.reason !== 'not a DICOM file') throw new HeaderNeedsMoreBytes(bytes.length, fileSize);
      throw new DicomReadError(e.reason, file);
    }
    throw new DicomReadError(`unreadable header (${String(e)})`, file);
  }

  const warnings: string[] = [];
  const charset = new ElementValues(opened.dataSet, warnings, false).strings('x00080005') ?? [];
  const v = new ElementValues(opened.dataSet, warnings, charset.some((c) => c.toUpperCase().includes('192')));
  const metaSopClass = opened.meta ? new ElementValues(opened.meta, warnings, false).string('x00020002') : undefined;
  const sopClassUid = v.string('x00080016') ?? metaSopClass;
  const isDicomDir = sopClassUid === DICOMDIR_SOP_CLASS || opened.dataSet.elements['x00041220'] !== undefined;

  if (!isDicomDir && !opened.pixelElement) {
    if (!complete || opened.inflateIncomplete) throw new HeaderNeedsMoreBytes(bytes.length, fileSize);
    // The whole file is here and it still ends mid-element: damaged, not just long.
    if (opened.parseError) throw new DicomReadError(`truncated header: the file ends or breaks off inside an element (${opened.parseError})`, file);
  }
  if (opened.rawDataSet && !sopClassUid && !v.string('x0020000d') && v.uint16('x00280010') === undefined) {
    throw new DicomReadError('not a DICOM file', file);
  }

  const header = buildHeader(v, opened, { file, fileSize, sopClassUid, isDicomDir });
  if (warnings.length > 0) header.warnings = warnings;
  return header;
}

function buildHeader(
  v: ElementValues,
  opened: OpenedDataSet,
  ids: { file: string; fileSize: number; sopClassUid?: string; isDicomDir: boolean },
): DicomHeader {
  const ts = opened.transferSyntaxUid;
  const samplesPerPixel = v.uint16('x00280002') ?? 1;
  const shared = v.items(SHARED_GROUPS)[0];
  const perFrameGroups = v.items(PER_FRAME_GROUPS);

  const sharedGeometry = shared ? mergeGeometry(functionalGroupGeometry(shared), xRayGeometry(shared)) : {};
  const geometry = mergeGeometry(imagePlaneGeometry(v), sharedGeometry);
  const perFrame: FrameGeometry[] | undefined = perFrameGroups.length > 0
    ? perFrameGroups.map((g) => mergeGeometry(sharedGeometry, functionalGroupGeometry(g), xRayGeometry(g)))
    : undefined;
  // Enhanced objects keep the geometry only per frame; expose frame 0's as the default.
  const frame0 = perFrame?.[0];
  const fullGeometry = frame0 ? mergeGeometry(frame0, geometry) : geometry;

  const transform = [v, ...(shared ? shared.items(PIXEL_VALUE_TRANSFORMATION) : []), ...(perFrameGroups[0]?.items(PIXEL_VALUE_TRANSFORMATION) ?? [])];
  const voi = [v, ...(shared ? shared.items(FRAME_VOI_LUT) : []), ...(perFrameGroups[0]?.items(FRAME_VOI_LUT) ?? [])];
  const firstOf = (sources: ElementValues[], tag: string, name: string): number | undefined => {
    for (const s of sources) {
      const n = s.number(tag, name);
      if (n !== undefined) return n;
    }
    return undefined;
  };

  const rows = v.uint16('x00280010');
  const columns = v.uint16('x00280011');
  const bitsAllocated = v.uint16('x00280100');
  const h: DicomHeader = {
    file: ids.file,
    fileSize: ids.fileSize,
    transferSyntaxUid: ts,
    rawDataSet: opened.rawDataSet,
    sopClassUid: ids.sopClassUid,
    sopInstanceUid: v.string('x00080018') ?? (opened.meta ? v.nested(opened.meta).string('x00020003') : undefined),
    isDicomDir: ids.isDicomDir,
    patientId: v.string('x00100020'),
    patientName: v.string('x00100010'),
    studyInstanceUid: v.string('x0020000d'),
    studyDate: v.string('x00080020'),
    studyDescription: v.string('x00081030'),
    seriesInstanceUid: v.string('x0020000e'),
    seriesNumber: v.number('x00200011', 'Series Number'),
    seriesDescription: v.string('x0008103e'),
    modality: v.string('x00080060'),
    frameOfReferenceUid: v.string('x00200052'),
    instanceNumber: v.number('x00200013', 'Instance Number'),
    imageType: v.strings('x00080008'),
    hasPixelData: opened.pixelElement !== undefined,
    rows,
    columns,
    numberOfFrames: 1,
    samplesPerPixel,
    photometricInterpretation: v.string('x00280004'),
    bitsAllocated,
    bitsStored: v.uint16('x00280101'),
    highBit: v.uint16('x00280102'),
    pixelRepresentation: v.uint16('x00280103'),
    planarConfiguration: samplesPerPixel > 1 ? v.uint16('x00280006') : undefined,
    rescaleSlope: firstOf(transform, 'x00281053', 'Rescale Slope') ?? 1,
    rescaleIntercept: firstOf(transform, 'x00281052', 'Rescale Intercept') ?? 0,
    windowCenter: firstOf(voi, 'x00281050', 'Window Center'),
    windowWidth: firstOf(voi, 'x00281051', 'Window Width'),
    lossyImageCompression: v.string('x00282110') === '01' || isLossyTransferSyntax(ts),
    geometry: fullGeometry,
    spacingBetweenSlices: v.number('x00180088', 'Spacing Between Slices'),
    gantryDetectorTilt: v.number('x00181120', 'Gantry/Detector Tilt'),
    perFrame,
    positionerMotion: v.string('x00181500'),
    positionerPrimaryAngle: v.number('x00181510', 'Positioner Primary Angle') ?? frame0?.positionerPrimaryAngle,
    positionerSecondaryAngle: v.number('x00181511', 'Positioner Secondary Angle') ?? frame0?.positionerSecondaryAngle,
    positionerPrimaryAngleIncrement: v.numbers('x00181520', 'Positioner Primary Angle Increment'),
    positionerSecondaryAngleIncrement: v.numbers('x00181521', 'Positioner Secondary Angle Increment'),
    // Enhanced XA/XRF give the distances only in the X-Ray Geometry functional group.
    distanceSourceToDetector: v.number('x00181110', 'Distance Source to Detector') ?? frame0?.distanceSourceToDetector,
    distanceSourceToPatient: v.number('x00181111', 'Distance Source to Patient') ?? frame0?.distanceSourceToIsocenter,
    imagerPixelSpacing: v.vector('x00181164', 'Imager Pixel Spacing', 2) as [number, number] | undefined,
    pixelIntensityRelationship: v.string('x00281040'),
    xRayReceptorType: v.string('x00189420'),
    intensifierSize: v.number('x00181162', 'Intensifier Size'),
    detectorType: v.string('x00187004'),
    frameTime: v.number('x00181063', 'Frame Time'),
    frameTimeVector: v.numbers('x00181065', 'Frame Time Vector'),
  };
  if (h.rescaleSlope === 0) {
    v.warn('Rescale Slope (0028,1053) is 0; a slope of 1 was used.');
    h.rescaleSlope = 1;
  }
  h.numberOfFrames = numberOfFrames(v, opened, h, perFrameGroups.length);
  assertPixelDataFits(opened, h);
  return stripUndefined(h);
}

/**
 * The X-Ray Geometry functional group (0018,9476) of Enhanced XA/XRF: Distance Source to
 * Detector (0018,1110, DS) and Distance Source to Isocenter (0018,9402, FL), per frame
 * or shared.
 */
function xRayGeometry(group: ElementValues): FrameGeometry {
  const g: FrameGeometry = {};
  const item = group.items(XRAY_GEOMETRY)[0];
  if (!item) return g;
  const sid = item.number('x00181110', 'Distance Source to Detector');
  if (sid !== undefined) g.distanceSourceToDetector = sid;
  const sod = float32(item, 'x00189402', 'Distance Source to Isocenter');
  if (sod !== undefined) g.distanceSourceToIsocenter = sod;
  return g;
}

/**
 * One FL value (binary float32; implicit VR leaves the VR unknown) or, where a writer
 * used a numeric string, that. Rounded to float32's 7 significant digits, so 810.3 reads
 * 810.3 rather than 810.2999877929688.
 */
function float32(v: ElementValues, tag: string, name: string): number | undefined {
  const el = v.element(tag);
  if (!el || el.length === 0) return undefined;
  if ((el.vr === 'FL' || el.vr === undefined) && el.length === 4) {
    const value = v.dataSet.byteArrayParser.readFloat(v.dataSet.byteArray, el.dataOffset);
    return Number.isFinite(value) ? Number(value.toPrecision(7)) : undefined;
  }
  return v.number(tag, name);
}

/**
 * A file cut short inside native pixel data is caught here, from the header alone, so
 * the indexer skips it with a reason instead of listing an image that cannot be shown.
 */
function assertPixelDataFits(opened: OpenedDataSet, h: DicomHeader): void {
  const px = opened.pixelElement;
  // Deflated offsets count inflated bytes, so they cannot be set against the file size.
  if (!px || px.length === 0xffffffff || isEncapsulated(h.transferSyntaxUid) || h.transferSyntaxUid === TransferSyntax.Deflated) return;
  const present = h.fileSize - px.dataOffset;
  if (present < px.length) throw new DicomReadError(`pixel data truncated: expected ${px.length} bytes, found ${Math.max(0, present)}`);
}

/**
 * (0028,0008); absent means one frame. When it is malformed, fall back to the
 * per-frame functional group count, else to what the native pixel data holds.
 */
function numberOfFrames(v: ElementValues, opened: OpenedDataSet, h: DicomHeader, perFrameItems: number): number {
  const raw = v.string('x00280008');
  const declared = raw === undefined ? 1 : parseDecimal(raw);
  let frames: number;
  if (declared !== undefined && Number.isInteger(declared) && declared >= 1) {
    frames = declared;
  } else {
    frames = perFrameItems > 0 ? perFrameItems : 1;
    const px = opened.pixelElement;
    const frameBits = (h.rows ?? 0) * (h.columns ?? 0) * h.samplesPerPixel * (h.bitsAllocated ?? 0);
    if (perFrameItems === 0 && px && !isEncapsulated(h.transferSyntaxUid) && frameBits > 0 && px.length !== 0xffffffff) {
      frames = Math.max(1, Math.floor((px.length * 8) / frameBits));
    }
    v.warn(`Number of Frames (0028,0008) "${raw}" is not a valid count; ${frames} was used.`);
  }
  if (perFrameItems > 0 && perFrameItems !== frames) {
    v.warn(`The per-frame functional groups describe ${perFrameItems} frames but the image has ${frames}.`);
  }
  return frames;
}

function stripUndefined<T extends object>(o: T): T {
  for (const k of Object.keys(o) as (keyof T)[]) if (o[k] === undefined) delete o[k];
  return o;
}
