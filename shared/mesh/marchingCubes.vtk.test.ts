/**
 * Lumen's marching cubes beside VTK's (python3-vtk9: vtkFlyingEdges3D and
 * vtkMarchingCubes) on the same voxels: area and enclosed volume (vtkMassProperties)
 * within 0.5% (in fact 1e-5) on smooth data, the partial-volume edges scanners give.
 * On a binary staircase (values 0 or 1000, every vertex at an edge midpoint) the contour
 * loops are far from planar and their area depends on the diagonals that split them:
 * ours (the best worst angle, never a diagonal on a cube face) give 0.7% less area than
 * VTK's table; the volume still agrees within 0.05%. Neither is the sphere's area: a
 * binary staircase overestimates it by ~8% whatever the diagonals (Taubin smoothing is
 * what fixes that). Skips, saying so, where python3-vtk9 is not installed.
 */
import { describe, expect, it } from 'vitest';
import { vtkIsosurface } from '../../test/support/vtkSurface';
import { vtkPython } from '../../test/support/vtkPython';
import { marchingCubes } from './marchingCubes';
import { enclosedVolume, surfaceArea } from './meshMeasures';
import { sampleEllipsoids, type Ellipsoid } from './testkit/ellipsoidVolume';

const cases: { name: string; spacing: [number, number, number]; dimensions: [number, number, number]; ellipsoid: Ellipsoid; binary: boolean; areaTolerance: number }[] = [
  { name: 'a sphere, 1 mm voxels', spacing: [1, 1, 1], dimensions: [64, 64, 64], ellipsoid: { centre: [31.7, 32.2, 31.4], radii: [20, 20, 20] }, binary: false, areaTolerance: 0.005 },
  { name: 'an ellipsoid, 0.8 × 1.1 × 1.7 mm voxels', spacing: [0.8, 1.1, 1.7], dimensions: [72, 64, 40], ellipsoid: { centre: [28.3, 35.1, 33.9], radii: [22, 16, 25] }, binary: false, areaTolerance: 0.005 },
  { name: 'a binary (staircase) sphere', spacing: [1, 1, 1], dimensions: [48, 48, 48], ellipsoid: { centre: [23.6, 24.1, 23.3], radii: [15, 15, 15] }, binary: true, areaTolerance: 0.01 },
];

describe.skipIf(!vtkPython())('marchingCubes beside VTK (needs python3-vtk9)', () => {
  for (const c of cases) {
    it(`agrees with vtkFlyingEdges3D and vtkMarchingCubes on ${c.name}`, () => {
      const [sx, sy, sz] = c.spacing;
      const volume = sampleEllipsoids(c.dimensions, [sx, 0, 0, 0, 0, sy, 0, 0, 0, 0, sz, 0, 0, 0, 0, 1], [c.ellipsoid], c.binary);
      const threshold = c.binary ? 500 : 0;
      const ours = marchingCubes(volume, { threshold, closeAtBorders: false });
      const area = surfaceArea(ours);
      const enclosed = enclosedVolume(ours);
      for (const method of ['flying-edges', 'marching-cubes'] as const) {
        const vtk = vtkIsosurface({ dimensions: c.dimensions, spacing: c.spacing, voxels: volume.voxels, threshold, method })!;
        console.log(
          `${c.name}, ${method}: triangles Lumen ${ours.triangles.length / 3} VTK ${vtk.triangles}; area ${(area / vtk.area).toFixed(5)}, volume ${(enclosed / vtk.volume).toFixed(5)} of VTK's`,
        );
        expect(Math.abs(area / vtk.area - 1)).toBeLessThan(c.areaTolerance);
        expect(Math.abs(enclosed / vtk.volume - 1)).toBeLessThan(0.005);
      }
    });
  }
});
