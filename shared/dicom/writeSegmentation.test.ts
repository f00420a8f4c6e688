/**
 * DICOM SEG for labels on a generated CT series (rotated slices, so orientation and positions
 * are not the identity): read back by pydicom, whose pixel_array unpacks the 1-bit frames
 * independently, placed by the reference images' own ImagePositionPatient (read by pydicom
 * from the source files, not from our geometry), and parsed by dcmdump and checked against
 * the IOD by dciodvfy (dicom3tools) where they are installed.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { transformPoint } from '../math/mat4';
import { writeVolumePhantom, type VolumePhantomTruth } from '../../test/fixtures/volumePhantom';
import { hasTool } from '../../test/support/referenceTools';
import { pydicomPython, runPydicom } from '../../test/support/pydicom';
import { cieLabFromRgb, readReferenceAttributes, SEGMENTATION_STORAGE, writeSegmentation, type SegmentationRequest } from './writeSegmentation';

const havePydicom = pydicomPython() !== null;

describe('writeSegmentation', () => {
  let tmp: string;
  let truth: VolumePhantomTruth;
  let request: SegmentationRequest;
  let labels: Uint8Array;
  let segFile: string;

  beforeAll(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lumen-seg-'));
    truth = writeVolumePhantom({ dir: path.join(tmp, 'dicom'), orientation: 'rotated', size: [40, 36, 30], spacing: [2, 2.5, 3] });
    const [c, r, s] = truth.dimensions;
    // Marker A's neighbourhood is label 1, marker B's label 3 (a gap in the values on purpose).
    labels = new Uint8Array(c * r * s);
    for (let k = 0; k < s; k++) {
      for (let j = 0; j < r; j++) {
        for (let i = 0; i < c; i++) {
          const p = transformPoint(truth.ijkToLps, [i, j, k]);
          truth.markers.forEach((m, n) => {
            if (Math.hypot(p[0] - m.centre[0], p[1] - m.centre[1], p[2] - m.centre[2]) < m.radius + 2) labels[i + c * (j + r * k)] = n === 0 ? 1 : 3;
          });
        }
      }
    }
    const attributes = truth.files.map((f) => readReferenceAttributes(fs.readFileSync(f)));
    request = {
      labels: { dimensions: truth.dimensions, voxels: labels },
      ijkToLps: truth.ijkToLps,
      reference: { ...attributes[0]!, patientName: 'Müller^Jürgen' },
      sourceImages: attributes.map((a) => ({ sopClassUid: a.sopClassUid, sopInstanceUid: a.sopInstanceUid })),
      segments: [{ label: 3, name: 'Marker B', algorithmType: 'MANUAL', rgb: [255, 0, 0] }],
      seriesDescription: 'Mapped labels',
    };
    segFile = path.join(tmp, 'seg.dcm');
    fs.writeFileSync(segFile, writeSegmentation(request).bytes);
  });
  afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('numbers the segments 1..n over the sorted label values, one frame per slice a segment touches', () => {
    const result = writeSegmentation(request);
    const [c, r, s] = truth.dimensions;
    const expected = [1, 3].map((label) => {
      let voxels = 0;
      const slices = new Set<number>();
      for (let n = 0; n < labels.length; n++) {
        if (labels[n] === label) {
          voxels++;
          slices.add(Math.floor(n / (c * r)));
        }
      }
      return { label, voxels, frames: slices.size };
    });
    expect(result.segments).toEqual([
      { number: 1, name: 'Label 1', ...expected[0] },
      { number: 2, name: 'Marker B', ...expected[1] },
    ]);
    expect(result.frames).toBe(expected[0]!.frames + expected[1]!.frames);
    expect(result.frames).toBeLessThan(2 * s);
    expect(expected[0]!.voxels).toBeGreaterThan(50);
  });

  it.skipIf(!havePydicom)('reads back in pydicom: every frame at its source image’s position, its unpacked bits equal to the labels', () => {
    type Frame = { segment: number; source: string; ipp: number[]; dimension: number[]; pixels: number[] };
    const report = runPydicom<{
      sop: string;
      modality: string;
      segmentationType: string;
      bits: number;
      patientName: string;
      patientId: string;
      studyUid: string;
      forUid: string;
      iop: number[];
      spacing: number[];
      segments: { number: number; label: string; type: string; algorithm: string; category: string }[];
      referencedSeries: string;
      referenced: string[];
      frames: Frame[];
      sources: Record<string, number[]>;
    }>(
      String.raw`
import sys, json, pydicom, numpy as np
ds = pydicom.dcmread(sys.argv[1])
a = ds.pixel_array
if a.ndim == 2: a = a[None]
frames = []
for n, f in enumerate(ds.PerFrameFunctionalGroupsSequence):
    frames.append({
        'segment': int(f.SegmentIdentificationSequence[0].ReferencedSegmentNumber),
        'source': str(f.DerivationImageSequence[0].SourceImageSequence[0].ReferencedSOPInstanceUID),
        'ipp': [float(x) for x in f.PlanePositionSequence[0].ImagePositionPatient],
        'dimension': [int(x) for x in f.FrameContentSequence[0].DimensionIndexValues],
        'pixels': a[n].astype(int).ravel().tolist(),
    })
sources = {}
for path in sys.argv[2:]:
    s = pydicom.dcmread(path)
    sources[str(s.SOPInstanceUID)] = [float(x) for x in s.ImagePositionPatient]
shared = ds.SharedFunctionalGroupsSequence[0]
print(json.dumps({
    'sop': str(ds.SOPClassUID), 'modality': ds.Modality, 'segmentationType': ds.SegmentationType, 'bits': int(ds.BitsAllocated),
    'patientName': str(ds.PatientName), 'patientId': str(ds.PatientID), 'studyUid': str(ds.StudyInstanceUID), 'forUid': str(ds.FrameOfReferenceUID),
    'iop': [float(x) for x in shared.PlaneOrientationSequence[0].ImageOrientationPatient],
    'spacing': [float(x) for x in shared.PixelMeasuresSequence[0].PixelSpacing],
    'segments': [{'number': int(s.SegmentNumber), 'label': s.SegmentLabel, 'type': s.SegmentedPropertyTypeCodeSequence[0].CodeMeaning,
                  'algorithm': s.SegmentAlgorithmType, 'category': s.SegmentedPropertyCategoryCodeSequence[0].CodeValue} for s in ds.SegmentSequence],
    'referencedSeries': str(ds.ReferencedSeriesSequence[0].SeriesInstanceUID),
    'referenced': sorted(str(i.ReferencedSOPInstanceUID) for i in ds.ReferencedSeriesSequence[0].ReferencedInstanceSequence),
    'frames': frames, 'sources': sources,
}))
`,
      [segFile, ...truth.files],
    );
    expect(report).toMatchObject({ sop: SEGMENTATION_STORAGE, modality: 'SEG', segmentationType: 'BINARY', bits: 1, patientName: 'Müller^Jürgen', patientId: 'PHANTOM-1' });
    expect(report.studyUid).toBe(truth.studyInstanceUid);
    expect(report.forUid).toBe(truth.frameOfReferenceUid);
    expect(report.referencedSeries).toBe(truth.seriesInstanceUid);
    expect(report.referenced).toEqual(Object.keys(report.sources).sort());
    report.iop.forEach((v, n) => expect(v).toBeCloseTo(truth.orientation[n]!, 6));
    expect(report.spacing).toEqual([2.5, 2]);
    expect(report.segments).toEqual([
      { number: 1, label: 'Label 1', type: 'Tissue', algorithm: 'SEMIAUTOMATIC', category: '85756007' },
      { number: 2, label: 'Marker B', type: 'Tissue', algorithm: 'MANUAL', category: '85756007' },
    ]);

    // Rebuild the label volume from the frames alone: the slice is the one whose source file
    // has this frame's ImagePositionPatient (pydicom's reading of the source files).
    const [c, r, s] = truth.dimensions;
    const rebuilt = new Uint8Array(c * r * s);
    const sliceOfSource = new Map(truth.files.map((f, k) => [readReferenceAttributes(fs.readFileSync(f)).sopInstanceUid, k]));
    for (const frame of report.frames) {
      const sourceIpp = report.sources[frame.source]!;
      frame.ipp.forEach((v, a) => expect(Math.abs(v - sourceIpp[a]!)).toBeLessThan(1e-3));
      const k = sliceOfSource.get(frame.source)!;
      expect(frame.dimension).toEqual([frame.segment, k + 1]);
      expect(frame.pixels).toHaveLength(c * r);
      const label = frame.segment === 1 ? 1 : 3;
      frame.pixels.forEach((bit, p) => {
        if (bit) rebuilt[k * c * r + p] = label;
      });
      expect(frame.pixels.some((b) => b === 1)).toBe(true);
    }
    expect(Array.from(rebuilt)).toEqual(Array.from(labels));
  });

  it.skipIf(!hasTool('dcmdump'))('dcmdump parses it without a complaint', () => {
    const run = spawnSync('dcmdump', ['-q', '+L', segFile], { encoding: 'utf8' });
    expect(run.status, run.stderr).toBe(0);
    expect(run.stderr).toBe('');
    expect(run.stdout).toMatch(/\(0008,0016\) UI =SegmentationStorage/);
    expect(run.stdout).toMatch(/\(0028,0100\) US 1 /);
  });

  it.skipIf(!hasTool('dciodvfy'))('dciodvfy (dicom3tools) finds no error against the Segmentation IOD', () => {
    const run = spawnSync('dciodvfy', [segFile], { encoding: 'utf8' });
    const lines = `${run.stdout}${run.stderr}`.split('\n');
    expect(lines.filter((l) => /^Error/.test(l))).toEqual([]);
    // The phantom has no Study Time or Study ID: the only warnings are about those (DICOMDIR building).
    expect(lines.filter((l) => /^Warning/.test(l) && !/Study Time|Study ID/.test(l))).toEqual([]);
  });

  it('references the frame of a multi-frame source image, and refuses labels it cannot encode', () => {
    const [c, r, s] = truth.dimensions;
    const one = new Uint16Array(c * r * s);
    one[5 + c * (6 + r * 7)] = 2;
    const multi = writeSegmentation({ ...request, labels: { dimensions: truth.dimensions, voxels: one }, sourceImages: request.sourceImages.map((_, k) => ({ sopClassUid: '1.2.840.10008.5.1.4.1.1.2.1', sopInstanceUid: '1.2.3.4', frameNumber: k + 1 })) });
    expect(multi.frames).toBe(1);
    expect(multi.segments).toEqual([{ number: 1, label: 2, name: 'Label 2', frames: 1, voxels: 1 }]);
    // (0008,1160) Referenced Frame Number "8" (IS, padded to even length) sits in the data.
    const text = new TextDecoder('latin1').decode(multi.bytes);
    expect(text).toContain('\x08\x00\x60\x11IS\x02\x008 ');

    const base = { ...request, labels: { dimensions: truth.dimensions, voxels: new Float32Array(c * r * s) } };
    expect(() => writeSegmentation(base)).toThrow(/empty/);
    base.labels.voxels[3] = 1.5;
    expect(() => writeSegmentation(base)).toThrow(/not a non-negative integer/);
    expect(() => writeSegmentation({ ...request, sourceImages: request.sourceImages.slice(1) })).toThrow(/source images/);
  });

  it('converts display colours to DICOM’s scaled CIELab (white, black, sRGB red)', () => {
    expect(cieLabFromRgb([255, 255, 255])).toEqual([65535, 32896, 32896]);
    expect(cieLabFromRgb([0, 0, 0])).toEqual([0, 32896, 32896]);
    // Red: L* 53.24, a* 80.09, b* 67.20 (the published sRGB values).
    const [L, a, b] = cieLabFromRgb([255, 0, 0]);
    expect((L * 100) / 65535).toBeCloseTo(53.24, 1);
    expect((a * 255) / 65535 - 128).toBeCloseTo(80.09, 1);
    expect((b * 255) / 65535 - 128).toBeCloseTo(67.2, 1);
  });
});
