/**
 * NIfTI is RAS on disk; Lumen is LPS everywhere else. This checks the conversion with
 * two independent implementations: nibabel reads the exported file's affine and voxels,
 * pydicom reads the source DICOM, and the two must place every sampled voxel at the
 * same patient position with the same value. An oblique phantom catches axis swaps and
 * flips that an axial stack would hide.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeVolumePhantom } from '../../test/fixtures/volumePhantom';
import { pydicomPython, runPydicom } from '../../test/support/pydicom';
import { runCli } from './runCli';

const COMPARE = String.raw`
import glob, json, os, sys
import nibabel, numpy as np, pydicom
nii_path, dicom_dir = sys.argv[1], sys.argv[2]
img = nibabel.load(nii_path)
data = np.asarray(img.dataobj)
ds = [pydicom.dcmread(f) for f in glob.glob(os.path.join(dicom_dir, '*.dcm'))]
iop = np.array(ds[0].ImageOrientationPatient, dtype=float)
row, col = iop[:3], iop[3:]
normal = np.cross(row, col)
ds.sort(key=lambda d: float(np.dot(normal, np.array(d.ImagePositionPatient, dtype=float))))
ps = [float(x) for x in ds[0].PixelSpacing]  # [row spacing, column spacing]
out = []
shape = data.shape
for i, j, k in [(0, 0, 0), (shape[0] - 1, 0, 0), (0, shape[1] - 1, 0), (0, 0, shape[2] - 1), (shape[0] - 1, shape[1] - 1, shape[2] - 1), (shape[0] // 3, shape[1] // 2, shape[2] // 4)]:
    ras = img.affine @ np.array([i, j, k, 1.0])
    d = ds[k]
    lps = np.array(d.ImagePositionPatient, dtype=float) + i * ps[1] * row + j * ps[0] * col
    hu = float(d.pixel_array[j, i]) * float(d.RescaleSlope) + float(d.RescaleIntercept)
    out.append({'ijk': [i, j, k], 'niftiRas': ras[:3].tolist(), 'dicomLps': lps.tolist(), 'niftiValue': float(data[i, j, k]), 'dicomHu': hu})
json.dump({'shape': list(shape), 'points': out}, sys.stdout)
`;

function hasNibabel(): boolean {
  const python = pydicomPython();
  if (!python) return false;
  try {
    runPydicom<number>('import nibabel, json; print(json.dumps(1))');
    return true;
  } catch {
    return false;
  }
}

describe.skipIf(!hasNibabel())('export-volume NIfTI against nibabel and pydicom (needs python3-nibabel, python3-pydicom)', () => {
  let tmp: string;
  beforeAll(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lumen-nifti-'));
  });
  afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it.each(['oblique', 'coronal'] as const)('places every voxel of a %s stack where the patient was (RAS = LPS with x and y negated)', async (orientation) => {
    const truth = writeVolumePhantom({ dir: path.join(tmp, orientation), orientation, size: [40, 32, 24] });
    const out = path.join(tmp, `${orientation}.nii.gz`);
    const sink = { write: () => true };
    const code = await runCli(['export-volume', truth.dir, '--out', out], { stdout: sink, stderr: sink, isTTY: false });
    expect(code).toBe(0);
    const result = runPydicom<{ shape: number[]; points: { niftiRas: number[]; dicomLps: number[]; niftiValue: number; dicomHu: number }[] }>(COMPARE, [out, truth.dir]);
    expect(result.shape).toEqual([40, 32, 24]);
    for (const p of result.points) {
      const [x, y, z] = p.dicomLps;
      expect(p.niftiRas[0]).toBeCloseTo(-x, 2);
      expect(p.niftiRas[1]).toBeCloseTo(-y, 2);
      expect(p.niftiRas[2]).toBeCloseTo(z, 2);
      expect(p.niftiValue).toBe(p.dicomHu);
    }
  });
});
