import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { writeRotationalRun } from '../../test/fixtures/rotationalRun';
import type { DicomHeader } from './DicomHeader';
import { buildIndex } from './buildIndex';
import { headerAxisAngles, looksLikeFrameSteps, nominalFrameTimeMs, seriesFrameAngles } from './frameAngles';
import { readDicomHeader } from './readDicomHeader';

const XA_SOP = '1.2.840.10008.5.1.4.1.1.12.1';
const ENHANCED_XA_SOP = '1.2.840.10008.5.1.4.1.1.12.1.1';

function xa(overrides: Partial<DicomHeader> = {}): DicomHeader {
  return {
    file: '/xa/run.dcm',
    fileSize: 1000,
    transferSyntaxUid: '1.2.840.10008.1.2.1',
    rawDataSet: false,
    sopClassUid: XA_SOP,
    isDicomDir: false,
    seriesInstanceUid: '7.7',
    studyInstanceUid: '7',
    modality: 'XA',
    hasPixelData: true,
    rows: 64,
    columns: 64,
    numberOfFrames: 5,
    samplesPerPixel: 1,
    bitsAllocated: 16,
    rescaleSlope: 1,
    rescaleIntercept: 0,
    lossyImageCompression: false,
    geometry: {},
    ...overrides,
  };
}

const framesOf = (h: DicomHeader) => Array.from({ length: h.numberOfFrames }, (_, frameIndex) => ({ header: h, frameIndex }));
const summaryOf = (headers: DicomHeader[]) => buildIndex({ folder: '/xa', headers, skipped: [], elapsedSeconds: 0 }).result.series[0];

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lumen-frame-angles-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe('frame angles: the fixture convention (offsets from the first frame, PS3.3 C.8.7.5.1.3)', () => {
  it('gives every frame of a written rotational run its true primary and secondary angle, and the frame time', () => {
    const truth = writeRotationalRun({ dir: path.join(tmp, 'spin'), frames: 41, detector: [16, 16], pixelMm: 19.2, secondaryDeg: -12.5 });
    const bytes = new Uint8Array(fs.readFileSync(truth.file));
    const header = readDicomHeader(bytes, truth.file, bytes.length);
    const s = summaryOf([header]);
    expect(s.kind).toBe('rotational-projections');
    expect(s.frameAngles?.primaryDeg).toHaveLength(41);
    for (let f = 0; f < 41; f++) expect(s.frameAngles!.primaryDeg[f]).toBeCloseTo(truth.primaryDeg[f], 9);
    expect(s.frameAngles!.primaryDeg[0]).toBe(-100);
    expect(s.frameAngles!.primaryDeg[40]).toBeCloseTo(100, 9);
    expect(s.frameAngles!.secondaryDeg).toEqual(truth.secondaryDeg);
    expect(s.frameAngles!.secondaryDeg![0]).toBe(-12.5);
    expect(s.frameTimeMs).toBeCloseTo(1000 / 30, 3);
    expect(s.warnings).toEqual([]);
  });

  it('reads a single increment as the average change per frame', () => {
    const h = xa({ positionerPrimaryAngle: 30, positionerPrimaryAngleIncrement: [2.5], positionerSecondaryAngle: 10 });
    expect(seriesFrameAngles(framesOf(h))).toEqual({ angles: { primaryDeg: [30, 32.5, 35, 37.5, 40], secondaryDeg: [10, 10, 10, 10, 10] }, warnings: [] });
  });

  it('reads absolute angles in the increments with a start angle of 0, as the standard permits, without a warning', () => {
    const h = xa({ positionerPrimaryAngle: 0, positionerPrimaryAngleIncrement: [-60, -45, -30, -15, 0], positionerSecondaryAngle: 0 });
    const { angles, warnings } = seriesFrameAngles(framesOf(h));
    expect(angles?.primaryDeg).toEqual([-60, -45, -30, -15, 0]);
    expect(warnings).toEqual([]);
  });
});

describe('frame angles: increments that look like frame-to-frame steps', () => {
  it('keeps the offset reading and says so, whether the list starts at 0 or at the first step', () => {
    for (const increments of [
      [0, 1.5, 1.5, 1.5, 1.5],
      [1.5, 1.5, 1.5, 1.5, 1.5],
    ]) {
      const h = xa({ positionerPrimaryAngle: -30, positionerPrimaryAngleIncrement: increments, positionerSecondaryAngle: 0 });
      const s = summaryOf([h]);
      // Offsets, not the cumulative sums (−30, −28.5, −27, …) a step reading would give.
      expect(s.frameAngles?.primaryDeg).toEqual(increments.map((v) => -30 + v));
      expect(s.warnings).toHaveLength(1);
      expect(s.warnings[0]).toMatch(/^The C-arm angles stored in Positioner Primary Angle Increment \(0018,1520\) look like frame-to-frame steps/);
    }
  });

  it('tells offsets from steps on the lists that decide it', () => {
    const offsets = Array.from({ length: 41 }, (_, f) => 5 * f);
    expect(looksLikeFrameSteps(-100, offsets)).toBe(false);
    expect(looksLikeFrameSteps(-100, offsets.map(() => 0))).toBe(false); // a static arm
    expect(looksLikeFrameSteps(0, offsets.map((o) => o - 100))).toBe(false); // absolute angles
    expect(looksLikeFrameSteps(-100, offsets.map(() => 5))).toBe(true);
    expect(looksLikeFrameSteps(-100, [0, ...offsets.slice(1).map(() => 5)])).toBe(true);
    expect(looksLikeFrameSteps(-100, [5, 10, 15])).toBe(true); // frame 0 is not at offset 0
    expect(looksLikeFrameSteps(-100, [0, 5])).toBe(false); // too short to tell
  });

  it('gives up with a warning when the increment count is neither 1 nor the frame count', () => {
    const h = xa({ positionerPrimaryAngle: -30, positionerPrimaryAngleIncrement: [0, 1, 2], positionerSecondaryAngle: 0 });
    const s = summaryOf([h]);
    expect(s.frameAngles).toBeUndefined();
    expect(s.warnings).toEqual(['Positioner Primary Angle Increment (0018,1520) has 3 values for 5 frames, so the C-arm angle of each frame is unknown.']);
  });
});

describe('frame angles: other sources and missing tags', () => {
  it('uses the enhanced XA per-frame positioner angles, over the module-level ones', () => {
    const h = xa({
      sopClassUid: ENHANCED_XA_SOP,
      numberOfFrames: 3,
      positionerPrimaryAngle: -90,
      positionerSecondaryAngle: 5,
      perFrame: [
        { positionerPrimaryAngle: -90, positionerSecondaryAngle: 5 },
        { positionerPrimaryAngle: -88.5, positionerSecondaryAngle: 4 },
        { positionerPrimaryAngle: -87, positionerSecondaryAngle: 3 },
      ],
    });
    const s = summaryOf([h]);
    expect(s.kind).toBe('rotational-projections');
    expect(s.frameAngles).toEqual({ primaryDeg: [-90, -88.5, -87], secondaryDeg: [5, 4, 3] });
  });

  it('gives one angle per file for a series of single-frame XA images, in display order', () => {
    const headers = [30, -20, 45].map((angle, n) =>
      xa({ file: `/xa/${n}.dcm`, numberOfFrames: 1, instanceNumber: n + 1, positionerPrimaryAngle: angle, positionerSecondaryAngle: -angle / 10 }),
    );
    const s = summaryOf(headers);
    expect(s.frameAngles).toEqual({ primaryDeg: [30, -20, 45], secondaryDeg: [-3, 2, -4.5] });
    expect(s.frameTimeMs).toBeUndefined();
  });

  it('is undefined without positioner angles, outside X-ray angiography, and for a partly known series', () => {
    expect(summaryOf([xa({ positionerMotion: 'DYNAMIC' })]).frameAngles).toBeUndefined();
    const mammo = xa({ modality: 'MG', sopClassUid: '1.2.840.10008.5.1.4.1.1.1.2', numberOfFrames: 1, positionerPrimaryAngle: 45 });
    expect(summaryOf([mammo]).frameAngles).toBeUndefined();
    const partly = [xa({ file: '/xa/a.dcm', numberOfFrames: 1, instanceNumber: 1, positionerPrimaryAngle: 10 }), xa({ file: '/xa/b.dcm', numberOfFrames: 1, instanceNumber: 2 })];
    expect(seriesFrameAngles(partly.map((header) => ({ header, frameIndex: 0 }))).angles).toBeUndefined();
  });

  it('leaves the secondary angles out, not zero, when they are unknown', () => {
    const h = xa({ positionerPrimaryAngle: 30, positionerPrimaryAngleIncrement: [0, 1, 2, 3, 4] });
    expect(seriesFrameAngles(framesOf(h)).angles).toEqual({ primaryDeg: [30, 31, 32, 33, 34] });
    expect(headerAxisAngles(h, 'secondary', [])).toEqual([undefined, undefined, undefined, undefined, undefined]);
  });
});

describe('nominal frame time', () => {
  it('prefers Frame Time, else averages the Frame Time Vector after its leading 0, and is undefined for one frame', () => {
    expect(nominalFrameTimeMs(xa({ frameTime: 66.7, frameTimeVector: [0, 10, 10] }))).toBe(66.7);
    expect(nominalFrameTimeMs(xa({ frameTimeVector: [0, 30, 40, 50, 40] }))).toBe(40);
    expect(nominalFrameTimeMs(xa({}))).toBeUndefined();
    expect(nominalFrameTimeMs(xa({ numberOfFrames: 1, frameTime: 33 }))).toBeUndefined();
  });
});
