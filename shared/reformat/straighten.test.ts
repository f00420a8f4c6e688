import { describe, expect, it } from 'vitest';
import { fromAxes, invertAffine, transformPoint, type Mat4 } from '../math/mat4';
import { cross, normalize, type Vec3 } from '../math/vec3';
import type { PathSample } from '../curve/PathSample';
import { sampleVolume } from './reslicePlane';
import { sliceToWorldOf, straightenSlices } from './straighten';

/** An asymmetric test volume: every voxel distinct, so a flip or shift of any axis shows. */
function distinctVolume(nx: number, ny: number, nz: number): Float32Array {
  const v = new Float32Array(nx * ny * nz);
  for (let k = 0; k < nz; k++) for (let j = 0; j < ny; j++) for (let i = 0; i < nx; i++) v[i + nx * (j + ny * k)] = i + 100 * j + 10000 * k + 0.25 * Math.sin(i * j + k);
  return v;
}

/** A frame with the given tangent; the normal is patient left projected onto the plane, binormal = tangent × normal. */
function sampleAt(point: Vec3, tangent: Vec3, arcLength: number): PathSample {
  const t = normalize(tangent);
  const dot = t[0];
  const n = normalize([1 - dot * t[0], -dot * t[1], -dot * t[2]]);
  return { point, tangent: t, normal: n, binormal: cross(t, n), arcLength };
}

function straighten(voxels: Float32Array, dims: [number, number, number], ijkToLps: Mat4, samples: PathSample[], columns: number, rows: number, spacing: number, interpolation: 'nearest' | 'linear' | 'cubic') {
  const sliceToWorld = samples.map((s) => sliceToWorldOf(s, { columns, rows, spacing }));
  const out = new Float32Array(columns * rows * samples.length);
  const mask = new Uint8Array(out.length);
  const inside = straightenSlices({ grid: { dimensions: dims, voxels }, ijkToLps, sliceToWorld, columns, rows, spacing, interpolation, background: -1024, out, mask });
  return { out, mask, inside, sliceToWorld };
}

describe('straightened volume', () => {
  // 0.7 × 0.7 × 2.5 mm voxels, off-centre origin.
  const dims: [number, number, number] = [24, 20, 12];
  const ijkToLps = fromAxes([0.7, 0, 0], [0, 0.7, 0], [0, 0, 2.5], [-8, -5, -14]);
  const voxels = distinctVolume(...dims);

  it('a straight path along the slice axis through voxel centres reproduces the axial slices (nearest exact, linear 1e-4)', () => {
    // The path point of slice k is the centre of axial slice k; columns → +x (L), rows → +y (P).
    const centre = (k: number): Vec3 => transformPoint(ijkToLps, [(dims[0] - 1) / 2, (dims[1] - 1) / 2, k]);
    const samples = Array.from({ length: dims[2] }, (_, k) => sampleAt(centre(k), [0, 0, 1], 2.5 * k));
    for (const interpolation of ['nearest', 'linear'] as const) {
      const { out, mask, inside } = straighten(voxels, dims, ijkToLps, samples, dims[0], dims[1], 0.7, interpolation);
      expect(inside).toBe(voxels.length);
      expect(mask.every((m) => m === 1)).toBe(true);
      if (interpolation === 'nearest') expect(Array.from(out)).toEqual(Array.from(voxels));
      else for (let n = 0; n < out.length; n += 7) expect(Math.abs(out[n]! - voxels[n]!)).toBeLessThan(1e-4 * Math.max(1, Math.abs(voxels[n]!)));
    }
  });

  it('puts the path point at pixel ((columns − 1)/2, (rows − 1)/2), for odd and even sizes', () => {
    for (const [columns, rows] of [[9, 7], [10, 6]] as const) {
      const s = sampleAt([1.5, -2, 3], [0.3, 0.4, 0.87], 0);
      const m = sliceToWorldOf(s, { columns, rows, spacing: 0.5 });
      const p = transformPoint(m, [(columns - 1) / 2, (rows - 1) / 2, 0]);
      p.forEach((v, a) => expect(v).toBeCloseTo(s.point[a]!, 12));
      // One column step is `spacing` mm along the normal; one row step along the binormal.
      const right = transformPoint(m, [(columns - 1) / 2 + 1, (rows - 1) / 2, 0]);
      right.forEach((v, a) => expect(v - p[a]!).toBeCloseTo(0.5 * s.normal[a]!, 12));
    }
  });

  it('stores exactly the value at sliceToWorld[k]·(i, j, 0, 1) on a curved path, with the mask marking samples outside', () => {
    // A quarter circle of radius 6 mm in the coronal plane, frames from its analytic tangent.
    const samples = Array.from({ length: 9 }, (_, k) => {
      const a = (k / 8) * (Math.PI / 2);
      return sampleAt([6 * Math.cos(a) - 3, 1, 6 * Math.sin(a) - 3], [-Math.sin(a), 0, Math.cos(a)], 6 * a);
    });
    const columns = 15;
    const rows = 13;
    const { out, mask, sliceToWorld } = straighten(voxels, dims, ijkToLps, samples, columns, rows, 0.9, 'linear');
    const lpsToIjk = invertAffine(ijkToLps);
    let outside = 0;
    for (let k = 0; k < samples.length; k++) {
      for (let j = 0; j < rows; j++) {
        for (let i = 0; i < columns; i++) {
          const ijk = transformPoint(lpsToIjk, transformPoint(sliceToWorld[k]!, [i, j, 0]));
          const expected = sampleVolume({ dimensions: dims, voxels }, ijk, 'linear');
          const n = i + columns * (j + rows * k);
          if (Number.isNaN(expected)) {
            outside++;
            expect([out[n], mask[n]]).toEqual([-1024, 0]);
          } else {
            // Equal to float32 precision (the stored type).
            expect(Math.abs(out[n]! - expected)).toBeLessThanOrEqual(2e-7 * Math.abs(expected) + 1e-6);
            expect(mask[n]).toBe(1);
          }
        }
      }
    }
    expect(outside).toBeGreaterThan(0);
  });
});
