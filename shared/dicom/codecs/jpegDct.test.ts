import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import type { DecodedJpeg } from './jpegDct';
import { decodeJpegDct } from './jpegDct';
import { decodeRle } from './rle';
import { buildDcOnlyJpeg } from './testkit/dcOnlyJpeg';
import { readEncapsulatedFrames, readNativePixelBytes, readPixelDataInfo } from './testkit/dicomPixelData';

const repoRoot = path.resolve(fileURLToPath(new URL('.', import.meta.url)), '../../..');
const dataDir = path.resolve(repoRoot, '../shared/data/dicom-robustness');
const generated = path.join(dataDir, 'generated');
const pydicomFiles = path.join(dataDir, 'pydicom-testfiles');
const hasData = fs.existsSync(generated) && fs.existsSync(pydicomFiles);

function hasTool(name: string, args = ['--version']): boolean {
  try {
    execFileSync(name, args, { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i] - b[i]));
  return max;
}

function meanAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += Math.abs(a[i] - b[i]);
  return sum / a.length;
}

/** Native little-endian pixel bytes as samples of the given width, without a trailing pad byte. */
function samples(bytes: Uint8Array, bitsAllocated: number, count: number): Uint8Array | Uint16Array {
  if (bitsAllocated === 8) return bytes.subarray(0, count);
  const copy = bytes.slice(0, 2 * count);
  return new Uint16Array(copy.buffer, 0, count);
}

function readDicom(file: string): { info: ReturnType<typeof readPixelDataInfo>; codestream: Uint8Array } {
  const bytes = new Uint8Array(fs.readFileSync(file));
  return { info: readPixelDataInfo(bytes), codestream: readEncapsulatedFrames(bytes)[0] };
}

describe('decodeJpegDct on analytic DC-only codestreams', () => {
  it('reconstructs flat 8-bit blocks at 128 + DC*q/8, with DC prediction across blocks', () => {
    const out = decodeJpegDct(buildDcOnlyJpeg({ precision: 8, width: 16, height: 8, quant: 2, dcDifferences: [40, -100] }));
    expect(out).toMatchObject({ width: 16, height: 8, components: 1, bitsPerSample: 8 });
    expect(out.pixels).toBeInstanceOf(Uint8Array);
    // Block 0: DC 40 -> 128 + 40*2/8 = 138; block 1: DC 40-100 = -60 -> 128 - 15 = 113.
    for (let y = 0; y < 8; y++) {
      for (let x = 0; x < 16; x++) expect(out.pixels[y * 16 + x]).toBe(x < 8 ? 138 : 113);
    }
  });

  it('decodes 12-bit extended frames with 16-bit quantisation tables and crops partial blocks', () => {
    const out = decodeJpegDct(buildDcOnlyJpeg({ precision: 12, width: 13, height: 5, quant: 300, dcDifferences: [-4, 12] }));
    expect(out).toMatchObject({ width: 13, height: 5, bitsPerSample: 12 });
    expect(out.pixels).toBeInstanceOf(Uint16Array);
    // DC -4*300/8 = -150 -> 1898; then DC 8*300/8 = 300 -> 2348.
    expect(Array.from(out.pixels.subarray(0, 13))).toEqual([...new Array(8).fill(1898), ...new Array(5).fill(2348)]);
  });

  it('clamps to [0, 2^P - 1]', () => {
    const out = decodeJpegDct(buildDcOnlyJpeg({ precision: 12, width: 16, height: 8, quant: 1000, dcDifferences: [100, -200] }));
    expect(out.pixels[0]).toBe(4095);
    expect(out.pixels[8]).toBe(0);
  });

  it('resets DC prediction at every restart marker', () => {
    const diffs = [40, 40, 40, 40, 40, 40];
    const withRestart = decodeJpegDct(buildDcOnlyJpeg({ precision: 8, width: 48, height: 8, quant: 1, dcDifferences: diffs, restartInterval: 2 }));
    // Predictor resets before blocks 2 and 4: DCs are 40, 80, 40, 80, 40, 80.
    expect([0, 8, 16, 24, 32, 40].map((x) => withRestart.pixels[x])).toEqual([133, 138, 133, 138, 133, 138]);
  });

  it('rejects input that is not a supported JPEG with a clear message', () => {
    expect(() => decodeJpegDct(Uint8Array.from([1, 2, 3, 4]))).toThrow(/missing SOI/);
    const lossless = Uint8Array.from([0xff, 0xd8, 0xff, 0xc3, 0, 11, 8, 0, 8, 0, 8, 1, 1, 0x11, 0]);
    expect(() => decodeJpegDct(lossless)).toThrow(/unsupported process: lossless/);
    const good = buildDcOnlyJpeg({ precision: 8, width: 8, height: 8, quant: 1, dcDifferences: [5] });
    expect(() => decodeJpegDct(good.subarray(0, 30))).toThrow(/JPEG: .*(truncated|past the end)/);
  });

  it('reports a missing restart marker', () => {
    const stream = buildDcOnlyJpeg({ precision: 8, width: 24, height: 8, quant: 1, dcDifferences: [1, 2, 3], restartInterval: 1 });
    const rst = stream.findIndex((b, i) => b === 0xff && stream[i + 1] === 0xd1);
    const broken = stream.slice();
    broken[rst + 1] = 0xd5;
    expect(() => decodeJpegDct(broken)).toThrow(/expected restart marker RST1, found marker 0xffd5/);
  });
});

describe.skipIf(!hasData)('decodeJpegDct robustness on a real codestream (needs ../shared/data)', () => {
  it('throws for every truncation and never hangs on corrupted bytes', () => {
    const { codestream } = readDicom(path.join(generated, 'ct_jpeg_extended_lossy12.dcm'));
    for (const keep of [2, 20, 200, 700, 5000, 100000, codestream.length - 100]) {
      expect(() => decodeJpegDct(codestream.subarray(0, keep)), `truncated to ${keep}`).toThrow(/^JPEG: /);
    }
    let seed = 12345;
    const random = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32);
    const started = Date.now();
    for (let trial = 0; trial < 30; trial++) {
      const corrupt = codestream.slice();
      for (let i = 0; i < 20; i++) corrupt[Math.floor(random() * corrupt.length)] = Math.floor(random() * 256);
      try {
        const out = decodeJpegDct(corrupt);
        expect(out.pixels.length).toBe(out.width * out.height * out.components);
      } catch (error) {
        expect((error as Error).message).toMatch(/^JPEG: /);
      }
    }
    expect(Date.now() - started).toBeLessThan(20000);
  });
});

describe.skipIf(!hasData)('decodeJpegDct against the original pixels (needs ../shared/data)', () => {
  it('ct_jpeg_extended_lossy12.dcm (12-bit, .4.51) is within the lossy error of ct_explicit_le.dcm', () => {
    const { info, codestream } = readDicom(path.join(generated, 'ct_jpeg_extended_lossy12.dcm'));
    expect(info.transferSyntax).toBe('1.2.840.10008.1.2.4.51');
    const out = decodeJpegDct(codestream);
    expect(out).toMatchObject({ width: 512, height: 512, components: 1, bitsPerSample: 12 });
    const original = samples(readNativePixelBytes(new Uint8Array(fs.readFileSync(path.join(generated, 'ct_explicit_le.dcm')))), 16, 512 * 512);
    // The data README records 19 as a correct decoder's maximum error for this file.
    expect(maxAbsDiff(out.pixels, original)).toBeLessThanOrEqual(19);
    // Mean error of this quality-90 encode of a noisy CT slice is about 3.
    expect(meanAbsDiff(out.pixels, original)).toBeLessThan(4);
  });

  describe('colour secondary captures vs the lossless RLE twin SC_rgb_rle.dcm', () => {
    const twin = (): Uint8Array => {
      const bytes = new Uint8Array(fs.readFileSync(path.join(pydicomFiles, 'SC_rgb_rle.dcm')));
      return decodeRle(readEncapsulatedFrames(bytes)[0], readPixelDataInfo(bytes));
    };
    // Bounds: 4:4:4 and 4:2:2 files stay within JPEG quantisation error; 4:2:0 smears chroma
    // across the hard colour-bar edges of this test image, so only its mean is tight.
    const cases: [string, number, number][] = [
      ['SC_rgb_dcmtk_+eb+cy+s4.dcm', 8, 1],
      ['SC_rgb_dcmtk_+eb+cy+s2.dcm', 8, 1],
      ['SC_rgb_dcmtk_+eb+cy+n2.dcm', 8, 1],
      ['SC_rgb_jpeg_dcmtk.dcm', 8, 1],
      ['SC_rgb_dcmtk_+eb+cr.dcm', 3, 0.5],
      ['SC_rgb_dcmtk_+eb+cy+np.dcm', 90, 4],
      ['SC_rgb_dcmtk_+eb+cy+n1.dcm', 90, 4],
    ];
    for (const [name, maxError, meanError] of cases) {
      it(`${name} with the colour transform chosen from PhotometricInterpretation`, () => {
        const { info, codestream } = readDicom(path.join(pydicomFiles, name));
        const out = decodeJpegDct(codestream, { colorTransform: info.photometric.startsWith('YBR') });
        expect(out).toMatchObject({ width: 100, height: 100, components: 3, bitsPerSample: 8 });
        const truth = twin();
        expect(maxAbsDiff(out.pixels, truth)).toBeLessThanOrEqual(maxError);
        expect(meanAbsDiff(out.pixels, truth)).toBeLessThan(meanError);
        // The codestream's own markers lead the default to the same choice.
        expect(maxAbsDiff(decodeJpegDct(codestream).pixels, out.pixels)).toBe(0);
      });
    }

    it('SC_rgb_jpeg_lossy_gdcm.dcm (labelled RGB, coded YCbCr) decodes right with codestream-driven colour', () => {
      const { codestream } = readDicom(path.join(pydicomFiles, 'SC_rgb_jpeg_lossy_gdcm.dcm'));
      const out = decodeJpegDct(codestream);
      expect(meanAbsDiff(out.pixels, twin())).toBeLessThan(4);
    });
  });

  it('SC_rgb_small_odd_jpeg.dcm (3x3) matches SC_rgb_small_odd.dcm within lossy error', () => {
    const { info, codestream } = readDicom(path.join(pydicomFiles, 'SC_rgb_small_odd_jpeg.dcm'));
    const out = decodeJpegDct(codestream, { colorTransform: info.photometric.startsWith('YBR') });
    const original = readNativePixelBytes(new Uint8Array(fs.readFileSync(path.join(pydicomFiles, 'SC_rgb_small_odd.dcm')))).subarray(0, 27);
    expect(maxAbsDiff(out.pixels, original)).toBeLessThanOrEqual(4);
  });
});

describe.skipIf(!hasData || !hasTool('gdcmconv'))('decodeJpegDct against gdcm/libjpeg (needs ../shared/data and gdcmconv)', () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lumen-jpeg-gdcm-'));
  afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

  const gdcmDecode = (file: string, count: number, bitsAllocated: number): Uint8Array | Uint16Array => {
    const out = path.join(tmp, path.basename(file));
    execFileSync('gdcmconv', ['--raw', file, out], { stdio: 'ignore' });
    return samples(readNativePixelBytes(new Uint8Array(fs.readFileSync(out))), bitsAllocated, count);
  };

  const cases = [
    path.join(generated, 'ct_jpeg_extended_lossy12.dcm'),
    path.join(pydicomFiles, 'JPGExtended.dcm'),
    path.join(pydicomFiles, 'JPEG-lossy.dcm'),
    ...[
      'SC_rgb_dcmtk_+eb+cy+np.dcm', 'SC_rgb_dcmtk_+eb+cy+s2.dcm', 'SC_rgb_dcmtk_+eb+cy+s4.dcm', 'SC_rgb_dcmtk_+eb+cy+n1.dcm',
      'SC_rgb_dcmtk_+eb+cy+n2.dcm', 'SC_rgb_dcmtk_+eb+cr.dcm', 'SC_rgb_jpeg_dcmtk.dcm', 'SC_jpeg_no_color_transform.dcm',
      'SC_jpeg_no_color_transform_2.dcm', 'SC_rgb_jpeg_app14_dcmd.dcm', 'SC_rgb_jpeg_lossy_gdcm.dcm', 'SC_rgb_small_odd_jpeg.dcm',
    ].map((name) => path.join(pydicomFiles, name)),
  ];
  for (const file of cases) {
    it(`${path.basename(file)} is within +-1 of gdcm`, () => {
      const { info, codestream } = readDicom(file);
      // gdcm keeps YCbCr as coded (it relabels the output YBR_FULL), so compare before colour conversion.
      const out: DecodedJpeg = decodeJpegDct(codestream, { colorTransform: false });
      expect([out.width, out.height, out.components]).toEqual([info.columns, info.rows, info.samplesPerPixel]);
      const reference = gdcmDecode(file, out.pixels.length, info.bitsAllocated);
      expect(maxAbsDiff(out.pixels, reference)).toBeLessThanOrEqual(1);
    });
  }
});

describe.skipIf(!hasData || !hasTool('dcmcjpeg') || !hasTool('dcmdjpeg'))('decodeJpegDct on dcmtk-encoded 12-bit progressive (needs dcmtk)', () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lumen-jpeg-dcmtk-'));
  afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

  for (const [mode, label] of [['+ep', 'full progressive'], ['+es', 'spectral selection']] as const) {
    it(`${label} (${mode}) matches dcmdjpeg within +-1`, () => {
      const encoded = path.join(tmp, `enc${mode}.dcm`);
      const decoded = path.join(tmp, `dec${mode}.dcm`);
      execFileSync('dcmcjpeg', [mode, path.join(generated, 'ct_explicit_le.dcm'), encoded], { stdio: 'ignore' });
      execFileSync('dcmdjpeg', [encoded, decoded], { stdio: 'ignore' });
      const out = decodeJpegDct(readDicom(encoded).codestream);
      expect(out.bitsPerSample).toBe(12);
      const reference = samples(readNativePixelBytes(new Uint8Array(fs.readFileSync(decoded))), 16, 512 * 512);
      expect(maxAbsDiff(out.pixels, reference)).toBeLessThanOrEqual(1);
    });
  }
});

/** A colour test card with gradients, hard edges and odd dimensions (partial MCUs). */
function testCard(width: number, height: number): Uint8Array {
  const rgb = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = 3 * (y * width + x);
      rgb[i] = Math.round((255 * x) / (width - 1));
      rgb[i + 1] = Math.round((255 * y) / (height - 1));
      rgb[i + 2] = (x >> 3) % 2 === (y >> 3) % 2 ? 230 : 20;
    }
  }
  return rgb;
}

function writePnm(file: string, width: number, height: number, samplesRgb: Uint8Array, gray: boolean): void {
  const body = gray ? samplesRgb.filter((_, i) => i % 3 === 1) : samplesRgb;
  fs.writeFileSync(file, Buffer.concat([Buffer.from(`${gray ? 'P5' : 'P6'}\n${width} ${height}\n255\n`), Buffer.from(body)]));
}

function readPnmSamples(file: string): Uint8Array {
  const bytes = new Uint8Array(fs.readFileSync(file));
  let fields = 0;
  let at = 0;
  while (fields < 4) {
    while (bytes[at] <= 0x20) at++;
    while (bytes[at] > 0x20) at++;
    fields++;
  }
  return bytes.subarray(at + 1);
}

describe.skipIf(!hasTool('cjpeg', ['-version']) || !hasTool('djpeg', ['-version']))('decodeJpegDct against libjpeg-turbo cjpeg/djpeg (needs libjpeg-turbo-progs)', () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lumen-jpeg-turbo-'));
  afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));
  const width = 83;
  const height = 61;
  const card = testCard(width, height);
  // One full-band scan per component: a sequential frame coded as three non-interleaved scans.
  fs.writeFileSync(path.join(tmp, 'scans-sequential.txt'), '0: 0 63 0 0;\n1: 0 63 0 0;\n2: 0 63 0 0;\n');

  const variants: [string, string[], boolean][] = [
    ['grey, restart every MCU', ['-restart', '1B'], true],
    ['grey, progressive with restarts', ['-progressive', '-restart', '2'], true],
    ['4:2:0, restart every 3 MCUs', ['-sample', '2x2', '-restart', '3B'], false],
    ['4:2:2, restart every MCU row', ['-sample', '2x1', '-restart', '1'], false],
    ['4:4:4, 16-bit quantisation tables (quality 2, SOF1)', ['-sample', '1x1', '-quality', '2'], false],
    ['4:2:0 progressive', ['-sample', '2x2', '-progressive'], false],
    ['4:4:4 progressive with restarts', ['-sample', '1x1', '-progressive', '-restart', '5B'], false],
    ['non-interleaved sequential scans', ['-sample', '1x1', '-scans', path.join(tmp, 'scans-sequential.txt')], false],
  ];
  for (const [label, args, gray] of variants) {
    it(`${label} matches djpeg`, () => {
      const source = path.join(tmp, gray ? 'card.pgm' : 'card.ppm');
      writePnm(source, width, height, card, gray);
      const jpeg = path.join(tmp, 'card.jpg');
      const reference = path.join(tmp, 'card.pnm');
      execFileSync('cjpeg', [...args, '-outfile', jpeg, source]);
      execFileSync('djpeg', ['-pnm', '-outfile', reference, jpeg]);
      const out = decodeJpegDct(new Uint8Array(fs.readFileSync(jpeg)));
      expect([out.width, out.height, out.components]).toEqual([width, height, gray ? 1 : 3]);
      const expected = readPnmSamples(reference);
      let beyondOne = 0;
      for (let i = 0; i < expected.length; i++) if (Math.abs(out.pixels[i] - expected[i]) > 1) beyondOne++;
      if (gray) {
        expect(maxAbsDiff(out.pixels, expected)).toBeLessThanOrEqual(1);
      } else {
        // A +-1 IDCT difference in Cr or Cb is scaled by up to 1.772 in RGB, so a few
        // samples may differ by 2; the YCbCr planes themselves are held to +-1 against gdcm above.
        expect(maxAbsDiff(out.pixels, expected)).toBeLessThanOrEqual(2);
        expect(beyondOne / expected.length).toBeLessThan(0.01);
      }
    });
  }
});
