/**
 * `lumen straighten` end to end on generated phantoms, against independent truth:
 * the source voxels (a straight path through voxel centres must give them back), the
 * saved transforms (resampling through them must give the stored voxels), and the
 * phantom's known marker distance (measured in the straightened volume).
 */
import fs from 'node:fs';
import zlib from 'node:zlib';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { invertAffine, transformPoint } from '../../shared/math/mat4';
import { distance, type Vec3 } from '../../shared/math/vec3';
import { spawnSync } from 'node:child_process';
import { readMetaImage, writeMetaImage } from '../../shared/io/metaImage';
import { readNrrd } from '../../shared/io/nrrd';
import { newUid } from '../../shared/dicom/uid';
import { writeDicom } from '../../shared/dicom/writeDicom';
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

/** An axial CT series centred on the origin (LPS), one file per slice, HU from a function of LPS mm. */
function writeAxialSeries(dir: string, size: [number, number, number], spacing: [number, number, number], hu: (x: number, y: number, z: number) => number): { dir: string } {
  fs.mkdirSync(dir, { recursive: true });
  const [cols, rows, slices] = size;
  const origin = size.map((n, a) => (-(n - 1) / 2) * spacing[a]!);
  const [studyUid, seriesUid, forUid] = [newUid(), newUid(), newUid()];
  for (let k = 0; k < slices; k++) {
    const z = origin[2]! + k * spacing[2];
    const pixels = new Uint16Array(cols * rows);
    for (let j = 0; j < rows; j++) for (let i = 0; i < cols; i++) pixels[i + cols * j] = Math.max(0, Math.round(hu(origin[0]! + i * spacing[0], origin[1]! + j * spacing[1], z) + 1024));
    fs.writeFileSync(
      path.join(dir, `${String(k).padStart(4, '0')}.dcm`),
      writeDicom([
        { tag: 0x00080016, vr: 'UI', value: '1.2.840.10008.5.1.4.1.1.2' },
        { tag: 0x00080018, vr: 'UI', value: newUid() },
        { tag: 0x00080060, vr: 'CS', value: 'CT' },
        { tag: 0x00100020, vr: 'LO', value: 'SYNTHETIC' },
        { tag: 0x0020000d, vr: 'UI', value: studyUid },
        { tag: 0x0020000e, vr: 'UI', value: seriesUid },
        { tag: 0x00200013, vr: 'IS', value: k + 1 },
        { tag: 0x00200032, vr: 'DS', value: [origin[0]!, origin[1]!, z] },
        { tag: 0x00200037, vr: 'DS', value: [1, 0, 0, 0, 1, 0] },
        { tag: 0x00200052, vr: 'UI', value: forUid },
        { tag: 0x00280002, vr: 'US', value: 1 },
        { tag: 0x00280004, vr: 'CS', value: 'MONOCHROME2' },
        { tag: 0x00280010, vr: 'US', value: rows },
        { tag: 0x00280011, vr: 'US', value: cols },
        { tag: 0x00280030, vr: 'DS', value: [spacing[1], spacing[0]] },
        { tag: 0x00280100, vr: 'US', value: 16 },
        { tag: 0x00280101, vr: 'US', value: 16 },
        { tag: 0x00280102, vr: 'US', value: 15 },
        { tag: 0x00280103, vr: 'US', value: 0 },
        { tag: 0x00281052, vr: 'DS', value: -1024 },
        { tag: 0x00281053, vr: 'DS', value: 1 },
        { tag: 0x7fe00010, vr: 'OW', value: pixels },
      ]),
    );
  }
  return { dir };
}

/** A vector MetaImage (ITK displacement field) read here independently: header, zlib data, float32 triples. */
function readVectorMha(file: string): { dimensions: [number, number, number]; ijkToLps: number[]; vectors: Float32Array } {
  const bytes = fs.readFileSync(file);
  const end = bytes.indexOf('ElementDataFile = LOCAL\n') + 'ElementDataFile = LOCAL\n'.length;
  const header = Object.fromEntries(bytes.subarray(0, end).toString('latin1').trim().split('\n').map((l) => l.split(' = ') as [string, string]));
  expect(header).toMatchObject({ ElementNumberOfChannels: '3', ElementType: 'MET_FLOAT', NDims: '3' });
  const nums = (k: string) => header[k]!.split(' ').map(Number);
  const [dims, spacing, offset, m] = [nums('DimSize'), nums('ElementSpacing'), nums('Offset'), nums('TransformMatrix')];
  const raw = header.CompressedData === 'True' ? zlib.inflateSync(bytes.subarray(end)) : bytes.subarray(end);
  const vectors = new Float32Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.byteLength));
  // TransformMatrix lists axis 0's direction, then axis 1's, then axis 2's.
  const ijkToLps = [0, 1, 2].flatMap((r) => [m[r]! * spacing[0]!, m[3 + r]! * spacing[1]!, m[6 + r]! * spacing[2]!, offset[r]!]).concat([0, 0, 0, 1]);
  return { dimensions: dims as [number, number, number], ijkToLps, vectors };
}

/** ITK's reading of a displacement field at a world point: trilinear in the grid, zero outside it. */
function trilinear(field: { dimensions: [number, number, number]; ijkToLps: number[]; vectors: Float32Array }, p: Vec3): Vec3 {
  const f = transformPoint(invertAffine(field.ijkToLps), p);
  const [nx, ny] = field.dimensions;
  if (f.some((v, a) => v < -1e-9 || v > field.dimensions[a]! - 1 + 1e-9)) return [0, 0, 0];
  const i0 = f.map((v, a) => Math.max(0, Math.min(Math.floor(v), field.dimensions[a]! - 2)));
  const t = f.map((v, a) => v - i0[a]!);
  const out: Vec3 = [0, 0, 0];
  for (let c = 0; c < 8; c++) {
    const d = [c & 1, (c >> 1) & 1, (c >> 2) & 1];
    const w = d.reduce((prod, on, a) => prod * (on ? t[a]! : 1 - t[a]!), 1);
    if (w === 0) continue;
    const n = i0[0]! + d[0]! + nx * (i0[1]! + d[1]! + ny * (i0[2]! + d[2]!));
    for (let a = 0; a < 3; a++) out[a] += w * field.vectors[3 * n + a]!;
  }
  return out;
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
      ['displacement-LPS-to-straightened-mask.nrrd', 'displacement-LPS-to-straightened.mha', 'displacement-straightened-to-LPS.mha', 'jacobian.nrrd', 'provenance.json', 'straightened-mask.nrrd', 'straightened.nrrd', 'transforms.json', ...['mip', 'minip', 'mean', 'xray'].flatMap((k) => [`projection-${k}.nrrd`, `projection-${k}.png`])].sort(),
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

  it('writes the inverse field (original grid → straightened): composed with the forward field it is the identity within 0.01 mm where defined', async () => {
    const out = path.join(tmp, 'bent-out');
    const inverse = readVectorMha(path.join(out, 'displacement-LPS-to-straightened.mha'));
    const forward = readVectorMha(path.join(out, 'displacement-straightened-to-LPS.mha'));
    const mask = readNrrd(fs.readFileSync(path.join(out, 'displacement-LPS-to-straightened-mask.nrrd')));
    expect(mask.dimensions).toEqual(inverse.dimensions);
    mask.ijkToLps.forEach((v, n) => expect(v).toBeCloseTo(inverse.ijkToLps[n]!, 6));
    // On the original lattice: its axes are the volume's (times the decimation), its origin a voxel centre.
    const provenance = JSON.parse(fs.readFileSync(path.join(out, 'provenance.json'), 'utf8')) as { inverseDisplacementField: { decimation: number; originVoxel: Vec3; definedPoints: number } };
    const { decimation, originVoxel, definedPoints } = provenance.inverseDisplacementField;
    const origin = transformPoint(volume.ijkToLps, originVoxel);
    [0, 1, 2].forEach((a) => expect(inverse.ijkToLps[4 * a + 3]).toBeCloseTo(origin[a]!, 6));
    [0, 1, 2, 4, 5, 6, 8, 9, 10].forEach((n) => expect(inverse.ijkToLps[n]).toBeCloseTo(volume.ijkToLps[n]! * decimation, 9));
    let defined = 0;
    let worst = 0;
    let zeroOutside = true;
    const [nx, ny] = inverse.dimensions;
    for (let n = 0; n < mask.voxels.length; n++) {
      const d: Vec3 = [inverse.vectors[3 * n]!, inverse.vectors[3 * n + 1]!, inverse.vectors[3 * n + 2]!];
      if (!mask.voxels[n]) {
        if (d.some((c) => c !== 0)) zeroOutside = false;
        continue;
      }
      defined++;
      const p = transformPoint(inverse.ijkToLps, [n % nx, Math.floor(n / nx) % ny, Math.floor(n / (nx * ny))]);
      const x: Vec3 = [p[0] + d[0], p[1] + d[1], p[2] + d[2]];
      const back = trilinear(forward, x);
      worst = Math.max(worst, Math.hypot(x[0] + back[0] - p[0], x[1] + back[1] - p[1], x[2] + back[2] - p[2]));
    }
    console.log(`inverse field: ${inverse.dimensions.join('×')} points (decimation ${decimation}), ${defined} defined; worst |forward(inverse(p)) − p| = ${worst.toExponential(2)} mm`);
    expect(defined).toBe(definedPoints);
    expect(defined).toBeGreaterThan(20_000);
    expect(zeroOutside).toBe(true);
    expect(worst).toBeLessThan(0.01);
  });

  it.skipIf(!hasTool('plastimatch'))('plastimatch (ITK) warps the straightened volume back through the inverse field onto the original, inside its mask (smooth phantom)', async () => {
    // Smooth, so that two linear interpolations in a row cost well under 1 HU, while a field
    // off by 1 mm would cost tens of HU (the gradient reaches 45 HU/mm).
    const smooth = writeAxialSeries(path.join(tmp, 'smooth'), [80, 80, 50], [1, 1, 1.5], (x, y, z) => 300 * Math.sin(x / 9) * Math.cos(y / 11) + 200 * Math.sin(z / 13));
    const out = path.join(tmp, 'smooth-out');
    const curve = slicerCurve(path.join(tmp, 'smooth.mrk.json'), [MARKER_A, [10, 5, -2], MARKER_B]);
    expect((await cli('straighten', smooth.dir, '--path', curve, '--out', out, '--size', '40x30', '--spacing', '0.8', '--step', '0.7', '--projection', 'mip')).code).toBe(0);
    const original = path.join(tmp, 'smooth-original.mha');
    expect((await cli('export-volume', smooth.dir, '--out', original)).code).toBe(0);
    const volume = readMetaImage(fs.readFileSync(original));
    const straightened = readNrrd(fs.readFileSync(path.join(out, 'straightened.nrrd')));
    const transforms = JSON.parse(fs.readFileSync(path.join(out, 'transforms.json'), 'utf8')) as { pixelSpacing: number[]; sliceSpacing: number };
    // The moving image: the straightened volume on its nominal grid (origin 0, its spacings).
    const [sx, sy] = transforms.pixelSpacing;
    const nominal = [sx!, 0, 0, 0, 0, sy!, 0, 0, 0, 0, transforms.sliceSpacing, 0, 0, 0, 0, 1];
    const moving = path.join(tmp, 'straightened-nominal.mha');
    fs.writeFileSync(moving, writeMetaImage({ dimensions: straightened.dimensions, ijkToLps: nominal, voxels: new Float32Array(straightened.voxels) }));
    const warped = path.join(tmp, 'unstraightened.mha');
    const run = spawnSync('plastimatch', ['warp', '--input', moving, '--xf', path.join(out, 'displacement-LPS-to-straightened.mha'), '--fixed', original, '--output-img', warped, '--output-type', 'float', '--interpolation', 'linear', '--default-value', '-5000'], { encoding: 'utf8' });
    if (run.status !== 0) throw new Error(`plastimatch warp failed: ${run.stdout}${run.stderr}`);
    const theirs = readMetaImage(fs.readFileSync(warped));
    expect(theirs.dimensions).toEqual(volume.dimensions);
    const mask = readNrrd(fs.readFileSync(path.join(out, 'displacement-LPS-to-straightened-mask.nrrd')));
    const { decimation, originVoxel } = (JSON.parse(fs.readFileSync(path.join(out, 'provenance.json'), 'utf8')) as { inverseDisplacementField: { decimation: number; originVoxel: Vec3 } }).inverseDisplacementField;
    const [mx, my, mz] = mask.dimensions;
    const [vx, vy] = volume.dimensions;
    const diffs: number[] = [];
    let outsideDefault = 0;
    let nearEdge = 0;
    const field = readVectorMha(path.join(out, 'displacement-LPS-to-straightened.mha'));
    const straightenedMask = readNrrd(fs.readFileSync(path.join(out, 'straightened-mask.nrrd')));
    const [sc, sr] = straightenedMask.dimensions;
    for (let k = 0; k < mz; k++) {
      for (let j = 0; j < my; j++) {
        for (let i = 0; i < mx; i++) {
          if (!mask.voxels[i + mx * (j + my * k)]) continue;
          const n = originVoxel[0] + i * decimation + vx * (originVoxel[1] + j * decimation + vy * (originVoxel[2] + k * decimation));
          if (theirs.voxels[n] === -5000) {
            outsideDefault++;
            continue;
          }
          // Leave out points whose straightened neighbours were sampled outside the original (the
          // straightened volume's own mask, not the field's): background −1024 mixes in there.
          const m = i + mx * (j + my * k);
          const p = transformPoint(volume.ijkToLps, [originVoxel[0] + i * decimation, originVoxel[1] + j * decimation, originVoxel[2] + k * decimation]);
          const at = [(p[0] + field.vectors[3 * m]!) / sx!, (p[1] + field.vectors[3 * m + 1]!) / sy!, (p[2] + field.vectors[3 * m + 2]!) / transforms.sliceSpacing];
          let sampledInside = true;
          for (let c = 0; c < 8; c++) {
            const q = at.map((v, a) => ((c >> a) & 1 ? Math.ceil(v) : Math.floor(v)));
            if (!straightenedMask.voxels[q[0]! + sc * (q[1]! + sr * q[2]!)]) sampledInside = false;
          }
          if (sampledInside) diffs.push(Math.abs(theirs.voxels[n]! - volume.voxels[n]!));
          else nearEdge++;
        }
      }
    }
    diffs.sort((a, b) => a - b);
    const median = diffs[Math.floor(diffs.length / 2)]!;
    const p90 = diffs[Math.floor(0.9 * diffs.length)]!;
    console.log(`plastimatch warp of the straightened volume through the inverse field vs the original (smooth phantom): median ${median.toFixed(3)} HU, p90 ${p90.toFixed(2)} HU, max ${diffs.at(-1)!.toFixed(2)} HU over ${diffs.length} voxels inside the mask (${nearEdge} left out: sampled next to the original's edge)`);
    expect(outsideDefault).toBe(0);
    expect(diffs.length).toBeGreaterThan(20_000);
    expect(nearEdge).toBeLessThan(diffs.length / 20);
    expect(median).toBeLessThan(0.5);
    expect(p90).toBeLessThan(1.5);
    expect(diffs.at(-1)!).toBeLessThan(5);
  });

  it('--projection panoramic: an arch-shaped tube becomes a horizontal band of its height, superior up, whatever --projection-axis says', async () => {
    // A dental-arch phantom in water: a tube along the parabola y = −25 + x²/40 (z = 0, apex
    // anterior), elliptical in section: 3 mm semi-axis vertically, 1.5 mm across the arch; and a
    // 2 mm ball 7 mm above the apex. Averaged across a 15 mm slab, the tube shows as a band
    // 6 mm high (a band 3 mm high would mean the slab ran vertically), peaking at 1000·3/15 HU.
    // Its height is measured as 4σ of the vertical profile, which for a semi-ellipse (the chord
    // of the section at each height) is exactly its height 2a.
    const arch = (x: number) => -25 + (x * x) / 40;
    const dense = Array.from({ length: 1601 }, (_, n) => { const x = -40 + n * 0.05; return [x, arch(x)] as const; });
    const acrossArch = (x: number, y: number) => Math.min(...dense.map(([px, py]) => Math.hypot(x - px, y - py)));
    const inPlane = new Map<string, number>();
    const series = writeAxialSeries(path.join(tmp, 'arch'), [100, 70, 30], [1, 1, 1], (x, y, z) => {
      const key = `${x},${y}`;
      if (!inPlane.has(key)) inPlane.set(key, y < -32 || y > 5 ? 99 : acrossArch(x, y));
      const tube = (inPlane.get(key)! / 1.5) ** 2 + (z / 3) ** 2 <= 1 ? 1000 : 0;
      const ball = Math.hypot(x, y + 25, z - 7) <= 2 ? 1000 : 0;
      return tube + ball;
    });
    const points = Array.from({ length: 13 }, (_, n) => { const x = -30 + 5 * n; return [x, arch(x), 0] as Vec3; });
    const curve = slicerCurve(path.join(tmp, 'arch.mrk.json'), points);
    const out = path.join(tmp, 'arch-out');
    const r = await cli('straighten', series.dir, '--path', curve, '--out', out, '--size', '48x48', '--spacing', '0.5', '--step', '0.5', '--projection', 'panoramic,mip', '--projection-axis', 'slice', '--json');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const slices = (JSON.parse(r.stdout) as { size: number[] }).size[2]!;
    const pano = readNrrd(fs.readFileSync(path.join(out, 'projection-panoramic.nrrd')));
    expect(pano.dimensions).toEqual([slices, 48, 1]);
    expect(fs.existsSync(path.join(out, 'projection-panoramic.png'))).toBe(true);
    expect(readNrrd(fs.readFileSync(path.join(out, 'projection-mip.nrrd'))).dimensions).toEqual([48, 48, 1]);
    const provenance = JSON.parse(fs.readFileSync(path.join(out, 'provenance.json'), 'utf8')) as { projections: { kind: string; along: string; slab: { mm: number } }[] };
    expect(provenance.projections[0]).toMatchObject({ kind: 'panoramic', reduction: 'mean', slab: { mm: 15 }, image: ['slices', expect.any(String)] });

    const at = (x: number, y: number) => pano.voxels[x + slices * y]!;
    const heights: number[] = [];
    const centres: number[] = [];
    const areas: number[] = [];
    const middle = Math.round((slices - 1) / 2);
    // Every column away from the ends and from the ball: the tube's vertical profile.
    for (let x = 10; x < slices - 10; x++) {
      if (Math.abs(x - middle) < 12) continue;
      let sum = 0;
      let moment = 0;
      let second = 0;
      for (let y = 0; y < 48; y++) {
        const v = at(x, y);
        sum += v;
        moment += v * y;
        second += v * y * y;
      }
      const centre = moment / sum;
      heights.push(4 * Math.sqrt(second / sum - centre * centre) * 0.5);
      centres.push(centre);
      areas.push(sum * 0.5);
    }
    const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)]!;
    console.log(`panoramic of the arch tube: band height ${median(heights).toFixed(2)} mm (expected 6), centre row ${median(centres).toFixed(2)} (expected 23.5), profile area ${median(areas).toFixed(0)} HU·mm (expected ${((1000 * Math.PI * 3 * 1.5) / 15).toFixed(0)})`);
    expect(heights.length).toBeGreaterThan(50);
    // The phantom's 1 mm voxels (6 rows inside |z| ≤ 3) and linear interpolation widen it to 6.35 mm
    // (4σ of the sampled semi-ellipse with a 1 mm tent); column to column it varies by ±0.7 mm as
    // the oblique tube crosses the voxel grid.
    expect(median(heights)).toBeGreaterThan(6);
    expect(median(heights)).toBeLessThan(6.6);
    expect(Math.min(...heights)).toBeGreaterThan(5.2);
    expect(Math.max(...heights)).toBeLessThan(7.5);
    for (const c of centres) expect(Math.abs(c - 23.5)).toBeLessThan(0.5);
    expect(Math.abs(median(areas) / ((1000 * Math.PI * 3 * 1.5) / 15) - 1)).toBeLessThan(0.1);
    // The ball, 7 mm above the apex, shows above the band: superior is up.
    const column = (y0: number, y1: number) => Math.max(...Array.from({ length: y1 - y0 + 1 }, (_, n) => at(middle, y0 + n)));
    expect(column(23 - 16, 23 - 12)).toBeGreaterThan(50);
    expect(column(24 + 12, 24 + 16)).toBeLessThan(5);
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
