/** Comparing a reconstruction with the volume it came from: trilinear sampling at LPS points, voxel centres, Pearson's r. */
import { invertAffine, transformPoint } from '../../shared/math/mat4';
import type { Vec3 } from '../../shared/math/vec3';
import type { VoxelVolume } from '../fixtures/projectVolume';

/** Trilinear sample of a volume at an LPS point; NaN outside. */
export function sampler(v: VoxelVolume): (p: Vec3) => number {
  const toIjk = invertAffine(v.ijkToLps);
  const [nx, ny, nz] = v.dimensions;
  return (p) => {
    const [x, y, z] = transformPoint(toIjk, p);
    if (x < 0 || y < 0 || z < 0 || x > nx - 1 || y > ny - 1 || z > nz - 1) return Number.NaN;
    const i = Math.min(nx - 2, Math.floor(x));
    const j = Math.min(ny - 2, Math.floor(y));
    const k = Math.min(nz - 2, Math.floor(z));
    const fx = x - i;
    const fy = y - j;
    const fz = z - k;
    let sum = 0;
    for (let c = 0; c < 8; c++) {
      const di = c & 1;
      const dj = (c >> 1) & 1;
      const dk = c >> 2;
      sum += (di ? fx : 1 - fx) * (dj ? fy : 1 - fy) * (dk ? fz : 1 - fz) * v.voxels[i + di + nx * (j + dj + ny * (k + dk))];
    }
    return sum;
  };
}

/** LPS centre of voxel n of a volume. */
export function voxelCentre(v: VoxelVolume, n: number): Vec3 {
  const [nx, ny] = v.dimensions;
  return transformPoint(v.ijkToLps, [n % nx, Math.floor(n / nx) % ny, Math.floor(n / (nx * ny))]);
}

export function pearson(xs: number[], ys: number[]): number {
  const n = xs.length;
  const mx = xs.reduce((a, b) => a + b, 0) / n;
  const my = ys.reduce((a, b) => a + b, 0) / n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    sxy += (xs[i] - mx) * (ys[i] - my);
    sxx += (xs[i] - mx) ** 2;
    syy += (ys[i] - my) ** 2;
  }
  return sxy / Math.sqrt(sxx * syy);
}

/**
 * r between a reconstruction and its source inside the field of view (non-zero voxels) and
 * the source's box, with the source read at move(p): the identity for the true placement,
 * a shift or mirror to show that a wrong placement scores lower.
 */
export function correlationWithSource(recon: VoxelVolume, source: VoxelVolume, move: (p: Vec3) => Vec3 = (p) => p): number {
  const at = sampler(source);
  const xs: number[] = [];
  const ys: number[] = [];
  recon.voxels.forEach((v, n) => {
    if (v === 0) return;
    const p = voxelCentre(recon, n);
    const t = at(move(p));
    if (Number.isNaN(t) || Number.isNaN(at(p))) return;
    xs.push(v);
    ys.push(t);
  });
  return pearson(xs, ys);
}
