import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readDicomHeader } from '../../../shared/dicom/readDicomHeader';
import { toModalityValues } from '../../../shared/dicom/toModalityValues';
import { toLineIntegrals } from '../../../shared/recon/lineIntegrals';
import { writeRotationalRun } from '../../../test/fixtures/rotationalRun';
import { hasSharedData, sharedDataDir } from '../../../test/support/referenceTools';
import { decodeFrame } from '../../services/pixels/decodeFrame';
import { fileOpener, lineIntegralReader, modalityReader, plainSixteenBitWords } from './runProjections';

/** 'modality': the values themselves; LIN, LOG: as line integrals against I0 or air. */
type Reading = 'modality' | 'LIN' | 'LOG';

/** The general path spelled out: decode, rescale, then Beer–Lambert (LIN) or the drop below air (LOG). */
async function expected(file: string, frameIndex: number, reading: Reading, i0: number): Promise<Float32Array> {
  const bytes = new Uint8Array(fs.readFileSync(file));
  const header = readDicomHeader(bytes, file, bytes.length);
  const values = toModalityValues(await decodeFrame(bytes, header, frameIndex), header.rescaleSlope, header.rescaleIntercept);
  return reading === 'modality' ? values : reading === 'LIN' ? toLineIntegrals(values, i0) : values.map((v) => i0 - v);
}

async function read(file: string, frameIndex: number, reading: Reading, i0: number): Promise<Float32Array> {
  const bytes = new Uint8Array(fs.readFileSync(file));
  const header = readDicomHeader(bytes, file, bytes.length);
  const size = { columns: header.columns!, rows: header.rows! };
  const out = new Float32Array(size.rows * size.columns);
  await (reading === 'modality' ? modalityReader(size) : lineIntegralReader({ ...size, intensity: reading, i0 }))({ file, frameIndex }, out);
  return out;
}

/** Same to the bit, NaN (a log of 0 or less) included. */
function expectBitIdentical(actual: Float32Array, wanted: Float32Array): void {
  expect(actual.length).toBe(wanted.length);
  const a = new Uint32Array(actual.buffer, actual.byteOffset, actual.length);
  const w = new Uint32Array(wanted.buffer, wanted.byteOffset, wanted.length);
  let differing = 0;
  for (let n = 0; n < a.length; n++) if (a[n] !== w[n] && !(Number.isNaN(actual[n]) && Number.isNaN(wanted[n]))) differing++;
  expect(differing).toBe(0);
}

const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'lumen-run-projections-'));
afterAll(() => fs.rmSync(scratch, { recursive: true, force: true }));

describe('lineIntegralReader and modalityReader', () => {
  it('reads a 16-bit LIN run from its words by table, the same to the bit as decoding, rescaling and taking logs', async () => {
    // 96 kB of pixels: beyond the head first read, so frames are read where they lie in the file.
    const run = writeRotationalRun({ dir: path.join(scratch, 'run'), frames: 4, detector: [128, 96], i0: 40000 });
    const opened = fileOpener()(run.file);
    expect(opened.head.length).toBeLessThan(opened.size);
    expect(plainSixteenBitWords(opened, 0, 128 * 96)).toBeDefined(); // the table path is the one exercised
    expect(opened.pixelData?.inFile).toBe(true);
    for (const frame of [0, 1, 3]) {
      const lineIntegrals = await read(run.file, frame, 'LIN', 39000);
      expectBitIdentical(lineIntegrals, await expected(run.file, frame, 'LIN', 39000));
      expectBitIdentical(await read(run.file, frame, 'modality', 0), await expected(run.file, frame, 'modality', 0));
      // Beer–Lambert itself: a pixel brighter than I0 has a negative integral, air at I0 none.
      expect(lineIntegrals.some((v) => v > 0.1)).toBe(true);
    }
  });

  it('reads a small run from the whole file, the same way', async () => {
    const run = writeRotationalRun({ dir: path.join(scratch, 'small'), frames: 3, detector: [40, 32], i0: 40000 });
    const opened = fileOpener()(run.file);
    expect(opened.head.length).toBe(opened.size);
    expect(plainSixteenBitWords(opened, 2, 40 * 32)).toBeDefined();
    expect(opened.pixelData?.inFile).toBe(false);
    expectBitIdentical(await read(run.file, 2, 'LIN', 41000), await expected(run.file, 2, 'LIN', 41000));
  });

  it('says so when the run is cut short after it was indexed, instead of reading past its end', async () => {
    const run = writeRotationalRun({ dir: path.join(scratch, 'cut'), frames: 4, detector: [128, 96] });
    const reader = lineIntegralReader({ columns: 128, rows: 96, intensity: 'LIN', i0: 50000 });
    const out = new Float32Array(128 * 96);
    await reader({ file: run.file, frameIndex: 0 }, out); // the head is read now
    fs.truncateSync(run.file, fs.statSync(run.file).size - 3 * 128 * 96); // half of frame 2 and all of frame 3 gone
    await reader({ file: run.file, frameIndex: 1 }, out); // still all there
    await expect(reader({ file: run.file, frameIndex: 3 }, out)).rejects.toThrow(/rotational-run.dcm ended while being read \(was it changed or truncated meanwhile\?\)/);
  });

  it('leaves frames of another size to the general path, which says what is wrong', async () => {
    const run = writeRotationalRun({ dir: path.join(scratch, 'other-size'), frames: 2, detector: [40, 32] });
    expect(plainSixteenBitWords(fileOpener()(run.file), 0, 32 * 32)).toBeUndefined();
    const out = new Float32Array(32 * 32);
    await expect(lineIntegralReader({ columns: 32, rows: 32, intensity: 'LIN', i0: 1000 })({ file: run.file, frameIndex: 0 }, out)).rejects.toThrow(/40×32/);
  });

  describe.skipIf(!hasSharedData)('on real files in every transfer syntax (needs ../shared/data)', () => {
    const folders = ['dicom-robustness/generated', 'dicom-robustness/pydicom-testfiles'].map((f) => path.join(sharedDataDir, f));
    const files = hasSharedData ? folders.flatMap((dir) => fs.readdirSync(dir).filter((f) => f.endsWith('.dcm')).map((f) => path.join(dir, f))) : [];

    it('gives what decoding gives, signed, rescaled, big-endian and compressed alike: modality values, LIN and LOG; fails on broken files as decoding does', async () => {
      let tabulated = 0;
      let compared = 0;
      const broken: string[] = [];
      for (const file of files) {
        const bytes = new Uint8Array(fs.readFileSync(file));
        let header;
        try {
          header = readDicomHeader(bytes, file, bytes.length);
        } catch {
          continue; // no header (truncated pixel data shows here): the index skips such files before any task
        }
        if (header.samplesPerPixel !== 1 || !header.rows || !header.columns) continue;
        const decodeError = await expected(file, 0, 'LIN', 3000).then(
          () => null,
          (e: Error) => e.message,
        );
        if (decodeError !== null) {
          // Broken on purpose (truncated, damaged): the reader fails as decoding does, in its words.
          await expect(read(file, 0, 'LIN', 3000)).rejects.toThrow(decodeError);
          broken.push(path.basename(file));
          continue;
        }
        if (plainSixteenBitWords(fileOpener()(file), 0, header.rows * header.columns)) tabulated++;
        for (const [reading, i0] of [['LIN', 3000], ['LOG', 2000], ['modality', 0]] as const) expectBitIdentical(await read(file, 0, reading, i0), await expected(file, 0, reading, i0));
        compared++;
      }
      // Signed CT with a rescale, big-endian MR, unsigned MR: the table path covers several layouts.
      expect(tabulated).toBeGreaterThanOrEqual(6);
      expect(compared).toBeGreaterThan(tabulated);
      expect(broken).toContain('JPEG2000-embedded-sequence-delimiter.dcm'); // damaged on purpose
    });
  });
});
