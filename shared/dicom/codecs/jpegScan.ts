// Entropy decoding of one scan into quantised DCT coefficients (T.81 Annex F for
// sequential Huffman, Annex G for progressive). Coefficients are kept per component
// for the whole frame so sequential multi-scan and progressive frames share one path.

import { JpegBitReader } from './JpegBitReader';
import type { HuffmanTable } from './jpegHuffman';
import { decodeHuffman } from './jpegHuffman';
import type { FrameHeader, ScanHeader } from './jpegMarkers';
import { JpegFormatError, MARKER, ZIGZAG_TO_NATURAL } from './jpegMarkers';

/** Coefficient store of one frame component, padded to whole MCUs. */
export interface ComponentCoefficients {
  h: number;
  v: number;
  /** Blocks per line / column covering the component's own samples (non-interleaved scans). */
  widthInBlocks: number;
  heightInBlocks: number;
  /** Blocks per line / column of the MCU-padded grid (interleaved scans, storage stride). */
  blocksPerLine: number;
  blocksPerColumn: number;
  /** Natural-order 8x8 blocks, 64 per block, not yet dequantised. */
  coefficients: Int32Array;
  /** Quantisation table latched at the component's first scan. */
  quantTable: Uint16Array | undefined;
}

export interface ScanTables {
  dc: (HuffmanTable | undefined)[];
  ac: (HuffmanTable | undefined)[];
}

interface ScanState {
  reader: JpegBitReader;
  predictors: Int32Array;
  eobRun: number;
}

type BlockDecoder = (
  state: ScanState,
  coefficients: Int32Array,
  offset: number,
  scanIndex: number,
) => void;

export function allocateComponents(frame: FrameHeader): ComponentCoefficients[] {
  const hMax = Math.max(...frame.components.map((c) => c.h));
  const vMax = Math.max(...frame.components.map((c) => c.v));
  const mcusPerLine = Math.ceil(frame.width / (8 * hMax));
  const mcusPerColumn = Math.ceil(frame.height / (8 * vMax));
  return frame.components.map((c) => {
    const blocksPerLine = mcusPerLine * c.h;
    const blocksPerColumn = mcusPerColumn * c.v;
    return {
      h: c.h,
      v: c.v,
      widthInBlocks: Math.ceil(Math.ceil((frame.width * c.h) / hMax) / 8),
      heightInBlocks: Math.ceil(Math.ceil((frame.height * c.v) / vMax) / 8),
      blocksPerLine,
      blocksPerColumn,
      coefficients: new Int32Array(blocksPerLine * blocksPerColumn * 64),
      quantTable: undefined,
    };
  });
}

/**
 * Decodes the entropy-coded segment starting at `start` and returns the byte offset
 * of the marker that ends it.
 */
export function decodeScan(args: {
  data: Uint8Array;
  start: number;
  frame: FrameHeader;
  components: ComponentCoefficients[];
  scan: ScanHeader;
  tables: ScanTables;
  restartInterval: number;
}): number {
  const { data, start, frame, components, scan, tables, restartInterval } = args;
  const progressive = frame.process === 'progressive';
  validateScan(scan, progressive);
  const decodeBlock = chooseBlockDecoder(scan, tables, progressive);
  const state: ScanState = {
    reader: new JpegBitReader(data, start),
    predictors: new Int32Array(scan.components.length),
    eobRun: 0,
  };

  const scanned = scan.components.map((sc) => components[sc.frameIndex]);
  const singleComponent = scanned.length === 1;
  const mcusPerLine = singleComponent ? scanned[0].widthInBlocks : scanned[0].blocksPerLine / scanned[0].h;
  const mcusPerColumn = singleComponent ? scanned[0].heightInBlocks : scanned[0].blocksPerColumn / scanned[0].v;
  const mcuCount = mcusPerLine * mcusPerColumn;

  let expectedRestart = 0;
  for (let mcu = 0; mcu < mcuCount; mcu++) {
    if (restartInterval > 0 && mcu > 0 && mcu % restartInterval === 0) {
      expectRestartMarker(state, expectedRestart);
      expectedRestart = (expectedRestart + 1) & 7;
    }
    const mcuRow = Math.floor(mcu / mcusPerLine);
    const mcuCol = mcu - mcuRow * mcusPerLine;
    if (singleComponent) {
      const comp = scanned[0];
      decodeBlock(state, comp.coefficients, (mcuRow * comp.blocksPerLine + mcuCol) * 64, 0);
      continue;
    }
    for (let s = 0; s < scanned.length; s++) {
      const comp = scanned[s];
      for (let v = 0; v < comp.v; v++) {
        const blockRow = mcuRow * comp.v + v;
        for (let h = 0; h < comp.h; h++) {
          const blockCol = mcuCol * comp.h + h;
          decodeBlock(state, comp.coefficients, (blockRow * comp.blocksPerLine + blockCol) * 64, s);
        }
      }
    }
  }
  state.reader.alignToMarker();
  return state.reader.position;
}

function validateScan(scan: ScanHeader, progressive: boolean): void {
  const { spectralStart: ss, spectralEnd: se, approxHigh: ah, approxLow: al } = scan;
  // Sequential scans always cover the whole band; like IJG libjpeg we tolerate encoders
  // that write other Ss/Se/Ah/Al values there (they carry no meaning for sequential DCT).
  if (!progressive) return;
  const dcScan = ss === 0;
  if (dcScan ? se !== 0 : se < ss || se > 63) throw new JpegFormatError(`invalid progressive spectral band ${ss}..${se}`);
  if (!dcScan && scan.components.length !== 1) throw new JpegFormatError('progressive AC scan must contain one component');
  if (al > 13 || (ah !== 0 && ah !== al + 1)) throw new JpegFormatError(`invalid successive approximation Ah=${ah}, Al=${al}`);
}

function expectRestartMarker(state: ScanState, expected: number): void {
  const marker = state.reader.alignToMarker();
  if (marker !== MARKER.RST0 + expected) {
    const found = marker < 0 ? 'end of data' : `marker 0x${marker.toString(16)}`;
    throw new JpegFormatError(`expected restart marker RST${expected}, found ${found}`);
  }
  state.reader.position += 2;
  state.predictors.fill(0);
  state.eobRun = 0;
}

function requireTable(table: HuffmanTable | undefined, kind: string, id: number): HuffmanTable {
  if (!table) throw new JpegFormatError(`scan uses undefined ${kind} Huffman table ${id}`);
  return table;
}

function chooseBlockDecoder(scan: ScanHeader, tables: ScanTables, progressive: boolean): BlockDecoder {
  const dc = scan.components.map((c) => tables.dc[c.dcTableId]);
  const ac = scan.components.map((c) => tables.ac[c.acTableId]);
  const needDc = (i: number): HuffmanTable => requireTable(dc[i], 'DC', scan.components[i].dcTableId);
  const needAc = (i: number): HuffmanTable => requireTable(ac[i], 'AC', scan.components[i].acTableId);
  const { spectralStart: ss, spectralEnd: se, approxHigh: ah, approxLow: al } = scan;

  if (!progressive) {
    const dcTables = scan.components.map((_, i) => needDc(i));
    const acTables = scan.components.map((_, i) => needAc(i));
    return (state, coef, offset, i) => decodeSequentialBlock(state, coef, offset, i, dcTables[i], acTables[i]);
  }
  if (ss === 0) {
    if (ah === 0) {
      const dcTables = scan.components.map((_, i) => needDc(i));
      return (state, coef, offset, i) => {
        const diff = state.reader.receiveExtend(checkCategory(decodeHuffman(state.reader, dcTables[i]), 16));
        state.predictors[i] += diff;
        coef[offset] = state.predictors[i] * (1 << al);
      };
    }
    return (state, coef, offset) => {
      if (state.reader.readBit()) coef[offset] |= 1 << al;
    };
  }
  const acTable = needAc(0);
  if (ah === 0) return (state, coef, offset) => decodeAcFirst(state, coef, offset, acTable, ss, se, al);
  return (state, coef, offset) => decodeAcRefine(state, coef, offset, acTable, ss, se, al);
}

function checkCategory(category: number, max: number): number {
  if (category > max) throw new JpegFormatError(`invalid magnitude category ${category}`);
  return category;
}

/** F.2.2: one 8x8 block of a sequential (baseline or extended) scan. */
function decodeSequentialBlock(
  state: ScanState,
  coef: Int32Array,
  offset: number,
  i: number,
  dcTable: HuffmanTable,
  acTable: HuffmanTable,
): void {
  const reader = state.reader;
  const diff = reader.receiveExtend(checkCategory(decodeHuffman(reader, dcTable), 16));
  state.predictors[i] += diff;
  coef[offset] = state.predictors[i];
  for (let k = 1; k < 64; ) {
    const rs = decodeHuffman(reader, acTable);
    const run = rs >> 4;
    const size = rs & 15;
    if (size === 0) {
      if (run !== 15) break; // EOB
      k += 16; // ZRL
      continue;
    }
    k += run;
    if (k > 63) throw new JpegFormatError('AC coefficient index beyond 63 (corrupt data)');
    coef[offset + ZIGZAG_TO_NATURAL[k]] = reader.receiveExtend(size);
    k++;
  }
}

/** G.1.2.2: first AC scan of a spectral band, with end-of-band runs. */
function decodeAcFirst(
  state: ScanState,
  coef: Int32Array,
  offset: number,
  table: HuffmanTable,
  ss: number,
  se: number,
  al: number,
): void {
  if (state.eobRun > 0) {
    state.eobRun--;
    return;
  }
  const reader = state.reader;
  for (let k = ss; k <= se; ) {
    const rs = decodeHuffman(reader, table);
    const run = rs >> 4;
    const size = rs & 15;
    if (size === 0) {
      if (run < 15) {
        state.eobRun = (1 << run) - 1 + reader.receive(run);
        break;
      }
      k += 16;
      continue;
    }
    k += run;
    if (k > se) throw new JpegFormatError('AC coefficient index beyond spectral band (corrupt data)');
    coef[offset + ZIGZAG_TO_NATURAL[k]] = reader.receiveExtend(size) * (1 << al);
    k++;
  }
}

/** G.1.2.3: refinement AC scan; adds one bit to already non-zero coefficients. */
function decodeAcRefine(
  state: ScanState,
  coef: Int32Array,
  offset: number,
  table: HuffmanTable,
  ss: number,
  se: number,
  al: number,
): void {
  const reader = state.reader;
  const plus = 1 << al;
  const minus = -1 << al;
  const refine = (index: number): void => {
    const c = coef[index];
    if (reader.readBit() && (Math.abs(c) & plus) === 0) coef[index] = c >= 0 ? c + plus : c + minus;
  };
  let k = ss;
  if (state.eobRun === 0) {
    for (; k <= se; k++) {
      const rs = decodeHuffman(reader, table);
      let run = rs >> 4;
      const size = rs & 15;
      let value = 0;
      if (size !== 0) {
        if (size !== 1) throw new JpegFormatError('refinement scan coefficient size must be 1');
        value = reader.readBit() ? plus : minus;
      } else if (run !== 15) {
        state.eobRun = (1 << run) + reader.receive(run);
        break;
      }
      // Skip `run` still-zero coefficients; non-zero ones passed on the way get a correction bit.
      for (; k <= se; k++) {
        const index = offset + ZIGZAG_TO_NATURAL[k];
        if (coef[index] !== 0) refine(index);
        else if (run === 0) break;
        else run--;
      }
      if (value !== 0) {
        if (k > se) throw new JpegFormatError('refinement coefficient beyond spectral band (corrupt data)');
        coef[offset + ZIGZAG_TO_NATURAL[k]] = value;
      }
    }
  }
  if (state.eobRun > 0) {
    for (; k <= se; k++) {
      const index = offset + ZIGZAG_TO_NATURAL[k];
      if (coef[index] !== 0) refine(index);
    }
    state.eobRun--;
  }
}
