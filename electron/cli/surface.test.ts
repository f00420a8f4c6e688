/**
 * `lumen surface` end to end: usage errors (exit 2), an analytic sphere in an NRRD and
 * in an oblique DICOM series turned into STL files whose triangles, area and enclosed
 * volume match the sphere and the JSON, in LPS or RAS; options (largest component,
 * smoothing, decimation); refusal to write into the source folder; and the chest CT's
 * bone surface at 300 HU where ../shared/data is present.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeNrrd } from '../../shared/io/nrrd';
import { fromAxes } from '../../shared/math/mat4';
import type { Vec3 } from '../../shared/math/vec3';
import { edgeTopology, enclosedVolume, isClosedOrientedManifold, surfaceArea } from '../../shared/mesh/meshMeasures';
import { readStl } from '../../shared/io/stl';
import { normalisedRadius, sampleEllipsoids, type Ellipsoid } from '../../shared/mesh/testkit/ellipsoidVolume';
import type { TriangleMesh } from '../../shared/mesh/TriangleMesh';
import { ctChestDir, hasSharedData } from '../../test/support/referenceTools';
import { writeVolumePhantom } from '../../test/fixtures/volumePhantom';
import { runCli } from './runCli';

async function lumen(...argv: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await runCli(argv, { stdout: { write: (s: string) => (stdout += s) }, stderr: { write: (s: string) => (stderr += s) }, isTTY: false }, { pool: { size: 2 } });
  return { code, stdout, stderr };
}

let tmp: string;
beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lumen-surface-'));
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

const readMesh = (file: string): TriangleMesh => readStl(new Uint8Array(fs.readFileSync(file)));

/** Largest distance of a vertex from the ellipsoid (bounded by |ρ − 1| × the largest semi-axis). */
function worstDistance(mesh: TriangleMesh, e: Ellipsoid, toLps: (p: Vec3) => Vec3 = (p) => p): number {
  let worst = 0;
  for (let v = 0; v < mesh.positions.length; v += 3) {
    const p = toLps([mesh.positions[v], mesh.positions[v + 1], mesh.positions[v + 2]]);
    worst = Math.max(worst, Math.abs(normalisedRadius(e, p) - 1) * Math.max(...e.radii));
  }
  return worst;
}

describe('lumen surface: usage', () => {
  const cases: [string, string[], RegExp][] = [
    ['no input', ['--threshold', '1', '--out', 'x.stl'], /missing <folder>/],
    ['no threshold', ['in.nrrd', '--out', 'x.stl'], /missing --threshold/],
    ['a threshold that is not a number', ['in.nrrd', '--threshold', 'bone', '--out', 'x.stl'], /--threshold must be a number/],
    ['no output', ['in.nrrd', '--threshold', '300'], /missing --out/],
    ['an output that is not STL', ['in.nrrd', '--threshold', '300', '--out', 'x.obj'], /--out must name an \.stl file/],
    ['a decimation outside (0, 1]', ['in.nrrd', '--threshold', '300', '--out', 'x.stl', '--decimate', '1.5'], /--decimate must be the fraction/],
    ['negative smoothing', ['in.nrrd', '--threshold', '300', '--out', 'x.stl', '--smooth', '-3'], /--smooth must be a whole number/],
    ['an unknown option', ['in.nrrd', '--threshold', '300', '--out', 'x.stl', '--iso', '3'], /unknown option --iso/],
  ];
  for (const [name, args, message] of cases) {
    it(`exits 2 with the usage on ${name}`, async () => {
      const result = await lumen('surface', ...args);
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(message);
      expect(result.stderr).toMatch(/Usage: lumen surface/);
    });
  }

  it('lists the command and says the frame in its help', async () => {
    const main = await lumen('--help');
    expect(main.stdout).toMatch(/surface <volume file\|folder> --threshold/);
    const help = await lumen('help', 'surface');
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/LPS/);
    expect(help.stdout).toMatch(/--ras/);
  });

  it('exits 3 for a missing input and for a threshold no voxel crosses', async () => {
    const missing = await lumen('surface', path.join(tmp, 'nope.nrrd'), '--threshold', '1', '--out', path.join(tmp, 'x.stl'));
    expect(missing.code).toBe(3);
    expect(missing.stderr).toMatch(/does not exist/);
    const file = path.join(tmp, 'flat.nrrd');
    fs.writeFileSync(file, writeNrrd({ dimensions: [4, 4, 4], ijkToLps: [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1], voxels: new Float32Array(64).fill(7) }));
    const flat = await lumen('surface', file, '--threshold', '300', '--out', path.join(tmp, 'flat.stl'));
    expect(flat.code).toBe(3);
    expect(flat.stderr).toMatch(/values run from 7 to 7/);
    expect(fs.existsSync(path.join(tmp, 'flat.stl'))).toBe(false);
  });
});

describe('lumen surface: phantoms', () => {
  // A sphere of radius 15 mm on an oblique, anisotropic grid far from the origin.
  const x: Vec3 = [0.8, 0.6, 0];
  const y: Vec3 = [-0.36, 0.48, 0.8];
  const z: Vec3 = [0.48, -0.64, 0.6];
  const ijkToLps = fromAxes(x.map((c) => c * 0.9) as Vec3, y.map((c) => c * 1.1) as Vec3, z.map((c) => c * 1.4) as Vec3, [-40, 25, -60]);
  const sphere: Ellipsoid = { centre: [-40 + 0.9 * 24 * 0.8 - 1.1 * 20 * 0.36 + 1.4 * 17 * 0.48, 25 + 0.9 * 24 * 0.6 + 1.1 * 20 * 0.48 - 1.4 * 17 * 0.64, -60 + 1.1 * 20 * 0.8 + 1.4 * 17 * 0.6], radii: [15, 15, 15] };
  const r = 15;

  it('writes a phantom NRRD\'s sphere as a closed STL in LPS, with the JSON saying what it wrote', async () => {
    const input = path.join(tmp, 'sphere.nrrd');
    fs.writeFileSync(input, writeNrrd(sampleEllipsoids([48, 40, 34], ijkToLps, [sphere])));
    const out = path.join(tmp, 'sphere.stl');
    const result = await lumen('surface', input, '--threshold', '0', '--out', out, '--json');
    expect(result.code, result.stderr).toBe(0);
    const summary = JSON.parse(result.stdout);
    expect(summary.frame).toBe('LPS');
    expect(summary.output).toMatchObject({ file: out, format: 'binary STL', units: 'mm', frame: 'LPS', bytes: fs.statSync(out).size });
    expect(Object.keys(summary.timings)).toEqual(['load_s', 'marchingCubes_s', 'largest_s', 'smooth_s', 'decimate_s', 'write_s', 'total_s']);
    const mesh = readMesh(out);
    expect(summary.triangles).toBe(mesh.triangles.length / 3);
    expect(summary.vertices).toBe(mesh.positions.length / 3);
    expect(summary.components).toBe(1);
    const topology = edgeTopology(mesh);
    expect(isClosedOrientedManifold(topology)).toBe(true);
    expect(topology.eulerCharacteristic).toBe(2);
    // The sphere's area and volume (1% tolerance), and the JSON's figures match the file's.
    expect(Math.abs(summary.areaMm2 / (4 * Math.PI * r * r) - 1)).toBeLessThan(0.01);
    expect(Math.abs(summary.volumeMl / ((4 / 3) * Math.PI * r ** 3 * 1e-3) - 1)).toBeLessThan(0.01);
    expect(surfaceArea(mesh)).toBeCloseTo(summary.areaMm2, 0);
    expect(enclosedVolume(mesh) / 1000).toBeCloseTo(summary.volumeMl, 2);
    expect(worstDistance(mesh, sphere)).toBeLessThan(0.05);

    const ras = path.join(tmp, 'sphere-ras.stl');
    const rasResult = await lumen('surface', input, '--threshold', '0', '--out', ras, '--ras', '--json');
    expect(rasResult.code, rasResult.stderr).toBe(0);
    expect(JSON.parse(rasResult.stdout).frame).toBe('RAS');
    const rasMesh = readMesh(ras);
    expect(rasMesh.triangles.length).toBe(mesh.triangles.length);
    // Where the sphere is in RAS (x and y negated), and still facing out.
    expect(worstDistance(rasMesh, sphere, ([a, b, c]) => [-a, -b, c])).toBeLessThan(0.05);
    expect(worstDistance(rasMesh, sphere)).toBeGreaterThan(10);
    expect(enclosedVolume(rasMesh)).toBeCloseTo(enclosedVolume(mesh), 0);
  });

  it('keeps the largest of two spheres, smooths and decimates to a quarter, still closed', async () => {
    const input = path.join(tmp, 'two.nrrd');
    const small: Ellipsoid = { centre: [7, 7, 33], radii: [4, 4, 4] };
    const big: Ellipsoid = { centre: [26, 22, 20], radii: [14, 14, 14] };
    fs.writeFileSync(input, writeNrrd(sampleEllipsoids([48, 44, 40], [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1], [small, big])));
    const full = await lumen('surface', input, '--threshold', '0', '--out', path.join(tmp, 'two-full.stl'), '--json');
    const out = path.join(tmp, 'two.stl');
    const result = await lumen('surface', input, '--threshold', '0', '--out', out, '--largest', '--smooth', '10', '--decimate', '0.25', '--json');
    expect(result.code, result.stderr).toBe(0);
    const [before, after] = [JSON.parse(full.stdout), JSON.parse(result.stdout)];
    expect(before.components).toBe(2);
    expect(after).toMatchObject({ largestOnly: true, smoothIterations: 10, decimate: 0.25 });
    const mesh = readMesh(out);
    expect(isClosedOrientedManifold(edgeTopology(mesh))).toBe(true);
    expect(edgeTopology(mesh).eulerCharacteristic).toBe(2);
    expect(worstDistance(mesh, big)).toBeLessThan(0.3);
    // Triangles go with the area: the big sphere holds 14² / (14² + 4²) of them.
    const bigTriangles = (before.triangles * 14 ** 2) / (14 ** 2 + 4 ** 2);
    expect(Math.abs(after.triangles / bigTriangles - 0.25)).toBeLessThan(0.02);
    expect(Math.abs(after.volumeMl / ((4 / 3) * Math.PI * 14 ** 3 * 1e-3) - 1)).toBeLessThan(0.01);
  });

  it('reads an oblique DICOM series, puts the surface where the sphere is in LPS, and never writes into the series\' folder', async () => {
    const dicomSphere: Ellipsoid = { centre: [6, -9, 4], radii: [14, 14, 14] };
    const truth = writeVolumePhantom({
      dir: path.join(tmp, 'dicom'),
      orientation: 'oblique',
      size: [56, 56, 40],
      spacing: [0.9, 0.9, 1.2],
      sample: (p) => Math.max(-1000, 1000 * (1 - normalisedRadius(dicomSphere, p))),
    });
    const inside = await lumen('surface', truth.dir, '--threshold', '0', '--out', path.join(truth.dir, 'model.stl'));
    expect(inside.code).toBe(3);
    expect(inside.stderr).toMatch(/does not write into a DICOM source folder/);
    expect(fs.existsSync(path.join(truth.dir, 'model.stl'))).toBe(false);

    const out = path.join(tmp, 'dicom-sphere.stl');
    const result = await lumen('surface', truth.dir, '--threshold', '0', '--out', out, '--json');
    expect(result.code, result.stderr).toBe(0);
    const summary = JSON.parse(result.stdout);
    expect(summary.source).toMatchObject({ kind: 'dicom', seriesUid: truth.seriesInstanceUid });
    const mesh = readMesh(out);
    expect(isClosedOrientedManifold(edgeTopology(mesh))).toBe(true);
    // HU are stored as integers: half an HU is 0.0075 mm of radius here.
    expect(worstDistance(mesh, dicomSphere)).toBeLessThan(0.1);
    expect(Math.abs(summary.volumeMl / ((4 / 3) * Math.PI * 14 ** 3 * 1e-3) - 1)).toBeLessThan(0.01);
  });
});

describe.skipIf(!hasSharedData)('lumen surface on the chest CT (needs ../shared/data)', () => {
  it('writes the bone surface at 300 HU, closed at the scan\'s ends', async () => {
    const out = path.join(tmp, 'chest-bone.stl');
    const result = await lumen('surface', ctChestDir, '--threshold', '300', '--out', out, '--json');
    expect(result.code, result.stderr).toBe(0);
    const summary = JSON.parse(result.stdout);
    console.log(`chest CT bone at 300 HU: ${summary.triangles} triangles, ${summary.vertices} vertices, ${summary.components} components, ${(summary.areaMm2 / 100).toFixed(0)} cm², ${summary.volumeMl.toFixed(0)} mL; timings ${JSON.stringify(summary.timings)}`);
    expect(fs.statSync(out).size).toBe(84 + 50 * summary.triangles);
    const mesh = readMesh(out);
    expect(mesh.triangles.length / 3).toBe(summary.triangles);
    const topology = edgeTopology(mesh);
    expect(isClosedOrientedManifold(topology), JSON.stringify(topology)).toBe(true);
    // Bone in a chest: ribs, spine, sternum, scapulae — hundreds of mL, not litres.
    expect(summary.volumeMl).toBeGreaterThan(100);
    expect(summary.volumeMl).toBeLessThan(3000);
  }, 300_000);
});
