/**
 * `lumen reconstruct` end to end, against independent truth:
 * 1. the analytic phantom's spin (exact line integrals, one XA multi-frame, LIN): the
 *    reconstruction reads the phantom's attenuation at its ellipsoids and ~0 outside, the
 *    bright markers sit at their true LPS centres (asymmetric, so a flipped axis fails),
 *    and the DICOM series output loads back as the same volume;
 * 2. the chest CT converted to attenuation, forward-projected by the voxel projector of
 *    test/fixtures into an XA multi-frame: the reconstruction correlates with the CT on
 *    the reconstruction grid, and clearly less with the CT shifted or mirrored.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Mat4 } from '../../shared/math/mat4';
import type { Vec3 } from '../../shared/math/vec3';
import { readNrrd } from '../../shared/io/nrrd';
import { writeRtkGeometry } from '../../shared/io/rtkGeometry';
import type { ConeBeamGeometry } from '../../shared/recon/cArmGeometry';
import { BODY_HU, MARKER_A, MARKER_B, MARKER_HU, muFromHu } from '../../test/fixtures/phantom';
import { writeRotationalRun } from '../../test/fixtures/rotationalRun';
import { writeVolumePhantom } from '../../test/fixtures/volumePhantom';
import { writeVolumeRotationalRun } from '../../test/fixtures/volumeRotationalRun';
import { centredAttenuation } from '../../test/fixtures/centredAttenuation';
import { correlationWithSource, sampler, voxelCentre } from '../../test/support/volumeSampling';
import type { VoxelVolume } from '../../test/fixtures/projectVolume';
import { ctChestDir, hasSharedData } from '../../test/support/referenceTools';
import { DicomIndexService } from '../services/DicomIndexService';
import { VolumeService } from '../services/VolumeService';
import { WorkerPool } from '../services/WorkerPool';
import { runCli } from './runCli';

interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

async function lumen(args: string[]): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(['reconstruct', ...args], { stdout: { write: (s: string) => (stdout += s) }, stderr: { write: (s: string) => (stderr += s) }, isTTY: false }, { pool: { size: 2 } });
  return { code, stdout, stderr };
}

function readVolume(file: string): VoxelVolume {
  const image = readNrrd(new Uint8Array(fs.readFileSync(file)));
  return { dimensions: image.dimensions, ijkToLps: image.ijkToLps as Mat4, voxels: Float32Array.from(image.voxels) };
}

let tmp: string;
beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lumen-reconstruct-'));
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe('lumen reconstruct: the analytic phantom', () => {
  let runDir: string;
  let truthGeometry: () => ConeBeamGeometry;
  beforeAll(() => {
    runDir = path.join(tmp, 'phantom-run');
    const truth = writeRotationalRun({ dir: runDir });
    truthGeometry = () => structuredClone(truth.coneBeam);
  });

  it('puts the phantom\'s attenuation and markers where they are in LPS', async () => {
    const out = path.join(tmp, 'phantom.nrrd');
    const result = await lumen([runDir, '--out', out, '--size', '100x100x100', '--spacing', '1', '--json']);
    expect(result.code, result.stderr).toBe(0);
    const summary = JSON.parse(result.stdout);
    expect(summary.geometry.views).toBe(133);
    expect(summary.geometry.arcDeg).toBeCloseTo(200, 3);
    expect(summary.geometry.magnification).toBeCloseTo(1.5, 9);
    expect(summary.i0).toBeCloseTo(50000, -1);
    for (const key of ['index_s', 'i0_s', 'filter_s', 'backproject_s', 'mask_s', 'write_s', 'total_s']) expect(summary.timings[key]).toBeGreaterThan(0);
    console.log(`phantom 100³ from 133×256²: timings ${JSON.stringify(summary.timings)}, ${(summary.voxelUpdatesPerSecond / 1e6).toFixed(0)} M voxel updates/s (2 workers)`);

    const volume = readVolume(out);
    expect(volume.dimensions).toEqual([100, 100, 100]);
    const mu = sampler(volume);
    const body = muFromHu(BODY_HU);
    const marker = muFromHu(MARKER_HU);
    // Inside the markers, inside the body away from them, and outside everything.
    expect(mu(MARKER_A)).toBeGreaterThan(0.9 * marker);
    expect(mu(MARKER_A)).toBeLessThan(1.1 * marker);
    expect(mu(MARKER_B)).toBeGreaterThan(0.85 * marker);
    expect(Math.abs(mu([-20, 10, 10]) / body - 1)).toBeLessThan(0.1);
    expect(Math.abs(mu([0, 0, 47]))).toBeLessThan(0.1 * body);
    expect(Math.abs(mu([45, 0, 0]))).toBeLessThan(0.1 * body);
    // A's mirror images across each patient axis hold body, not marker.
    for (const mirror of [[-20, -15, 15], [20, 15, 15], [20, -15, -15]] as Vec3[]) expect(mu(mirror)).toBeLessThan(1.5 * body);

    // The bright voxels form the two markers, centred on the truth within a voxel.
    const threshold = (body + marker) / 2;
    const sums = [[0, 0, 0, 0], [0, 0, 0, 0]];
    let stray = 0;
    volume.voxels.forEach((v, n) => {
      if (v <= threshold) return;
      const p = voxelCentre(volume, n);
      const [da, db] = [MARKER_A, MARKER_B].map((m) => Math.hypot(p[0] - m[0], p[1] - m[1], p[2] - m[2]));
      if (Math.min(da, db) > 8) stray++;
      const s = sums[da < db ? 0 : 1];
      s[0] += p[0];
      s[1] += p[1];
      s[2] += p[2];
      s[3]++;
    });
    expect(stray).toBe(0);
    [MARKER_A, MARKER_B].forEach((truth, m) => {
      const [x, y, z, count] = sums[m];
      const error = Math.hypot(x / count - truth[0], y / count - truth[1], z / count - truth[2]);
      console.log(`marker ${'AB'[m]}: ${count} bright voxels, centroid ${error.toFixed(2)} mm from the truth`);
      expect(error).toBeLessThan(1);
    });
  }, 60_000);

  it('writes a DICOM series that loads back as the same volume', async () => {
    const nrrd = path.join(tmp, 'phantom-small.nrrd');
    const dir = path.join(tmp, 'phantom-series');
    const size = ['--size', '48x40x36', '--spacing', '2'];
    expect((await lumen([runDir, '--out', nrrd, ...size])).code).toBe(0);
    const result = await lumen([runDir, '--out', `${dir}/`, ...size, '--json']);
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout).output.files).toBe(36);

    const reference = readVolume(nrrd);
    const pool = new WorkerPool({ size: 2 });
    try {
      const index = new DicomIndexService(pool);
      const indexed = await index.index(dir);
      expect(indexed.series).toHaveLength(1);
      expect(indexed.series[0].kind).toBe('volume');
      expect(indexed.series[0].modality).toBe('CT');
      const loaded = await new VolumeService(pool).load(index.requirePlan(indexed.series[0].uid));
      expect(loaded.dimensions).toEqual(reference.dimensions);
      loaded.ijkToLps.forEach((v, n) => expect(v).toBeCloseTo(reference.ijkToLps[n], 4));
      let largest = 0;
      let worst = 0;
      reference.voxels.forEach((v, n) => {
        largest = Math.max(largest, Math.abs(v));
        worst = Math.max(worst, Math.abs(loaded.voxels[n] - v));
      });
      // int16 with a slope of about largest/32000: half a step of quantisation at most.
      expect(worst).toBeLessThanOrEqual((largest / 32000) * 0.51);
    } finally {
      await pool.destroy();
    }
  }, 60_000);

  it('takes the run file itself, or finds the run among other series', async () => {
    const size = ['--size', '24x24x24', '--spacing', '4'];
    const fromFolder = path.join(tmp, 'from-folder.nrrd');
    const fromFile = path.join(tmp, 'from-file.nrrd');
    expect((await lumen([runDir, '--out', fromFolder, ...size])).code).toBe(0);
    expect((await lumen([path.join(runDir, 'rotational-run.dcm'), '--out', fromFile, ...size])).code).toBe(0);
    expect(readVolume(fromFile).voxels).toEqual(readVolume(fromFolder).voxels);

    const mixed = path.join(tmp, 'mixed');
    writeRotationalRun({ dir: mixed, frames: 30, detector: [32, 32], pixelMm: 4 });
    const ct = writeVolumePhantom({ dir: path.join(mixed, 'ct'), size: [32, 32, 16] });
    const found = await lumen([mixed, '--out', path.join(tmp, 'mixed.nrrd'), ...size, '--json']);
    expect(found.code, found.stderr).toBe(0);
    expect(JSON.parse(found.stdout).series.frames).toBe(30);
    const notARun = await lumen([mixed, '--series', ct.seriesInstanceUid, '--out', path.join(tmp, 'ct.nrrd')]);
    expect(notARun.code).toBe(3);
    expect(notARun.stderr).toMatch(/is volume, not a rotational angiography run/);
    const folderOut = await lumen([mixed, '--out', tmp]);
    expect(folderOut.code).toBe(2);
    expect(folderOut.stderr).toMatch(/end it with \/ to write a DICOM series/);
    const none = await lumen([path.join(mixed, 'ct'), '--out', path.join(tmp, 'none.nrrd')]);
    expect(none.code).toBe(3);
    expect(none.stderr).toMatch(/No rotational angiography run/);
  }, 60_000);

  it('exports its geometry as RTK XML, and reconstructs from an RTK geometry instead of the DICOM one', async () => {
    const size = ['--size', '40x40x40', '--spacing', '2.5'];
    const xml = path.join(tmp, 'run-geometry.xml');
    const fromDicom = path.join(tmp, 'rtk-dicom.nrrd');
    const exported = await lumen([runDir, '--out', fromDicom, ...size, '--export-geometry', xml]);
    expect(exported.code, exported.stderr).toBe(0);
    const text = fs.readFileSync(xml, 'utf8');
    expect(text).toMatch(/<RTKThreeDCircularGeometry version="3">/);
    expect(text.match(/<Projection>/g)).toHaveLength(133);

    // The exported file read back: the same reconstruction.
    const fromXml = path.join(tmp, 'rtk-same.nrrd');
    const same = await lumen([runDir, '--out', fromXml, ...size, '--geometry', xml, '--json']);
    expect(same.code, same.stderr).toBe(0);
    expect(JSON.parse(same.stdout).geometrySource).toBe(xml);
    const a = readVolume(fromDicom).voxels;
    const b = readVolume(fromXml).voxels;
    a.forEach((v, n) => expect(Math.abs(b[n] - v)).toBeLessThan(1e-6));

    // The C-arm said to stand 90° further LAO for every frame: the same images mean the
    // patient turned 90° about S (primary angle a rotates the beam by R_S(a)), so marker A
    // (20, −15, 15) shows at R_S(90°)·A = (15, 20, 15).
    const turned = truthGeometry();
    turned.views = turned.views.map((v) => ({ ...v, primaryDeg: v.primaryDeg + 90 }));
    const turnedXml = path.join(tmp, 'turned.xml');
    fs.writeFileSync(turnedXml, writeRtkGeometry(turned));
    const turnedOut = path.join(tmp, 'rtk-turned.nrrd');
    expect((await lumen([runDir, '--out', turnedOut, '--size', '100x100x100', '--spacing', '1', '--geometry', turnedXml])).code).toBe(0);
    const mu = sampler(readVolume(turnedOut));
    expect(mu([15, 20, 15])).toBeGreaterThan(0.8 * muFromHu(MARKER_HU));
    expect(mu(MARKER_A)).toBeLessThan(1.5 * muFromHu(BODY_HU));

    const wrongCount = path.join(tmp, 'short.xml');
    fs.writeFileSync(wrongCount, writeRtkGeometry({ ...turned, views: turned.views.slice(0, 10) }));
    const refused = await lumen([runDir, '--out', path.join(tmp, 'x.nrrd'), '--geometry', wrongCount]);
    expect(refused.code).toBe(3);
    expect(refused.stderr).toMatch(/describes 10 projections, but the run has 133 frames/);
  }, 60_000);

  it('bins the detector and writes Hounsfield units with a given μ water (--bin 2 --hu=μ)', async () => {
    const out = path.join(tmp, 'phantom-hu.nrrd');
    const result = await lumen([runDir, '--out', out, '--size', '64x64x64', '--spacing', '1.5', '--bin', '2', `--hu=${muFromHu(0)}`, '--json']);
    expect(result.code, result.stderr).toBe(0);
    const summary = JSON.parse(result.stdout);
    expect(summary.units).toBe('HU');
    expect(summary.binning).toBe(2);
    const hu = sampler(readVolume(out));
    // 128² binned pixels of 2.4 mm still resolve the 5 mm markers: body and marker read their HU.
    expect(hu(MARKER_A)).toBeGreaterThan(0.85 * MARKER_HU);
    expect(Math.abs(hu([-20, 10, 10]) - BODY_HU)).toBeLessThan(40);
    expect((await lumen([runDir, '--out', out, '--bin', '0'])).code).toBe(2);
  });

  it('refuses --iterations with fdk, a bad filter and a destination in the source folder', async () => {
    expect((await lumen([runDir, '--out', path.join(tmp, 'x.nrrd'), '--iterations', '4'])).code).toBe(2);
    expect((await lumen([runDir, '--out', path.join(tmp, 'x.nrrd'), '--filter', 'gauss'])).code).toBe(2);
    const inside = await lumen([runDir, '--out', path.join(runDir, 'x.nrrd')]);
    expect(inside.code).toBe(3);
    expect(inside.stderr).toMatch(/does not write into a DICOM source folder/);
  });

  it('a truncated run is named with the reason it was skipped, and nothing is written', async () => {
    const broken = path.join(tmp, 'truncated-run');
    fs.mkdirSync(broken);
    const bytes = fs.readFileSync(path.join(runDir, 'rotational-run.dcm'));
    fs.writeFileSync(path.join(broken, 'run.dcm'), bytes.subarray(0, bytes.length - 20_000));
    const out = path.join(tmp, 'from-truncated.nrrd');
    const result = await lumen([broken, '--out', out]);
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(/No rotational angiography run/);
    expect(result.stderr).toMatch(/run\.dcm: pixel data truncated/);
    expect(fs.existsSync(out)).toBe(false);
  });
});

describe.skipIf(!hasSharedData)('lumen reconstruct: a spin forward-projected from the chest CT (needs ../shared/data)', () => {
  /** The CT at 4×4 in-plane binning, as attenuation μ = μwater·(1 + HU/1000) ≥ 0, centred on the isocentre. */
  let truth: VoxelVolume;
  let runDir: string;
  beforeAll(async () => {
    const pool = new WorkerPool({ size: 2 });
    try {
      const index = new DicomIndexService(pool);
      const indexed = await index.index(ctChestDir);
      const ct = await new VolumeService(pool).load(index.requirePlan(indexed.series[0].uid));
      truth = centredAttenuation(ct, 4);
    } finally {
      await pool.destroy();
    }
    runDir = path.join(tmp, 'ct-run');
    const started = performance.now();
    writeVolumeRotationalRun({ dir: runDir, volume: truth, frames: 133, arcDeg: 200, sid: 1200, sod: 800, detector: [192, 176], pixelMm: 2.4 });
    console.log(`chest CT spin: 133 views of 192×176 projected in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  }, 120_000);

  it('reconstructs the CT in the right place and orientation', async () => {
    const out = path.join(tmp, 'ct.nrrd');
    const result = await lumen([runDir, '--out', out, '--size', '112x112x100', '--spacing', '2.5', '--json']);
    expect(result.code, result.stderr).toBe(0);
    const summary = JSON.parse(result.stdout);
    const recon = readVolume(out);
    // Inside the field of view (non-zero) and the CT's box: r against the CT, then against it moved.
    const correlation = (move: (p: Vec3) => Vec3): number => correlationWithSource(recon, truth, move);
    const r = correlation((p) => p);
    const shifted = correlation((p) => [p[0] + 10, p[1], p[2]]);
    const mirroredLR = correlation((p) => [-p[0], p[1], p[2]]);
    const mirroredSI = correlation((p) => [p[0], p[1], -p[2]]);
    console.log(
      `chest CT: r = ${r.toFixed(3)} (shifted 10 mm L: ${shifted.toFixed(3)}, mirrored L-R: ${mirroredLR.toFixed(3)}, S-I: ${mirroredSI.toFixed(3)}); ` +
        `timings ${JSON.stringify(summary.timings)}, ${(summary.voxelUpdatesPerSecond / 1e6).toFixed(0)} M voxel updates/s`,
    );
    expect(r).toBeGreaterThan(0.9);
    for (const other of [shifted, mirroredLR, mirroredSI]) expect(other).toBeLessThan(r - 0.1);
  }, 120_000);
});


describe('lumen reconstruct --algorithm sart', () => {
  let runDir: string;
  beforeAll(() => {
    runDir = path.join(tmp, 'sart-run');
    writeRotationalRun({ dir: runDir, frames: 60, arcDeg: 200, detector: [96, 96], pixelMm: 3 });
  });

  it('reconstructs the analytic phantom\'s spin end to end in 2 iterations, with their timings', async () => {
    const out = path.join(tmp, 'sart.nrrd');
    const result = await lumen([runDir, '--out', out, '--size', '44x40x48', '--spacing', '2.5', '--algorithm', 'sart', '--iterations', '2', '--json']);
    expect(result.code, result.stderr).toBe(0);
    const summary = JSON.parse(result.stdout);
    expect(summary).toMatchObject({ algorithm: 'sart', iterations: 2, subsets: 60, lambda: 0.5 });
    expect(summary.filter).toBeUndefined();
    expect(summary.timings.iterations).toHaveLength(2);
    for (const t of summary.timings.iterations) {
      expect(t.forward_s).toBeGreaterThan(0);
      expect(t.update_s).toBeGreaterThan(0);
    }
    // The data misfit each sweep met falls from the first to the second.
    expect(summary.timings.iterations[1].residual).toBeLessThan(summary.timings.iterations[0].residual);
    console.log(`SART 44×40×48 from 60×96², 2 iterations: timings ${JSON.stringify(summary.timings)}`);

    const volume = readVolume(out);
    expect(volume.dimensions).toEqual([44, 40, 48]);
    expect(volume.voxels.every((v) => v >= 0)).toBe(true);
    const mu = sampler(volume);
    const body = muFromHu(BODY_HU);
    const marker = muFromHu(MARKER_HU);
    // The body's attenuation away from the markers, air outside, and the asymmetric markers where they are in LPS.
    expect(Math.abs(mu([-20, 10, 10]) / body - 1)).toBeLessThan(0.1);
    expect(mu([45, 0, 0])).toBeLessThan(0.1 * body);
    expect(mu(MARKER_A)).toBeGreaterThan(0.6 * marker);
    expect(mu(MARKER_B)).toBeGreaterThan(0.5 * marker);
    for (const mirror of [[-20, -15, 15], [20, 15, 15], [20, -15, -15]] as Vec3[]) expect(mu(mirror)).toBeLessThan(1.5 * body);
  }, 120_000);

  it('refuses --iterations with fdk, a bad count, and --filter with sart (usage errors)', async () => {
    const out = ['--out', path.join(tmp, 'x.nrrd')];
    const fdkIterations = await lumen([runDir, ...out, '--iterations', '3']);
    expect(fdkIterations.code).toBe(2);
    expect(fdkIterations.stderr).toMatch(/--iterations applies to --algorithm sart/);
    for (const count of ['0', '2.5', 'many']) expect((await lumen([runDir, ...out, '--algorithm', 'sart', '--iterations', count])).code).toBe(2);
    expect((await lumen([runDir, ...out, '--algorithm', 'sart', '--filter', 'hann'])).code).toBe(2);
  });
});
