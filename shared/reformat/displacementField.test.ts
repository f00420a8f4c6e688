import { describe, expect, it } from 'vitest';
import { transformPoint } from '../math/mat4';
import { straightenedDisplacementField } from './displacementField';

describe('straightened displacement field', () => {
  // Two slices of a rotated, shifted plane: x + d(x) must land where sliceToWorld puts each pixel.
  const c = Math.cos(0.3);
  const s = Math.sin(0.3);
  const slice = (k: number) => [0.7 * c, -0.7 * s, 0, 10 + k, 0.7 * s, 0.7 * c, 0, -4, 0, 0, 1, 30 - 2 * k, 0, 0, 0, 1];
  const sliceToWorld = [slice(0), slice(1), slice(2)];

  it('maps every grid point of the nominal straightened grid to its LPS position', () => {
    const field = straightenedDisplacementField(sliceToWorld, [9, 5], [0.7, 0.7], 0.5);
    expect([field.dimensions, field.decimation]).toEqual([[9, 5, 3], 1]);
    for (const [i, j, k] of [[0, 0, 0], [8, 4, 2], [3, 2, 1]] as const) {
      const o = 3 * (i + 9 * (j + 5 * k));
      const nominal = transformPoint(field.ijkToLps, [i, j, k]);
      const world = transformPoint(sliceToWorld[k]!, [i, j, 0]);
      [0, 1, 2].forEach((a) => expect(nominal[a]! + field.vectors[o + a]!).toBeCloseTo(world[a]!, 4));
    }
  });

  it('on a coarser grid for large outputs, still ends exactly on the last pixel', () => {
    const field = straightenedDisplacementField(sliceToWorld, [512, 300], [0.7, 0.7], 0.5, 3 * 60 * 40);
    expect(field.decimation).toBeGreaterThan(1);
    const [nx, ny] = field.dimensions;
    const far = transformPoint(field.ijkToLps, [nx - 1, ny - 1, 2]);
    expect(far[0]).toBeCloseTo(511 * 0.7, 6);
    expect(far[1]).toBeCloseTo(299 * 0.7, 6);
    const o = 3 * (nx - 1 + nx * (ny - 1 + ny * 2));
    const world = transformPoint(sliceToWorld[2]!, [511, 299, 0]);
    [0, 1, 2].forEach((a) => expect(far[a]! + field.vectors[o + a]!).toBeCloseTo(world[a]!, 3));
  });
});
