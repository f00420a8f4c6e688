/**
 * A computed volume (a reconstruction) as a DICOM series other viewers open: CT Image
 * Storage, one slice per file, 16-bit signed pixels with a linear rescale back to the
 * volume's values, the slices placed in LPS by Image Position/Orientation (Patient) from
 * the volume's ijkToLps, all in one new Frame of Reference unless the caller names one
 * (a reconstruction's isocentre frame is not the frame of any other series).
 */
import { column, transformPoint, type Mat4 } from '../math/mat4';
import { length, normalize, type Vec3 } from '../math/vec3';
import { newUid } from './uid';
import { writeDicom, type DicomElement } from './writeDicom';

export const CT_IMAGE_STORAGE = '1.2.840.10008.5.1.4.1.1.2';

export interface VolumeSeriesInput {
  /** [columns, rows, slices]. */
  dimensions: [number, number, number];
  /** (i, j, k, 1) → LPS mm, row-major 4×4; i and j must be orthogonal. */
  ijkToLps: Mat4;
  voxels: Float32Array;
}

export interface VolumeSeriesMeta {
  patientName: string;
  patientId: string;
  studyInstanceUid: string;
  /** The study's date (DA); default: the date the volume was made. */
  studyDate?: string;
  frameOfReferenceUid?: string;
  seriesDescription: string;
  seriesNumber?: number;
  /**
   * Rescale Type (0028,1054): 'HU' for Hounsfield units; otherwise a defined term such
   * as 'US' (unspecified), which CT requires to be stated when the values are not HU.
   */
  rescaleType: string;
  /** When the volume was made; default now. */
  date?: Date;
}

export interface VolumeSeriesFile {
  name: string;
  bytes: Uint8Array;
}

export interface VolumeSeries {
  seriesInstanceUid: string;
  frameOfReferenceUid: string;
  rescale: { slope: number; intercept: number };
  /** One file per slice; made on demand, so a large volume is never all encoded at once. */
  count: number;
  fileAt: (k: number) => VolumeSeriesFile;
}

const INT16_MAX = 32767;

/**
 * The rescale that keeps every value within int16: the largest magnitude maps to about
 * 32000, intercept 0 so that 0 stays exactly 0. Four significant digits, rounded up, so
 * the DS value is exactly what the pixels were scaled by.
 */
export function int16Rescale(voxels: Float32Array): { slope: number; intercept: number } {
  let largest = 0;
  for (let n = 0; n < voxels.length; n++) {
    const v = Math.abs(voxels[n]);
    if (v > largest) largest = v;
  }
  if (!(largest > 0)) return { slope: 1, intercept: 0 };
  const raw = largest / 32000;
  const unit = 10 ** (Math.floor(Math.log10(raw)) - 3);
  return { slope: Number((Math.ceil(raw / unit) * unit).toPrecision(4)), intercept: 0 };
}

function dicomDateTime(d: Date): { date: string; time: string } {
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  return { date: `${d.getUTCFullYear()}${p(d.getUTCMonth() + 1)}${p(d.getUTCDate())}`, time: `${p(d.getUTCHours())}${p(d.getUTCMinutes())}${p(d.getUTCSeconds())}` };
}

export function writeVolumeSeries(volume: VolumeSeriesInput, meta: VolumeSeriesMeta): VolumeSeries {
  const [nx, ny, nz] = volume.dimensions;
  const m = volume.ijkToLps;
  const di = column(m, 0);
  const dj = column(m, 1);
  const dk = column(m, 2);
  const rowCosines = normalize(di);
  const columnCosines = normalize(dj);
  const seriesInstanceUid = newUid();
  const frameOfReferenceUid = meta.frameOfReferenceUid ?? newUid();
  const rescale = int16Rescale(volume.voxels);
  const { date, time } = dicomDateTime(meta.date ?? new Date());
  const round = (v: number) => Number(v.toFixed(6));
  const plane = nx * ny;
  const digits = Math.max(4, String(nz).length);

  // Slice-independent elements, written once per file with the per-slice ones below.
  const common: DicomElement[] = [
    { tag: 0x00080005, vr: 'CS', value: 'ISO_IR 192' },
    { tag: 0x00080008, vr: 'CS', value: ['DERIVED', 'SECONDARY', 'AXIAL'] },
    { tag: 0x00080012, vr: 'DA', value: date },
    { tag: 0x00080013, vr: 'TM', value: time },
    { tag: 0x00080016, vr: 'UI', value: CT_IMAGE_STORAGE },
    { tag: 0x00080020, vr: 'DA', value: meta.studyDate || date },
    { tag: 0x00080021, vr: 'DA', value: date },
    { tag: 0x00080023, vr: 'DA', value: date },
    { tag: 0x00080030, vr: 'TM', value: meta.studyDate ? '' : time },
    { tag: 0x00080031, vr: 'TM', value: time },
    { tag: 0x00080033, vr: 'TM', value: time },
    { tag: 0x00080050, vr: 'SH' },
    { tag: 0x00080060, vr: 'CS', value: 'CT' },
    { tag: 0x00080070, vr: 'LO', value: 'Lumen' },
    { tag: 0x00080090, vr: 'PN' },
    { tag: 0x0008103e, vr: 'LO', value: meta.seriesDescription.slice(0, 64) },
    { tag: 0x00100010, vr: 'PN', value: meta.patientName },
    { tag: 0x00100020, vr: 'LO', value: meta.patientId },
    { tag: 0x00100030, vr: 'DA' },
    { tag: 0x00100040, vr: 'CS' },
    { tag: 0x00180050, vr: 'DS', value: round(length(dk)) },
    { tag: 0x00180060, vr: 'DS' },
    // The C-arm convention's patient position: supine, head first.
    { tag: 0x00185100, vr: 'CS', value: 'HFS' },
    { tag: 0x0020000d, vr: 'UI', value: meta.studyInstanceUid },
    { tag: 0x0020000e, vr: 'UI', value: seriesInstanceUid },
    { tag: 0x00200010, vr: 'SH' },
    { tag: 0x00200011, vr: 'IS', value: meta.seriesNumber ?? 900 },
    { tag: 0x00200012, vr: 'IS', value: 1 },
    // Image Laterality: a reconstructed region, not one side of a paired organ (which Laterality would need).
    { tag: 0x00200062, vr: 'CS', value: 'U' },
    { tag: 0x00200037, vr: 'DS', value: [...rowCosines, ...columnCosines].map(round) },
    { tag: 0x00200052, vr: 'UI', value: frameOfReferenceUid },
    { tag: 0x00201040, vr: 'LO' },
    { tag: 0x00280002, vr: 'US', value: 1 },
    { tag: 0x00280004, vr: 'CS', value: 'MONOCHROME2' },
    { tag: 0x00280010, vr: 'US', value: ny },
    { tag: 0x00280011, vr: 'US', value: nx },
    // (0028,0030) is [between rows, between columns].
    { tag: 0x00280030, vr: 'DS', value: [round(length(dj)), round(length(di))] },
    { tag: 0x00280100, vr: 'US', value: 16 },
    { tag: 0x00280101, vr: 'US', value: 16 },
    { tag: 0x00280102, vr: 'US', value: 15 },
    { tag: 0x00280103, vr: 'US', value: 1 },
    { tag: 0x00281052, vr: 'DS', value: rescale.intercept },
    { tag: 0x00281053, vr: 'DS', value: rescale.slope },
    { tag: 0x00281054, vr: 'LO', value: meta.rescaleType },
  ];
  const fileAt = (k: number): VolumeSeriesFile => {
    const pixels = new Int16Array(plane);
    const base = k * plane;
    for (let n = 0; n < plane; n++) pixels[n] = Math.max(-INT16_MAX - 1, Math.min(INT16_MAX, Math.round((volume.voxels[base + n] - rescale.intercept) / rescale.slope)));
    const position: Vec3 = transformPoint(m, [0, 0, k]);
    const elements: DicomElement[] = [
      ...common,
      { tag: 0x00080018, vr: 'UI', value: newUid() },
      { tag: 0x00200013, vr: 'IS', value: k + 1 },
      { tag: 0x00200032, vr: 'DS', value: position.map(round) },
      { tag: 0x7fe00010, vr: 'OW', value: pixels },
    ];
    return { name: `slice-${String(k + 1).padStart(digits, '0')}.dcm`, bytes: writeDicom(elements) };
  };
  return { seriesInstanceUid, frameOfReferenceUid, rescale, count: nz, fileAt };
}
