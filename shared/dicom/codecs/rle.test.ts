import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { decodeRle } from './rle';
import { readEncapsulatedFrames, readNativePixelBytes, readPixelDataInfo } from './testkit/dicomPixelData';

const repoRoot = path.resolve(fileURLToPath(new URL('.', import.meta.url)), '../../..');
const dataDir = path.resolve(repoRoot, '../shared/data/dicom-robustness');
const generated = path.join(dataDir, 'generated');
const pydicomFiles = path.join(dataDir, 'pydicom-testfiles');

/** Builds an RLE fragment: 64-byte header with offsets, then the given coded segments. */
function rleFragment(segments: number[][], declaredCount = segments.length): Uint8Array {
  const header = new Uint8Array(64);
  const view = new DataView(header.buffer);
  view.setUint32(0, declaredCount, true);
  let offset = 64;
  segments.forEach((segment, i) => {
    view.setUint32(4 + 4 * i, offset, true);
    offset += segment.length;
  });
  return Uint8Array.from([...header, ...segments.flat()]);
}

const gray8 = (rows: number, columns: number) => ({ rows, columns, samplesPerPixel: 1, bitsAllocated: 8 });

describe('decodeRle PackBits (PS3.5 G.3.1)', () => {
  it('copies n+1 literal bytes for a header n in 0..127', () => {
    expect(Array.from(decodeRle(rleFragment([[2, 10, 20, 30]]), gray8(1, 3)))).toEqual([10, 20, 30]);
    const literal = Array.from({ length: 128 }, (_, i) => (i * 7) & 0xff);
    expect(Array.from(decodeRle(rleFragment([[127, ...literal]]), gray8(2, 64)))).toEqual(literal);
  });

  it('repeats the next byte 1-n times for n in -1..-127', () => {
    expect(Array.from(decodeRle(rleFragment([[0xff, 9, 0xfe, 4]]), gray8(1, 5)))).toEqual([9, 9, 4, 4, 4]);
    expect(Array.from(decodeRle(rleFragment([[0x81, 200]]), gray8(1, 128)))).toEqual(new Array(128).fill(200));
  });

  it('treats -128 as a no-op and ignores padding after the segment is complete', () => {
    expect(Array.from(decodeRle(rleFragment([[0x80, 1, 5, 6, 0x80, 0x00]]), gray8(1, 2)))).toEqual([5, 6]);
  });

  it('orders segments most significant byte first and writes little-endian interleaved samples', () => {
    // 16-bit, 2 pixels of RGB: values R=0x0102,0x0A0B G=0x0304,0x0C0D B=0x0506,0x0E0F.
    const seg = (a: number, b: number) => [1, a, b];
    const fragment = rleFragment([seg(0x01, 0x0a), seg(0x02, 0x0b), seg(0x03, 0x0c), seg(0x04, 0x0d), seg(0x05, 0x0e), seg(0x06, 0x0f)]);
    const out = decodeRle(fragment, { rows: 1, columns: 2, samplesPerPixel: 3, bitsAllocated: 16 });
    const words = new DataView(out.buffer);
    expect([0, 1, 2, 3, 4, 5].map((i) => words.getUint16(2 * i, true))).toEqual([0x0102, 0x0304, 0x0506, 0x0a0b, 0x0c0d, 0x0e0f]);
  });

  it('reports a segment count that does not match the pixel layout', () => {
    expect(() => decodeRle(rleFragment([[0, 1]]), { rows: 1, columns: 1, samplesPerPixel: 1, bitsAllocated: 16 })).toThrow(/declares 1 segments but .* requires 2/);
  });

  it('reports corrupt headers', () => {
    expect(() => decodeRle(new Uint8Array(20), gray8(1, 1))).toThrow(/shorter than the 64-byte RLE header/);
    const bad = rleFragment([[0, 1]]);
    new DataView(bad.buffer).setUint32(4, 5000, true);
    expect(() => decodeRle(bad, gray8(1, 1))).toThrow(/segment 0 offset 5000/);
    expect(() => decodeRle(rleFragment([[0, 1]]), { rows: 1, columns: 1, samplesPerPixel: 1, bitsAllocated: 12 })).toThrow(/whole number of bytes/);
  });

  it('reports short segments instead of padding them', () => {
    expect(() => decodeRle(rleFragment([[0xfe, 7]]), gray8(1, 4))).toThrow(/segment 0 is short: decoded 3 of 4/);
    expect(() => decodeRle(rleFragment([[3, 1, 2]]), gray8(1, 4))).toThrow(/literal run of 4 bytes cut off/);
    expect(() => decodeRle(rleFragment([[0xfe]]), gray8(1, 3))).toThrow(/no byte to repeat/);
    expect(() => decodeRle(rleFragment([[0xfd, 7]]), gray8(1, 3))).toThrow(/more than 3 bytes/);
  });
});

const hasData = fs.existsSync(pydicomFiles) && fs.existsSync(generated);

function decodeAllFrames(file: string): { frames: Uint8Array; info: ReturnType<typeof readPixelDataInfo> } {
  const bytes = new Uint8Array(fs.readFileSync(file));
  const info = readPixelDataInfo(bytes);
  expect(info.transferSyntax).toBe('1.2.840.10008.1.2.5');
  const parts = readEncapsulatedFrames(bytes).map((fragment) => decodeRle(fragment, info));
  const frames = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  parts.reduce((at, p) => (frames.set(p, at), at + p.length), 0);
  return { frames, info };
}

function nativePixels(file: string): Uint8Array {
  return readNativePixelBytes(new Uint8Array(fs.readFileSync(file)));
}

/** Byte comparison that ignores the single pad byte an odd-length native PixelData carries. */
function expectSameBytes(actual: Uint8Array, expected: Uint8Array): void {
  expect(expected.length - actual.length).toBeLessThanOrEqual(1);
  expect(Buffer.compare(Buffer.from(actual), Buffer.from(expected.subarray(0, actual.length)))).toBe(0);
}

describe.skipIf(!hasData)('decodeRle on real files (needs ../shared/data)', () => {
  it('ct_rle.dcm decodes bit-exact to the original CT slice', () => {
    const { frames } = decodeAllFrames(path.join(generated, 'ct_rle.dcm'));
    expectSameBytes(frames, nativePixels(path.join(generated, 'ct_explicit_le.dcm')));
  });

  it('MR_small_RLE.dcm decodes bit-exact to MR_small.dcm', () => {
    const { frames } = decodeAllFrames(path.join(pydicomFiles, 'MR_small_RLE.dcm'));
    expectSameBytes(frames, nativePixels(path.join(pydicomFiles, 'MR_small.dcm')));
  });

  it('rtdose_rle.dcm (32-bit, 15 frames, one fragment each) decodes bit-exact to rtdose.dcm', () => {
    const { frames, info } = decodeAllFrames(path.join(pydicomFiles, 'rtdose_rle.dcm'));
    expect(info.frames).toBe(15);
    expect(info.bitsAllocated).toBe(32);
    expectSameBytes(frames, nativePixels(path.join(pydicomFiles, 'rtdose.dcm')));
  });

  it('single- and two-frame colour files agree on their first frame', () => {
    for (const bits of ['', '_16bit', '_32bit']) {
      const one = decodeAllFrames(path.join(pydicomFiles, `SC_rgb_rle${bits}.dcm`)).frames;
      const two = decodeAllFrames(path.join(pydicomFiles, `SC_rgb_rle${bits}_2frame.dcm`)).frames;
      expect(two.length).toBe(2 * one.length);
      expectSameBytes(one, two.subarray(0, one.length));
    }
  });
});

function hasTool(name: string): boolean {
  try {
    execFileSync(name, ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

describe.skipIf(!hasData || !hasTool('dcmdrle'))('decodeRle colour files against dcmtk dcmdrle (needs ../shared/data and dcmtk)', () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lumen-rle-'));
  afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

  for (const name of ['SC_rgb_rle.dcm', 'SC_rgb_rle_16bit.dcm', 'SC_rgb_rle_32bit.dcm', 'SC_rgb_rle_2frame.dcm', 'SC_rgb_rle_16bit_2frame.dcm', 'SC_rgb_rle_32bit_2frame.dcm']) {
    it(`${name} matches dcmdrle bit-exact`, () => {
      const out = path.join(tmp, name);
      // dcmdrle writes PlanarConfiguration 0 (interleaved) for these files, the layout decodeRle returns.
      execFileSync('dcmdrle', [path.join(pydicomFiles, name), out], { stdio: 'ignore' });
      const reference = new Uint8Array(fs.readFileSync(out));
      expect(readPixelDataInfo(reference).planarConfiguration).toBe(0);
      const { frames, info } = decodeAllFrames(path.join(pydicomFiles, name));
      expect(frames.length).toBe(info.rows * info.columns * info.samplesPerPixel * (info.bitsAllocated / 8) * info.frames);
      expectSameBytes(frames, readNativePixelBytes(reference));
    });
  }
});
