import { describe, expect, it } from 'vitest';
import { transformPoint } from '../../../shared/math/mat4';
import type { Vec3 } from '../../../shared/math/vec3';
import { obliqueIjkToLps } from './testGeometry';
import { toVtkImageData, vtkGeometryFromIjkToLps } from './toVtkImageData';

describe('toVtkImageData', () => {
  const dims: Vec3 = [7, 5, 4];
  const ijkToLps = obliqueIjkToLps();
  const voxels = new Int16Array(dims[0] * dims[1] * dims[2]).map((_, n) => n);

  it('maps every probed voxel index to the same LPS point as ijkToLps, flipped axis included', () => {
    const image = toVtkImageData({ dimensions: dims, ijkToLps, voxels });
    const probes: Vec3[] = [[0, 0, 0], [6, 0, 0], [0, 4, 0], [0, 0, 3], [6, 4, 3], [3, 2, 1], [1.5, 0.25, 2.75]];
    for (const ijk of probes) {
      const expected = transformPoint(ijkToLps, ijk);
      const actual = image.indexToWorld(ijk, [0, 0, 0]);
      for (let a = 0; a < 3; a++) expect(actual[a]).toBeCloseTo(expected[a]!, 9);
      const back = image.worldToIndex(expected, [0, 0, 0]);
      for (let a = 0; a < 3; a++) expect(back[a]).toBeCloseTo(ijk[a]!, 9);
    }
  });

  it('keeps the voxels in column-fastest order without copying', () => {
    const image = toVtkImageData({ dimensions: dims, ijkToLps, voxels });
    const scalars = image.getPointData().getScalars().getData();
    expect(scalars).toBe(voxels);
    // vtk's point id for (i, j, k) is i + nx·(j + ny·k): voxel (2, 3, 1) holds its own id.
    expect(image.computeOffsetIndex([2, 3, 1])).toBe(2 + 7 * (3 + 5 * 1));
    expect(scalars[2 + 7 * (3 + 5 * 1)]).toBe(2 + 7 * (3 + 5 * 1));
  });

  it('splits spacing out of the axes and keeps a negative determinant in the direction', () => {
    const g = vtkGeometryFromIjkToLps(ijkToLps);
    expect(g.spacing[0]).toBeCloseTo(0.7, 12);
    expect(g.spacing[1]).toBeCloseTo(0.8, 12);
    expect(g.spacing[2]).toBeCloseTo(2.5, 12);
    expect(g.origin).toEqual([-40.5, 12.25, 30]);
    expect(g.direction.slice(3, 6)).toEqual([0, 0, 1]);
    const [a, b, c, d, e, f, gg, h, i] = g.direction as [number, number, number, number, number, number, number, number, number];
    const det = a * (e * i - f * h) - d * (b * i - c * h) + gg * (b * f - c * e);
    expect(det).toBeCloseTo(-1, 12);
  });

  it('rejects a voxel count that does not match the dimensions, and degenerate axes', () => {
    expect(() => toVtkImageData({ dimensions: [2, 2, 2], ijkToLps, voxels: new Int16Array(7) })).toThrow(/dimensions/);
    const flat = [...ijkToLps];
    flat[2] = 0;
    flat[6] = 0;
    flat[10] = 0;
    expect(() => vtkGeometryFromIjkToLps(flat)).toThrow(/zero length/);
  });
});
