// Marker-segment parsers for the JPEG interchange format (ITU-T T.81 Annex B).
// Each parser reads one segment body; the codestream walk lives in jpegDct.ts.

import type { HuffmanTable } from './jpegHuffman';
import { buildHuffmanTable } from './jpegHuffman';

export const MARKER = {
  SOI: 0xffd8,
  EOI: 0xffd9,
  SOS: 0xffda,
  DQT: 0xffdb,
  DNL: 0xffdc,
  DRI: 0xffdd,
  DHT: 0xffc4,
  DAC: 0xffcc,
  RST0: 0xffd0,
  APP0: 0xffe0,
  APP14: 0xffee,
  COM: 0xfffe,
} as const;

/** Zig-zag scan position k -> natural (row-major) index in the 8x8 block (T.81 Figure A.6). */
export const ZIGZAG_TO_NATURAL = Uint8Array.from([
  0, 1, 8, 16, 9, 2, 3, 10, 17, 24, 32, 25, 18, 11, 4, 5,
  12, 19, 26, 33, 40, 48, 41, 34, 27, 20, 13, 6, 7, 14, 21, 28,
  35, 42, 49, 56, 57, 50, 43, 36, 29, 22, 15, 23, 30, 37, 44, 51,
  58, 59, 52, 45, 38, 31, 39, 46, 53, 60, 61, 54, 47, 55, 62, 63,
]);

export type FrameProcess = 'baseline' | 'extended' | 'progressive';

export interface FrameComponent {
  id: number;
  h: number;
  v: number;
  quantTableId: number;
}

export interface FrameHeader {
  process: FrameProcess;
  precision: number;
  height: number;
  width: number;
  components: FrameComponent[];
}

export interface ScanComponent {
  /** Index into FrameHeader.components. */
  frameIndex: number;
  dcTableId: number;
  acTableId: number;
}

export interface ScanHeader {
  components: ScanComponent[];
  spectralStart: number;
  spectralEnd: number;
  approxHigh: number;
  approxLow: number;
}

export class JpegFormatError extends Error {
  constructor(message: string) {
    super(`JPEG: ${message}`);
    this.name = 'JpegFormatError';
  }
}

function u16(data: Uint8Array, at: number): number {
  return (data[at] << 8) | data[at + 1];
}

/** B.2.2 frame header. `body` excludes the length field. */
export function parseFrameHeader(body: Uint8Array, process: FrameProcess): FrameHeader {
  if (body.length < 6) throw new JpegFormatError('SOF segment too short');
  const precision = body[0];
  const height = u16(body, 1);
  const width = u16(body, 3);
  const count = body[5];
  if (body.length < 6 + 3 * count) throw new JpegFormatError('SOF segment shorter than its component list');
  const allowed = process === 'baseline' ? [8] : [8, 12];
  if (!allowed.includes(precision)) {
    throw new JpegFormatError(`sample precision ${precision} is not valid for ${process} DCT`);
  }
  if (width === 0) throw new JpegFormatError('frame width is 0');
  if (height === 0) throw new JpegFormatError('frame height 0 (DNL-defined height) is not supported');
  if (count === 0 || count > 4) throw new JpegFormatError(`unsupported component count ${count}`);
  const components: FrameComponent[] = [];
  for (let i = 0; i < count; i++) {
    const at = 6 + 3 * i;
    const h = body[at + 1] >> 4;
    const v = body[at + 1] & 15;
    if (h < 1 || h > 4 || v < 1 || v > 4) throw new JpegFormatError(`invalid sampling factors ${h}x${v}`);
    const quantTableId = body[at + 2];
    if (quantTableId > 3) throw new JpegFormatError(`invalid quantisation table id ${quantTableId}`);
    components.push({ id: body[at], h, v, quantTableId });
  }
  return { process, precision, height, width, components };
}

/** B.2.3 scan header; component selectors are resolved against the frame. */
export function parseScanHeader(body: Uint8Array, frame: FrameHeader): ScanHeader {
  const count = body[0];
  if (count < 1 || count > 4 || body.length < 1 + 2 * count + 3) throw new JpegFormatError('malformed SOS segment');
  const components: ScanComponent[] = [];
  for (let i = 0; i < count; i++) {
    const id = body[1 + 2 * i];
    const tables = body[2 + 2 * i];
    const frameIndex = frame.components.findIndex((c) => c.id === id);
    if (frameIndex < 0) throw new JpegFormatError(`scan refers to unknown component id ${id}`);
    components.push({ frameIndex, dcTableId: tables >> 4, acTableId: tables & 15 });
  }
  const at = 1 + 2 * count;
  return {
    components,
    spectralStart: body[at],
    spectralEnd: body[at + 1],
    approxHigh: body[at + 2] >> 4,
    approxLow: body[at + 2] & 15,
  };
}

/** B.2.4.1: stores each table in natural order, so dequantisation needs no zig-zag lookup. */
export function parseQuantTables(body: Uint8Array, tables: (Uint16Array | undefined)[]): void {
  let at = 0;
  while (at < body.length) {
    const precisionFlag = body[at] >> 4;
    const id = body[at] & 15;
    at++;
    if (id > 3 || precisionFlag > 1) throw new JpegFormatError(`invalid DQT entry (Pq=${precisionFlag}, Tq=${id})`);
    const size = precisionFlag === 0 ? 64 : 128;
    if (at + size > body.length) throw new JpegFormatError('DQT segment truncated');
    const table = new Uint16Array(64);
    for (let k = 0; k < 64; k++) {
      table[ZIGZAG_TO_NATURAL[k]] = precisionFlag === 0 ? body[at + k] : u16(body, at + 2 * k);
    }
    tables[id] = table;
    at += size;
  }
}

/** B.2.4.2: one segment may carry several tables. */
export function parseHuffmanTables(
  body: Uint8Array,
  dcTables: (HuffmanTable | undefined)[],
  acTables: (HuffmanTable | undefined)[],
): void {
  let at = 0;
  while (at < body.length) {
    if (at + 17 > body.length) throw new JpegFormatError('DHT segment truncated');
    const tableClass = body[at] >> 4;
    const id = body[at] & 15;
    if (tableClass > 1 || id > 3) throw new JpegFormatError(`invalid DHT entry (Tc=${tableClass}, Th=${id})`);
    const counts = body.subarray(at + 1, at + 17);
    let total = 0;
    for (let i = 0; i < 16; i++) total += counts[i];
    at += 17;
    if (at + total > body.length) throw new JpegFormatError('DHT segment truncated');
    const table = buildHuffmanTable(counts, body.subarray(at, at + total));
    (tableClass === 0 ? dcTables : acTables)[id] = table;
    at += total;
  }
}

/** Adobe APP14 colour transform flag (0 = none/RGB or CMYK, 1 = YCbCr, 2 = YCCK), or undefined if absent. */
export function parseAdobeTransform(body: Uint8Array): number | undefined {
  const isAdobe = body.length >= 12 && String.fromCharCode(...body.subarray(0, 5)) === 'Adobe';
  return isAdobe ? body[11] : undefined;
}

export function isJfif(body: Uint8Array): boolean {
  return body.length >= 5 && String.fromCharCode(...body.subarray(0, 5)) === 'JFIF\0';
}
