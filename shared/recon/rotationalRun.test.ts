/**
 * The run's geometry read from DICOM against the geometry its writer used (the analytic
 * run of test/fixtures/rotationalRun.ts), and the documented fallbacks when attributes
 * are missing, on headers edited from that file.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { writeRotationalRun } from '../../test/fixtures/rotationalRun';
import { UserError } from '../contracts/UserError';
import type { DicomHeader } from '../dicom/DicomHeader';
import { buildIndex } from '../dicom/buildIndex';
import { readDicomHeader } from '../dicom/readDicomHeader';
import { DEFAULT_SID_MM, DEFAULT_SOD_MM, rotationalRunOf } from './rotationalRun';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lumen-rotationalRun-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

const truth = writeRotationalRun({ dir: tmp, frames: 24, arcDeg: 210, startDeg: -95, secondaryDeg: 3, sid: 1195, sod: 810, detector: [40, 32], pixelMm: 0.6 });
const bytes = new Uint8Array(fs.readFileSync(truth.file));
const header = readDicomHeader(bytes, truth.file, bytes.length);

function runOf(edit: (h: DicomHeader) => void = () => {}) {
  const h: DicomHeader = structuredClone(header);
  edit(h);
  const { result, plans } = buildIndex({ folder: tmp, headers: [h], skipped: [], elapsedSeconds: 0 });
  return rotationalRunOf(plans.get(result.series[0].uid)!);
}

describe('rotationalRunOf', () => {
  it('reads the angles, distances, detector and intensity the run was written with', () => {
    const run = runOf();
    expect(run.seriesUid).toBe(truth.seriesInstanceUid);
    expect(run.geometry.detector).toEqual(truth.coneBeam.detector);
    expect(run.geometry.views).toHaveLength(24);
    run.geometry.views.forEach((v, f) => {
      const t = truth.coneBeam.views[f];
      expect(v.primaryDeg).toBeCloseTo(t.primaryDeg, 6);
      expect(v.secondaryDeg).toBeCloseTo(t.secondaryDeg, 6);
      expect([v.sid, v.sod]).toEqual([1195, 810]);
    });
    expect(run.views.map((r) => [r.file, r.frameIndex])).toEqual(truth.primaryDeg.map((_, f) => [truth.file, f]));
    expect(run.intensity).toBe('LIN');
    expect(run.notes.defaultedDistances).toBe(false);
    expect(run.fileBytes).toBe(bytes.length);
    expect(run.warnings).toEqual([]);
  });

  it('reads one increment as a constant step per frame', () => {
    const run = runOf((h) => {
      h.positionerPrimaryAngle = -100;
      h.positionerPrimaryAngleIncrement = [1.5];
      h.positionerSecondaryAngleIncrement = [0];
    });
    expect(run.geometry.views.map((v) => v.primaryDeg)).toEqual(Array.from({ length: 24 }, (_, f) => -100 + 1.5 * f));
  });

  it('takes Enhanced XA per-frame positioner angles over the classic ones', () => {
    const run = runOf((h) => {
      h.perFrame = Array.from({ length: 24 }, (_, f) => ({ positionerPrimaryAngle: 10 + 2 * f, positionerSecondaryAngle: -4 }));
    });
    expect(run.geometry.views.map((v) => [v.primaryDeg, v.secondaryDeg])).toEqual(Array.from({ length: 24 }, (_, f) => [10 + 2 * f, -4]));
  });

  it('uses the documented default distances when the run has none, and says so', () => {
    const run = runOf((h) => {
      delete h.distanceSourceToDetector;
      delete h.distanceSourceToPatient;
    });
    expect(run.geometry.views.every((v) => v.sid === DEFAULT_SID_MM && v.sod === DEFAULT_SOD_MM)).toBe(true);
    expect(run.notes.defaultedDistances).toBe(true);
  });

  it('falls back to Pixel Spacing (at the isocentre) times the magnification, with a warning', () => {
    const run = runOf((h) => {
      delete h.imagerPixelSpacing;
      h.geometry.pixelSpacing = [0.4, 0.5];
    });
    const m = 1195 / 810;
    expect(run.geometry.detector.pixelMm[0]).toBeCloseTo(0.5 * m, 9);
    expect(run.geometry.detector.pixelMm[1]).toBeCloseTo(0.4 * m, 9);
    expect(run.warnings.join(' ')).toMatch(/Imager Pixel Spacing/);
  });

  it('refuses a run whose detector pixel size is unknown, or that is not a spin', () => {
    expect(() => runOf((h) => delete h.imagerPixelSpacing)).toThrow(UserError);
    expect(() =>
      runOf((h) => {
        h.positionerMotion = 'STATIC';
        delete h.positionerPrimaryAngleIncrement;
        delete h.positionerSecondaryAngleIncrement;
      }),
    ).toThrow(/not a rotational angiography run/);
  });

  it('knows LOG data, and reads a missing intensity relationship as LIN with a warning', () => {
    expect(runOf((h) => (h.pixelIntensityRelationship = 'LOG')).intensity).toBe('LOG');
    const unstated = runOf((h) => delete h.pixelIntensityRelationship);
    expect(unstated.intensity).toBe('LIN');
    expect(unstated.warnings.join(' ')).toMatch(/0028,1040/);
  });
});
