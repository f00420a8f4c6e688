/**
 * The part of the volume the endoscopic surface is extracted from, reduced to the one lumen the
 * path runs through: the box around the path at about `voxelMm` (block means), smoothed, with
 * everything farther than a radius from the path, and every other lumen-valued region not
 * joined to the path's, filled with a wall value, and wall-valued islands inside the lumen
 * cleared. What is left has a single surface, the lumen's wall: smoothing keeps it from
 * breaking up on voxel noise (a sharp CT kernel has ±80 HU, as much as contrast blood stands
 * above its wall), and the rest (lung vessels, heart chambers, bone, noise specks) would only
 * cost triangles the camera never sees from inside.
 */
import { invertAffine, multiply } from '../../../shared/math/mat4';
import type { Vec3 } from '../../../shared/math/vec3';
import { axisSpacing, downsampleBlocks, type VoxelGrid } from '../volume3d/downsampleVolume';

/** The index box, per axis [first, last], of everything within radiusMm of the path, clamped to the volume; null if none. */
export function lumenBox(volume: Pick<VoxelGrid, 'dimensions' | 'ijkToLps'>, path: readonly Vec3[], radiusMm: number): [number, number][] | null {
  const toIjk = invertAffine(volume.ijkToLps);
  // A sphere of radius R spans R·|row a of the inverse| along index axis a.
  const reach = [0, 1, 2].map((a) => radiusMm * Math.hypot(toIjk[4 * a]!, toIjk[4 * a + 1]!, toIjk[4 * a + 2]!));
  const box: [number, number][] = [0, 1, 2].map((a) => {
    let lo = Infinity;
    let hi = -Infinity;
    for (const p of path) {
      const x = toIjk[4 * a]! * p[0] + toIjk[4 * a + 1]! * p[1] + toIjk[4 * a + 2]! * p[2] + toIjk[4 * a + 3]!;
      lo = Math.min(lo, x - reach[a]!);
      hi = Math.max(hi, x + reach[a]!);
    }
    return [Math.max(0, Math.ceil(lo)), Math.min(volume.dimensions[a]! - 1, Math.floor(hi))];
  });
  return box.every(([lo, hi]) => hi >= lo) ? box : null;
}

export type LumenGridOptions = LumenCropOptions & LumenShapeOptions;

export interface LumenCropOptions {
  volume: VoxelGrid;
  /** Points along the path, LPS mm, joined by straight segments (any spacing). */
  path: readonly Vec3[];
  /** Kept within this distance of the path, mm. */
  radiusMm: number;
}

export type LumenShapeOptions = Omit<LumenCropOptions, 'volume'> & {
  /** The wall threshold, and a value on the wall's side of it; the lumen is the other side. */
  surface: { isoValue: number; fill: number };
  /** Gaussian smoothing σ, mm (0: none). Axes whose voxels are coarser than 4σ are left as they are. */
  sigmaMm: number;
  /** Voxels finer than this are merged in blocks first, mm (0: never). */
  voxelMm: number;
};

export function lumenGrid({ volume, ...options }: LumenGridOptions): VoxelGrid | null {
  const cropped = cropAroundPath({ volume, path: options.path, radiusMm: options.radiusMm });
  return cropped && lumenGridOfCrop(cropped, options);
}

/**
 * The box of lumenBox copied out of the volume, values and voxel type unchanged: a row copy,
 * the only step that needs the whole volume (so it runs where the volume is, and the rest of
 * the work can go to a worker with only this box).
 */
export function cropAroundPath({ volume, path, radiusMm }: LumenCropOptions): VoxelGrid | null {
  const box = lumenBox(volume, path, radiusMm);
  if (!box) return null;
  const [[i0, i1], [j0, j1], [k0, k1]] = box as [[number, number], [number, number], [number, number]];
  const dims: Vec3 = [i1 - i0 + 1, j1 - j0 + 1, k1 - k0 + 1];
  const [nx, ny] = volume.dimensions;
  const [mx, my, mz] = dims;
  const voxels = volume.voxels instanceof Int16Array ? new Int16Array(mx * my * mz) : new Float32Array(mx * my * mz);
  for (let k = 0; k < mz; k++) {
    for (let j = 0; j < my; j++) {
      const from = i0 + nx * (j0 + j + ny * (k0 + k));
      voxels.set(volume.voxels.subarray(from, from + mx), mx * (j + my * k));
    }
  }
  return { dimensions: dims, ijkToLps: multiply(volume.ijkToLps, [1, 0, 0, i0, 0, 1, 0, j0, 0, 0, 1, k0, 0, 0, 0, 1]), voxels };
}

/** lumenGrid from the crop around the path (cropAroundPath's): merged, smoothed, filled; the crop is left as it is. */
export function lumenGridOfCrop(cropped: VoxelGrid, { path, radiusMm, surface, sigmaMm, voxelMm }: LumenShapeOptions): VoxelGrid {
  const dims = cropped.dimensions;
  const factors = axisSpacing(cropped.ijkToLps).map((mm, a) => Math.max(1, Math.min(Math.round(voxelMm / mm), Math.floor(dims[a]! / 2)))) as Vec3;
  const merged = downsampleBlocks(cropped, factors);
  // Unmerged, downsampleBlocks hands back the crop itself: the steps below write in place.
  const grid = merged === cropped ? { ...cropped, voxels: Float32Array.from(cropped.voxels) } : merged;
  const spacing = axisSpacing(grid.ijkToLps);
  const values = grid.voxels as Float32Array;
  if (sigmaMm > 0) for (let a = 0; a < 3; a++) smoothAxis(values, grid.dimensions, a, sigmaMm / spacing[a]!);
  fillBeyond(values, grid.dimensions, grid.ijkToLps, path, radiusMm, surface.fill);
  keepPathLumen(values, grid.dimensions, grid.ijkToLps, path, surface);
  return grid;
}

/** In place: a normalised Gaussian along one axis, edges clamped; skipped below a quarter voxel. */
function smoothAxis(voxels: Float32Array, dims: Vec3, axis: number, sigmaVoxels: number): void {
  if (sigmaVoxels < 0.25) return;
  const radius = Math.ceil(3 * sigmaVoxels);
  const weights = Array.from({ length: 2 * radius + 1 }, (_, n) => Math.exp(-((n - radius) ** 2) / (2 * sigmaVoxels ** 2)));
  const total = weights.reduce((a, b) => a + b, 0);
  const kernel = Float32Array.from(weights, (w) => w / total);
  const n = dims[axis]!;
  const stride = axis === 0 ? 1 : axis === 1 ? dims[0] : dims[0] * dims[1];
  const line = new Float32Array(n);
  // Every line along the axis: its start runs over the other two axes.
  const [a1, a2] = [0, 1, 2].filter((a) => a !== axis) as [number, number];
  const s1 = a1 === 0 ? 1 : a1 === 1 ? dims[0] : dims[0] * dims[1];
  const s2 = a2 === 0 ? 1 : a2 === 1 ? dims[0] : dims[0] * dims[1];
  for (let u = 0; u < dims[a2]!; u++) {
    for (let v = 0; v < dims[a1]!; v++) {
      const start = u * s2 + v * s1;
      for (let t = 0; t < n; t++) line[t] = voxels[start + t * stride]!;
      for (let t = 0; t < n; t++) {
        let sum = 0;
        for (let d = -radius; d <= radius; d++) sum += kernel[d + radius]! * line[Math.min(n - 1, Math.max(0, t + d))]!;
        voxels[start + t * stride] = sum;
      }
    }
  }
}

/** Points every `spacing` mm of arc length along the polyline, from its first vertex to its last. */
function alongPath(path: readonly Vec3[], spacing: number): Vec3[] {
  if (path.length === 0) return [];
  const out: Vec3[] = [path[0]!];
  // Arc length still to go before the next point.
  let toNext = spacing;
  for (let n = 1; n < path.length; n++) {
    const a = path[n - 1]!;
    const b = path[n]!;
    const length = Math.hypot(b[0] - a[0], b[1] - a[1], b[2] - a[2]);
    let at = toNext;
    for (; at <= length; at += spacing) {
      const t = at / length;
      out.push([a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t, a[2] + (b[2] - a[2]) * t]);
    }
    toNext = at - length;
  }
  out.push(path[path.length - 1]!);
  return out;
}

/** In place: `fill` wherever no point of the path lies within radiusMm (spheres R/4 apart: their union is the tube to within 1 %). */
function fillBeyond(voxels: Float32Array, dims: Vec3, ijkToLps: number[], path: readonly Vec3[], radiusMm: number, fill: number): void {
  const [mx, my, mz] = dims;
  const inside = new Uint8Array(voxels.length);
  const toIjk = invertAffine(ijkToLps);
  const reach = [0, 1, 2].map((a) => radiusMm * Math.hypot(toIjk[4 * a]!, toIjk[4 * a + 1]!, toIjk[4 * a + 2]!));
  const m = ijkToLps;
  const r2 = radiusMm * radiusMm;
  for (const p of alongPath(path, radiusMm / 4)) {
    const c = [0, 1, 2].map((a) => toIjk[4 * a]! * p[0] + toIjk[4 * a + 1]! * p[1] + toIjk[4 * a + 2]! * p[2] + toIjk[4 * a + 3]!);
    const lo = c.map((x, a) => Math.max(0, Math.ceil(x - reach[a]!)));
    const hi = c.map((x, a) => Math.min(dims[a]! - 1, Math.floor(x + reach[a]!)));
    for (let k = lo[2]!; k <= hi[2]!; k++) {
      for (let j = lo[1]!; j <= hi[1]!; j++) {
        // LPS of (lo_i, j, k) minus p, then stepped along i.
        let dx = m[0]! * lo[0]! + m[1]! * j + m[2]! * k + m[3]! - p[0];
        let dy = m[4]! * lo[0]! + m[5]! * j + m[6]! * k + m[7]! - p[1];
        let dz = m[8]! * lo[0]! + m[9]! * j + m[10]! * k + m[11]! - p[2];
        let at = lo[0]! + mx * (j + my * k);
        for (let i = lo[0]!; i <= hi[0]!; i++, at++, dx += m[0]!, dy += m[4]!, dz += m[8]!) {
          if (dx * dx + dy * dy + dz * dz <= r2) inside[at] = 1;
        }
      }
    }
  }
  for (let n = 0; n < mx * my * mz; n++) if (!inside[n]) voxels[n] = fill;
}

/**
 * In place: lumen-side voxels not 6-connected to a path point become `fill` (another lumen
 * within the tube: a neighbouring vessel, the lung around an airway), and wall-side voxels
 * enclosed by the path's lumen (not connected to the box's faces) become the lumen value
 * mirrored about the threshold (noise specks, which would float in the view).
 */
function keepPathLumen(voxels: Float32Array, dims: Vec3, ijkToLps: number[], path: readonly Vec3[], { isoValue, fill }: { isoValue: number; fill: number }): void {
  const [mx, my, mz] = dims;
  const count = mx * my * mz;
  const lumenBelow = fill > isoValue;
  const isLumen = (v: number): boolean => (lumenBelow ? v < isoValue : v > isoValue);
  const toIjk = invertAffine(ijkToLps);
  const seeds: number[] = [];
  for (const p of path) {
    const [i, j, k] = [0, 1, 2].map((a) => Math.round(toIjk[4 * a]! * p[0] + toIjk[4 * a + 1]! * p[1] + toIjk[4 * a + 2]! * p[2] + toIjk[4 * a + 3]!));
    if (i! >= 0 && j! >= 0 && k! >= 0 && i! < mx && j! < my && k! < mz) seeds.push(i! + mx * (j! + my * k!));
  }
  const lumen = flood(dims, seeds, (n) => isLumen(voxels[n]!));
  const boundary: number[] = [];
  for (let k = 0; k < mz; k++) {
    for (let j = 0; j < my; j++) {
      for (let i = 0; i < mx; i++) if (i === 0 || j === 0 || k === 0 || i === mx - 1 || j === my - 1 || k === mz - 1) boundary.push(i + mx * (j + my * k));
    }
  }
  const outside = flood(dims, boundary, (n) => !lumen[n]);
  const clear = 2 * isoValue - fill;
  for (let n = 0; n < count; n++) {
    if (lumen[n]) continue;
    if (!outside[n]) voxels[n] = clear;
    else if (isLumen(voxels[n]!)) voxels[n] = fill;
  }
}

/** 6-connected flood fill from `seeds` through voxels where `open` holds. */
function flood(dims: Vec3, seeds: readonly number[], open: (n: number) => boolean): Uint8Array {
  const [mx, my, mz] = dims;
  const plane = mx * my;
  const reached = new Uint8Array(mx * my * mz);
  const stack: number[] = [];
  for (const s of seeds) {
    if (!reached[s] && open(s)) {
      reached[s] = 1;
      stack.push(s);
    }
  }
  while (stack.length > 0) {
    const n = stack.pop()!;
    const i = n % mx;
    const j = Math.floor(n / mx) % my;
    const k = Math.floor(n / plane);
    const visit = (m: number): void => {
      if (!reached[m] && open(m)) {
        reached[m] = 1;
        stack.push(m);
      }
    };
    if (i > 0) visit(n - 1);
    if (i < mx - 1) visit(n + 1);
    if (j > 0) visit(n - mx);
    if (j < my - 1) visit(n + mx);
    if (k > 0) visit(n - plane);
    if (k < mz - 1) visit(n + plane);
  }
  return reached;
}
