// DICOM RLE Lossless (transfer syntax 1.2.840.10008.1.2.5), PS3.5 Annex G.
// One fragment holds one frame: a 64-byte header (segment count + 15 offsets) then
// PackBits-coded segments, one per byte plane, most significant byte plane first.

export interface RleFrameLayout {
  rows: number;
  columns: number;
  samplesPerPixel: number;
  bitsAllocated: number;
}

export class RleFormatError extends Error {
  constructor(message: string) {
    super(`RLE: ${message}`);
    this.name = 'RleFormatError';
  }
}

const HEADER_BYTES = 64;
const MAX_SEGMENTS = 15;

/**
 * Decodes one RLE frame into native little-endian bytes with interleaved samples
 * (PlanarConfiguration 0), i.e. exactly what Explicit VR Little Endian PixelData holds.
 */
export function decodeRle(fragment: Uint8Array, opts: RleFrameLayout): Uint8Array {
  const { rows, columns, samplesPerPixel, bitsAllocated } = opts;
  if (bitsAllocated % 8 !== 0 || bitsAllocated < 8) throw new RleFormatError(`BitsAllocated ${bitsAllocated} is not a whole number of bytes`);
  if (rows < 1 || columns < 1 || samplesPerPixel < 1) throw new RleFormatError(`invalid frame size ${rows}x${columns}x${samplesPerPixel}`);
  const bytesPerSample = bitsAllocated / 8;
  const segmentCount = samplesPerPixel * bytesPerSample;
  const offsets = readSegmentOffsets(fragment, segmentCount);

  const pixelCount = rows * columns;
  const bytesPerPixel = segmentCount;
  const frame = new Uint8Array(pixelCount * bytesPerPixel);
  for (let segment = 0; segment < segmentCount; segment++) {
    const sample = Math.floor(segment / bytesPerSample);
    const significance = segment % bytesPerSample; // 0 = most significant byte
    const byteInPixel = sample * bytesPerSample + (bytesPerSample - 1 - significance);
    const end = segment + 1 < segmentCount ? offsets[segment + 1] : fragment.length;
    unpackSegment({
      source: fragment.subarray(offsets[segment], end),
      target: frame,
      firstIndex: byteInPixel,
      step: bytesPerPixel,
      count: pixelCount,
      segment,
    });
  }
  return frame;
}

function readUint32(bytes: Uint8Array, at: number): number {
  return (bytes[at] | (bytes[at + 1] << 8) | (bytes[at + 2] << 16) | (bytes[at + 3] << 24)) >>> 0;
}

function readSegmentOffsets(fragment: Uint8Array, expectedCount: number): number[] {
  if (fragment.length < HEADER_BYTES) throw new RleFormatError(`fragment of ${fragment.length} bytes is shorter than the 64-byte RLE header`);
  const count = readUint32(fragment, 0);
  if (expectedCount > MAX_SEGMENTS) throw new RleFormatError(`${expectedCount} byte planes needed but RLE allows at most ${MAX_SEGMENTS} segments`);
  if (count !== expectedCount) {
    throw new RleFormatError(`header declares ${count} segments but SamplesPerPixel x BitsAllocated/8 requires ${expectedCount}`);
  }
  const offsets: number[] = [];
  for (let i = 0; i < count; i++) {
    const offset = readUint32(fragment, 4 + 4 * i);
    const previous = i === 0 ? HEADER_BYTES : offsets[i - 1];
    if (offset < previous || offset > fragment.length) {
      throw new RleFormatError(`segment ${i} offset ${offset} is outside ${previous}..${fragment.length} (corrupt header)`);
    }
    offsets.push(offset);
  }
  return offsets;
}

/**
 * PackBits (G.3.1): header n in 0..127 copies n+1 literal bytes, -1..-127 repeats the next
 * byte 1-n times, -128 is a no-op. Bytes after the segment is complete are padding.
 */
function unpackSegment(args: {
  source: Uint8Array;
  target: Uint8Array;
  firstIndex: number;
  step: number;
  count: number;
  segment: number;
}): void {
  const { source, target, firstIndex, step, count, segment } = args;
  let produced = 0;
  let out = firstIndex;
  let at = 0;
  while (produced < count) {
    if (at >= source.length) {
      throw new RleFormatError(`segment ${segment} is short: decoded ${produced} of ${count} bytes before its data ended`);
    }
    const header = (source[at++] << 24) >> 24; // as signed 8-bit
    if (header >= 0) {
      const length = header + 1;
      if (at + length > source.length) throw new RleFormatError(`segment ${segment} is short: literal run of ${length} bytes cut off`);
      if (produced + length > count) throw new RleFormatError(`segment ${segment} decodes to more than ${count} bytes`);
      for (let i = 0; i < length; i++, out += step) target[out] = source[at + i];
      at += length;
      produced += length;
    } else if (header !== -128) {
      const length = 1 - header;
      if (at >= source.length) throw new RleFormatError(`segment ${segment} is short: replicate run has no byte to repeat`);
      if (produced + length > count) throw new RleFormatError(`segment ${segment} decodes to more than ${count} bytes`);
      const value = source[at++];
      for (let i = 0; i < length; i++, out += step) target[out] = value;
      produced += length;
    }
  }
}
