import { describe, expect, it } from 'vitest';
import { marchingCubes } from '../mesh/marchingCubes';
import { edgeTopology, enclosedVolume, isClosedOrientedManifold } from '../mesh/meshMeasures';
import { readStl, writeStl } from './stl';
import { sampleEllipsoids } from '../mesh/testkit/ellipsoidVolume';

describe('STL', () => {
  it('reads back the triangles it wrote (binary), corner for corner, welded again', () => {
    const mesh = marchingCubes(sampleEllipsoids([20, 20, 20], [0.7, 0, 0, -30, 0, 0.9, 0, 12, 0, 0, 1.3, 400], [{ centre: [-23, 20.5, 412], radii: [5, 6, 8] }]), { threshold: 0 });
    const bytes = writeStl(mesh, 'solid-looking header');
    expect(bytes.length).toBe(84 + 50 * (mesh.triangles.length / 3));
    const back = readStl(bytes);
    expect(back.triangles.length).toBe(mesh.triangles.length);
    expect(back.positions.length).toBe(mesh.positions.length);
    for (let n = 0; n < mesh.triangles.length; n++) {
      for (let a = 0; a < 3; a++) {
        expect(back.positions[3 * back.triangles[n] + a]).toBe(Math.fround(mesh.positions[3 * mesh.triangles[n] + a]));
      }
    }
    expect(isClosedOrientedManifold(edgeTopology(back))).toBe(true);
    // The stored facet normals agree with the winding.
    const view = new DataView(bytes.buffer);
    for (let t = 0; t < 10; t++) {
      const at = 84 + 50 * t;
      const normal = [0, 1, 2].map((k) => view.getFloat32(at + 4 * k, true));
      const corner = (c: number) => [0, 1, 2].map((k) => view.getFloat32(at + 12 + 12 * c + 4 * k, true));
      const [a, b, c] = [corner(0), corner(1), corner(2)];
      const u = [b[0] - a[0], b[1] - a[1], b[2] - a[2]];
      const v = [c[0] - a[0], c[1] - a[1], c[2] - a[2]];
      const cross = [u[1] * v[2] - u[2] * v[1], u[2] * v[0] - u[0] * v[2], u[0] * v[1] - u[1] * v[0]];
      expect(cross[0] * normal[0] + cross[1] * normal[1] + cross[2] * normal[2]).toBeGreaterThan(0);
    }
  });

  it('reads an ASCII STL written by hand: a unit right tetrahedron, volume 1/6', () => {
    const facet = (a: number[], b: number[], c: number[]) => `  facet normal 0 0 0\n    outer loop\n${[a, b, c].map((p) => `      vertex ${p.join(' ')}\n`).join('')}    endloop\n  endfacet\n`;
    const [o, x, y, z] = [[0, 0, 0], [1, 0, 0], [0, 1, 0], [0, 0, 1]];
    const text = `solid tetra\n${facet(o, y, x)}${facet(o, x, z)}${facet(o, z, y)}${facet(x, y, z)}endsolid tetra\n`;
    const mesh = readStl(new TextEncoder().encode(text));
    expect(mesh.positions.length).toBe(12);
    expect(mesh.triangles.length).toBe(12);
    expect(isClosedOrientedManifold(edgeTopology(mesh))).toBe(true);
    expect(enclosedVolume(mesh)).toBeCloseTo(1 / 6, 12);
  });

  it('refuses a file that is neither', () => {
    expect(() => readStl(new Uint8Array(100))).toThrow(/neither/);
  });
});
