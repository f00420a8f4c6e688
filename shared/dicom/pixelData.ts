/**
 * Finds one frame's bytes inside the pixel data: a slice of native pixel data (with
 * the bit offset 1-bit frames need), or the compressed bytes of an encapsulated frame
 * located through the Basic Offset Table, one-fragment-per-frame, or frame start
 * markers. Every length is checked against the bytes actually present.
 */
import type { DicomHeader } from './DicomHeader';
import { DicomReadError } from './DicomReadError';
import { openDataSet } from './parse/openDataSet';
import type { OpenedDataSet } from './parse/openDataSet';
import { isEncapsulated } from './transferSyntax';
import { concatBytes } from '../bytes';

export type FrameBytes =
  | { kind: 'native'; bytes: Uint8Array; bitOffset: number; littleEndian: boolean }
  | { kind: 'encapsulated'; bytes: Uint8Array };

interface Fragment {
  /** Offset of the item (its tag) from the first byte after the Basic Offset Table item. */
  offset: number;
  bytes: Uint8Array;
}

const UNDEFINED_LENGTH = 0xffffffff;

/** Parse the whole file up to its pixel data; throws DicomReadError when there is none. */
export function openPixelData(fileBytes: Uint8Array): OpenedDataSet {
  const opened = openDataSet(fileBytes, true);
  if (!opened.pixelElement) throw new DicomReadError(opened.parseError ? `no pixel data (${opened.parseError})` : 'no pixel data');
  return opened;
}

export function nativeFrameBitCount(h: DicomHeader): number {
  // Uncompressed YBR_FULL_422 stores two samples per pixel (Y1 Y2 Cb Cr per pair).
  const samples = h.photometricInterpretation === 'YBR_FULL_422' && h.samplesPerPixel === 3 ? 2 : h.samplesPerPixel;
  return (h.rows ?? 0) * (h.columns ?? 0) * samples * (h.bitsAllocated ?? 0);
}

export function frameBytes(opened: OpenedDataSet, header: DicomHeader, frameIndex: number): FrameBytes {
  const frames = Math.max(1, header.numberOfFrames);
  if (!Number.isInteger(frameIndex) || frameIndex < 0 || frameIndex >= frames) {
    throw new DicomReadError(`frame ${frameIndex + 1} does not exist; the image has ${frames} frame(s)`);
  }
  const el = opened.pixelElement;
  if (!el) throw new DicomReadError('no pixel data');
  if (el.length === UNDEFINED_LENGTH || isEncapsulated(opened.transferSyntaxUid)) {
    if (el.length !== UNDEFINED_LENGTH) throw new DicomReadError('compressed pixel data is not encapsulated in fragments as the standard requires');
    return { kind: 'encapsulated', bytes: encapsulatedFrame(opened.bytes, el.dataOffset, frames, frameIndex) };
  }
  const frameBits = nativeFrameBitCount(header);
  if (frameBits <= 0) throw new DicomReadError('the image size or bit depth is missing, so the pixel data cannot be read');
  const startBit = frameIndex * frameBits;
  const start = el.dataOffset + Math.floor(startBit / 8);
  const end = el.dataOffset + Math.ceil((startBit + frameBits) / 8);
  const expected = Math.ceil((frames * frameBits) / 8);
  const present = Math.max(0, Math.min(el.length, opened.bytes.length - el.dataOffset));
  if (end > el.dataOffset + present) {
    throw new DicomReadError(`pixel data truncated: expected ${expected} bytes, found ${present}`);
  }
  return { kind: 'native', bytes: opened.bytes.subarray(start, end), bitOffset: startBit % 8, littleEndian: opened.encoding.littleEndian };
}

function readItems(bytes: Uint8Array, start: number): { bot: Uint8Array; fragments: Fragment[] } {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let at = start;
  let bot: Uint8Array | undefined;
  let firstFragmentAt = 0;
  const fragments: Fragment[] = [];
  for (;;) {
    if (at + 8 > bytes.length) {
      throw new DicomReadError(`pixel data truncated: the compressed data ends inside fragment ${fragments.length + 1}`);
    }
    const group = view.getUint16(at, true);
    const element = view.getUint16(at + 2, true);
    const length = view.getUint32(at + 4, true);
    if (group === 0xfffe && element === 0xe0dd) break;
    if (group !== 0xfffe || element !== 0xe000) {
      throw new DicomReadError('the compressed pixel data is damaged: an item tag is missing where a fragment should start');
    }
    if (length === UNDEFINED_LENGTH || at + 8 + length > bytes.length) {
      const found = Math.max(0, bytes.length - at - 8);
      throw new DicomReadError(`pixel data truncated: expected ${length} bytes in fragment ${fragments.length + 1}, found ${found}`);
    }
    const value = bytes.subarray(at + 8, at + 8 + length);
    if (bot === undefined) {
      bot = value;
      firstFragmentAt = at + 8 + length;
    } else {
      fragments.push({ offset: at - firstFragmentAt, bytes: value });
    }
    at += 8 + length;
  }
  return { bot: bot ?? new Uint8Array(0), fragments };
}

/** JPEG / JPEG-LS SOI, JPEG 2000 SOC, or a JP2 signature box. */
function startsFrame(b: Uint8Array): boolean {
  if (b.length < 2) return false;
  if (b[0] === 0xff && (b[1] === 0xd8 || b[1] === 0x4f)) return true;
  return b.length >= 8 && b[4] === 0x6a && b[5] === 0x50 && b[6] === 0x20 && b[7] === 0x20;
}

function encapsulatedFrame(bytes: Uint8Array, start: number, frames: number, frameIndex: number): Uint8Array {
  const { bot, fragments } = readItems(bytes, start);
  if (fragments.length === 0) throw new DicomReadError('the compressed pixel data holds no fragments');

  if (bot.length >= 4 * frames && frames > 1) {
    const view = new DataView(bot.buffer, bot.byteOffset, bot.byteLength);
    const from = view.getUint32(4 * frameIndex, true);
    const to = frameIndex + 1 < frames ? view.getUint32(4 * (frameIndex + 1), true) : Infinity;
    const parts = fragments.filter((f) => f.offset >= from && f.offset < to).map((f) => f.bytes);
    if (parts.length > 0) return concatBytes(parts);
  }
  if (frames === 1) return concatBytes(fragments.map((f) => f.bytes));
  if (fragments.length === frames) return fragments[frameIndex].bytes;

  // No usable offset table: a frame begins at each fragment that starts with a codestream marker.
  const groups: Uint8Array[][] = [];
  for (const f of fragments) {
    if (startsFrame(f.bytes) || groups.length === 0) groups.push([f.bytes]);
    else groups[groups.length - 1].push(f.bytes);
  }
  if (groups.length !== frames) {
    throw new DicomReadError(`the compressed pixel data holds ${groups.length} frames where ${frames} were declared`);
  }
  return concatBytes(groups[frameIndex]);
}
