import { describe, expect, it } from 'vitest';
import { transformPoint } from '../../../shared/math/mat4';
import { normalize, cross, type Vec3 } from '../../../shared/math/vec3';
import { sliceToWorldOf } from '../../../shared/reformat/straighten';
import { centredCrop, FIELD_MM, fieldPixels } from './FlythroughImages';

// An oblique station: the slice plane is perpendicular to a tangent along no axis.
const tangent = normalize([1, 2, 3]);
const normal = normalize(cross(tangent, [0, 0, 1]));
const binormal = cross(tangent, normal);
const point: Vec3 = [12.5, -40, 7];
const sample = { point, tangent, normal, binormal, arcLength: 0 };

describe('flythrough field crop', () => {
  it('keeps the path point at the centre pixel, for odd and even sizes alike', () => {
    for (const [columns, rows, size] of [[512, 512, 177], [512, 400, 178], [64, 64, 64], [65, 64, 31]] as const) {
      const full = sliceToWorldOf(sample, { columns, rows, spacing: 0.6 });
      const crop = centredCrop(full, columns, rows, size);
      const centre = transformPoint(crop, [(size - 1) / 2, (size - 1) / 2, 0]);
      for (let a = 0; a < 3; a++) expect(centre[a]).toBeCloseTo(point[a]!, 9);
    }
  });

  it('is a shift of the full slice: crop pixel (i, j) is full pixel (i + Δc, j + Δr), same steps', () => {
    const full = sliceToWorldOf(sample, { columns: 512, rows: 480, spacing: 0.7 });
    const crop = centredCrop(full, 512, 480, 100);
    for (const [i, j] of [[0, 0], [99, 0], [13, 87]] as const) {
      const a = transformPoint(crop, [i, j, 0]);
      const b = transformPoint(full, [i + 206, j + 190, 0]);
      for (let k = 0; k < 3; k++) expect(a[k]).toBeCloseTo(b[k]!, 9);
    }
  });

  it('covers FIELD_MM at the plan spacing, never more than the plan slice', () => {
    expect(fieldPixels(512, 512, 0.5)).toBe(Math.round(FIELD_MM / 0.5));
    expect(fieldPixels(64, 80, 0.5)).toBe(64);
    expect(fieldPixels(512, 512, 500)).toBe(1);
    expect(fieldPixels(512, 512, 0.5, 40)).toBe(80);
  });
});
