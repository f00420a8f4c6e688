/**
 * saveLabelVolume on generated CT series, indexed as the app indexes them: every volume format
 * reads back with the reference geometry, and a DICOM SEG's frames point at the source image
 * lying on (or, for a stack with a missing slice, nearest to) each frame's plane, as pydicom
 * reads the source files.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UserError } from '../../shared/contracts/UserError';
import type { SeriesPlan } from '../../shared/dicom/SeriesPlan';
import { decodeVolume } from '../../shared/io/volumeFormats';
import { transformPoint } from '../../shared/math/mat4';
import { writeVolumePhantom, type VolumePhantomTruth } from '../../test/fixtures/volumePhantom';
import { pydicomPython, runPydicom } from '../../test/support/pydicom';
import { DicomIndexService } from './DicomIndexService';
import { labelFormatOf, saveLabelVolume } from './saveLabels';
import { WorkerPool } from './WorkerPool';

describe('saveLabelVolume', () => {
  const pool = new WorkerPool({ size: 2 });
  const index = new DicomIndexService(pool);
  let tmp: string;
  let truth: VolumePhantomTruth;
  let plan: SeriesPlan;
  let gappy: { truth: VolumePhantomTruth; plan: SeriesPlan };

  /** Label 1 within 6 mm of marker A, label 2 within 5 mm of marker B, on a plan's grid. */
  function markerLabels(p: SeriesPlan, t: VolumePhantomTruth): Uint8Array {
    const [c, r, s] = p.geometry!.dimensions;
    const out = new Uint8Array(c * r * s);
    for (let k = 0; k < s; k++) {
      for (let j = 0; j < r; j++) {
        for (let i = 0; i < c; i++) {
          const x = transformPoint(p.geometry!.ijkToLps, [i, j, k]);
          t.markers.forEach((m, n) => {
            if (Math.hypot(x[0] - m.centre[0], x[1] - m.centre[1], x[2] - m.centre[2]) < m.radius + 1) out[i + c * (j + r * k)] = n + 1;
          });
        }
      }
    }
    return out;
  }

  beforeAll(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lumen-save-labels-'));
    truth = writeVolumePhantom({ dir: path.join(tmp, 'ct'), orientation: 'oblique', size: [48, 40, 36], spacing: [2, 2, 2.5] });
    const result = await index.index(truth.dir);
    plan = index.requirePlan(result.series[0]!.uid);
    // Slices 23 and 24 (through marker A) missing: the loader resamples onto an even grid, slices with no image of their own.
    const gap = writeVolumePhantom({ dir: path.join(tmp, 'ct-gap'), orientation: 'axial', size: [48, 40, 36], spacing: [2, 2, 2.5], dropSlices: [23, 24] });
    const gapResult = await index.index(gap.dir);
    gappy = { truth: gap, plan: index.requirePlan(gapResult.series[0]!.uid) };
  });
  afterAll(async () => {
    await pool.destroy();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('knows the formats by file name', () => {
    expect(['a.nrrd', 'a.NII', 'a.nii.gz', 'a.mha', 'a.dcm', 'a.png'].map(labelFormatOf)).toEqual(['nrrd', 'nifti', 'nifti-gzip', 'metaimage', 'dicom-seg', undefined]);
  });

  it('writes NRRD, NIfTI and MetaImage that read back as the same voxels on the reference geometry', async () => {
    const voxels = markerLabels(plan, truth);
    for (const name of ['labels.nrrd', 'labels.nii.gz', 'labels.mha']) {
      const saved = await saveLabelVolume({ labels: { dimensions: plan.geometry!.dimensions, voxels }, reference: plan, out: path.join(tmp, name), sourceFolders: [truth.dir] });
      expect(saved.file).toBe(path.join(tmp, name));
      const back = decodeVolume(fs.readFileSync(saved.file), saved.format as Exclude<typeof saved.format, 'dicom-seg'>);
      expect(back.dimensions).toEqual(truth.dimensions);
      back.ijkToLps.forEach((v, n) => expect(v, `${name} ijkToLps[${n}]`).toBeCloseTo(truth.ijkToLps[n]!, 4));
      expect(Array.from(back.voxels)).toEqual(Array.from(voxels));
    }
  });

  it.skipIf(!pydicomPython())('writes a DICOM SEG whose frames lie on their source images, even where a slice is missing', async () => {
    for (const { t, p } of [{ t: truth, p: plan }, { t: gappy.truth, p: gappy.plan }]) {
      const voxels = markerLabels(p, t);
      const out = path.join(tmp, `${path.basename(t.dir)}-labels.dcm`);
      const saved = await saveLabelVolume({ labels: { dimensions: p.geometry!.dimensions, voxels }, reference: p, out, sourceFolders: [t.dir], segmentation: { segments: [{ label: 2, name: 'Marker B' }] } });
      expect(saved.format).toBe('dicom-seg');
      expect(saved.segmentation!.segments.map((s) => [s.number, s.label, s.name])).toEqual([[1, 1, 'Label 1'], [2, 2, 'Marker B']]);
      const report = runPydicom<{ frames: { segment: number; ipp: number[]; source: number[]; pixels: number }[]; sources: number[][]; patient: string; study: string }>(
        String.raw`
import sys, json, pydicom, numpy as np
ds = pydicom.dcmread(sys.argv[1])
src = {}
for f in sys.argv[2:]:
    s = pydicom.dcmread(f)
    src[str(s.SOPInstanceUID)] = [float(x) for x in s.ImagePositionPatient]
a = ds.pixel_array
if a.ndim == 2: a = a[None]
frames = [{'segment': int(f.SegmentIdentificationSequence[0].ReferencedSegmentNumber),
           'ipp': [float(x) for x in f.PlanePositionSequence[0].ImagePositionPatient],
           'source': src[str(f.DerivationImageSequence[0].SourceImageSequence[0].ReferencedSOPInstanceUID)],
           'pixels': int(a[n].sum())} for n, f in enumerate(ds.PerFrameFunctionalGroupsSequence)]
print(json.dumps({'frames': frames, 'sources': list(src.values()), 'patient': str(ds.PatientID), 'study': str(ds.StudyInstanceUID)}))
`,
        [out, ...t.files],
      );
      expect(report.patient).toBe('PHANTOM-1');
      expect(report.study).toBe(t.studyInstanceUid);
      const normal = [2, 6, 10].map((n) => p.geometry!.ijkToLps[n]!);
      const step = Math.hypot(...normal);
      const planeDistance = (a: number[], b: number[]) => Math.abs(a.reduce((sum, v, n) => sum + (v - b[n]!) * (normal[n]! / step), 0));
      let exact = 0;
      for (const f of report.frames) {
        // The source image's plane is the nearest of all the series' planes to the frame's.
        const d = planeDistance(f.ipp, f.source);
        expect(d).toBeLessThanOrEqual(Math.min(...report.sources.map((s) => planeDistance(f.ipp, s))) + 1e-6);
        if (d < 1e-3) exact++;
      }
      const labelled = voxels.reduce((n, v) => n + (v ? 1 : 0), 0);
      expect(report.frames.reduce((n, f) => n + f.pixels, 0)).toBe(labelled);
      if (t === truth) expect(exact).toBe(report.frames.length);
      else expect(exact).toBeLessThan(report.frames.length);
    }
  });

  it('refuses a destination in a source folder, an unknown ending, labels of another size, and empty labels as SEG', async () => {
    const voxels = markerLabels(plan, truth);
    const labels = { dimensions: plan.geometry!.dimensions, voxels };
    const refused = (out: string, l = labels) => saveLabelVolume({ labels: l, reference: plan, out, sourceFolders: [truth.dir] }).then(() => undefined, (e: unknown) => e);
    const inside = await refused(path.join(truth.dir, 'labels.nrrd'));
    expect(inside).toBeInstanceOf(UserError);
    expect((inside as UserError).message).toMatch(/does not write into a DICOM source folder/);
    expect(fs.existsSync(path.join(truth.dir, 'labels.nrrd'))).toBe(false);
    expect(((await refused(path.join(tmp, 'labels.png'))) as UserError).message).toMatch(/\.nrrd, \.nii, \.nii\.gz, \.mha, \.dcm/);
    expect(((await refused(path.join(tmp, 'x.nrrd'), { dimensions: [2, 2, 2], voxels: new Uint8Array(8) })) as UserError).message).toMatch(/labels are 2×2×2 but the reference volume is 48×40×36/);
    const empty = await refused(path.join(tmp, 'empty.dcm'), { ...labels, voxels: new Uint8Array(voxels.length) });
    expect((empty as UserError).message).toMatch(/Cannot save these labels as DICOM SEG: the labels are empty/);
    expect(fs.existsSync(path.join(tmp, 'empty.dcm'))).toBe(false);
  });
});
