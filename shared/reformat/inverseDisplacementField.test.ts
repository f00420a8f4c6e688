import { arcSamples, transformsOf } from './reformatTestGeometry';
import { describe, expect, it } from 'vitest';
import type { PathSample } from '../curve/PathSample';
import { fromAxes, transformPoint } from '../math/mat4';
import type { Vec3 } from '../math/vec3';
import { straightenedDisplacementField } from './displacementField';
import { inverseDisplacementField } from './inverseDisplacementField';


/** A reference grid turned 20° about z and 10° about x, spacings 0.9 × 1.1 × 1.3 mm, centred near `centre`. */
function obliqueGrid(centre: Vec3, dims: [number, number, number]): { dimensions: [number, number, number]; ijkToLps: number[] } {
  const a = (20 * Math.PI) / 180;
  const b = (10 * Math.PI) / 180;
  const x: Vec3 = [Math.cos(a), Math.sin(a), 0];
  const y: Vec3 = [-Math.sin(a) * Math.cos(b), Math.cos(a) * Math.cos(b), Math.sin(b)];
  const z: Vec3 = [x[1] * y[2] - x[2] * y[1], x[2] * y[0] - x[0] * y[2], x[0] * y[1] - x[1] * y[0]];
  const s = [0.9, 1.1, 1.3];
  const axes = [x, y, z].map((v, n) => v.map((c) => c * s[n]!) as Vec3);
  const origin = [0, 1, 2].map((c) => centre[c]! - axes.reduce((sum, v, n) => sum + (v[c]! * (dims[n]! - 1)) / 2, 0)) as Vec3;
  return { dimensions: dims, ijkToLps: fromAxes(axes[0]!, axes[1]!, axes[2]!, origin) };
}

/** ITK's reading of a displacement field: trilinear interpolation of the vectors at a world point (zero outside the grid). */
function sampleField(field: { dimensions: [number, number, number]; ijkToLps: number[]; vectors: Float32Array }, p: Vec3): Vec3 {
  const [nx, ny, nz] = field.dimensions;
  // The forward field's grid is axis-aligned (origin 0, diagonal spacings).
  const f = [p[0] / field.ijkToLps[0]!, p[1] / field.ijkToLps[5]!, p[2] / field.ijkToLps[10]!];
  if (f.some((v, a) => v < 0 || v > field.dimensions[a]! - 1)) return [0, 0, 0];
  const i0 = f.map((v, a) => Math.min(Math.floor(v), field.dimensions[a]! - 2 < 0 ? 0 : field.dimensions[a]! - 2));
  const t = f.map((v, a) => v - i0[a]!);
  const out: Vec3 = [0, 0, 0];
  for (let c = 0; c < 8; c++) {
    const di = c & 1;
    const dj = (c >> 1) & 1;
    const dk = (c >> 2) & 1;
    const w = (di ? t[0]! : 1 - t[0]!) * (dj ? t[1]! : 1 - t[1]!) * (dk ? t[2]! : 1 - t[2]!);
    if (w === 0) continue;
    const n = i0[0]! + di + nx * (i0[1]! + dj + ny * (i0[2]! + dk));
    for (let a = 0; a < 3; a++) out[a] += w * field.vectors[3 * n + a]!;
  }
  void nz;
  return out;
}

describe('inverseDisplacementField', () => {
  it('is the exact rigid inverse for a straight oblique path, defined exactly over the straightened box', () => {
    // A straight path from P0 along T, frame (N, B, T).
    const T: Vec3 = [0.48, 0.6, 0.64];
    const N: Vec3 = [0.8, 0, -0.6];
    const B: Vec3 = [T[1] * N[2] - T[2] * N[1], T[2] * N[0] - T[0] * N[2], T[0] * N[1] - T[1] * N[0]];
    const P0: Vec3 = [-10, -12, -14];
    const step = 1.5;
    const samples: PathSample[] = Array.from({ length: 21 }, (_, k) => ({ point: [0, 1, 2].map((a) => P0[a]! + k * step * T[a]!) as Vec3, tangent: T, normal: N, binormal: B, arcLength: k * step }));
    const [cols, rows, spacing] = [21, 15, 1.25];
    const t = transformsOf(samples, cols, rows, spacing, step);
    const grid = obliqueGrid([0, 0, 0], [50, 46, 40]);
    const field = inverseDisplacementField(t, grid);
    expect(field.decimation).toBe(1);

    let expectedDefined = 0;
    let worst = 0;
    const wrongMask: string[] = [];
    const [nx, ny, nz] = field.dimensions;
    for (let k = 0, n = 0; k < nz; k++) {
      for (let j = 0; j < ny; j++) {
        for (let i = 0; i < nx; i++, n++) {
          const p = transformPoint(field.ijkToLps, [i, j, k]);
          const d = [0, 1, 2].map((a) => p[a]! - P0[a]!);
          const u = d[0]! * N[0] + d[1]! * N[1] + d[2]! * N[2];
          const v = d[0]! * B[0] + d[1]! * B[1] + d[2]! * B[2];
          const s = d[0]! * T[0] + d[1]! * T[1] + d[2]! * T[2];
          const col = u / spacing + (cols - 1) / 2;
          const row = v / spacing + (rows - 1) / 2;
          const margin = 1e-6;
          const inside = col >= margin && col <= cols - 1 - margin && row >= margin && row <= rows - 1 - margin && s >= margin && s <= 20 * step - margin;
          const edge = !inside && col >= -margin && col <= cols - 1 + margin && row >= -margin && row <= rows - 1 + margin && s >= -margin && s <= 20 * step + margin;
          if (edge) continue; // round-off decides on the boundary itself
          if (field.mask[n] !== (inside ? 1 : 0)) wrongMask.push(`${i},${j},${k}: col ${col.toFixed(3)} row ${row.toFixed(3)} s ${s.toFixed(3)}`);
          // Nominal straightened position (col·sx, row·sy, s) minus p; zero where undefined.
          const want = inside ? [col * spacing - p[0]!, row * spacing - p[1]!, s - p[2]!] : [0, 0, 0];
          for (let a = 0; a < 3; a++) worst = Math.max(worst, Math.abs(field.vectors[3 * n + a]! - want[a]!));
          if (inside) expectedDefined++;
        }
      }
    }
    expect(wrongMask).toEqual([]);
    expect(worst).toBeLessThan(1e-4);
    expect(expectedDefined).toBeGreaterThan(2000);
    expect(field.defined).toBeGreaterThanOrEqual(expectedDefined);
  });

  it('composed with the straightened→LPS field (as ITK interpolates it) gives the identity within 0.01 mm where defined (arc)', () => {
    const R = 70;
    const [cols, rows, spacing, step] = [41, 31, 0.8, 0.8];
    const t = transformsOf(arcSamples(R, step, 90), cols, rows, spacing, step);
    const grid = obliqueGrid([55, 30, 0], [90, 80, 40]);
    const inverse = inverseDisplacementField(t, grid);
    const forward = straightenedDisplacementField(t.slices.map((s) => s.sliceToWorld), t.size, t.pixelSpacing, step);
    let worst = 0;
    let count = 0;
    const [nx, ny, nz] = inverse.dimensions;
    for (let n = 0; n < nx * ny * nz; n++) {
      if (!inverse.mask[n]) continue;
      const ijk: Vec3 = [n % nx, Math.floor(n / nx) % ny, Math.floor(n / (nx * ny))];
      const p = transformPoint(inverse.ijkToLps, ijk);
      const x: Vec3 = [p[0] + inverse.vectors[3 * n]!, p[1] + inverse.vectors[3 * n + 1]!, p[2] + inverse.vectors[3 * n + 2]!];
      const d = sampleField(forward, x);
      worst = Math.max(worst, Math.hypot(x[0] + d[0] - p[0], x[1] + d[1] - p[1], x[2] + d[2] - p[2]));
      count++;
    }
    console.log(`inverse ∘ forward displacement fields on an R = ${R} mm arc: ${count} defined points, worst |F(G(p)) − p| = ${worst.toExponential(2)} mm`);
    expect(count).toBeGreaterThan(20_000);
    expect(worst).toBeLessThan(0.01);
  });

  it('leaves out folds: on a tight arc no defined point lies past the centre of curvature, where J ≤ 0', () => {
    const R = 10;
    const [cols, rows, spacing, step] = [41, 11, 1, 0.5];
    // Half a turn; slices 40 mm wide reach 20 mm toward the centre, past it by 10 mm.
    const t = transformsOf(arcSamples(R, step, Math.PI * R), cols, rows, spacing, step);
    const grid = obliqueGrid([0, 5, 0], [70, 70, 20]);
    const field = inverseDisplacementField(t, grid);
    const [nx, ny, nz] = field.dimensions;
    let pastCentre = 0;
    let beforeCentre = 0;
    for (let n = 0; n < nx * ny * nz; n++) {
      const p = transformPoint(field.ijkToLps, [n % nx, Math.floor(n / nx) % ny, Math.floor(n / (nx * ny))]);
      if (!field.mask[n]) continue;
      // Its straightened column: u = (col − 20)·1 mm toward the centre; J = 1 − u/R.
      const col = (p[0] + field.vectors[3 * n]!) / spacing;
      const u = col - (cols - 1) / 2;
      expect(1 - u / R).toBeGreaterThan(0);
      if (Math.hypot(p[0], p[1]) < R) beforeCentre++;
      if (u > R) pastCentre++;
    }
    expect(pastCentre).toBe(0);
    expect(beforeCentre).toBeGreaterThan(100);
    expect(field.defined).toBeLessThan(nx * ny * nz);
  });

  it('decimates a large box by one integer factor, its points on original voxel centres, covering the box', () => {
    const t = transformsOf(arcSamples(70, 0.8, 90), 41, 31, 0.8, 0.8);
    const grid = obliqueGrid([55, 30, 0], [90, 80, 40]);
    const full = inverseDisplacementField(t, grid);
    const coarse = inverseDisplacementField(t, grid, Math.floor((full.dimensions[0] * full.dimensions[1] * full.dimensions[2]) / 7));
    expect(coarse.decimation).toBe(2);
    expect(coarse.originVoxel).toEqual(full.originVoxel);
    coarse.dimensions.forEach((d, a) => expect((d - 1) * 2).toBeGreaterThanOrEqual(full.dimensions[a]! - 2));
    // Every coarse point is the full field's point at twice its index: same vector, same mask.
    const [cx, cy, cz] = coarse.dimensions;
    const [fx, fy] = full.dimensions;
    let compared = 0;
    let differ = 0;
    for (let k = 0; k < cz; k++) {
      for (let j = 0; j < cy; j++) {
        for (let i = 0; i < cx; i++) {
          if (2 * i >= full.dimensions[0] || 2 * j >= fy || 2 * k >= full.dimensions[2]) continue;
          const c = i + cx * (j + cy * k);
          const f = 2 * i + fx * (2 * j + fy * 2 * k);
          if (coarse.mask[c] !== full.mask[f] || [0, 1, 2].some((a) => coarse.vectors[3 * c + a] !== full.vectors[3 * f + a])) differ++;
          compared++;
        }
      }
    }
    expect(differ).toBe(0);
    expect(compared).toBeGreaterThan(1000);
    const origin = transformPoint(coarse.ijkToLps, [0, 0, 0]);
    const voxel = transformPoint(grid.ijkToLps, coarse.originVoxel);
    origin.forEach((v, a) => expect(v).toBeCloseTo(voxel[a]!, 9));
  });
});
