/**
 * The bundled samples. The chest CT is re-encoded as JPEG-LS by build/makeSample.ts: it
 * must decode to exactly the original pixel values, with every other attribute intact. The
 * C-arm spin is simulated from that CT by build/makeSampleRun.ts: it must be recognised as
 * a rotational run with its geometry, and reconstruct to the CT it was projected from.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readDicomHeader } from '../../shared/dicom/readDicomHeader';
import { rotationalRunOf } from '../../shared/recon/rotationalRun';
import { centredAttenuation } from '../../test/fixtures/centredAttenuation';
import { readBytes, repoRoot, sharedDataDir } from '../../test/support/referenceTools';
import { correlationWithSource } from '../../test/support/volumeSampling';
import { DicomIndexService } from './DicomIndexService';
import { decodeFrame } from './pixels/decodeFrame';
import { reconstructRun } from './ReconstructionService';
import { VolumeService } from './VolumeService';
import { WorkerPool } from './WorkerPool';

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

describe('bundled sample C-arm spin (assets/sample/xa-rotational-run)', () => {
  it('is a 200° rotational run of the sample CT that reconstructs to that CT, in place', async () => {
    const pool = new WorkerPool({ size: 2 });
    try {
      const index = new DicomIndexService(pool);
      const result = await index.index(path.join(repoRoot, 'assets/sample'));
      const run = result.series.find((s) => s.kind === 'rotational-projections');
      const ct = result.series.find((s) => s.kind === 'volume');
      expect(result.skipped).toEqual([]);
      expect(run?.frames).toBe(133);
      const rotational = rotationalRunOf(index.requirePlan(run!.uid));
      expect(rotational.warnings).toEqual([]);
      expect(rotational.intensity).toBe('LIN');
      const recon = await reconstructRun({ pool, budgetBytes: 2 ** 31 }, rotational, { window: 'hann', size: [96, 96, 96], spacing: 2.5 });
      expect(recon.report.arcDeg).toBeCloseTo(200, 6);
      expect(recon.report.shortScan).toBe(true);
      const source = centredAttenuation(await new VolumeService(pool).load(index.requirePlan(ct!.uid)), 2);
      const reconstructed = { dimensions: recon.grid.dimensions, ijkToLps: recon.grid.ijkToLps, voxels: recon.voxels };
      const r = correlationWithSource(reconstructed, source);
      const mirrored = correlationWithSource(reconstructed, source, (p) => [-p[0], p[1], p[2]]);
      console.log(`bundled run: r = ${r.toFixed(3)} against the sample CT (mirrored L-R ${mirrored.toFixed(3)})`);
      expect(r).toBeGreaterThan(0.9);
      expect(mirrored).toBeLessThan(r - 0.1);
    } finally {
      await pool.destroy();
    }
  }, 120_000);
});
