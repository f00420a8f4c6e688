/**
 * A DICOM Part-10 writer: 128-byte preamble, "DICM", a group-0002 meta header with its
 * group length, then the data set in Explicit VR Little Endian. It writes what a caller
 * lists, sorted by tag, applying each VR's padding rule; it does not validate IODs.
 * Used for exports and by the test-data generators.
 */
import { stableUid } from './uid';

export type DicomVr =
  | 'AE' | 'AS' | 'AT' | 'CS' | 'DA' | 'DS' | 'DT' | 'FD' | 'FL' | 'IS' | 'LO' | 'LT'
  | 'OB' | 'OD' | 'OF' | 'OL' | 'OV' | 'OW' | 'PN' | 'SH' | 'SL' | 'SQ' | 'SS' | 'ST'
  | 'SV' | 'TM' | 'UC' | 'UI' | 'UL' | 'UN' | 'UR' | 'US' | 'UT' | 'UV';

export type DicomValue =
  | string
  | number
  | readonly (string | number)[]
  | ArrayBufferView
  /** SQ: one element list per item. */
  | readonly (readonly DicomElement[])[];

export interface DicomElement {
  /** (gggg,eeee) as one number, e.g. 0x00280010 for Rows. */
  tag: number;
  vr: DicomVr;
  /** Omitted or empty: a zero-length (type 2) element. */
  value?: DicomValue;
}

export type DicomDataset = readonly DicomElement[];

export const EXPLICIT_VR_LITTLE_ENDIAN = '1.2.840.10008.1.2.1';
/** A fixed UID naming this writer in (0002,0012). */
export const LUMEN_IMPLEMENTATION_CLASS_UID = stableUid('Lumen DICOM writer');
const IMPLEMENTATION_VERSION_NAME = 'LUMEN_0_1';

export function tag(group: number, element: number): number {
  return ((group << 16) | element) >>> 0;
}

const STRING_VRS = new Set<DicomVr>(['AE', 'AS', 'CS', 'DA', 'DS', 'DT', 'IS', 'LO', 'LT', 'PN', 'SH', 'ST', 'TM', 'UC', 'UI', 'UR', 'UT']);
/** VRs whose explicit header has 2 reserved bytes and a 32-bit length (PS3.5 7.1.2). */
const LONG_HEADER_VRS = new Set<DicomVr>(['OB', 'OD', 'OF', 'OL', 'OV', 'OW', 'SQ', 'UC', 'UR', 'UT', 'UN', 'SV', 'UV']);
const NUMERIC_WIDTH: Partial<Record<DicomVr, number>> = { US: 2, SS: 2, UL: 4, SL: 4, FL: 4, FD: 8, AT: 4, SV: 8, UV: 8 };

const isLittleEndianHost = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** DS is at most 16 characters: keep as many significant digits as fit. */
export function formatDs(value: number): string {
  if (!Number.isFinite(value)) throw new Error(`DS value must be finite, got ${value}`);
  const v = Object.is(value, -0) ? 0 : value;
  const plain = String(v);
  if (plain.length <= 16) return plain;
  for (let digits = 15; digits >= 1; digits--) {
    const s = v.toPrecision(digits).replace(/(\.\d*?)0+(?=$|e)/, '$1').replace(/\.(?=$|e)/, '');
    if (s.length <= 16) return s;
  }
  throw new Error(`Cannot format ${value} as DS`);
}

function formatIs(value: number): string {
  if (!Number.isInteger(value) || Math.abs(value) > 2 ** 31 - 1) throw new Error(`IS value must be a 32-bit integer, got ${value}`);
  return String(value);
}

function isElementItems(value: DicomValue): value is readonly (readonly DicomElement[])[] {
  return Array.isArray(value) && (value.length === 0 || Array.isArray(value[0]));
}

const utf8 = new TextEncoder();

function encodeString(vr: DicomVr, value: DicomValue): Uint8Array {
  const values: readonly (string | number)[] = Array.isArray(value) ? (value as readonly (string | number)[]) : [value as string | number];
  const text = values
    .map((v) => (typeof v === 'number' ? (vr === 'DS' ? formatDs(v) : vr === 'IS' ? formatIs(v) : String(v)) : v))
    .join('\\');
  const raw = utf8.encode(text);
  if (raw.length % 2 === 0) return raw;
  const padded = new Uint8Array(raw.length + 1);
  padded.set(raw);
  // UI pads with NUL, every other string VR with a space (PS3.5 6.2).
  padded[raw.length] = vr === 'UI' ? 0 : 0x20;
  return padded;
}

function encodeNumbers(vr: DicomVr, value: DicomValue): Uint8Array {
  if (ArrayBuffer.isView(value)) return viewBytes(value);
  const values = (Array.isArray(value) ? value : [value]) as readonly (string | number)[];
  const width = NUMERIC_WIDTH[vr];
  if (width === undefined) throw new Error(`VR ${vr} is not numeric`);
  const out = new Uint8Array(values.length * width);
  const dv = new DataView(out.buffer);
  values.forEach((raw, n) => {
    const v = Number(raw);
    const at = n * width;
    switch (vr) {
      case 'US': dv.setUint16(at, v, true); break;
      case 'SS': dv.setInt16(at, v, true); break;
      case 'UL': dv.setUint32(at, v, true); break;
      case 'SL': dv.setInt32(at, v, true); break;
      case 'FL': dv.setFloat32(at, v, true); break;
      case 'FD': dv.setFloat64(at, v, true); break;
      case 'SV': dv.setBigInt64(at, BigInt(v), true); break;
      case 'UV': dv.setBigUint64(at, BigInt(v), true); break;
      case 'AT': dv.setUint16(at, v >>> 16, true); dv.setUint16(at + 2, v & 0xffff, true); break;
      default: throw new Error(`VR ${vr} is not numeric`);
    }
  });
  return out;
}

function viewBytes(view: ArrayBufferView): Uint8Array {
  if (!isLittleEndianHost && !(view instanceof Uint8Array || view instanceof Int8Array)) {
    throw new Error('writeDicom needs a little-endian host for multi-byte typed arrays');
  }
  return new Uint8Array(view.buffer, view.byteOffset, view.byteLength);
}

function encodeBinary(value: DicomValue): Uint8Array {
  if (!ArrayBuffer.isView(value)) {
    throw new Error('OB/OW/OF/OD/OL/OV/UN values must be typed arrays');
  }
  const bytes = viewBytes(value);
  if (bytes.length % 2 === 0) return bytes;
  const padded = new Uint8Array(bytes.length + 1);
  padded.set(bytes);
  return padded;
}

/** Collects chunks and concatenates once, so large pixel data is copied a single time. */
class ByteSink {
  readonly chunks: Uint8Array[] = [];
  length = 0;
  push(bytes: Uint8Array): void {
    this.chunks.push(bytes);
    this.length += bytes.length;
  }
  concat(into?: Uint8Array, offset = 0): Uint8Array {
    const out = into ?? new Uint8Array(this.length);
    let at = offset;
    for (const c of this.chunks) {
      out.set(c, at);
      at += c.length;
    }
    return out;
  }
}

function elementHeader(t: number, vr: DicomVr, length: number): Uint8Array {
  const long = LONG_HEADER_VRS.has(vr);
  const out = new Uint8Array(long ? 12 : 8);
  const dv = new DataView(out.buffer);
  dv.setUint16(0, t >>> 16, true);
  dv.setUint16(2, t & 0xffff, true);
  out[4] = vr.charCodeAt(0);
  out[5] = vr.charCodeAt(1);
  if (long) {
    dv.setUint32(8, length, true);
  } else {
    if (length > 0xffff) throw new Error(`Value of (${hexTag(t)}) ${vr} is ${length} bytes, over the 64 KiB limit of its VR`);
    dv.setUint16(6, length, true);
  }
  return out;
}

function hexTag(t: number): string {
  const h = t.toString(16).padStart(8, '0').toUpperCase();
  return `${h.slice(0, 4)},${h.slice(4)}`;
}

function itemTagHeader(element: number, length: number): Uint8Array {
  const out = new Uint8Array(8);
  const dv = new DataView(out.buffer);
  dv.setUint16(0, 0xfffe, true);
  dv.setUint16(2, element, true);
  dv.setUint32(4, length, true);
  return out;
}

function encodeValue(el: DicomElement): Uint8Array | ByteSink {
  const { vr, value } = el;
  if (value === undefined || (typeof value === 'string' && value === '') || (Array.isArray(value) && value.length === 0)) {
    return new Uint8Array(0);
  }
  if (vr === 'SQ') {
    if (!isElementItems(value)) throw new Error(`(${hexTag(el.tag)}) SQ value must be a list of items`);
    const sink = new ByteSink();
    for (const item of value) {
      const body = encodeDataset(item);
      sink.push(itemTagHeader(0xe000, body.length));
      for (const c of body.chunks) sink.push(c);
    }
    return sink;
  }
  if (STRING_VRS.has(vr)) return encodeString(vr, value);
  if (vr in NUMERIC_WIDTH) return encodeNumbers(vr, value);
  return encodeBinary(value);
}

function encodeDataset(elements: DicomDataset): ByteSink {
  const sorted = [...elements].sort((a, b) => a.tag - b.tag);
  const sink = new ByteSink();
  for (let n = 0; n < sorted.length; n++) {
    const el = sorted[n];
    if (n > 0 && sorted[n - 1].tag === el.tag) throw new Error(`Duplicate element (${hexTag(el.tag)})`);
    const value = encodeValue(el);
    sink.push(elementHeader(el.tag, el.vr, value.length));
    if (value instanceof ByteSink) for (const c of value.chunks) sink.push(c);
    else sink.push(value);
  }
  return sink;
}

function stringOf(elements: DicomDataset, t: number): string | undefined {
  const v = elements.find((e) => e.tag === t)?.value;
  return typeof v === 'string' ? v : undefined;
}

/**
 * Encodes a data set as a Part-10 file. SOP Class and SOP Instance UIDs (0008,0016/0018)
 * are required: they are copied into the meta header. Group-0002 elements in the input
 * are ignored; the meta header is always built here so its group length is right.
 */
/** A data set's bytes in Explicit VR Little Endian, without preamble or meta header (to be followed by encapsulated pixel data). */
export function encodeDatasetBytes(dataset: DicomDataset): Uint8Array {
  return encodeDataset(dataset).concat();
}

export function writeDicom(dataset: DicomDataset): Uint8Array {
  const sopClassUid = stringOf(dataset, 0x00080016);
  const sopInstanceUid = stringOf(dataset, 0x00080018);
  if (!sopClassUid || !sopInstanceUid) throw new Error('writeDicom needs SOP Class UID (0008,0016) and SOP Instance UID (0008,0018)');
  const body = encodeDataset(dataset.filter((e) => e.tag >>> 16 !== 0x0002));
  return writePart10({ sopClassUid, sopInstanceUid, transferSyntaxUid: EXPLICIT_VR_LITTLE_ENDIAN }, body.concat());
}

/**
 * Wraps data-set bytes already encoded in `transferSyntaxUid` (e.g. copied verbatim from
 * another file, with encapsulated pixel data) in a preamble, "DICM" and a meta header.
 */
export function writePart10(
  meta: { sopClassUid: string; sopInstanceUid: string; transferSyntaxUid: string },
  datasetBytes: Uint8Array,
): Uint8Array {
  const group = encodeDataset([
    { tag: 0x00020001, vr: 'OB', value: new Uint8Array([0, 1]) },
    { tag: 0x00020002, vr: 'UI', value: meta.sopClassUid },
    { tag: 0x00020003, vr: 'UI', value: meta.sopInstanceUid },
    { tag: 0x00020010, vr: 'UI', value: meta.transferSyntaxUid },
    { tag: 0x00020012, vr: 'UI', value: LUMEN_IMPLEMENTATION_CLASS_UID },
    { tag: 0x00020013, vr: 'SH', value: IMPLEMENTATION_VERSION_NAME },
  ]);
  const groupLength = encodeDataset([{ tag: 0x00020000, vr: 'UL', value: group.length }]);

  const out = new Uint8Array(132 + groupLength.length + group.length + datasetBytes.length);
  out.set([0x44, 0x49, 0x43, 0x4d], 128); // "DICM" after the 128-byte zero preamble
  let at = 132;
  groupLength.concat(out, at);
  at += groupLength.length;
  group.concat(out, at);
  at += group.length;
  out.set(datasetBytes, at);
  return out;
}
