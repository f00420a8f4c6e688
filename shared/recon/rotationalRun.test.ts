/**
 * The run's geometry read from DICOM against the geometry its writer used (the analytic
 * run of test/fixtures/rotationalRun.ts), and the documented fallbacks when attributes
 * are missing, on headers edited from that file.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { writeRotationalRun, type EnhancedXaOptions } from '../../test/fixtures/rotationalRun';
import { UserError } from '../contracts/UserError';
import type { DicomHeader } from '../dicom/DicomHeader';
import { buildIndex } from '../dicom/buildIndex';
import { readDicomHeader } from '../dicom/readDicomHeader';
import { geometryReport } from './cArmGeometry';
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

  it('gives the frames of each file of a run in several files that file\'s own distances', () => {
    // A spin stored as two multi-frame files: the second one's frames carry their own source to isocentre distance.
    const first: DicomHeader = structuredClone(header);
    const second: DicomHeader = { ...structuredClone(header), file: path.join(tmp, 'second-half.dcm'), sopInstanceUid: `${header.sopInstanceUid}.2`, instanceNumber: (header.instanceNumber ?? 1) + 1 };
    second.positionerPrimaryAngle = (header.positionerPrimaryAngle ?? 0) + 220;
    second.perFrame = Array.from({ length: 24 }, (_, f) => ({ distanceSourceToIsocenter: 790 + 0.1 * f }));
    const { result, plans } = buildIndex({ folder: tmp, headers: [first, second], skipped: [], elapsedSeconds: 0 });
    expect(result.series).toHaveLength(1);
    const run = rotationalRunOf(plans.get(result.series[0].uid)!);
    expect(run.geometry.views).toHaveLength(48);
    const sodOf = (file: string) => run.views.flatMap((ref, n) => (ref.file === file ? [run.geometry.views[n].sod] : []));
    expect(sodOf(first.file)).toEqual(new Array(24).fill(810));
    expect(sodOf(second.file)).toEqual(Array.from({ length: 24 }, (_, f) => 790 + 0.1 * f));
    expect(run.geometry.views.every((v) => v.sid === 1195)).toBe(true);
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

/** An Enhanced XA run written by the fixtures' writer, indexed from its header as the indexer reads it. */
function enhancedRunOf(name: string, enhanced: EnhancedXaOptions) {
  const dir = path.join(tmp, name);
  const written = writeRotationalRun({ dir, frames: 12, arcDeg: 200, detector: [24, 20], pixelMm: 0.8, enhanced });
  const b = new Uint8Array(fs.readFileSync(written.file));
  const h = readDicomHeader(b, written.file, b.length);
  const { result, plans } = buildIndex({ folder: dir, headers: [h], skipped: [], elapsedSeconds: 0 });
  return { run: rotationalRunOf(plans.get(result.series[0].uid)!), written };
}

describe('rotationalRunOf on Enhanced XA (X-Ray Geometry functional groups)', () => {
  it('gives every view its own per-frame distances, and warns when they spread beyond a few mm', () => {
    // A sagging orbit: the source to isocentre distance drifts by 11 mm over the spin.
    const sod = Array.from({ length: 12 }, (_, f) => 805.3 + f);
    const sid = Array.from({ length: 12 }, (_, f) => 1195 + 0.25 * f);
    const { run, written } = enhancedRunOf('sagging', { sid, sod, receptor: 'DIGITAL_DETECTOR' });
    run.geometry.views.forEach((v, f) => {
      const t = written.coneBeam.views[f];
      expect(v.primaryDeg).toBeCloseTo(t.primaryDeg, 9);
      expect([v.secondaryDeg, v.sid, v.sod]).toEqual([t.secondaryDeg, t.sid, t.sod]);
    });
    expect(run.geometry.views.map((v) => v.sod)).toEqual(sod); // FL read back to its decimal value
    expect(run.notes.defaultedDistances).toBe(false);
    expect(run.notes.imageIntensifier).toBe(false);
    expect(run.warnings).toHaveLength(1);
    expect(run.warnings[0]).toMatch(/source to isocentre distance varies by 11\.0 mm .*805\.3 to 816\.3.*each view is reconstructed with its own/);
    // The report's magnification is the mean over the views.
    const meanMagnification = sid.reduce((sum, x) => sum + x, 0) / sid.reduce((sum, _, f) => sum + sod[f], 0);
    expect(geometryReport(run.geometry, run.notes).magnification).toBeCloseTo(meanMagnification, 3);
  });

  it('reads shared distances for every frame, with no warning when they are constant', () => {
    const { run } = enhancedRunOf('shared', { sid: [1180], sod: [790.5] });
    expect(run.geometry.views.every((v) => v.sid === 1180 && v.sod === 790.5)).toBe(true);
    expect(run.notes.defaultedDistances).toBe(false);
    expect(run.warnings).toEqual([]);
  });

  it('stays quiet about a spread within the tolerance', () => {
    const { run } = enhancedRunOf('steady', { sid: [1200], sod: Array.from({ length: 12 }, (_, f) => 800 + 0.3 * f) });
    expect(run.warnings).toEqual([]);
  });

  it('defaults the distances of an Enhanced run that has none, and the report says so', () => {
    const { run } = enhancedRunOf('no-distances', {});
    expect(run.geometry.views.every((v) => v.sid === DEFAULT_SID_MM && v.sod === DEFAULT_SOD_MM)).toBe(true);
    expect(run.notes.defaultedDistances).toBe(true);
    expect(geometryReport(run.geometry, run.notes).warnings.join(' ')).toMatch(/distances are missing.*1200\.0 mm.*800\.0 mm/);
  });

  it('knows an image-intensifier receptor, and the report warns that its distortion is not corrected', () => {
    const { run } = enhancedRunOf('intensifier', { sid: [1100], sod: [750], receptor: 'IMG_INTENSIFIER' });
    expect(run.notes.imageIntensifier).toBe(true);
    expect(geometryReport(run.geometry, run.notes).warnings.join(' ')).toMatch(/image intensifier.*not corrected/);
  });
});

describe('the receptor of a classic XA run', () => {
  it('is an image intensifier when Intensifier Size (0018,1162) is given, a digital detector with Detector Type (0018,7004)', () => {
    expect(runOf().notes.imageIntensifier).toBe(false);
    expect(runOf((h) => (h.intensifierSize = 230)).notes.imageIntensifier).toBe(true);
    expect(runOf((h) => ((h.intensifierSize = 230), (h.detectorType = 'SCINTILLATOR'))).notes.imageIntensifier).toBe(false);
  });
});
