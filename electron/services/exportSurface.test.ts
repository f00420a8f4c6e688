/**
 * exportSurface, the one-call surface export (the CLI's path; the app runs its two halves,
 * surfaceStl in a worker and writeSurface): exactly { file, triangles, vertices, bytes }, the
 * STL read back holds those triangles where the analytic sphere is (LPS or RAS),
 * nothing is written into a source folder or left behind on refusal, and bad options are
 * refused with a message.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UserError } from '../../shared/contracts/UserError';
import { edgeTopology, enclosedVolume, isClosedOrientedManifold } from '../../shared/mesh/meshMeasures';
import { readStl } from '../../shared/io/stl';
import { sampleEllipsoids } from '../../shared/mesh/testkit/ellipsoidVolume';
import { exportSurface } from './exportSurface';

let tmp: string;
beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lumen-export-surface-'));
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

const centre: [number, number, number] = [-10, 30, 120];
const volume = sampleEllipsoids([40, 40, 40], [1, 0, 0, -29.5, 0, 1, 0, 10.5, 0, 0, 1, 100.5, 0, 0, 0, 1], [{ centre, radii: [12, 12, 12] }]);

describe('exportSurface', () => {
  it('writes the sphere and returns exactly the file, triangles, vertices and bytes', async () => {
    const out = path.join(tmp, 'sphere.stl');
    const result = await exportSurface(volume, { threshold: 0 }, out, []);
    expect(Object.keys(result).sort()).toEqual(['bytes', 'file', 'triangles', 'vertices']);
    expect(result.file).toBe(out);
    expect(result.bytes).toBe(fs.statSync(out).size);
    const mesh = readStl(new Uint8Array(fs.readFileSync(out)));
    expect(mesh.triangles.length / 3).toBe(result.triangles);
    expect(mesh.positions.length / 3).toBe(result.vertices);
    expect(isClosedOrientedManifold(edgeTopology(mesh))).toBe(true);
    expect(Math.abs(enclosedVolume(mesh) / ((4 / 3) * Math.PI * 12 ** 3) - 1)).toBeLessThan(0.01);
    // No temp file left beside it.
    expect(fs.readdirSync(tmp)).toEqual(['sphere.stl']);
  });

  it('writes RAS when asked: the same sphere with x and y negated', async () => {
    const out = path.join(tmp, 'sphere-ras.stl');
    await exportSurface(volume, { threshold: 0, ras: true }, out, []);
    const mesh = readStl(new Uint8Array(fs.readFileSync(out)));
    const p = mesh.positions;
    for (let v = 0; v < p.length; v += 3) expect(Math.abs(Math.hypot(p[v] + centre[0], p[v + 1] + centre[1], p[v + 2] - centre[2]) - 12)).toBeLessThan(0.05);
    expect(enclosedVolume(mesh)).toBeGreaterThan(0);
  });

  it('refuses a source folder, a non-STL name and bad options, writing nothing', async () => {
    const source = path.join(tmp, 'dicom');
    fs.mkdirSync(source);
    await expect(exportSurface(volume, { threshold: 0 }, path.join(source, 'sub', 'x.stl'), [source])).rejects.toThrow(/does not write into a DICOM source folder/);
    await expect(exportSurface(volume, { threshold: 0 }, path.join(tmp, 'x.obj'), [])).rejects.toBeInstanceOf(UserError);
    await expect(exportSurface(volume, { threshold: 0, decimate: 0 }, path.join(tmp, 'x.stl'), [])).rejects.toThrow(/fraction in \(0, 1\]/);
    await expect(exportSurface(volume, { threshold: 0, smoothIterations: 2.5 }, path.join(tmp, 'x.stl'), [])).rejects.toThrow(/whole number/);
    expect(fs.readdirSync(source)).toEqual([]);
    expect(fs.existsSync(path.join(tmp, 'x.stl'))).toBe(false);
  });
});
