/**
 * `lumen straighten` then `lumen map-back` on a phantom: a tube drawn around the path in
 * straightened space must land on the reference grid as the tube around the same path
 * (Dice against the analytic tube), with the reference geometry in the header.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { transformPoint } from '../../shared/math/mat4';
import type { Vec3 } from '../../shared/math/vec3';
import { readNifti } from '../../shared/io/nifti';
import { readNrrd, writeNrrd } from '../../shared/io/nrrd';
import { writeMarkups } from '../../shared/io/markups';
import { readReferenceAttributes } from '../../shared/dicom/writeSegmentation';
import { writeVolumePhantom, type VolumePhantomTruth } from '../../test/fixtures/volumePhantom';
import { pydicomPython, runPydicom } from '../../test/support/pydicom';
import { hasTool } from '../../test/support/referenceTools';
import { runCli } from './runCli';

async function cli(...argv: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await runCli(argv, { stdout: { write: (s: string) => (stdout += s) }, stderr: { write: (s: string) => (stderr += s) }, isTTY: false }, { pool: { size: 2 } });
  return { code, stdout, stderr };
}

/** Distance from p to a polyline, and whether its closest point is an interior one (not past an end). */
function distanceToPolyline(p: Vec3, line: Vec3[]): { d: number; inside: boolean } {
  let best = { d: Infinity, inside: false };
  for (let n = 0; n + 1 < line.length; n++) {
    const a = line[n]!;
    const b = line[n + 1]!;
    const ab = [0, 1, 2].map((c) => b[c]! - a[c]!);
    const ap = [0, 1, 2].map((c) => p[c]! - a[c]!);
    const len2 = ab.reduce((s, v) => s + v * v, 0);
    const t = Math.max(0, Math.min(1, ap.reduce((s, v, c) => s + v * ab[c]!, 0) / len2));
    const d = Math.hypot(...[0, 1, 2].map((c) => ap[c]! - t * ab[c]!));
    const inside = !((n === 0 && t === 0) || (n + 2 === line.length && t === 1));
    if (d < best.d) best = { d, inside };
  }
  return best;
}

describe('lumen map-back', () => {
  let tmp: string;
  let truth: VolumePhantomTruth;

  beforeAll(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lumen-map-back-'));
    truth = writeVolumePhantom({ dir: path.join(tmp, 'dicom'), orientation: 'rotated', size: [80, 80, 60], spacing: [1, 1, 1.5] });
  });
  afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('maps a tube drawn in straightened space onto the tube around the path (Dice ≥ 0.9), on the reference grid', async () => {
    // A gentle arc through the phantom (radius ~ 60 mm ≫ the 8 mm tube).
    const points: Vec3[] = Array.from({ length: 7 }, (_, n) => {
      const a = -0.5 + (n / 6) * 1.0;
      return [60 * Math.sin(a), -5, 60 * Math.cos(a) - 60] as Vec3;
    });
    fs.writeFileSync(path.join(tmp, 'arc.mrk.json'), writeMarkups([{ name: 'arc', closed: false, points }]));
    const out = path.join(tmp, 'straight');
    const s = await cli('straighten', truth.dir, '--path', path.join(tmp, 'arc.mrk.json'), '--out', out, '--size', '33x33', '--spacing', '0.8', '--step', '0.8', '--json');
    expect(s.code).toBe(0);
    const transforms = JSON.parse(fs.readFileSync(path.join(out, 'transforms.json'), 'utf8')) as { slices: { sliceToWorld: number[] }[] };
    const slices = transforms.slices.length;

    // The tube: radius 6 mm around the slice centre, in every slice.
    const r = 6;
    const labels = new Uint8Array(33 * 33 * slices);
    for (let k = 0; k < slices; k++) for (let j = 0; j < 33; j++) for (let i = 0; i < 33; i++) if (Math.hypot((i - 16) * 0.8, (j - 16) * 0.8) < r) labels[i + 33 * (j + 33 * k)] = 1;
    fs.writeFileSync(path.join(tmp, 'tube.nrrd'), writeNrrd({ dimensions: [33, 33, slices], ijkToLps: [0.8, 0, 0, 0, 0, 0.8, 0, 0, 0, 0, 0.8, 0, 0, 0, 0, 1], voxels: labels }, { spacings: [0.8, 0.8, 0.8] }));

    const target = path.join(tmp, 'tube-on-ct.nrrd');
    const m = await cli('map-back', path.join(tmp, 'tube.nrrd'), '--transforms', path.join(out, 'transforms.json'), '--reference', truth.dir, '--out', target, '--json');
    expect(m.stderr).toBe('');
    expect(m.code).toBe(0);
    const report = JSON.parse(m.stdout) as { labelled: number; folded: number; covered: number };
    expect(report.folded).toBe(0);
    const mapped = readNrrd(fs.readFileSync(target));
    expect(mapped.dimensions).toEqual(truth.dimensions);
    mapped.ijkToLps.forEach((v, n) => expect(v).toBeCloseTo(truth.ijkToLps[n]!, 4));
    expect(JSON.parse(fs.readFileSync(target.replace('.nrrd', '.report.json'), 'utf8'))).toMatchObject({ from: 'straightened-pixel', to: 'reference-voxel' });

    // Truth: reference voxels within r of the path (its slice centres), between its ends.
    const centres = transforms.slices.map((sl) => transformPoint(sl.sliceToWorld, [16, 16, 0]));
    const [nx, ny, nz] = truth.dimensions;
    let both = 0;
    let expected = 0;
    let got = 0;
    for (let k = 0; k < nz; k++) {
      for (let j = 0; j < ny; j++) {
        for (let i = 0; i < nx; i++) {
          const { d, inside } = distanceToPolyline(transformPoint(truth.ijkToLps, [i, j, k]), centres);
          const want = inside && d < r;
          const have = mapped.voxels[i + nx * (j + ny * k)] === 1;
          expected += want ? 1 : 0;
          got += have ? 1 : 0;
          both += want && have ? 1 : 0;
        }
      }
    }
    const dice = (2 * both) / (expected + got);
    console.log(`map-back tube Dice ${dice.toFixed(3)} (${got} mapped, ${expected} expected)`);
    expect(expected).toBeGreaterThan(1000);
    expect(dice, `Dice ${dice.toFixed(3)} (${got} mapped, ${expected} expected)`).toBeGreaterThanOrEqual(0.9);
    expect(report.labelled).toBe(got);

    // The same labels as NIfTI (RAS on disk), read back by our reader: identical voxels and LPS geometry.
    const nifti = path.join(tmp, 'tube-on-ct.nii.gz');
    expect((await cli('map-back', path.join(tmp, 'tube.nrrd'), '--transforms', path.join(out, 'transforms.json'), '--reference', truth.dir, '--out', nifti)).code).toBe(0);
    const asNifti = readNifti(fs.readFileSync(nifti));
    expect(Array.from(asNifti.voxels)).toEqual(Array.from(mapped.voxels));
    asNifti.ijkToLps.forEach((v, n) => expect(v).toBeCloseTo(mapped.ijkToLps[n]!, 4));
  });

  it.skipIf(!pydicomPython())('writes the same labels as a DICOM SEG (--out .dcm) that pydicom decodes back onto the reference slices', async () => {
    const seg = path.join(tmp, 'tube-on-ct.dcm');
    const m = await cli('map-back', path.join(tmp, 'tube.nrrd'), '--transforms', path.join(tmp, 'straight', 'transforms.json'), '--reference', truth.dir, '--out', seg, '--json');
    expect(m.stderr).toBe('');
    expect(m.code).toBe(0);
    const report = JSON.parse(m.stdout) as { labelled: number; segmentation: { frames: number; segments: { number: number; label: number; voxels: number }[] } };
    expect(report.segmentation.segments).toEqual([expect.objectContaining({ number: 1, label: 1, voxels: report.labelled })]);
    expect(JSON.parse(fs.readFileSync(path.join(tmp, 'tube-on-ct.report.json'), 'utf8'))).toMatchObject({ labelled: report.labelled });
    // pydicom's frames, put on the slice of the source image each references (by the order of truth.files).
    const frames = runPydicom<{ source: string; pixels: number[] }[]>(
      String.raw`
import sys, json, pydicom
ds = pydicom.dcmread(sys.argv[1])
a = ds.pixel_array
if a.ndim == 2: a = a[None]
print(json.dumps([{'source': str(f.DerivationImageSequence[0].SourceImageSequence[0].ReferencedSOPInstanceUID), 'pixels': a[n].astype(int).ravel().tolist()}
                  for n, f in enumerate(ds.PerFrameFunctionalGroupsSequence)]))
`,
      [seg],
    );
    expect(frames).toHaveLength(report.segmentation.frames);
    const sliceOf = new Map(truth.files.map((f, k) => [readReferenceAttributes(fs.readFileSync(f)).sopInstanceUid, k]));
    const [nx, ny, nz] = truth.dimensions;
    const rebuilt = new Uint8Array(nx * ny * nz);
    for (const f of frames) f.pixels.forEach((bit, p) => bit && (rebuilt[sliceOf.get(f.source)! * nx * ny + p] = 1));
    const nrrd = readNrrd(fs.readFileSync(path.join(tmp, 'tube-on-ct.nrrd')));
    expect(Array.from(rebuilt)).toEqual(Array.from(nrrd.voxels));
    if (hasTool('dciodvfy')) {
      const run = spawnSync('dciodvfy', [seg], { encoding: 'utf8' });
      expect(`${run.stdout}${run.stderr}`.split('\n').filter((l) => /^Error/.test(l))).toEqual([]);
    }
  });

  it('refuses labels of the wrong size and a missing transforms file with one clear line', async () => {
    fs.writeFileSync(path.join(tmp, 'small.nrrd'), writeNrrd({ dimensions: [2, 2, 2], ijkToLps: [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1], voxels: new Uint8Array(8) }));
    const wrong = await cli('map-back', path.join(tmp, 'small.nrrd'), '--transforms', path.join(tmp, 'straight', 'transforms.json'), '--reference', truth.dir, '--out', path.join(tmp, 'x.nrrd'));
    expect([wrong.code, wrong.stderr]).toEqual([3, expect.stringMatching(/is 2×2×2 but transforms\.json describes 33×33×\d+/)]);
    const missing = await cli('map-back', path.join(tmp, 'small.nrrd'), '--transforms', path.join(tmp, 'nope.json'), '--reference', truth.dir, '--out', path.join(tmp, 'x.nrrd'));
    expect([missing.code, missing.stderr]).toEqual([3, expect.stringMatching(/Cannot read .*nope\.json/)]);
    expect((await cli('map-back', '--transforms', 'a', '--reference', 'b', '--out', 'c.nrrd')).code).toBe(2);
  });
});
