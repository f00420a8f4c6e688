// Huffman tables (T.81 Annex C) and the DECODE procedure (F.2.2.3).
// A 16-bit-indexed look-up table resolves any code in one step: codes are at most
// 16 bits, so every 16-bit window starts with exactly one code (or none if invalid).

import type { JpegBitReader } from './JpegBitReader';
import { JpegFormatError } from './jpegMarkers';

export interface HuffmanTable {
  /** Indexed by the next 16 bits: (codeLength << 8) | symbol, or 0 for no valid code. */
  lookup: Uint16Array;
}

/** Builds the table from BITS (counts per code length 1..16) and HUFFVAL (C.2, C.3). */
export function buildHuffmanTable(counts: Uint8Array, symbols: Uint8Array): HuffmanTable {
  const lookup = new Uint16Array(1 << 16);
  let code = 0;
  let k = 0;
  for (let length = 1; length <= 16; length++) {
    const n = counts[length - 1];
    for (let i = 0; i < n; i++) {
      if (code >= 1 << length) throw new JpegFormatError('Huffman table has more codes than its lengths allow');
      const shift = 16 - length;
      const entry = (length << 8) | symbols[k++];
      const first = code << shift;
      lookup.fill(entry, first, first + (1 << shift));
      code++;
    }
    code <<= 1;
  }
  return { lookup };
}

export function decodeHuffman(reader: JpegBitReader, table: HuffmanTable): number {
  const entry = table.lookup[reader.peek16()];
  if (entry === 0) throw new JpegFormatError('invalid Huffman code in entropy-coded data');
  reader.skip(entry >> 8);
  return entry & 0xff;
}
