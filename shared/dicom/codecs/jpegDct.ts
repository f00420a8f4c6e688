// JPEG DCT-based decoder (ITU-T T.81) for DICOM transfer syntaxes 1.2.840.10008.1.2.4.50
// (baseline, 8-bit) and .4.51 (extended sequential, 8/12-bit), plus progressive (SOF2).
// Huffman coding only; arithmetic, lossless and hierarchical processes are rejected.

import { ycbcrToRgbInPlace } from './jpegColor';
import type { HuffmanTable } from './jpegHuffman';
import { reconstructComponent } from './jpegIdct';
import type { FrameHeader, FrameProcess } from './jpegMarkers';
import {
  isJfif,
  JpegFormatError,
  MARKER,
  parseAdobeTransform,
  parseFrameHeader,
  parseHuffmanTables,
  parseQuantTables,
  parseScanHeader,
} from './jpegMarkers';
import type { ComponentCoefficients } from './jpegScan';
import { allocateComponents, decodeScan } from './jpegScan';
import { upsampleToFrame } from './jpegUpsample';

export interface DecodedJpeg {
  width: number;
  height: number;
  components: number;
  bitsPerSample: 8 | 12;
  /** Interleaved samples, row-major: Uint8Array for 8-bit, Uint16Array for 12-bit. */
  pixels: Uint8Array | Uint16Array;
}

export interface JpegDecodeOptions {
  /**
   * Convert 3-component YCbCr to RGB. DICOM callers decide from PhotometricInterpretation
   * (YBR_FULL_422 / YBR_FULL: true, RGB: false). When omitted, the codestream decides:
   * Adobe APP14 transform flag if present, else YCbCr unless component ids are 'R','G','B'.
   */
  colorTransform?: boolean;
}

/** Samples a bogus header may claim before we refuse to allocate for it. */
const MAX_SAMPLES = 1 << 28;

const SOF_PROCESS: Record<number, FrameProcess> = { 0xffc0: 'baseline', 0xffc1: 'extended', 0xffc2: 'progressive' };

const UNSUPPORTED_SOF: Record<number, string> = {
  0xffc3: 'lossless (use a JPEG lossless decoder)',
  0xffc5: 'differential sequential (hierarchical)',
  0xffc6: 'differential progressive (hierarchical)',
  0xffc7: 'differential lossless (hierarchical)',
  0xffc9: 'arithmetic-coded extended sequential',
  0xffca: 'arithmetic-coded progressive',
  0xffcb: 'arithmetic-coded lossless',
  0xffcd: 'arithmetic-coded differential sequential',
  0xffce: 'arithmetic-coded differential progressive',
  0xffcf: 'arithmetic-coded differential lossless',
};

interface DecoderState {
  frame: FrameHeader | undefined;
  components: ComponentCoefficients[];
  quantTables: (Uint16Array | undefined)[];
  dcTables: (HuffmanTable | undefined)[];
  acTables: (HuffmanTable | undefined)[];
  restartInterval: number;
  adobeTransform: number | undefined;
  jfif: boolean;
  scannedComponents: Set<number>;
}

export function decodeJpegDct(data: Uint8Array, options: JpegDecodeOptions = {}): DecodedJpeg {
  if (data.length < 4 || data[0] !== 0xff || data[1] !== 0xd8) throw new JpegFormatError('missing SOI marker (not a JPEG codestream)');
  const state: DecoderState = {
    frame: undefined,
    components: [],
    quantTables: [],
    dcTables: [],
    acTables: [],
    restartInterval: 0,
    adobeTransform: undefined,
    jfif: false,
    scannedComponents: new Set(),
  };
  walkCodestream(data, state);
  const frame = state.frame;
  if (!frame) throw new JpegFormatError('no frame header (SOF) before end of data');
  frame.components.forEach((c, i) => {
    if (!state.scannedComponents.has(i)) throw new JpegFormatError(`codestream truncated: component ${c.id} has no scan`);
  });
  return reconstructFrame(frame, state, resolveColorTransform(frame, state, options));
}

/** Walks marker segments from SOI to EOI, decoding each scan as it comes. */
function walkCodestream(data: Uint8Array, state: DecoderState): void {
  let pos = 2;
  for (;;) {
    // Every iteration advances `pos` by at least 2, so the walk is bounded by the input length.
    if (pos >= data.length - 1) {
      if (state.frame && state.scannedComponents.size === state.frame.components.length) return; // tolerate a missing EOI
      throw new JpegFormatError('codestream truncated (end of data before EOI)');
    }
    if (data[pos] !== 0xff) throw new JpegFormatError(`expected a marker at byte ${pos}, found 0x${data[pos].toString(16)}`);
    while (pos + 1 < data.length && data[pos + 1] === 0xff) pos++; // fill bytes
    const marker = (data[pos] << 8) | data[pos + 1];
    pos += 2;
    if (marker === MARKER.EOI) return;
    if (marker === MARKER.SOI || (marker >= MARKER.RST0 && marker <= MARKER.RST0 + 7) || marker === 0xff01) continue;
    if (pos + 2 > data.length) throw new JpegFormatError('codestream truncated inside a marker segment');
    const length = (data[pos] << 8) | data[pos + 1];
    if (length < 2 || pos + length > data.length) throw new JpegFormatError(`marker 0x${marker.toString(16)} segment length ${length} runs past the end of data`);
    const body = data.subarray(pos + 2, pos + length);
    pos += length;
    pos = handleSegment(data, marker, body, pos, state);
  }
}

/** Returns the position to continue from (after a scan's entropy-coded data for SOS). */
function handleSegment(data: Uint8Array, marker: number, body: Uint8Array, pos: number, state: DecoderState): number {
  if (SOF_PROCESS[marker]) {
    if (state.frame) throw new JpegFormatError('more than one frame header (multi-frame JPEG is not supported)');
    const frame = parseFrameHeader(body, SOF_PROCESS[marker]);
    if (frame.width * frame.height * frame.components.length > MAX_SAMPLES) {
      throw new JpegFormatError(`frame ${frame.width}x${frame.height}x${frame.components.length} is implausibly large`);
    }
    state.frame = frame;
    state.components = allocateComponents(frame);
    return pos;
  }
  if (UNSUPPORTED_SOF[marker]) throw new JpegFormatError(`unsupported process: ${UNSUPPORTED_SOF[marker]}`);
  switch (marker) {
    case MARKER.DQT:
      parseQuantTables(body, state.quantTables);
      return pos;
    case MARKER.DHT:
      parseHuffmanTables(body, state.dcTables, state.acTables);
      return pos;
    case MARKER.DRI:
      if (body.length < 2) throw new JpegFormatError('DRI segment too short');
      state.restartInterval = (body[0] << 8) | body[1];
      return pos;
    case MARKER.DAC:
      throw new JpegFormatError('unsupported process: arithmetic coding');
    case MARKER.APP0:
      if (isJfif(body)) state.jfif = true;
      return pos;
    case MARKER.APP14: {
      const transform = parseAdobeTransform(body);
      if (transform !== undefined) state.adobeTransform = transform;
      return pos;
    }
    case MARKER.SOS:
      return startScan(data, body, pos, state);
    default:
      return pos; // APPn, COM, DNL and other informational segments
  }
}

function startScan(data: Uint8Array, body: Uint8Array, pos: number, state: DecoderState): number {
  const frame = state.frame;
  if (!frame) throw new JpegFormatError('scan (SOS) before frame header (SOF)');
  const scan = parseScanHeader(body, frame);
  for (const sc of scan.components) {
    const component = state.components[sc.frameIndex];
    if (!component.quantTable) {
      // Latch the table in force at the component's first scan (T.81 B.2.4.1 allows redefinition later).
      const id = frame.components[sc.frameIndex].quantTableId;
      const table = state.quantTables[id];
      if (!table) throw new JpegFormatError(`quantisation table ${id} used before it is defined`);
      component.quantTable = table;
    }
    state.scannedComponents.add(sc.frameIndex);
  }
  return decodeScan({
    data,
    start: pos,
    frame,
    components: state.components,
    scan,
    tables: { dc: state.dcTables, ac: state.acTables },
    restartInterval: state.restartInterval,
  });
}

function resolveColorTransform(frame: FrameHeader, state: DecoderState, options: JpegDecodeOptions): boolean {
  if (frame.components.length !== 3) return false;
  if (options.colorTransform !== undefined) return options.colorTransform;
  if (state.adobeTransform !== undefined) return state.adobeTransform === 1;
  if (state.jfif) return true;
  const [a, b, c] = frame.components.map((comp) => comp.id);
  const namedRgb = a === 0x52 && b === 0x47 && c === 0x42;
  return !namedRgb;
}

function reconstructFrame(frame: FrameHeader, state: DecoderState, colorTransform: boolean): DecodedJpeg {
  const { width, height, precision } = frame;
  const hMax = Math.max(...frame.components.map((c) => c.h));
  const vMax = Math.max(...frame.components.map((c) => c.v));
  const planes = state.components.map((component, i) => {
    const stride = component.blocksPerLine * 8;
    const samples = new Uint16Array(stride * component.blocksPerColumn * 8);
    reconstructComponent({
      coefficients: component.coefficients,
      quantTable: component.quantTable as Uint16Array, // every component was scanned, so latched
      blocksPerLine: component.blocksPerLine,
      blockRows: component.blocksPerColumn,
      precision,
      plane: samples,
    });
    const c = frame.components[i];
    const plane = {
      samples,
      stride,
      width: Math.ceil((width * c.h) / hMax),
      height: Math.ceil((height * c.v) / vMax),
    };
    return upsampleToFrame(plane, hMax / c.h, vMax / c.v, width, height);
  });
  if (colorTransform) ycbcrToRgbInPlace(planes[0], planes[1], planes[2], precision);

  const count = planes.length;
  const pixels = precision === 8 ? new Uint8Array(width * height * count) : new Uint16Array(width * height * count);
  for (let c = 0; c < count; c++) {
    const plane = planes[c];
    for (let i = 0, o = c; i < plane.length; i++, o += count) pixels[o] = plane[i];
  }
  return { width, height, components: count, bitsPerSample: precision === 8 ? 8 : 12, pixels };
}
