/**
 * DICOM Segmentation (SEG, Segmentation Storage 1.2.840.10008.5.1.4.1.1.66.4, PS3.3 A.51) for a
 * label volume on a reference series' grid: one BINARY multi-frame instance, one segment per
 * distinct non-zero label value, 1-bit packed frames.
 *
 * Frames: one per (segment, reference slice) pair where that segment has at least one voxel;
 * empty frames are left out (as highdicom and dcmqi do), so a small label in a large CT stays
 * small. Each frame says which segment it shows (Segment Identification), where it lies (Plane
 * Position (Patient), the reference grid's slice origin) and which source image it was derived
 * from (Derivation Image → Source Image, with the frame number for multi-frame sources); the
 * orientation and pixel measures are shared. Dimensions: segment number, then slice position.
 *
 * Segment numbers must run 1, 2, … (PS3.3 C.8.20.2), so the label values, sorted, are numbered
 * that way; each segment's label and description name its original value.
 *
 * Patient, study and frame-of-reference values are copied from the reference series
 * (`readReferenceAttributes` reads them from one of its files), so viewers file the SEG with
 * the images it segments. Strings are written as UTF-8 (Specific Character Set ISO_IR 192).
 */
import { openDataSet } from './parse/openDataSet';
import { ElementValues } from './parse/ElementValues';
import { newUid } from './uid';
import { writeDicom, type DicomDataset, type DicomElement } from './writeDicom';

export const SEGMENTATION_STORAGE = '1.2.840.10008.5.1.4.1.1.66.4';

/** A coded concept: (code value, coding scheme designator, code meaning). */
export interface CodedConcept {
  value: string;
  scheme: string;
  meaning: string;
}

/**
 * 3D Slicer's default for a new segment, category "Tissue" and type "Tissue" (SNOMED CT
 * 85756007, in CID 7150 / 7151): right for a label whose meaning Lumen does not know.
 */
export const GENERIC_TISSUE: CodedConcept = { value: '85756007', scheme: 'SCT', meaning: 'Tissue' };

export type SegmentAlgorithmType = 'MANUAL' | 'SEMIAUTOMATIC' | 'AUTOMATIC';

export interface SegmentDescription {
  /** The label value in the volume (a positive integer). */
  label: number;
  /** Segment Label (0062,0005), at most 64 characters. Default "Label <value>". */
  name?: string;
  /** Default SEMIAUTOMATIC: drawn by hand, carried to this grid by an algorithm. */
  algorithmType?: SegmentAlgorithmType;
  /** Required unless MANUAL; default "Lumen curved-reformat map-back". */
  algorithmName?: string;
  category?: CodedConcept;
  type?: CodedConcept;
  /** Display colour, sRGB 0–255, written as Recommended Display CIELab Value. */
  rgb?: [number, number, number];
}

/** The image one reference slice was read from. */
export interface SourceImage {
  sopClassUid: string;
  sopInstanceUid: string;
  /** 1-based frame of a multi-frame source; omitted for single-frame images. */
  frameNumber?: number;
}

/** Patient, study, series and frame-of-reference values of the reference series, copied verbatim. */
export interface ReferenceAttributes {
  patientName?: string;
  patientId?: string;
  patientBirthDate?: string;
  patientSex?: string;
  studyInstanceUid: string;
  studyDate?: string;
  studyTime?: string;
  studyId?: string;
  accessionNumber?: string;
  referringPhysicianName?: string;
  studyDescription?: string;
  seriesInstanceUid: string;
  frameOfReferenceUid: string;
  positionReferenceIndicator?: string;
}

export interface SegmentationRequest {
  /** Labels on the reference grid: [columns, rows, slices], column fastest; 0 = background. */
  labels: { dimensions: readonly [number, number, number]; voxels: ArrayLike<number> };
  /** The reference grid: (i, j, k, 1) → LPS mm, row-major 4x4. */
  ijkToLps: readonly number[];
  reference: ReferenceAttributes;
  /** One per reference slice k: the image it came from. */
  sourceImages: readonly SourceImage[];
  /** Descriptions by label value; labels without one get the defaults. */
  segments?: readonly SegmentDescription[];
  seriesDescription?: string;
  seriesNumber?: number;
  /** Content Label (0070,0080), a CS: upper case, digits, space and underscore, ≤ 16 characters. */
  contentLabel?: string;
  contentCreatorName?: string;
  /** Fixed UIDs (tests, re-export); fresh ones by default. */
  seriesInstanceUid?: string;
  sopInstanceUid?: string;
  createdAt?: Date;
  software?: { manufacturer: string; modelName: string; version: string; deviceSerialNumber?: string };
}

export interface WrittenSegment {
  number: number;
  label: number;
  name: string;
  /** Frames (slices) holding this segment. */
  frames: number;
  /** Voxels with this label. */
  voxels: number;
}

export interface SegmentationResult {
  bytes: Uint8Array;
  sopInstanceUid: string;
  seriesInstanceUid: string;
  segments: WrittenSegment[];
  frames: number;
}

const SOURCE_IMAGE_PURPOSE: CodedConcept = { value: '121322', scheme: 'DCM', meaning: 'Source image for image processing operation' };
const SEGMENTATION_DERIVATION: CodedConcept = { value: '113076', scheme: 'DCM', meaning: 'Segmentation' };
const DEFAULT_ALGORITHM = 'Lumen curved-reformat map-back';
const MAX_SEGMENTS = 65535;

/** Builds the SEG instance. Throws (Error) on labels it cannot encode: not integers, negative, none at all. */
export function writeSegmentation(req: SegmentationRequest): SegmentationResult {
  const [columns, rows, slices] = req.labels.dimensions;
  const sliceLength = columns * rows;
  const voxels = req.labels.voxels;
  if (voxels.length !== sliceLength * slices) throw new Error(`labels hold ${voxels.length} voxels, ${columns}×${rows}×${slices} expected`);
  if (columns > 65535 || rows > 65535) throw new Error('DICOM images are at most 65535 pixels wide or high');
  if (req.sourceImages.length !== slices) throw new Error(`${req.sourceImages.length} source images for ${slices} slices`);
  if (req.ijkToLps.length !== 16) throw new Error('ijkToLps must be 16 numbers (row-major 4x4)');

  // Which labels occur, and on which slices: one pass.
  const perLabel = new Map<number, { voxels: number; slices: Set<number> }>();
  for (let k = 0; k < slices; k++) {
    const base = k * sliceLength;
    for (let p = 0; p < sliceLength; p++) {
      const v = voxels[base + p]!;
      if (v === 0) continue;
      if (!Number.isInteger(v) || v < 0) throw new Error(`label value ${v} is not a non-negative integer: DICOM SEG segments are whole numbers`);
      let entry = perLabel.get(v);
      if (!entry) {
        entry = { voxels: 0, slices: new Set() };
        perLabel.set(v, entry);
      }
      entry.voxels++;
      entry.slices.add(k);
    }
  }
  if (perLabel.size === 0) throw new Error('the labels are empty: a DICOM SEG needs at least one labelled voxel');
  if (perLabel.size > MAX_SEGMENTS) throw new Error(`${perLabel.size} distinct label values: more than a DICOM SEG can number`);
  const labels = [...perLabel.keys()].sort((a, b) => a - b);
  const described = new Map((req.segments ?? []).map((s) => [s.label, s]));

  const M = req.ijkToLps;
  const col = (c: number): [number, number, number] => [M[c]!, M[4 + c]!, M[8 + c]!];
  const [rowVector, columnVector, sliceVector] = [col(0), col(1), col(2)];
  const columnSpacing = Math.hypot(...rowVector);
  const rowSpacing = Math.hypot(...columnVector);
  if (!(columnSpacing > 0 && rowSpacing > 0)) throw new Error('ijkToLps has a zero in-plane axis');
  const rowCosines = rowVector.map((v) => v / columnSpacing);
  const columnCosines = columnVector.map((v) => v / rowSpacing);
  const normal = cross(rowCosines, columnCosines);
  // Distance between slice planes (a sheared, gantry-tilted grid steps further than this).
  const sliceSeparation = Math.abs(dot(normal, sliceVector)) || Math.hypot(...sliceVector) || 1;
  const positionOf = (k: number) => [0, 1, 2].map((a) => M[4 * a + 2]! * k + M[4 * a + 3]!);

  // Frames, segment by segment, slices in grid order.
  const frames: { segment: number; slice: number }[] = [];
  const segments: WrittenSegment[] = labels.map((label, n) => {
    const entry = perLabel.get(label)!;
    const sorted = [...entry.slices].sort((a, b) => a - b);
    for (const slice of sorted) frames.push({ segment: n + 1, slice });
    return { number: n + 1, label, name: segmentName(described.get(label), label), frames: sorted.length, voxels: entry.voxels };
  });

  // 1-bit pixels, frames packed back to back, least significant bit first (PS3.5 8.1.1).
  const pixelData = new Uint8Array(Math.ceil((frames.length * sliceLength) / 8));
  frames.forEach(({ segment, slice }, f) => {
    const label = labels[segment - 1]!;
    const base = slice * sliceLength;
    let bit = f * sliceLength;
    for (let p = 0; p < sliceLength; p++, bit++) if (voxels[base + p] === label) pixelData[bit >>> 3]! |= 1 << (bit & 7);
  });

  const created = req.createdAt ?? new Date();
  const date = dicomDate(created);
  const time = dicomTime(created);
  const seriesInstanceUid = req.seriesInstanceUid ?? newUid();
  const sopInstanceUid = req.sopInstanceUid ?? newUid();
  const dimensionOrganizationUid = newUid();
  const software = req.software ?? { manufacturer: 'Lumen', modelName: 'Lumen', version: 'unknown' };
  const ref = req.reference;

  const referencedInstances = new Map<string, string>();
  for (const s of req.sourceImages) referencedInstances.set(s.sopInstanceUid, s.sopClassUid);

  const segmentItems = labels.map((label, n) => segmentItem(n + 1, label, described.get(label)));
  const perFrame = frames.map(({ segment, slice }) => {
    const source = req.sourceImages[slice]!;
    return [
      sq(0x00089124, [
        [
          sq(0x00082112, [
            [
              ui(0x00081150, source.sopClassUid),
              ui(0x00081155, source.sopInstanceUid),
              ...(source.frameNumber !== undefined ? [{ tag: 0x00081160, vr: 'IS', value: source.frameNumber } as DicomElement] : []),
              sq(0x0040a170, [code(SOURCE_IMAGE_PURPOSE)]),
            ],
          ]),
          sq(0x00089215, [code(SEGMENTATION_DERIVATION)]),
        ],
      ]),
      sq(0x00209111, [[{ tag: 0x00209157, vr: 'UL', value: [segment, slice + 1] }]]),
      sq(0x00209113, [[{ tag: 0x00200032, vr: 'DS', value: positionOf(slice) }]]),
      sq(0x0062000a, [[{ tag: 0x0062000b, vr: 'US', value: segment }]]),
    ];
  });

  const dataset: DicomElement[] = [
    // SOP Common
    { tag: 0x00080005, vr: 'CS', value: 'ISO_IR 192' },
    { tag: 0x00080008, vr: 'CS', value: ['DERIVED', 'PRIMARY'] },
    { tag: 0x00080012, vr: 'DA', value: date },
    { tag: 0x00080013, vr: 'TM', value: time },
    ui(0x00080016, SEGMENTATION_STORAGE),
    ui(0x00080018, sopInstanceUid),
    // Patient
    { tag: 0x00100010, vr: 'PN', value: ref.patientName ?? '' },
    { tag: 0x00100020, vr: 'LO', value: ref.patientId ?? '' },
    { tag: 0x00100030, vr: 'DA', value: ref.patientBirthDate ?? '' },
    { tag: 0x00100040, vr: 'CS', value: ref.patientSex ?? '' },
    // General Study
    ui(0x0020000d, ref.studyInstanceUid),
    { tag: 0x00080020, vr: 'DA', value: ref.studyDate ?? '' },
    { tag: 0x00080030, vr: 'TM', value: ref.studyTime ?? '' },
    { tag: 0x00080050, vr: 'SH', value: ref.accessionNumber ?? '' },
    { tag: 0x00080090, vr: 'PN', value: ref.referringPhysicianName ?? '' },
    { tag: 0x00200010, vr: 'SH', value: ref.studyId ?? '' },
    ...(ref.studyDescription ? [{ tag: 0x00081030, vr: 'LO', value: ref.studyDescription } as DicomElement] : []),
    // General Series, Segmentation Series
    { tag: 0x00080060, vr: 'CS', value: 'SEG' },
    ui(0x0020000e, seriesInstanceUid),
    { tag: 0x00200011, vr: 'IS', value: req.seriesNumber ?? 300 },
    { tag: 0x00080021, vr: 'DA', value: date },
    { tag: 0x00080031, vr: 'TM', value: time },
    { tag: 0x0008103e, vr: 'LO', value: req.seriesDescription ?? 'Lumen labels' },
    // Frame of Reference
    ui(0x00200052, ref.frameOfReferenceUid),
    { tag: 0x00201040, vr: 'LO', value: ref.positionReferenceIndicator ?? '' },
    // General and Enhanced General Equipment
    { tag: 0x00080070, vr: 'LO', value: software.manufacturer },
    { tag: 0x00081090, vr: 'LO', value: software.modelName },
    { tag: 0x00181000, vr: 'LO', value: software.deviceSerialNumber ?? '1' },
    { tag: 0x00181020, vr: 'LO', value: software.version },
    // General Image, Segmentation Image (Content Identification), Multi-frame Functional Groups
    { tag: 0x00200013, vr: 'IS', value: 1 },
    { tag: 0x00080023, vr: 'DA', value: date },
    { tag: 0x00080033, vr: 'TM', value: time },
    { tag: 0x00700080, vr: 'CS', value: req.contentLabel ?? 'LABELS' },
    { tag: 0x00700081, vr: 'LO', value: 'Labels carried to the reference grid by Lumen' },
    { tag: 0x00700084, vr: 'PN', value: req.contentCreatorName ?? '' },
    { tag: 0x00280008, vr: 'IS', value: frames.length },
    { tag: 0x00620001, vr: 'CS', value: 'BINARY' },
    sq(0x00620002, segmentItems),
    // Image Pixel
    { tag: 0x00280002, vr: 'US', value: 1 },
    { tag: 0x00280004, vr: 'CS', value: 'MONOCHROME2' },
    { tag: 0x00280010, vr: 'US', value: rows },
    { tag: 0x00280011, vr: 'US', value: columns },
    { tag: 0x00280100, vr: 'US', value: 1 },
    { tag: 0x00280101, vr: 'US', value: 1 },
    { tag: 0x00280102, vr: 'US', value: 0 },
    { tag: 0x00280103, vr: 'US', value: 0 },
    { tag: 0x00282110, vr: 'CS', value: '00' },
    { tag: 0x7fe00010, vr: 'OB', value: pixelData },
    // Multi-frame Dimension: segment, then position along the stack
    sq(0x00209221, [[ui(0x00209164, dimensionOrganizationUid)]]),
    { tag: 0x00209311, vr: 'CS', value: '3D' },
    sq(0x00209222, [
      [
        ui(0x00209164, dimensionOrganizationUid),
        { tag: 0x00209165, vr: 'AT', value: 0x0062000b },
        { tag: 0x00209167, vr: 'AT', value: 0x0062000a },
        { tag: 0x00209421, vr: 'LO', value: 'ReferencedSegmentNumber' },
      ],
      [
        ui(0x00209164, dimensionOrganizationUid),
        { tag: 0x00209165, vr: 'AT', value: 0x00200032 },
        { tag: 0x00209167, vr: 'AT', value: 0x00209113 },
        { tag: 0x00209421, vr: 'LO', value: 'ImagePositionPatient' },
      ],
    ]),
    // Shared and per-frame functional groups
    sq(0x52009229, [
      [
        sq(0x00209116, [[{ tag: 0x00200037, vr: 'DS', value: [...rowCosines, ...columnCosines] }]]),
        sq(0x00289110, [
          [
            { tag: 0x00280030, vr: 'DS', value: [rowSpacing, columnSpacing] },
            { tag: 0x00180050, vr: 'DS', value: sliceSeparation },
            { tag: 0x00180088, vr: 'DS', value: sliceSeparation },
          ],
        ]),
      ],
    ]),
    sq(0x52009230, perFrame),
    // Common Instance Reference: every source image, in the reference series
    sq(0x00081115, [
      [
        ui(0x0020000e, ref.seriesInstanceUid),
        sq(
          0x0008114a,
          [...referencedInstances].map(([instance, cls]) => [ui(0x00081150, cls), ui(0x00081155, instance)]),
        ),
      ],
    ]),
  ];
  return { bytes: writeDicom(dataset), sopInstanceUid, seriesInstanceUid, segments, frames: frames.length };
}

/**
 * Patient, study, series and frame-of-reference values, and the SOP identity, of one DICOM file
 * (or a prefix of it that holds its header). Throws when the file is not DICOM or lacks a UID.
 */
export function readReferenceAttributes(bytes: Uint8Array): ReferenceAttributes & { sopClassUid: string; sopInstanceUid: string; numberOfFrames: number } {
  const opened = openDataSet(bytes, false);
  const warnings: string[] = [];
  const charset = new ElementValues(opened.dataSet, warnings, false).strings('x00080005') ?? [];
  const v = new ElementValues(opened.dataSet, warnings, charset.some((c) => c.toUpperCase().includes('192')));
  const meta = opened.meta ? new ElementValues(opened.meta, warnings, false) : undefined;
  const need = (tagName: string, name: string, value: string | undefined): string => {
    if (!value) throw new Error(`the file has no ${name} ${tagName}`);
    return value;
  };
  const optional = (t: string) => v.string(t);
  return {
    sopClassUid: need('(0008,0016)', 'SOP Class UID', v.string('x00080016') ?? meta?.string('x00020002')),
    sopInstanceUid: need('(0008,0018)', 'SOP Instance UID', v.string('x00080018') ?? meta?.string('x00020003')),
    numberOfFrames: Number(v.string('x00280008') ?? '1') || 1,
    ...defined({
      patientName: optional('x00100010'),
      patientId: optional('x00100020'),
      patientBirthDate: optional('x00100030'),
      patientSex: optional('x00100040'),
      studyDate: optional('x00080020'),
      studyTime: optional('x00080030'),
      studyId: optional('x00200010'),
      accessionNumber: optional('x00080050'),
      referringPhysicianName: optional('x00080090'),
      studyDescription: optional('x00081030'),
      positionReferenceIndicator: optional('x00201040'),
    }),
    studyInstanceUid: need('(0020,000D)', 'Study Instance UID', v.string('x0020000d')),
    seriesInstanceUid: need('(0020,000E)', 'Series Instance UID', v.string('x0020000e')),
    frameOfReferenceUid: need('(0020,0052)', 'Frame of Reference UID', v.string('x00200052')),
  };
}

function defined<T extends Record<string, string | undefined>>(o: T): Partial<Record<keyof T, string>> {
  return Object.fromEntries(Object.entries(o).filter(([, value]) => value !== undefined)) as Partial<Record<keyof T, string>>;
}

function segmentName(d: SegmentDescription | undefined, label: number): string {
  return (d?.name ?? `Label ${label}`).slice(0, 64);
}

function segmentItem(number: number, label: number, d: SegmentDescription | undefined): DicomElement[] {
  const algorithmType = d?.algorithmType ?? 'SEMIAUTOMATIC';
  return [
    sq(0x00620003, [code(d?.category ?? GENERIC_TISSUE)]),
    { tag: 0x00620004, vr: 'US', value: number },
    { tag: 0x00620005, vr: 'LO', value: segmentName(d, label) },
    { tag: 0x00620006, vr: 'ST', value: `Label value ${label}` },
    { tag: 0x00620008, vr: 'CS', value: algorithmType },
    ...(algorithmType !== 'MANUAL' ? [{ tag: 0x00620009, vr: 'LO', value: (d?.algorithmName ?? DEFAULT_ALGORITHM).slice(0, 64) } as DicomElement] : []),
    ...(d?.rgb ? [{ tag: 0x0062000d, vr: 'US', value: cieLabFromRgb(d.rgb) } as DicomElement] : []),
    sq(0x0062000f, [code(d?.type ?? GENERIC_TISSUE)]),
  ];
}

/**
 * sRGB (0–255) → DICOM's scaled CIELab (PS3.3 C.10.7.1.1): L* 0–100 → 0–65535, a* and b*
 * −128–127 → 0–65535, with the D65 white point.
 */
export function cieLabFromRgb(rgb: readonly [number, number, number]): [number, number, number] {
  const lin = rgb.map((c) => {
    const s = Math.min(255, Math.max(0, c)) / 255;
    return s <= 0.04045 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  });
  const [r, g, b] = [lin[0]!, lin[1]!, lin[2]!];
  const x = (0.4124564 * r + 0.3575761 * g + 0.1804375 * b) / 0.95047;
  const y = 0.2126729 * r + 0.7151522 * g + 0.072175 * b;
  const z = (0.0193339 * r + 0.119192 * g + 0.9503041 * b) / 1.08883;
  const f = (t: number) => (t > 216 / 24389 ? Math.cbrt(t) : (24389 / 27 * t + 16) / 116);
  const L = 116 * f(y) - 16;
  const A = 500 * (f(x) - f(y));
  const B = 200 * (f(y) - f(z));
  const clamp = (t: number) => Math.round(Math.min(65535, Math.max(0, t)));
  return [clamp((L * 65535) / 100), clamp(((A + 128) * 65535) / 255), clamp(((B + 128) * 65535) / 255)];
}

function sq(t: number, items: readonly (readonly DicomElement[])[]): DicomElement {
  return { tag: t, vr: 'SQ', value: items };
}

function ui(t: number, value: string): DicomElement {
  return { tag: t, vr: 'UI', value };
}

function code(c: CodedConcept): DicomDataset {
  return [
    { tag: 0x00080100, vr: 'SH', value: c.value },
    { tag: 0x00080102, vr: 'SH', value: c.scheme },
    { tag: 0x00080104, vr: 'LO', value: c.meaning },
  ];
}

function dot(a: readonly number[], b: readonly number[]): number {
  return a[0]! * b[0]! + a[1]! * b[1]! + a[2]! * b[2]!;
}

function cross(a: readonly number[], b: readonly number[]): number[] {
  return [a[1]! * b[2]! - a[2]! * b[1]!, a[2]! * b[0]! - a[0]! * b[2]!, a[0]! * b[1]! - a[1]! * b[0]!];
}

function dicomDate(d: Date): string {
  return `${d.getFullYear()}${String(d.getMonth() + 1).padStart(2, '0')}${String(d.getDate()).padStart(2, '0')}`;
}

function dicomTime(d: Date): string {
  return `${String(d.getHours()).padStart(2, '0')}${String(d.getMinutes()).padStart(2, '0')}${String(d.getSeconds()).padStart(2, '0')}`;
}
