/**
 * Samples a volume on a plane of pixels: pixel (column, row) is taken at voxel index
 * position `sliceToIjk · (column, row, 0, 1)`. Slice views, straightened volumes and
 * projections all come down to this, so it is written once, over plain typed arrays.
 *
 * Voxel centres sit at integer indices; a voxel fills ±0.5 around its centre, so a
 * position is inside the volume when every index lies in [−0.5, n − 0.5]. Inside that
 * box trilinear interpolation clamps to the edge voxels; outside it the pixel gets
 * `background` and, when a mask is given, 0 in the mask.
 */
export type Interpolation = 'nearest' | 'linear';

export interface VoxelGrid {
  /** [columns, rows, slices]. */
  dimensions: readonly [number, number, number];
  /** Column fastest, then row, then slice. */
  voxels: ArrayLike<number>;
}

export interface ResliceOptions {
  columns: number;
  rows: number;
  /** Row-major 4x4 mapping (column, row, 0, 1) to fractional voxel indices (i, j, k, 1). */
  sliceToIjk: readonly number[];
  interpolation: Interpolation;
  /** Value for pixels outside the volume. */
  background: number;
  out?: Float32Array;
  /** 1 where the pixel lies inside the volume, 0 outside. */
  mask?: Uint8Array;
}

/** Fills and returns `out` (allocated when absent); returns how many pixels were inside. */
export function reslicePlane(grid: VoxelGrid, options: ResliceOptions): { pixels: Float32Array; inside: number } {
  const { columns, rows, sliceToIjk: m, interpolation, background, mask } = options;
  const pixels = options.out ?? new Float32Array(columns * rows);
  if (pixels.length < columns * rows) throw new RangeError('reslicePlane: output buffer is too small');
  const sample = interpolation === 'nearest' ? sampleNearest : sampleLinear;
  let inside = 0;
  for (let r = 0; r < rows; r++) {
    // Row start and per-column step in index space: two additions per pixel.
    let i = m[1]! * r + m[3]!;
    let j = m[5]! * r + m[7]!;
    let k = m[9]! * r + m[11]!;
    const di = m[0]!;
    const dj = m[4]!;
    const dk = m[8]!;
    let o = r * columns;
    for (let c = 0; c < columns; c++, o++, i += di, j += dj, k += dk) {
      const v = sample(grid, i, j, k);
      if (Number.isNaN(v)) {
        pixels[o] = background;
        if (mask) mask[o] = 0;
      } else {
        pixels[o] = v;
        if (mask) mask[o] = 1;
        inside++;
      }
    }
  }
  return { pixels, inside };
}

/** The value at fractional voxel indices, or NaN outside the volume. */
export function sampleVolume(grid: VoxelGrid, ijk: readonly [number, number, number], interpolation: Interpolation): number {
  return (interpolation === 'nearest' ? sampleNearest : sampleLinear)(grid, ijk[0], ijk[1], ijk[2]);
}

function sampleNearest(grid: VoxelGrid, i: number, j: number, k: number): number {
  const d = grid.dimensions;
  const nx = d[0];
  const ny = d[1];
  const nz = d[2];
  if (!(i >= -0.5 && i <= nx - 0.5 && j >= -0.5 && j <= ny - 0.5 && k >= -0.5 && k <= nz - 0.5)) return NaN;
  // Round half up, then keep the far edge (n − 0.5) on the last voxel.
  const x = Math.min(nx - 1, Math.floor(i + 0.5));
  const y = Math.min(ny - 1, Math.floor(j + 0.5));
  const z = Math.min(nz - 1, Math.floor(k + 0.5));
  return grid.voxels[x + nx * (y + ny * z)]!;
}

function sampleLinear(grid: VoxelGrid, i: number, j: number, k: number): number {
  const d = grid.dimensions;
  const nx = d[0];
  const ny = d[1];
  const nz = d[2];
  if (!(i >= -0.5 && i <= nx - 0.5 && j >= -0.5 && j <= ny - 0.5 && k >= -0.5 && k <= nz - 0.5)) return NaN;
  const x = clamp(i, nx - 1);
  const y = clamp(j, ny - 1);
  const z = clamp(k, nz - 1);
  const x0 = Math.min(x | 0, Math.max(0, nx - 2));
  const y0 = Math.min(y | 0, Math.max(0, ny - 2));
  const z0 = Math.min(z | 0, Math.max(0, nz - 2));
  const fx = x - x0;
  const fy = y - y0;
  const fz = z - z0;
  // A dimension of one voxel has no neighbour: step 0 reads the same voxel.
  const sx = nx > 1 ? 1 : 0;
  const sy = ny > 1 ? nx : 0;
  const sz = nz > 1 ? nx * ny : 0;
  const v = grid.voxels;
  const base = x0 + nx * (y0 + ny * z0);
  const c00 = v[base]! + fx * (v[base + sx]! - v[base]!);
  const c10 = v[base + sy]! + fx * (v[base + sy + sx]! - v[base + sy]!);
  const c01 = v[base + sz]! + fx * (v[base + sz + sx]! - v[base + sz]!);
  const c11 = v[base + sz + sy]! + fx * (v[base + sz + sy + sx]! - v[base + sz + sy]!);
  const c0 = c00 + fy * (c10 - c00);
  const c1 = c01 + fy * (c11 - c01);
  return c0 + fz * (c1 - c0);
}

function clamp(x: number, max: number): number {
  return x < 0 ? 0 : x > max ? max : x;
}
