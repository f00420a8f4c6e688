import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { DecodedFrame } from '../../../shared/dicom/DecodedFrame';
import { DicomReadError } from '../../../shared/dicom/DicomReadError';
import { readDicomHeader } from '../../../shared/dicom/readDicomHeader';
import { isEncapsulated } from '../../../shared/dicom/transferSyntax';
import { decodeFrame } from './decodeFrame';
import { ctChestSlice, dcmtkDecompressJpeg, gdcmRaw, generatedDir, hasTool, pydicomDir, readBytes, robustnessDir, walkFiles } from '../../../test/support/referenceTools';
import { pydicomPixels, pydicomPython } from '../../../test/support/pydicom';

const haveData = fs.existsSync(generatedDir) && fs.existsSync(pydicomDir);
const gen = (name: string): string => path.join(generatedDir, name);
const pyd = (name: string): string => path.join(pydicomDir, name);

async function decodeFile(file: string, frame = 0): Promise<DecodedFrame> {
  const bytes = readBytes(file);
  return decodeFrame(bytes, readDicomHeader(bytes, file, bytes.length), frame);
}

async function decodeBytes(bytes: Uint8Array, frame = 0): Promise<DecodedFrame> {
  return decodeFrame(bytes, readDicomHeader(bytes, 'reference', bytes.length), frame);
}

function maxAbsDiff(a: DecodedFrame, b: DecodedFrame): number {
  expect([a.width, a.height, a.samplesPerPixel, a.pixels.length]).toEqual([b.width, b.height, b.samplesPerPixel, b.pixels.length]);
  let d = 0;
  for (let i = 0; i < a.pixels.length; i++) d = Math.max(d, Math.abs(a.pixels[i] - b.pixels[i]));
  return d;
}

describe.skipIf(!haveData)('decodeFrame on the generated CT variants (needs ../shared/data)', () => {
  const lossless = [
    'ct_implicit_le.dcm', 'ct_explicit_be.dcm', 'ct_deflated.dcm', 'ct_jpeg_lossless_p14.dcm', 'ct_jpeg_lossless_sv1.dcm',
    'ct_jpegls_lossless.dcm', 'ct_rle.dcm', 'ct_j2k_lossless.dcm', 'ct_no_meta_implicit.dcm', 'ct_missing_geometry.dcm',
  ];

  it.each(lossless)('%s decodes bit-exact to ct_explicit_le.dcm', async (name) => {
    const ref = await decodeFile(gen('ct_explicit_le.dcm'));
    const frame = await decodeFile(gen(name));
    expect(maxAbsDiff(frame, ref)).toBe(0);
    expect(frame.pixels).toBeInstanceOf(Uint16Array);
    expect([frame.bitsStored, frame.signed, frame.monochrome1]).toEqual([12, false, false]);
  });

  // Bounds measured against the original by the data set's author (README): near-lossless 3,
  // JPEG 12-bit 19 (+ IDCT margin), J2K 10:1 242 (+ margin).
  it.each([
    ['ct_jpegls_near_lossless.dcm', 3],
    ['ct_jpeg_extended_lossy12.dcm', 24],
    ['ct_j2k_lossy.dcm', 250],
  ] as const)('%s stays within %i of the original', async (name, bound) => {
    const ref = await decodeFile(gen('ct_explicit_le.dcm'));
    const d = maxAbsDiff(await decodeFile(gen(name)), ref);
    expect(d).toBeLessThanOrEqual(bound);
    expect(d).toBeGreaterThan(0); // really lossy: proves the codec ran, not a copy
  });

  it('reports truncated pixel data with the sizes involved', async () => {
    const err = await decodeFile(gen('ct_truncated_pixeldata.dcm')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DicomReadError);
    expect((err as DicomReadError).reason).toMatch(/^pixel data truncated: expected 524288 bytes, found \d+$/);
  });
});

describe.skipIf(!haveData)('decodeFrame on the pydicom corpus (needs ../shared/data)', () => {
  it('decodes MR_small identically in every encoding', async () => {
    const ref = await decodeFile(pyd('MR_small.dcm'));
    expect(ref.signed).toBe(true);
    for (const f of ['MR_small_implicit.dcm', 'MR_small_bigendian.dcm', 'MR_small_expb.dcm', 'MR_small_RLE.dcm', 'MR_small_jp2klossless.dcm', 'MR_small_jpeg_ls_lossless.dcm', 'MR_small_padded.dcm']) {
      expect(maxAbsDiff(await decodeFile(pyd(f)), ref), f).toBe(0);
    }
    // no_meta.dcm is CT_small.dcm's data set without preamble and meta (plus one stray byte).
    expect(maxAbsDiff(await decodeFile(pyd('no_meta.dcm')), await decodeFile(pyd('CT_small.dcm')))).toBe(0);
  });

  it('reads a 1-bit SEG frame and flags MONOCHROME1', async () => {
    const seg = await decodeFile(pyd('liver_1frame.dcm'));
    expect(seg.pixels.every((v) => v === 0 || v === 1)).toBe(true);
    expect(seg.pixels.some((v) => v === 1)).toBe(true);
    const cr = await decodeFile(path.join(pydicomDir, 'dicomdirtests/77654033/CR1/6154'));
    expect(cr.monochrome1).toBe(true);
  });

  it('rejects a corrupt JPEG 2000 codestream with a reason, and the process lives on', async () => {
    const err = await decodeFile(pyd('JPEG2000-embedded-sequence-delimiter.dcm')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DicomReadError);
    expect((err as DicomReadError).reason).toMatch(/JPEG 2000 pixel data is damaged/);
    // The cached codec still works after the failure.
    expect(maxAbsDiff(await decodeFile(pyd('MR_small_jp2klossless.dcm')), await decodeFile(pyd('MR_small.dcm')))).toBe(0);
  });

  it('either decodes every frame of every image in the corpus to the right size or says why', async () => {
    const outcomes: string[] = [];
    for (const file of walkFiles(robustnessDir)) {
      const bytes = readBytes(file);
      let header;
      try {
        header = readDicomHeader(bytes, file, bytes.length);
      } catch {
        continue; // header failures are covered by readDicomHeader.test.ts
      }
      if (!header.hasPixelData) continue;
      for (let i = 0; i < header.numberOfFrames; i++) {
        const t0 = performance.now();
        try {
          const f = await decodeFrame(bytes, header, i);
          expect([f.width, f.height, f.samplesPerPixel], file).toEqual([header.columns, header.rows, header.samplesPerPixel]);
          expect(f.pixels.length, file).toBe(f.width * f.height * f.samplesPerPixel);
        } catch (e) {
          expect(e, file).toBeInstanceOf(DicomReadError);
          outcomes.push(`${path.basename(file)}: ${(e as DicomReadError).reason}`);
          break;
        }
        expect(performance.now() - t0, file).toBeLessThan(3000);
      }
    }
    // Only the genuinely broken files fail, each with a reason a person can act on (the
    // two with truncated native pixel data are already rejected by readDicomHeader).
    expect(outcomes.map((o) => o.split(':')[0]).sort()).toEqual([
      'JPEG2000-embedded-sequence-delimiter.dcm', 'meta_missing_tsyntax.dcm', 'nested_priv_SQ.dcm',
    ]);
  }, 120_000);
});

describe.skipIf(!haveData || !pydicomPython())('decodeFrame against pydicom (needs ../shared/data and pydicom)', () => {
  it('matches pydicom pixel_array on ct-chest 000050.dcm at sampled positions', async () => {
    const truth = pydicomPixels([ctChestSlice])[ctChestSlice];
    const frame = await decodeFile(ctChestSlice);
    expect(truth.shape).toEqual([512, 512]);
    for (let k = 0; k < 64; k++) {
      const i = (k * 7919 * 33 + 12345) % (512 * 512);
      expect(frame.pixels[i], `pixel ${i}`).toBe(truth.values?.[i]);
    }
    expect(maxAbsDiff(frame, { ...frame, pixels: Float32Array.from(truth.values ?? []) })).toBe(0);
  });

  it('matches pydicom on every frame of the native, big-endian, deflated and RLE files it can decode', async () => {
    const files = [
      'CT_small.dcm', 'ExplVR_BigEnd.dcm', 'image_dfl.dcm', 'liver_1frame.dcm', 'liver_expb_1frame.dcm', 'rtdose.dcm', 'rtdose_expb.dcm',
      'rtdose_rle.dcm', 'SC_rgb_rle.dcm', 'SC_rgb_rle_2frame.dcm', 'SC_rgb_rle_16bit_2frame.dcm', 'SC_rgb_rle_32bit_2frame.dcm',
      'SC_rgb_small_odd.dcm', 'SC_ybr_full_422_uncompressed.dcm', 'SC_rgb_jpeg_dcmd.dcm',
    ].map(pyd);
    const truth = pydicomPixels(files);
    for (const file of files) {
      const t = truth[file];
      expect(t.error, file).toBeUndefined();
      const bytes = readBytes(file);
      const header = readDicomHeader(bytes, file, bytes.length);
      const perFrame = (t.values ?? []).length / header.numberOfFrames;
      for (let i = 0; i < header.numberOfFrames; i++) {
        const f = await decodeFrame(bytes, header, i);
        expect(f.pixels.length, file).toBe(perFrame);
        let d = 0;
        for (let k = 0; k < perFrame; k++) d = Math.max(d, Math.abs(f.pixels[k] - (t.values?.[i * perFrame + k] ?? NaN)));
        expect(d, `${file} frame ${i}`).toBe(0);
      }
    }
  });
});

describe.skipIf(!haveData || !hasTool('gdcmconv'))('decodeFrame against GDCM and DCMTK decompression (needs ../shared/data and gdcmconv/dcmdjpeg)', () => {
  // Lossless codecs must agree exactly; DCT codecs within the IDCT rounding GDCM/libjpeg allow.
  const cases: [string, number][] = [
    ['generated/ct_jpeg_extended_lossy12.dcm', 1], ['pydicom-testfiles/JPGExtended.dcm', 1], ['pydicom-testfiles/JPEG-lossy.dcm', 1],
    ['pydicom-testfiles/693_J2KI.dcm', 0], ['pydicom-testfiles/J2K_pixelrep_mismatch.dcm', 0], ['pydicom-testfiles/GDCMJ2K_TextGBR.dcm', 0],
    ['pydicom-testfiles/JPEG2000.dcm', 0], ['pydicom-testfiles/SC_rgb_gdcm_KY.dcm', 0], ['pydicom-testfiles/SC_rgb_jpeg_gdcm.dcm', 0],
    ['pydicom-testfiles/SC_rgb_dcmtk_+eb+cy+np.dcm', 1], ['pydicom-testfiles/SC_rgb_dcmtk_+eb+cy+s2.dcm', 1], ['pydicom-testfiles/SC_rgb_jpeg_dcmtk.dcm', 1],
    ['pydicom-testfiles/SC_jpeg_no_color_transform.dcm', 1], ['pydicom-testfiles/SC_rgb_jpeg_app14_dcmd.dcm', 1], ['pydicom-testfiles/SC_rgb_small_odd_jpeg.dcm', 0],
  ];
  it.each(cases)('%s agrees with gdcmconv --raw within %i', async (rel, tol) => {
    const file = path.join(robustnessDir, rel);
    const ref = gdcmRaw(file);
    expect(ref).toBeDefined();
    const frame = await decodeFile(file);
    expect(isEncapsulated(readDicomHeader(readBytes(file), file, 1e9).transferSyntaxUid)).toBe(true);
    expect(maxAbsDiff(frame, await decodeBytes(ref as Uint8Array))).toBeLessThanOrEqual(tol);
  });

  it.skipIf(!hasTool('dcmdjpeg'))('JPEG 12-bit and colour baseline agree with dcmdjpeg within 1', async () => {
    for (const rel of ['generated/ct_jpeg_extended_lossy12.dcm', 'pydicom-testfiles/SC_rgb_dcmtk_+eb+cy+n2.dcm', 'pydicom-testfiles/SC_rgb_jpeg_dcmtk.dcm']) {
      const file = path.join(robustnessDir, rel);
      const ref = dcmtkDecompressJpeg(file) as Uint8Array;
      expect(maxAbsDiff(await decodeFile(file), await decodeBytes(ref)), rel).toBeLessThanOrEqual(1);
    }
  });
});
