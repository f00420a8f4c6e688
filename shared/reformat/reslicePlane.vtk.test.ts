/**
 * reslicePlane against VTK's vtkImageReslice on an oblique plane through a random
 * volume: the same values (to float precision) wherever both sample inside, and the
 * same outside. Skips where python3-vtk9 is not installed.
 */
import { describe, expect, it } from 'vitest';
import { vtkPython } from '../../test/support/vtkPython';
import { vtkReslice } from '../../test/support/vtkReslice';
import { reslicePlane } from './reslicePlane';

const hasVtk = vtkPython() !== null;

describe.skipIf(!hasVtk)('reslicePlane agrees with vtkImageReslice (python3-vtk9)', () => {
  const dimensions = [40, 36, 30] as const;
  let seed = 12345;
  const random = (): number => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31) * 2000 - 1000;
  const voxels = Float32Array.from({ length: 40 * 36 * 30 }, random);
  // A plane tilted about two axes, partly outside the volume; offsets avoid exact .5 ties, where nearest may pick either voxel.
  const c = Math.cos(0.5);
  const s = Math.sin(0.5);
  const oblique = [0.7 * c, -0.7 * s * 0.6, 0, -3, 0.7 * s, 0.7 * c * 0.6, 0, 2.3, 0.1, 0.7 * 0.8, 0, 4.73, 0, 0, 0, 1];
  // A coronal-like plane: whole-voxel steps along rows (the fast path), fractional down the rows.
  const orthogonal = [1, 0, 0, -4, 0, 0, 0, 17.3, 0, -0.43, 0, 28.1, 0, 0, 0, 1];
  const columns = 64;
  const rows = 56;

  for (const [interpolation, plane, sliceToIjk] of [['linear', 'oblique', oblique], ['nearest', 'oblique', oblique], ['linear', 'orthogonal', orthogonal], ['cubic', 'oblique', oblique]] as const) {
    it(`${interpolation}, ${plane} plane: equal values inside, background outside`, () => {
      const ours = reslicePlane({ dimensions, voxels }, { columns, rows, sliceToIjk, interpolation, background: -5000 }).pixels;
      const theirs = vtkReslice({ dimensions, voxels, sliceToIjk, columns, rows, interpolation, background: -5000 })!.pixels;
      let compared = 0;
      let outside = 0;
      for (let r = 0; r < rows; r++) {
        for (let col = 0; col < columns; col++) {
          const ijk = [0, 1, 2].map((a) => sliceToIjk[4 * a]! * col + sliceToIjk[4 * a + 1]! * r + sliceToIjk[4 * a + 3]!);
          const margin = Math.min(...ijk.map((v, a) => Math.min(v, dimensions[a]! - 1 - v)));
          const n = col + columns * r;
          // Near the edge the tools define "inside" (and cubic's missing neighbours) differently; compare away from it.
          if (margin >= (interpolation === 'cubic' ? 1.01 : 0.01)) {
            // VTK interpolates in single precision: agree to 0.05 on values spanning ±1000.
            expect(ours[n], `pixel (${col}, ${r})`).toBeCloseTo(theirs[n]!, 1);
            compared++;
          } else if (margin < -0.51) {
            expect([ours[n], theirs[n]]).toEqual([-5000, -5000]);
            outside++;
          }
        }
      }
      expect(compared).toBeGreaterThan(1000);
      expect(outside).toBeGreaterThan(100);
    });
  }
});
