/**
 * The bundled sample is the chest CT re-encoded as JPEG-LS by build/makeSample.ts. It
 * must decode to exactly the original pixel values, with every other attribute intact.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readDicomHeader } from '../../shared/dicom/readDicomHeader';
import { decodeFrame } from './pixels/decodeFrame';
import { readBytes, repoRoot, sharedDataDir } from '../../test/support/referenceTools';

const sampleDir = path.join(repoRoot, 'assets/sample/ct-chest');
const originalDir = path.join(sharedDataDir, 'ct-chest/dicom');
const sampleFiles = fs.existsSync(sampleDir) ? fs.readdirSync(sampleDir).filter((f) => f.endsWith('.dcm')).sort() : [];

describe('bundled sample (assets/sample/ct-chest)', () => {
  it('is the whole 99-slice series in at most 30 MB, JPEG-LS lossless', () => {
    expect(sampleFiles).toHaveLength(99);
    const bytes = sampleFiles.reduce((n, f) => n + fs.statSync(path.join(sampleDir, f)).size, 0);
    expect(bytes).toBeLessThanOrEqual(30e6);
    const header = readDicomHeader(readBytes(path.join(sampleDir, sampleFiles[0])), sampleFiles[0], bytes);
    expect(header.transferSyntaxUid).toBe('1.2.840.10008.1.2.4.80');
    expect(header.lossyImageCompression).toBe(false);
  });

  describe.skipIf(!fs.existsSync(originalDir))('against the original files (needs ../shared/data)', () => {
    it('decodes every slice bit-exact and keeps every header attribute', async () => {
      for (const name of sampleFiles) {
        const sampleBytes = readBytes(path.join(sampleDir, name));
        const originalBytes = readBytes(path.join(originalDir, name));
        const sample = readDicomHeader(sampleBytes, name, sampleBytes.length);
        const original = readDicomHeader(originalBytes, name, originalBytes.length);
        expect({ ...sample, transferSyntaxUid: '', fileSize: 0 }).toEqual({ ...original, transferSyntaxUid: '', fileSize: 0 });
        const [a, b] = await Promise.all([decodeFrame(sampleBytes, sample, 0), decodeFrame(originalBytes, original, 0)]);
        expect(a.width).toBe(b.width);
        expect(Buffer.compare(Buffer.from(a.pixels.buffer, a.pixels.byteOffset, a.pixels.byteLength), Buffer.from(b.pixels.buffer, b.pixels.byteOffset, b.pixels.byteLength))).toBe(0);
      }
    });
  });
});
