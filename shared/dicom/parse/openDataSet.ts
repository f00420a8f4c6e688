/**
 * Finds and parses the data set in a DICOM file or a prefix of one, up to (never into)
 * the pixel data. Handles Part-10 files, raw data sets without preamble/meta (implicit
 * or explicit, little or big endian), meta headers that omit or misstate the transfer
 * syntax, and deflated data sets. Parsing errors are kept, not thrown, so the caller
 * can decide between "needs more bytes" and "damaged file".
 */
import { Inflate, inflateSync } from 'fflate';
import { DicomReadError } from '../DicomReadError';
import { TransferSyntax } from '../transferSyntax';
import { dp } from './dicomParserApi';
import type { ByteArrayParser, DataSet, Element, MetaHeader } from './dicomParserApi';

export const PIXEL_DATA_TAG = 'x7fe00010';

export interface OpenedDataSet {
  /** The bytes every element offset refers to (the input, or its inflated/re-framed copy). */
  bytes: Uint8Array;
  meta?: DataSet;
  dataSet: DataSet;
  /** As declared in the meta header, else as detected. */
  transferSyntaxUid: string;
  /** How the data set is actually encoded (may differ from a misdeclared meta header). */
  encoding: { explicitVr: boolean; littleEndian: boolean };
  rawDataSet: boolean;
  /** Top-level (7FE0,0010) as met; its value is not parsed. */
  pixelElement?: Element;
  /** Why parsing stopped before the pixel data or the end of the bytes, if it did. */
  parseError?: string;
  /** A deflated stream ended before its final block (only possible for a prefix). */
  inflateIncomplete: boolean;
}

const VRS = new Set('AE AS AT CS DA DS DT FL FD IS LO LT OB OD OF OL OV OW PN SH SL SQ SS ST SV TM UC UI UL UN UR US UT UV'.split(' '));

function isVr(bytes: Uint8Array, at: number): boolean {
  return at + 2 <= bytes.length && VRS.has(String.fromCharCode(bytes[at], bytes[at + 1]));
}

function hasDicmPrefix(bytes: Uint8Array): boolean {
  return bytes.length >= 132 && bytes[128] === 0x44 && bytes[129] === 0x49 && bytes[130] === 0x43 && bytes[131] === 0x4d;
}

/** Guess the encoding of a data set starting at `at` from its first element. */
function sniffEncoding(bytes: Uint8Array, at: number): { explicitVr: boolean; littleEndian: boolean } | undefined {
  if (at + 8 > bytes.length) return undefined;
  const groupLe = bytes[at] | (bytes[at + 1] << 8);
  const groupBe = (bytes[at] << 8) | bytes[at + 1];
  const littleEndian = groupLe <= groupBe;
  const group = littleEndian ? groupLe : groupBe;
  // A data set starts with a low group (0002 meta, 0008 identification, rarely 0010..0028).
  if (group > 0x0028) return undefined;
  const explicitVr = isVr(bytes, at + 4);
  if (!explicitVr) {
    // Implicit VR: 32-bit length; it must fit, or be undefined (sequence).
    // Implicit VR: the first element is short (a UI, CS or group length) or a sequence.
    const len = (bytes[at + 4] | (bytes[at + 5] << 8) | (bytes[at + 6] << 16)) + bytes[at + 7] * 0x1000000;
    if (len !== 0xffffffff && len > 0x10000) return undefined;
    if (!littleEndian) return undefined; // implicit big endian does not exist
  }
  return { explicitVr, littleEndian };
}

function transferSyntaxFor(encoding: { explicitVr: boolean; littleEndian: boolean }): string {
  if (!encoding.littleEndian) return TransferSyntax.ExplicitBig;
  return encoding.explicitVr ? TransferSyntax.ExplicitLittle : TransferSyntax.ImplicitLittle;
}

function readMeta(bytes: Uint8Array): MetaHeader {
  try {
    const meta = dp.readPart10Header(bytes);
    // dicom-parser reads on while tags sort below (0002,FFFF), swallowing odd groups
    // such as (0001,xxxx); the group length, when present, says where the meta ends.
    const groupLength = meta.elements['x00020000'];
    if (groupLength?.dataOffset === 140 && groupLength.length === 4) {
      const end = 144 + meta.byteArrayParser.readUint32(bytes, 140);
      if (end < meta.position && end >= 144) meta.position = end;
    }
    return meta;
  } catch (e) {
    // Thrown when the meta group itself is cut short; nothing usable follows.
    throw new DicomReadError(`truncated header: the file meta information is incomplete (${describe(e)})`);
  }
}

export function describe(e: unknown): string {
  if (typeof e === 'string') return e.replace(/^dicomParser[.:\w]*:\s*/, '');
  if (e instanceof Error) return e.message;
  return String(e);
}

/** Inflate a deflated data set; for a prefix, keep whatever the stream yields so far. */
function inflateDataSet(bytes: Uint8Array, position: number, complete: boolean): { bytes: Uint8Array; incomplete: boolean } {
  const compressed = bytes.subarray(position);
  let inflated: Uint8Array;
  let incomplete = false;
  try {
    if (complete) {
      inflated = inflateSync(compressed);
    } else {
      const chunks: Uint8Array[] = [];
      let ended = false;
      const inflater = new Inflate((chunk, final) => {
        chunks.push(chunk);
        ended = final;
      });
      inflater.push(compressed, false);
      incomplete = !ended;
      const total = chunks.reduce((n, c) => n + c.length, 0);
      inflated = new Uint8Array(total);
      let at = 0;
      for (const c of chunks) {
        inflated.set(c, at);
        at += c.length;
      }
    }
  } catch (e) {
    throw new DicomReadError(`the deflated data set is damaged and cannot be decompressed (${describe(e)})`);
  }
  const out = new Uint8Array(position + inflated.length);
  out.set(bytes.subarray(0, position), 0);
  out.set(inflated, position);
  return { bytes: out, incomplete };
}

function parseFrom(
  bytes: Uint8Array,
  position: number,
  encoding: { explicitVr: boolean; littleEndian: boolean },
): { dataSet: DataSet; pixelElement?: Element; parseError?: string } {
  const parser: ByteArrayParser = encoding.littleEndian ? dp.littleEndianByteArrayParser : dp.bigEndianByteArrayParser;
  const elements: Record<string, Element> = {};
  const dataSet = new dp.DataSet(parser, bytes, elements);
  dataSet.warnings = [];
  if (position >= bytes.length) return { dataSet, parseError: position > bytes.length ? 'the data set is empty' : undefined };
  const stream = new dp.ByteStream(parser, bytes, position);
  let parseError: string | undefined;
  try {
    if (encoding.explicitVr) {
      dp.parseDicomDataSetExplicit(dataSet, stream, bytes.length, { untilTag: PIXEL_DATA_TAG });
    } else {
      dp.parseDicomDataSetImplicit(dataSet, stream, bytes.length, { untilTag: PIXEL_DATA_TAG });
    }
    if (!(PIXEL_DATA_TAG in elements) && stream.position > bytes.length) parseError = 'the last element runs past the end of the file';
  } catch (e) {
    parseError = describe(e);
  }
  return { dataSet, pixelElement: elements[PIXEL_DATA_TAG], parseError };
}

/**
 * @param complete true when `bytes` is the whole file (affects deflate and error wording only).
 */
export function openDataSet(input: Uint8Array, complete: boolean): OpenedDataSet {
  let bytes = input;
  let meta: MetaHeader | undefined;
  let rawDataSet = false;
  let position: number;

  if (hasDicmPrefix(bytes)) {
    meta = readMeta(bytes);
    position = meta.position;
  } else {
    // Tolerate a stray padding byte or two left over from a stripped meta header.
    let start = 0;
    while (start < 3 && !sniffEncoding(bytes, start) && (bytes[start] === 0x20 || bytes[start] === 0x00)) start++;
    const first = sniffEncoding(bytes, start);
    if (!first) throw new DicomReadError('not a DICOM file');
    const startsWithMeta = first.littleEndian && bytes[start] === 0x02 && bytes[start + 1] === 0x00 && first.explicitVr;
    if (startsWithMeta) {
      // Meta group without preamble: give dicom-parser the 132-byte prefix it expects.
      const framed = new Uint8Array(bytes.length - start + 132);
      framed.set([0x44, 0x49, 0x43, 0x4d], 128);
      framed.set(bytes.subarray(start), 132);
      bytes = framed;
      meta = readMeta(bytes);
      position = meta.position;
    } else {
      rawDataSet = true;
      position = start;
    }
  }

  const declared = meta?.string('x00020010')?.replace(/\0/g, '').trim();
  let inflateIncomplete = false;
  if (declared === TransferSyntax.Deflated) {
    const inflated = inflateDataSet(bytes, position, complete);
    bytes = inflated.bytes;
    inflateIncomplete = inflated.incomplete;
  }

  const sniffed = sniffEncoding(bytes, position);
  let encoding: { explicitVr: boolean; littleEndian: boolean };
  if (declared && declared !== TransferSyntax.Deflated) {
    const declaredEncoding = {
      explicitVr: declared !== TransferSyntax.ImplicitLittle,
      littleEndian: declared !== TransferSyntax.ExplicitBig,
    };
    // Trust the bytes over a meta header that misstates implicit/explicit VR.
    encoding = sniffed && sniffed.explicitVr !== declaredEncoding.explicitVr && sniffed.littleEndian === declaredEncoding.littleEndian
      ? sniffed
      : declaredEncoding;
  } else if (declared === TransferSyntax.Deflated) {
    encoding = { explicitVr: true, littleEndian: true };
  } else {
    if (!sniffed && position < bytes.length) throw new DicomReadError('not a DICOM file');
    encoding = sniffed ?? { explicitVr: true, littleEndian: true };
  }

  const parsed = parseFrom(bytes, position, encoding);
  return {
    bytes,
    meta,
    dataSet: parsed.dataSet,
    transferSyntaxUid: declared || transferSyntaxFor(encoding),
    encoding,
    rawDataSet,
    pixelElement: parsed.pixelElement,
    parseError: parsed.parseError,
    inflateIncomplete,
  };
}
