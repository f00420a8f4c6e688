/**
 * `lumen straighten` end to end on generated phantoms, against independent truth:
 * the source voxels (a straight path through voxel centres must give them back), the
 * saved transforms (resampling through them must give the stored voxels), and the
 * phantom's known marker distance (measured in the straightened volume).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { invertAffine, transformPoint } from '../../shared/math/mat4';
import { distance, type Vec3 } from '../../shared/math/vec3';
import { spawnSync } from 'node:child_process';
import { readMetaImage, writeMetaImage } from '../../shared/io/metaImage';
import { readNrrd } from '../../shared/io/nrrd';
import { hasTool } from '../../test/support/referenceTools';
import { sampleVolume } from '../../shared/reformat/reslicePlane';
import { MARKER_A, MARKER_B, MARKER_HU } from '../../test/fixtures/phantom';
import { writeVolumePhantom, type VolumePhantomTruth } from '../../test/fixtures/volumePhantom';
import { DicomIndexService } from '../services/DicomIndexService';
import { VolumeService, type LoadedVolume } from '../services/VolumeService';
import { WorkerPool } from '../services/WorkerPool';
import { runCli } from './runCli';

async function cli(...argv: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await runCli(argv, { stdout: { write: (s: string) => (stdout += s) }, stderr: { write: (s: string) => (stderr += s) }, isTTY: false }, { pool: { size: 2 } });
  return { code, stdout, stderr };
}

/** A markups file as 3D Slicer writes it (written by hand here, not by Lumen's writer). */
function slicerCurve(file: string, points: Vec3[], coordinateSystem: 'LPS' | 'RAS' = 'LPS'): string {
  const flip = (p: Vec3): Vec3 => (coordinateSystem === 'RAS' ? [-p[0], -p[1], p[2]] : p);
  const markups = {
    '@schema': 'https://raw.githubusercontent.com/slicer/slicer/master/Modules/Loadable/Markups/Resources/Schema/markups-schema-v1.0.3.json#',
    markups: [
      {
        type: 'Curve',
        coordinateSystem,
        coordinateUnits: 'mm',
        controlPoints: points.map((p, n) => ({ id: String(n + 1), label: `C-${n + 1}`, position: flip(p), positionStatus: 'defined' })),
        display: { visibility: true },
      },
    ],
  };
  fs.writeFileSync(file, JSON.stringify(markups));
  return file;
}

describe('lumen straighten', () => {
  let tmp: string;
  let truth: VolumePhantomTruth;
  let volume: LoadedVolume;
  const pool = new WorkerPool({ size: 2 });

  beforeAll(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lumen-straighten-'));
    truth = writeVolumePhantom({ dir: path.join(tmp, 'dicom'), orientation: 'axial', size: [96, 96, 64], spacing: [1, 1, 1.5] });
    const index = new DicomIndexService(pool);
    await index.index(truth.dir);
    volume = await new VolumeService(pool).load(index.requirePlan(truth.seriesInstanceUid));
  });
  afterAll(async () => {
    await pool.destroy();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('a straight path along the slice axis through voxel centres gives the axial slices back, bit for bit (nearest)', async () => {
    const first = transformPoint(truth.ijkToLps, [47.5, 47.5, 0]);
    const last = transformPoint(truth.ijkToLps, [47.5, 47.5, 63]);
    // RAS on disk: Lumen must convert to LPS.
    const curve = slicerCurve(path.join(tmp, 'axis.mrk.json'), [first, last], 'RAS');
    const out = path.join(tmp, 'axis-out');
    const r = await cli('straighten', truth.dir, '--path', curve, '--out', out, '--size', '96x96', '--spacing', '1', '--step', '1.5', '--interp', 'nearest', '--projection', 'mip,minip,mean,xray', '--json');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const summary = JSON.parse(r.stdout) as { size: number[]; timings: Record<string, number>; files: string[]; path: { length: number; remainder: number }; folds: { foldedVoxels: number } };
    expect(summary.folds.foldedVoxels).toBe(0);
    const jacobian = readNrrd(fs.readFileSync(path.join(out, 'jacobian.nrrd')));
    expect(Array.from(jacobian.voxels).every((v) => Math.abs(v - 1) < 1e-9)).toBe(true);
    expect(summary.size).toEqual([96, 96, 64]);
    expect(Object.keys(summary.timings).sort()).toEqual(['load_s', 'reslice_s', 'write_s']);
    expect(summary.path.length).toBeCloseTo(63 * 1.5, 6);
    expect(summary.path.remainder).toBeLessThan(1e-6);
    expect(fs.readdirSync(out).sort()).toEqual(
      ['displacement-straightened-to-LPS.mha', 'jacobian.nrrd', 'provenance.json', 'straightened-mask.nrrd', 'straightened.nrrd', 'transforms.json', ...['mip', 'minip', 'mean', 'xray'].flatMap((k) => [`projection-${k}.nrrd`, `projection-${k}.png`])].sort(),
    );
    const straightened = readNrrd(fs.readFileSync(path.join(out, 'straightened.nrrd')));
    expect(straightened.dimensions).toEqual([96, 96, 64]);
    expect(straightened.voxels).toBeInstanceOf(Int16Array);
    expect(Array.from(straightened.voxels)).toEqual(Array.from(volume.voxels));
    const mask = readNrrd(fs.readFileSync(path.join(out, 'straightened-mask.nrrd')));
    expect(Array.from(mask.voxels).every((m) => m === 1)).toBe(true);
    const provenance = JSON.parse(fs.readFileSync(path.join(out, 'provenance.json'), 'utf8'));
    expect(provenance).toMatchObject({ software: { name: 'Lumen' }, input: { seriesInstanceUid: truth.seriesInstanceUid }, parameters: { interpolation: 'nearest', step: 1.5 } });
  });

  it('writes transforms.json to the contract, and resampling the volume through each sliceToWorld gives the stored voxels', async () => {
    // A bent path through both markers: A, a detour, B.
    const curve = slicerCurve(path.join(tmp, 'bent.mrk.json'), [MARKER_A, [10, 5, -2], MARKER_B]);
    const out = path.join(tmp, 'bent-out');
    const r = await cli('straighten', truth.dir, '--path', curve, '--out', out, '--size', '40x30', '--spacing', '0.8', '--step', '0.7', '--interp', 'linear', '--json');
    expect(r.code).toBe(0);
    const transforms = JSON.parse(fs.readFileSync(path.join(out, 'transforms.json'), 'utf8'));
    expect(Object.keys(transforms)).toEqual(['from', 'to', 'size', 'pixelSpacing', 'sliceSpacing', 'slices']);
    expect(transforms).toMatchObject({ from: 'straightened-pixel', to: 'LPS', size: [40, 30], pixelSpacing: [0.8, 0.8], sliceSpacing: 0.7 });
    const slices = transforms.slices as { sliceToWorld: number[]; arcLength: number }[];
    slices.forEach((s, k) => {
      expect(s.sliceToWorld).toHaveLength(16);
      expect(s.arcLength).toBeCloseTo(0.7 * k, 6);
    });
    const straightened = readNrrd(fs.readFileSync(path.join(out, 'straightened.nrrd')));
    const lpsToIjk = invertAffine(volume.ijkToLps);
    const grid = { dimensions: volume.dimensions, voxels: volume.voxels };
    for (let n = 0; n < 400; n++) {
      const i = (n * 7) % 40;
      const j = (n * 13) % 30;
      const k = (n * 29) % slices.length;
      const expected = sampleVolume(grid, transformPoint(lpsToIjk, transformPoint(slices[k]!.sliceToWorld, [i, j, 0])), 'linear');
      const stored = straightened.voxels[i + 40 * (j + 30 * k)]!;
      expect(Math.abs(stored - (Number.isNaN(expected) ? -1024 : expected))).toBeLessThanOrEqual(1e-3);
    }
  });

  it.skipIf(!hasTool('plastimatch'))('writes a displacement field that plastimatch (ITK) applies to the original to give the straightened volume', async () => {
    const out = path.join(tmp, 'bent-out');
    const original = path.join(tmp, 'original.mha');
    expect((await cli('export-volume', truth.dir, '--out', original)).code).toBe(0);
    const straightened = readNrrd(fs.readFileSync(path.join(out, 'straightened.nrrd')));
    const mask = readNrrd(fs.readFileSync(path.join(out, 'straightened-mask.nrrd')));
    const transforms = JSON.parse(fs.readFileSync(path.join(out, 'transforms.json'), 'utf8')) as { pixelSpacing: number[]; sliceSpacing: number };
    // The fixed grid: the straightened volume on its nominal LPS grid (origin 0, its spacings).
    const [sx, sy] = transforms.pixelSpacing;
    const nominal = [sx!, 0, 0, 0, 0, sy!, 0, 0, 0, 0, transforms.sliceSpacing, 0, 0, 0, 0, 1];
    fs.writeFileSync(path.join(tmp, 'fixed.mha'), writeMetaImage({ dimensions: straightened.dimensions, ijkToLps: nominal, voxels: new Float32Array(straightened.voxels) }));
    const warped = path.join(tmp, 'warped.mha');
    const run = spawnSync('plastimatch', ['warp', '--input', original, '--xf', path.join(out, 'displacement-straightened-to-LPS.mha'), '--fixed', path.join(tmp, 'fixed.mha'), '--output-img', warped, '--output-type', 'float', '--interpolation', 'linear', '--default-value', '-1024'], { encoding: 'utf8' });
    if (run.status !== 0) throw new Error(`plastimatch warp failed: ${run.stdout}${run.stderr}`);
    const theirs = readMetaImage(fs.readFileSync(warped));
    expect(theirs.dimensions).toEqual(straightened.dimensions);
    const diffs: number[] = [];
    const [c, r] = straightened.dimensions;
    for (let n = 0; n < straightened.voxels.length; n++) {
      const i = n % c;
      const j = Math.floor(n / c) % r;
      if (mask.voxels[n] && i > 0 && j > 0 && i < c - 1 && j < r - 1) diffs.push(Math.abs(theirs.voxels[n]! - straightened.voxels[n]!));
    }
    diffs.sort((a, b) => a - b);
    console.log(`plastimatch warp vs straightened: median ${diffs[Math.floor(diffs.length / 2)]!.toFixed(4)} HU, p99 ${diffs[Math.floor(0.99 * diffs.length)]!.toFixed(3)} HU over ${diffs.length} voxels`);
    expect(diffs.length).toBeGreaterThan(10_000);
    expect(diffs[Math.floor(diffs.length / 2)]!).toBeLessThan(0.5);
    expect(diffs[Math.floor(0.99 * diffs.length)]!).toBeLessThan(5);
  });

  it('keeps distances: the markers, 50 mm apart, lie 50 mm apart along a straight path through them', async () => {
    const dir: Vec3 = [MARKER_B[0] - MARKER_A[0], MARKER_B[1] - MARKER_A[1], MARKER_B[2] - MARKER_A[2]];
    const start: Vec3 = [MARKER_A[0] - 0.2 * dir[0], MARKER_A[1] - 0.2 * dir[1], MARKER_A[2] - 0.2 * dir[2]];
    const end: Vec3 = [MARKER_B[0] + 0.2 * dir[0], MARKER_B[1] + 0.2 * dir[1], MARKER_B[2] + 0.2 * dir[2]];
    const curve = slicerCurve(path.join(tmp, 'markers.mrk.json'), [start, end]);
    const out = path.join(tmp, 'markers-out');
    const r = await cli('straighten', truth.dir, '--path', curve, '--out', out, '--size', '31x31', '--spacing', '0.5', '--step', '0.5', '--projection', 'mip');
    expect(r.code).toBe(0);
    const v = readNrrd(fs.readFileSync(path.join(out, 'straightened.nrrd')));
    // Centre pixel along the path: bright runs are the two markers.
    const centre = 15 + 31 * 15;
    const runs: number[][] = [];
    for (let k = 0; k < v.dimensions[2]; k++) {
      if (v.voxels[centre + 31 * 31 * k]! > MARKER_HU / 2) {
        if (runs.length && runs[runs.length - 1]!.at(-1) === k - 1) runs[runs.length - 1]!.push(k);
        else runs.push([k]);
      }
    }
    expect(runs).toHaveLength(2);
    const mid = runs.map((run) => (run[0]! + run.at(-1)!) / 2);
    expect(Math.abs((mid[1]! - mid[0]!) * 0.5 - distance(MARKER_A, MARKER_B))).toBeLessThanOrEqual(0.5);
  });

  it('reports where a tight bend folds the slices (radius 12 mm, slices 32 mm wide), and nowhere else', async () => {
    // A U-turn of radius 12 mm in the coronal plane, then straight legs.
    const points: Vec3[] = [[-12, -5, -30], [-12, -5, 0], ...Array.from({ length: 7 }, (_, n) => [-12 * Math.cos((n / 6) * Math.PI), -5, 12 * Math.sin((n / 6) * Math.PI)] as Vec3), [12, -5, 0], [12, -5, -30]];
    const curve = slicerCurve(path.join(tmp, 'bend.mrk.json'), points);
    const out = path.join(tmp, 'bend-out');
    const r = await cli('straighten', truth.dir, '--path', curve, '--out', out, '--size', '40x40', '--spacing', '0.8', '--step', '1', '--projection', 'mip', '--json');
    expect(r.code).toBe(0);
    const { folds, path: p } = JSON.parse(r.stdout) as { folds: { foldedVoxels: number; regions: { arcStart: number; arcEnd: number; minRadiusMm: number }[] }; path: { length: number } };
    expect(folds.foldedVoxels).toBeGreaterThan(0);
    expect(folds.regions.length).toBeGreaterThanOrEqual(1);
    // The fold lies on the bend (arc length 30 … 30 + 12π mm), not on the straight legs.
    for (const region of folds.regions) {
      expect(region.arcStart).toBeGreaterThan(25);
      expect(region.arcEnd).toBeLessThan(p.length - 25);
      expect(region.minRadiusMm).toBeLessThan(16);
    }
  });

  it('stretched CPR: parallel scan lines across the view, rows at equal arc length, values at sliceToWorld', async () => {
    // An S-bend in the coronal plane y = −15 through both markers, seen from the front.
    const curve = slicerCurve(path.join(tmp, 's-bend.mrk.json'), [[30, -15, 30], MARKER_A, [0, -15, 0], MARKER_B, [-20, -15, -35]]);
    const out = path.join(tmp, 'stretch-out');
    const r = await cli('straighten', truth.dir, '--path', curve, '--out', out, '--mode', 'stretch', '--direction', 'posterior', '--size', '80x5', '--spacing', '1', '--step', '0.5', '--projection', 'mip', '--json');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).folds).toBeNull();
    const transforms = JSON.parse(fs.readFileSync(path.join(out, 'transforms.json'), 'utf8')) as { slices: { sliceToWorld: number[]; arcLength: number }[] };
    // Every slice: columns along one scan line, ⟂ the view (+y) and the path's course (first → last
    // sample, in the coronal plane, about (−50, 0, −65)); rows along the view.
    const first = transformPoint(transforms.slices[0]!.sliceToWorld, [39.5, 2, 0]);
    const last = transformPoint(transforms.slices.at(-1)!.sliceToWorld, [39.5, 2, 0]);
    const course = Math.hypot(last[0] - first[0], last[2] - first[2]);
    const across = [(last[2] - first[2]) / course, 0, -(last[0] - first[0]) / course];
    for (const { sliceToWorld: m } of transforms.slices) {
      expect([m[0], m[4], m[8]]).toEqual(across.map((c) => expect.closeTo(c, 9)));
      expect([m[1], m[5], m[9]]).toEqual([expect.closeTo(0, 9), expect.closeTo(1, 9), expect.closeTo(0, 9)]);
    }
    const v = readNrrd(fs.readFileSync(path.join(out, 'straightened.nrrd')));
    const lpsToIjk = invertAffine(volume.ijkToLps);
    for (let n = 0; n < 300; n++) {
      const i = (n * 7) % 80;
      const j = n % 5;
      const k = (n * 31) % transforms.slices.length;
      const expected = sampleVolume({ dimensions: volume.dimensions, voxels: volume.voxels }, transformPoint(lpsToIjk, transformPoint(transforms.slices[k]!.sliceToWorld, [i, j, 0])), 'linear');
      expect(Math.abs(v.voxels[i + 80 * (j + 5 * k)]! - (Number.isNaN(expected) ? -1024 : expected))).toBeLessThanOrEqual(1e-3);
    }
    // Rows are arc length: each marker shows where the path passes through it.
    const arcAt = (marker: Vec3) => {
      let best = { k: 0, d: Infinity };
      transforms.slices.forEach((sl, k) => {
        const p = transformPoint(sl.sliceToWorld, [39.5, 2, 0]);
        const d = distance(p, marker);
        if (d < best.d) best = { k, d };
      });
      return best;
    };
    const a = arcAt(MARKER_A);
    const b = arcAt(MARKER_B);
    expect(a.d).toBeLessThan(0.5);
    expect(b.d).toBeLessThan(0.5);
    const middle = (k: number) => v.voxels[Math.round(39.5) + 80 * (2 + 5 * k)]!;
    expect(middle(a.k)).toBeGreaterThan(MARKER_HU / 2);
    expect(middle(b.k)).toBeGreaterThan(MARKER_HU / 2);
  });

  it('answers bad requests with the usage or one clear line, and never writes into the DICOM folder', async () => {
    const curve = slicerCurve(path.join(tmp, 'ok.mrk.json'), [MARKER_A, MARKER_B]);
    expect((await cli('straighten', truth.dir, '--out', path.join(tmp, 'x'))).code).toBe(2);
    expect((await cli('straighten', truth.dir, '--path', curve, '--out', path.join(tmp, 'x'), '--size', '0x5')).code).toBe(2);
    expect((await cli('straighten', truth.dir, '--path', curve, '--out', path.join(tmp, 'x'), '--mode', 'stretch', '--direction', 'up')).code).toBe(2);
    const inside = await cli('straighten', truth.dir, '--path', curve, '--out', path.join(truth.dir, 'out'));
    expect(inside.code).toBe(3);
    expect(fs.existsSync(path.join(truth.dir, 'out'))).toBe(false);
    fs.writeFileSync(path.join(tmp, 'bad.mrk.json'), '{ "markups": [ { "type": "Curve", "controlPoints": [ { "position": [1, 2] } ] } ] }');
    const bad = await cli('straighten', truth.dir, '--path', path.join(tmp, 'bad.mrk.json'), '--out', path.join(tmp, 'y'));
    expect([bad.code, bad.stderr]).toEqual([3, expect.stringMatching(/not a usable Slicer markups file/)]);
    const huge = await cli('straighten', truth.dir, '--path', curve, '--out', path.join(tmp, 'z'), '--size', '8192x8192', '--step', '0.1');
    expect([huge.code, huge.stderr]).toEqual([3, expect.stringMatching(/needs .* GB, more than/)]);
  });
});
