import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { encodeGreyPng, percentileWindow, windowToGrey } from './png';

/** pngjs verifies every chunk CRC (checkCRC defaults to true) and the zlib stream. */
function decode(bytes: Uint8Array) {
  const png = PNG.sync.read(Buffer.from(bytes), { checkCRC: true });
  // pngjs expands grey to RGBA: check R = G = B = grey and A = 255.
  const grey = new Uint8Array(png.width * png.height);
  for (let p = 0; p < grey.length; p++) {
    const [r, g, b, a] = [png.data[4 * p], png.data[4 * p + 1], png.data[4 * p + 2], png.data[4 * p + 3]];
    expect(g).toBe(r);
    expect(b).toBe(r);
    expect(a).toBe(255);
    grey[p] = r!;
  }
  return { width: png.width, height: png.height, grey };
}

describe('encodeGreyPng', () => {
  it('a 1×1 image round-trips through pngjs', () => {
    for (const v of [0, 1, 128, 255]) {
      const bytes = encodeGreyPng(1, 1, Uint8Array.of(v));
      const got = decode(bytes);
      expect([got.width, got.height]).toEqual([1, 1]);
      expect(got.grey[0]).toBe(v);
    }
  });

  it('a 300×7 image round-trips exactly, header fields as specified', () => {
    const grey = new Uint8Array(300 * 7);
    for (let p = 0; p < grey.length; p++) grey[p] = (p * 31 + ((p / 300) | 0) * 7) & 0xff;
    const bytes = encodeGreyPng(300, 7, grey);
    const got = decode(bytes);
    expect([got.width, got.height]).toEqual([300, 7]);
    expect(Array.from(got.grey)).toEqual(Array.from(grey));

    // Signature, then IHDR: 300 × 7, bit depth 8, colour type 0, no interlace.
    expect(Array.from(bytes.subarray(0, 8))).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    const view = new DataView(bytes.buffer, bytes.byteOffset);
    expect(view.getUint32(8)).toBe(13);
    expect(String.fromCharCode(...bytes.subarray(12, 16))).toBe('IHDR');
    expect([view.getUint32(16), view.getUint32(20), bytes[24], bytes[25], bytes[28]]).toEqual([300, 7, 8, 0, 0]);
    // Ends with the fixed IEND chunk (its CRC is the well-known AE 42 60 82).
    expect(Array.from(bytes.subarray(bytes.length - 12))).toEqual([0, 0, 0, 0, 0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82]);
  });

  it('a corrupted CRC is caught by the decoder (so the CRC check is real)', () => {
    const bytes = encodeGreyPng(3, 2, Uint8Array.of(1, 2, 3, 4, 5, 6));
    bytes[29] = bytes[29]! ^ 0xff; // first byte of the IHDR CRC
    // pngjs's sync reader stops at the CRC error and reports the unread rest of the stream;
    // the same bytes decode once CRC checking is off, so the CRC is what failed.
    expect(() => PNG.sync.read(Buffer.from(bytes), { checkCRC: true })).toThrow();
    expect(PNG.sync.read(Buffer.from(bytes), { checkCRC: false }).width).toBe(3);
  });

  it('python zlib and struct agree: CRC32 of every chunk, filter byte 0 on every row', () => {
    const grey = new Uint8Array(300 * 7).map((_, p) => (p * 13) & 0xff);
    const dir = mkdtempSync(join(tmpdir(), 'lumen-png-'));
    try {
      const file = join(dir, 'a.png');
      writeFileSync(file, encodeGreyPng(300, 7, grey));
      const script = [
        'import sys, struct, zlib',
        'b = open(sys.argv[1], "rb").read(); p = 8; idat = b""; types = []',
        'while p < len(b):',
        '    n, = struct.unpack(">I", b[p:p+4]); t = b[p+4:p+8]; d = b[p+8:p+8+n]; crc, = struct.unpack(">I", b[p+8+n:p+12+n])',
        '    assert crc == zlib.crc32(t + d) & 0xffffffff, t',
        '    types.append(t.decode()); idat += d if t == b"IDAT" else b""; p += 12 + n',
        'raw = zlib.decompress(idat); w, h = 300, 7',
        'assert len(raw) == (w + 1) * h and all(raw[y * (w + 1)] == 0 for y in range(h))',
        'print(",".join(types), sum(raw[y * (w + 1) + 1 + x] for y in range(h) for x in range(w)))',
      ].join('\n');
      const out = execFileSync('/usr/bin/python3', ['-c', script, file], { encoding: 'utf8' }).trim();
      expect(out).toBe(`IHDR,IDAT,IEND ${grey.reduce((s, v) => s + v, 0)}`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('rejects sizes that do not match', () => {
    expect(() => encodeGreyPng(3, 2, new Uint8Array(5))).toThrow(/5 pixels/);
    expect(() => encodeGreyPng(0, 2, new Uint8Array(0))).toThrow(/width/);
    expect(() => encodeGreyPng(2, 1.5, new Uint8Array(3))).toThrow(/height/);
  });
});

describe('windowToGrey', () => {
  it('maps center ± width/2 linearly to 0..255, clamps outside, NaN → 0', () => {
    // Window 40 ± 200 (W/L 400/40): −160 → 0, 240 → 255, 40 → 127.5 → 128.
    const grey = windowToGrey(Float32Array.of(-1000, -160, 40, 240, 3000, NaN, -60, 140, Infinity, -Infinity), 40, 400);
    expect(Array.from(grey)).toEqual([0, 0, 128, 255, 255, 0, Math.round(100 * 255 / 400), Math.round(300 * 255 / 400), 255, 0]);
  });

  it('rejects a non-positive width', () => {
    expect(() => windowToGrey(new Float32Array(1), 0, 0)).toThrow(/width/);
    expect(() => windowToGrey(new Float32Array(1), NaN, 10)).toThrow(/center/);
  });
});

describe('percentileWindow', () => {
  it('spans the 1st..99th percentiles of the finite values (numpy linear interpolation)', () => {
    // Values 0..100 shuffled plus NaN / ±Infinity: percentile q is exactly q.
    const values = Array.from({ length: 101 }, (_, v) => (v * 37) % 101);
    const pixels = Float32Array.from([...values, NaN, Infinity, -Infinity, NaN]);
    expect(percentileWindow(pixels)).toEqual({ center: 50, width: 98 });
    expect(percentileWindow(pixels, 10, 30)).toEqual({ center: 20, width: 20 });
    // Four values 0, 10, 20, 30: the 50th percentile interpolates halfway between 10 and 20.
    const w = percentileWindow(Float32Array.of(30, 0, 20, 10), 0, 50);
    expect(w.center).toBeCloseTo(7.5, 10);
    expect(w.width).toBeCloseTo(15, 10);
  });

  it('stays usable on constant or empty images', () => {
    expect(percentileWindow(new Float32Array(10).fill(7))).toEqual({ center: 7, width: 1 });
    expect(percentileWindow(Float32Array.of(NaN, NaN))).toEqual({ center: 0, width: 1 });
    expect(() => percentileWindow(new Float32Array(3), 60, 40)).toThrow(/low < high/);
  });

  it('an outlier beyond the 99th percentile does not stretch the window', () => {
    const pixels = new Float32Array(1000).map((_, p) => p % 100);
    pixels[0] = 1e6; // one metal voxel
    const { center, width } = percentileWindow(pixels);
    expect(center + width / 2).toBeLessThan(100);
  });
});
