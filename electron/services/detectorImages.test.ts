/**
 * Detector images read back from every file form the CLI accepts, against the values
 * written: DICOM (rescale applied, frames averaged), a one-slice NRRD, raw float32 and
 * raw uint16; and a clear refusal of a size that does not match the run.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { newUid } from '../../shared/dicom/uid';
import { writeDicom } from '../../shared/dicom/writeDicom';
import { encodeVolume } from '../../shared/io/volumeFormats';
import { readDetectorImage } from './detectorImages';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lumen-detector-images-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

const [columns, rows] = [7, 5];
/** An asymmetric pattern, so a transposed or flipped read shows. */
const truth = Float32Array.from({ length: columns * rows }, (_, n) => 100 + 10 * (n % columns) + 2 * Math.floor(n / columns));

describe('readDetectorImage', () => {
  it('reads a DICOM image in modality units, averaging its frames', async () => {
    // Stored = (truth ± 4 + 10) / 2 in two frames: their mean after the rescale is the truth.
    const frame = (delta: number) => Uint16Array.from(truth, (v) => (v + delta + 10) / 2);
    const pixels = new Uint16Array(2 * columns * rows);
    pixels.set(frame(4));
    pixels.set(frame(-4), columns * rows);
    const file = path.join(tmp, 'dark.dcm');
    fs.writeFileSync(
      file,
      writeDicom([
        { tag: 0x00080016, vr: 'UI', value: '1.2.840.10008.5.1.4.1.1.12.1' },
        { tag: 0x00080018, vr: 'UI', value: newUid() },
        { tag: 0x00080060, vr: 'CS', value: 'XA' },
        { tag: 0x00280002, vr: 'US', value: 1 },
        { tag: 0x00280004, vr: 'CS', value: 'MONOCHROME2' },
        { tag: 0x00280008, vr: 'IS', value: 2 },
        { tag: 0x00280010, vr: 'US', value: rows },
        { tag: 0x00280011, vr: 'US', value: columns },
        { tag: 0x00280100, vr: 'US', value: 16 },
        { tag: 0x00280101, vr: 'US', value: 16 },
        { tag: 0x00280102, vr: 'US', value: 15 },
        { tag: 0x00280103, vr: 'US', value: 0 },
        { tag: 0x00281052, vr: 'DS', value: -10 },
        { tag: 0x00281053, vr: 'DS', value: 2 },
        { tag: 0x7fe00010, vr: 'OW', value: pixels },
      ]),
    );
    expect(await readDetectorImage(file, columns, rows, 'dark')).toEqual(truth);
  });

  it('reads a one-slice NRRD with i along the columns', async () => {
    const file = path.join(tmp, 'flat.nrrd');
    fs.writeFileSync(file, encodeVolume({ dimensions: [columns, rows, 1], ijkToLps: [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1], voxels: truth }, 'nrrd'));
    expect(await readDetectorImage(file, columns, rows, 'flat')).toEqual(truth);
  });

  it('reads raw float32 and uint16 samples, told apart by the size', async () => {
    const asFloat = path.join(tmp, 'flat.f32');
    fs.writeFileSync(asFloat, new Uint8Array(truth.buffer));
    expect(await readDetectorImage(asFloat, columns, rows, 'flat')).toEqual(truth);
    const asUint16 = path.join(tmp, 'flat.u16');
    fs.writeFileSync(asUint16, new Uint8Array(Uint16Array.from(truth).buffer));
    expect(await readDetectorImage(asUint16, columns, rows, 'flat')).toEqual(truth);
  });

  it('refuses an image that does not match the run, or a file that is none of these', async () => {
    const file = path.join(tmp, 'small.nrrd');
    fs.writeFileSync(file, encodeVolume({ dimensions: [columns - 1, rows, 1], ijkToLps: [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1], voxels: new Float32Array((columns - 1) * rows) }, 'nrrd'));
    await expect(readDetectorImage(file, columns, rows, 'dark')).rejects.toThrow(/dark image small\.nrrd is 6×5×1.*7×5/);
    const junk = path.join(tmp, 'junk.bin');
    fs.writeFileSync(junk, new Uint8Array(33));
    await expect(readDetectorImage(junk, columns, rows, 'flat')).rejects.toMatchObject({ code: 'invalid-request' });
    await expect(readDetectorImage(path.join(tmp, 'missing.dcm'), columns, rows, 'flat')).rejects.toMatchObject({ code: 'not-found' });
  });
});
