/**
 * Turns frame bytes or codec output into stored values of the right typed array:
 * unpacks 1-bit data, swaps byte order, applies High Bit / Bits Stored, sign-extends
 * two's-complement values narrower than their container, and interleaves planar colour.
 */
import type { StoredPixels } from './DecodedFrame';
import { DicomReadError } from './DicomReadError';

export interface SampleLayout {
  rows: number;
  columns: number;
  samplesPerPixel: number;
  bitsAllocated: number;
  bitsStored: number;
  highBit: number;
  signed: boolean;
  /** 1 = colour-by-plane (RRR...GGG...BBB...). */
  planarConfiguration: number;
}

export function allocateStored(layout: SampleLayout, count: number): StoredPixels {
  const { bitsAllocated: ba, signed } = layout;
  if (ba <= 8) return signed ? new Int8Array(count) : new Uint8Array(count);
  if (ba <= 16) return signed ? new Int16Array(count) : new Uint16Array(count);
  if (ba <= 32) return signed ? new Int32Array(count) : new Uint32Array(count);
  throw new DicomReadError(`${ba}-bit pixels are not supported`);
}

/** Keeps the Bits Stored bits of a raw container value and sign-extends them when signed. */
export function storedValueFn(layout: Pick<SampleLayout, 'bitsStored' | 'signed'> & { shift?: number }): (raw: number) => number {
  const bs = Math.min(32, Math.max(1, layout.bitsStored));
  const shift = layout.shift ?? 0;
  const up = 32 - bs;
  if (layout.signed) return (raw) => ((raw >>> shift) << up) >> up;
  if (bs >= 32) return (raw) => (raw >>> shift) >>> 0;
  const mask = 2 ** bs - 1;
  return (raw) => ((raw >>> shift) & mask) >>> 0;
}

export function planarToInterleaved<T extends StoredPixels>(planar: T, pixelCount: number, samples: number): T {
  const out = new (planar.constructor as new (n: number) => T)(planar.length);
  for (let s = 0; s < samples; s++) {
    const base = s * pixelCount;
    for (let i = 0; i < pixelCount; i++) out[i * samples + s] = planar[base + i];
  }
  return out;
}

/** Native (uncompressed) frame bytes -> stored values. */
export function unpackNative(bytes: Uint8Array, bitOffset: number, littleEndian: boolean, layout: SampleLayout): StoredPixels {
  const pixelCount = layout.rows * layout.columns;
  const count = pixelCount * layout.samplesPerPixel;
  const out = allocateStored(layout, count);
  const ba = layout.bitsAllocated;
  const shift = Math.max(0, layout.highBit + 1 - layout.bitsStored);
  const stored = storedValueFn({ bitsStored: layout.bitsStored, signed: layout.signed, shift });
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (ba === 1) {
    // Bits are packed least-significant first, and frames need not start on a byte.
    for (let i = 0; i < count; i++) {
      const bit = bitOffset + i;
      out[i] = (bytes[bit >> 3] >> (bit & 7)) & 1;
    }
  } else if (ba === 8) {
    for (let i = 0; i < count; i++) out[i] = stored(bytes[i]);
  } else if (ba === 16) {
    for (let i = 0; i < count; i++) out[i] = stored(view.getUint16(2 * i, littleEndian));
  } else if (ba === 32) {
    for (let i = 0; i < count; i++) out[i] = stored(view.getUint32(4 * i, littleEndian));
  } else {
    throw new DicomReadError(`${ba}-bit allocated pixels are not supported`);
  }
  return layout.samplesPerPixel > 1 && layout.planarConfiguration === 1 ? planarToInterleaved(out, pixelCount, layout.samplesPerPixel) : out;
}

/**
 * Codec output -> stored values. When the codec's signedness agrees with the header,
 * values are only clamped to the Bits Stored range (lossy codecs overshoot); when it
 * disagrees (e.g. J2K data marked unsigned in a signed image) the header wins and the
 * bit pattern is reinterpreted, as pydicom and GDCM do.
 */
export function storedFromCodec(values: ArrayLike<number>, codecSigned: boolean, layout: SampleLayout): StoredPixels {
  const count = layout.rows * layout.columns * layout.samplesPerPixel;
  if (values.length < count) {
    throw new DicomReadError(`the decoder returned ${values.length} samples where ${count} were expected`);
  }
  const out = allocateStored(layout, count);
  const bs = Math.min(32, layout.bitsStored);
  if (codecSigned === layout.signed) {
    const lo = layout.signed ? -(2 ** (bs - 1)) : 0;
    const hi = layout.signed ? 2 ** (bs - 1) - 1 : 2 ** bs - 1;
    for (let i = 0; i < count; i++) {
      const v = values[i];
      out[i] = v < lo ? lo : v > hi ? hi : v;
    }
  } else {
    const stored = storedValueFn({ bitsStored: bs, signed: layout.signed });
    for (let i = 0; i < count; i++) out[i] = stored(values[i]);
  }
  return out;
}
