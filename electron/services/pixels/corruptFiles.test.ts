/**
 * Fault injection: corrupted and cut copies of real files must give a header, a frame
 * or a DicomReadError (HeaderNeedsMoreBytes only for prefixes), quickly. Nothing else
 * may escape, and nothing may hang.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DicomReadError, HeaderNeedsMoreBytes } from '../../../shared/dicom/DicomReadError';
import { readDicomHeader } from '../../../shared/dicom/readDicomHeader';
import { decodeFrame } from './decodeFrame';
import { generatedDir, pydicomDir, readBytes } from '../../../test/support/referenceTools';

/** Deterministic so a failure can be replayed. */
function mulberry32(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const sources = [
  path.join(pydicomDir, 'MR_small.dcm'), path.join(pydicomDir, 'MR_small_implicit.dcm'), path.join(pydicomDir, 'MR_small_bigendian.dcm'),
  path.join(pydicomDir, 'MR_small_RLE.dcm'), path.join(pydicomDir, 'MR_small_jpeg_ls_lossless.dcm'), path.join(pydicomDir, 'MR_small_jp2klossless.dcm'),
  path.join(pydicomDir, 'SC_rgb_jpeg_gdcm.dcm'), path.join(pydicomDir, 'SC_rgb_jpeg_dcmtk.dcm'), path.join(pydicomDir, 'image_dfl.dcm'),
  path.join(pydicomDir, 'liver_1frame.dcm'), path.join(pydicomDir, 'rtdose_rle.dcm'), path.join(generatedDir, 'ct_jpeg_lossless_sv1.dcm'),
];

describe.skipIf(!sources.every((f) => fs.existsSync(f)))('corrupted files (needs ../shared/data)', () => {
  it('never throw anything but DicomReadError, and never hang', async () => {
    const rand = mulberry32(20240611);
    let decoded = 0;
    let rejected = 0;
    for (const file of sources) {
      const original = readBytes(file);
      for (let trial = 0; trial < 40; trial++) {
        const bytes = original.slice();
        const mode = trial % 4;
        let cut = bytes.length;
        if (mode === 0) {
          // Flip bytes in the header region, where lengths and tags live.
          for (let k = 0; k < 4; k++) bytes[Math.floor(rand() * Math.min(bytes.length, 1200))] = Math.floor(rand() * 256);
        } else if (mode === 1) {
          // Flip bytes anywhere, including compressed codestreams.
          for (let k = 0; k < 8; k++) bytes[Math.floor(rand() * bytes.length)] = Math.floor(rand() * 256);
        } else if (mode === 2) {
          cut = Math.floor(rand() * bytes.length);
        } else {
          // Write a huge length into a random 4-byte position.
          const at = 132 + Math.floor(rand() * Math.min(bytes.length - 136, 2000));
          bytes.set([0xf0, 0xff, 0xff, 0x7f], at);
        }
        const input = bytes.subarray(0, cut);
        const t0 = performance.now();
        try {
          const header = readDicomHeader(input, file, input.length);
          if (header.hasPixelData) {
            for (const frame of [0, header.numberOfFrames - 1]) {
              const f = await decodeFrame(input, header, frame);
              expect(f.pixels.length).toBe(f.width * f.height * f.samplesPerPixel);
            }
            decoded++;
          }
        } catch (e) {
          if (!(e instanceof DicomReadError)) throw new Error(`${path.basename(file)} trial ${trial}: ${String(e)}`);
          expect(e).not.toBeInstanceOf(HeaderNeedsMoreBytes);
          rejected++;
        }
        expect(performance.now() - t0, `${path.basename(file)} trial ${trial}`).toBeLessThan(5000);
      }
    }
    expect(decoded + rejected).toBeGreaterThan(sources.length * 20);
    expect(rejected).toBeGreaterThan(0);
  }, 300_000);
});
