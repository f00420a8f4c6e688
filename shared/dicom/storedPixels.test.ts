import { describe, expect, it } from 'vitest';
import { expandYbr422, ybrFullToRgb } from './colour';
import type { DecodedFrame } from './DecodedFrame';
import { storedFromCodec, unpackNative } from './storedPixels';
import type { SampleLayout } from './storedPixels';
import { toModalityValues } from './toModalityValues';

const mono = (over: Partial<SampleLayout>): SampleLayout => ({
  rows: 1, columns: 4, samplesPerPixel: 1, bitsAllocated: 16, bitsStored: 16, highBit: 15, signed: false, planarConfiguration: 0, ...over,
});

describe('unpackNative', () => {
  it('sign-extends 12-bit two\'s complement in 16-bit words and ignores bits above High Bit', () => {
    // -1, -2048, 2047, 5 as 12-bit patterns, with junk (overlay) bits set above bit 11.
    const words = [0xf000 | 0xfff, 0xa000 | 0x800, 0x7ff, 0x5000 | 5];
    const bytes = new Uint8Array(new Uint16Array(words).buffer);
    const out = unpackNative(bytes, 0, true, mono({ bitsStored: 12, highBit: 11, signed: true }));
    expect(out).toBeInstanceOf(Int16Array);
    expect(Array.from(out)).toEqual([-1, -2048, 2047, 5]);
    const unsigned = unpackNative(bytes, 0, true, mono({ bitsStored: 12, highBit: 11 }));
    expect(Array.from(unsigned)).toEqual([0xfff, 0x800, 0x7ff, 5]);
  });

  it('reads big-endian words and 32-bit values', () => {
    expect(Array.from(unpackNative(new Uint8Array([0x01, 0x02, 0xff, 0xfe, 0, 0, 0x80, 0]), 0, false, mono({ signed: true })))).toEqual([0x0102, -2, 0, -32768]);
    const u32 = new Uint8Array(new Uint32Array([4294967295, 7]).buffer);
    expect(Array.from(unpackNative(u32, 0, true, mono({ columns: 2, bitsAllocated: 32, bitsStored: 32, highBit: 31 })))).toEqual([4294967295, 7]);
  });

  it('unpacks 1-bit data least-significant bit first, from a frame that starts mid-byte', () => {
    // Bits (LSB first): byte0 = 1,0,1,1,0,0,0,0 ; byte1 = 1,1,0,...
    const bytes = new Uint8Array([0b00001101, 0b00000011]);
    expect(Array.from(unpackNative(bytes, 0, true, mono({ columns: 4, bitsAllocated: 1, bitsStored: 1, highBit: 0 })))).toEqual([1, 0, 1, 1]);
    expect(Array.from(unpackNative(bytes, 6, true, mono({ columns: 4, bitsAllocated: 1, bitsStored: 1, highBit: 0 })))).toEqual([0, 0, 1, 1]);
  });

  it('interleaves planar colour', () => {
    const planar = new Uint8Array([1, 2, 10, 20, 100, 200]);
    const out = unpackNative(planar, 0, true, mono({ columns: 2, samplesPerPixel: 3, bitsAllocated: 8, bitsStored: 8, highBit: 7, planarConfiguration: 1 }));
    expect(Array.from(out)).toEqual([1, 10, 100, 2, 20, 200]);
  });
});

describe('storedFromCodec', () => {
  it('trusts the header when the codestream signedness disagrees, and clamps lossy overshoot otherwise', () => {
    const layout = mono({ columns: 3, bitsStored: 13, highBit: 12, signed: true });
    // Unsigned 13-bit codestream in a signed image: 0x1fff is -1, 0x1000 is -4096.
    expect(Array.from(storedFromCodec(new Uint16Array([0x1fff, 0x1000, 100]), false, layout))).toEqual([-1, -4096, 100]);
    // Signed codestream, signed image: values beyond 13 bits are clamped, not wrapped.
    expect(Array.from(storedFromCodec(new Int16Array([-5000, 5000, -3]), true, layout))).toEqual([-4096, 4095, -3]);
  });
});

describe('colour', () => {
  it('maps YBR_FULL grey and primaries to RGB', () => {
    const px = new Uint8Array([128, 128, 128, 76, 85, 255, 255, 128, 128]);
    ybrFullToRgb(px, 8);
    expect(Array.from(px.subarray(0, 3))).toEqual([128, 128, 128]);
    expect(px[3]).toBeGreaterThanOrEqual(254); // red
    expect(px[4]).toBeLessThanOrEqual(1);
    expect(Array.from(px.subarray(6))).toEqual([255, 255, 255]);
  });

  it('expands 4:2:2 pairs, sharing chroma between the two pixels', () => {
    expect(Array.from(expandYbr422(new Uint8Array([10, 20, 1, 2, 30, 40, 3, 4]), 1, 4))).toEqual([10, 1, 2, 20, 1, 2, 30, 3, 4, 40, 3, 4]);
  });
});

describe('toModalityValues', () => {
  const frame = (pixels: DecodedFrame['pixels']): DecodedFrame => ({
    width: pixels.length, height: 1, samplesPerPixel: 1, bitsStored: 16, signed: true, pixels, monochrome1: false, photometricInterpretation: 'MONOCHROME2',
  });
  it('applies slope and intercept once', () => {
    expect(Array.from(toModalityValues(frame(new Int16Array([0, 1024, -5])), 1, -1024))).toEqual([-1024, 0, -1029]);
    expect(Array.from(toModalityValues(frame(new Uint16Array([2, 4])), 0.5, 10))).toEqual([11, 12]);
  });
  it('treats a missing or invalid rescale as identity rather than producing NaN', () => {
    expect(Array.from(toModalityValues(frame(new Uint16Array([7])), NaN, NaN))).toEqual([7]);
    expect(Array.from(toModalityValues(frame(new Uint16Array([7])), 0, 1))).toEqual([8]);
  });
});
