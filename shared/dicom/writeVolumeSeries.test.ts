/**
 * A volume written as a CT series and indexed back: one volume series with the same
 * grid in LPS (oblique and with unequal spacings, so a swapped axis or spacing shows),
 * valid and distinct UIDs, one Frame of Reference, and no error against the CT Image
 * IOD in dciodvfy (dicom3tools) where it is installed. Pixel values are checked end to end
 * in electron/cli/reconstruct.test.ts (loaded back with the volume loader).
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { hasTool } from '../../test/support/referenceTools';
import { buildIndex } from './buildIndex';
import { readDicomHeader } from './readDicomHeader';
import { isValidUid } from './uid';
import { int16Rescale, writeVolumeSeries } from './writeVolumeSeries';

describe('writeVolumeSeries', () => {
  // Rotated 30° about S, spacings 0.8 × 1.1 × 2.5 mm, origin off-centre.
  const c = Math.cos(Math.PI / 6);
  const s = Math.sin(Math.PI / 6);
  const ijkToLps = [0.8 * c, -1.1 * s, 0, -40, 0.8 * s, 1.1 * c, 0, 12.5, 0, 0, 2.5, -30, 0, 0, 0, 1];
  const dimensions: [number, number, number] = [6, 5, 4];
  const voxels = Float32Array.from({ length: 120 }, (_, n) => 0.001 * (n - 40));

  it('indexes back as one volume on the same LPS grid', () => {
    const series = writeVolumeSeries({ dimensions, ijkToLps, voxels }, { patientName: 'Doe^J', patientId: 'P', studyInstanceUid: '1.2.3', studyDate: '20240103', seriesDescription: 'test', rescaleType: 'US' });
    expect(series.count).toBe(4);
    const headers = [3, 1, 0, 2].map((k) => {
      const file = series.fileAt(k);
      return readDicomHeader(file.bytes, `/out/${file.name}`, file.bytes.length);
    });
    const { result, plans } = buildIndex({ folder: '/out', headers, skipped: [], elapsedSeconds: 0 });
    expect(result.series).toHaveLength(1);
    const summary = result.series[0];
    expect(summary.kind).toBe('volume');
    expect(summary.modality).toBe('CT');
    expect(summary.uid).toBe(series.seriesInstanceUid);
    expect(summary.dimensions).toEqual(dimensions);
    summary.ijkToLps!.forEach((v, n) => expect(v).toBeCloseTo(ijkToLps[n], 5));
    expect(summary.frameOfReferenceUid).toBe(series.frameOfReferenceUid);
    expect([summary.studyUid, summary.studyDate, summary.patientName, summary.patientId]).toEqual(['1.2.3', '20240103', 'Doe^J', 'P']);
    expect(summary.warnings).toEqual([]);
    const sops = headers.map((h) => h.sopInstanceUid!);
    expect(new Set(sops).size).toBe(4);
    expect([...sops, series.seriesInstanceUid, series.frameOfReferenceUid].every(isValidUid)).toBe(true);
    expect(headers.every((h) => h.rescaleSlope === series.rescale.slope && h.rescaleIntercept === 0)).toBe(true);
    expect(plans.get(summary.uid)!.frames.map((f) => f.file)).toEqual(['/out/slice-0001.dcm', '/out/slice-0002.dcm', '/out/slice-0003.dcm', '/out/slice-0004.dcm']);
  });

  it.skipIf(!hasTool('dciodvfy'))('dciodvfy (dicom3tools) finds no error against the CT Image IOD', () => {
    const series = writeVolumeSeries({ dimensions, ijkToLps, voxels }, { patientName: 'Doe^J', patientId: 'P', studyInstanceUid: '1.2.3', studyDate: '20240103', seriesDescription: 'test', rescaleType: 'US' });
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lumen-volumeSeries-'));
    try {
      const file = path.join(dir, 'slice.dcm');
      fs.writeFileSync(file, series.fileAt(2).bytes);
      const run = spawnSync('dciodvfy', [file], { encoding: 'utf8' });
      const lines = `${run.stdout}${run.stderr}`.split('\n');
      expect(lines).toContain('CTImage');
      expect(lines.filter((l) => /^Error/.test(l))).toEqual([]);
      // Expected warnings only: no Study Time/ID (unknown for the run's study), and Rescale Type US,
      // which CT accepts (Type 1C when not HU) but dciodvfy does not list among CT's terms.
      expect(lines.filter((l) => /^Warning/.test(l) && !/Study Time|Study ID|<US> for value 1 of attribute <Rescale Type>/.test(l))).toEqual([]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('chooses a rescale that fits the largest magnitude in int16 and keeps 0 exact', () => {
    for (const largest of [0.0437, 1, 2500, 3.2e-7]) {
      const { slope, intercept } = int16Rescale(Float32Array.from([0, -largest, largest / 3]));
      expect(intercept).toBe(0);
      expect(largest / slope).toBeLessThanOrEqual(32767);
      expect(largest / slope).toBeGreaterThan(31000);
      expect(String(slope).replace(/^0\.0*|\.|e.*$/g, '').length).toBeLessThanOrEqual(4);
    }
  });
});
