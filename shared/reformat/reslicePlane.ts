/**
 * Samples a volume on a plane of pixels: pixel (column, row) is taken at voxel index
 * position `sliceToIjk · (column, row, 0, 1)`. Slice views, straightened volumes and
 * projections all come down to this, so it is written once, over plain typed arrays.
 *
 * Voxel centres sit at integer indices; a voxel fills ±0.5 around its centre, so a
 * position is inside the volume when every index lies in [−0.5, n − 0.5]. Inside that
 * box interpolation clamps to the edge voxels; outside it the pixel gets `background`
 * and, when a mask is given, 0 in the mask. 'cubic' is Catmull-Rom (Keys, a = −0.5)
 * over 4×4×4 voxels: it passes through the voxel values and may overshoot near edges.
 */
export type Interpolation = 'nearest' | 'linear' | 'cubic';

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
  const { columns, rows, sliceToIjk: m, background, mask } = options;
  const pixels = options.out ?? new Float32Array(columns * rows);
  if (pixels.length < columns * rows) throw new RangeError('reslicePlane: output buffer is too small');
  const nearest = options.interpolation === 'nearest';
  const cubic = options.interpolation === 'cubic';
  const di = m[0]!;
  const dj = m[4]!;
  const dk = m[8]!;
  const integerSteps = isInteger(di) && isInteger(dj) && isInteger(dk);
  // Rows are split: columns whose samples lie strictly inside take an unchecked fast
  // path (constant weights for whole-voxel steps, inline trilinear otherwise); the few
  // near or beyond the edge take the checked sampler.
  let inside = 0;
  for (let r = 0; r < rows; r++) {
    // Row start and per-column step in index space: three additions per pixel.
    let i = m[1]! * r + m[3]!;
    let j = m[5]! * r + m[7]!;
    let k = m[9]! * r + m[11]!;
    // Integer column steps keep every interpolation weight constant along the row: the
    // interior of the row then needs no bounds tests and no per-pixel weights.
    const [first, last] = !nearest && !cubic ? interiorColumns(grid.dimensions, i, j, k, di, dj, dk, columns, !integerSteps) : NO_COLUMNS;
    let o = r * columns;
    for (let c = 0; c < columns; c++, o++, i += di, j += dj, k += dk) {
      if (c === first) {
        (integerSteps ? linearRowInterior : linearRowOblique)(grid, i, j, k, di, dj, dk, last - first + 1, pixels, o);
        if (mask) mask.fill(1, o, o + last - first + 1);
        inside += last - first + 1;
        const skip = last - first;
        c += skip;
        o += skip;
        i += skip * di;
        j += skip * dj;
        k += skip * dk;
        continue;
      }
      const v = nearest ? sampleNearest(grid, i, j, k) : cubic ? sampleCubic(grid, i, j, k) : sampleLinear(grid, i, j, k);
      if (v !== v) {
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

const ALIGNED_EPS = 1e-9;

function isInteger(x: number): boolean {
  return Math.abs(x - Math.round(x)) <= ALIGNED_EPS;
}

const NO_COLUMNS: [number, number] = [-1, -2];

/**
 * Columns whose sample lies within [0, n − 1] on every axis (no clamping), as [first, last];
 * NO_COLUMNS when none. `strict` (for the oblique row loop, which reads the next voxel on
 * every axis) also leaves out positions on the last voxel plane of an axis the row does
 * not move along, and so every one-voxel dimension.
 */
function interiorColumns(dims: readonly [number, number, number], i: number, j: number, k: number, di: number, dj: number, dk: number, columns: number, strict: boolean): [number, number] {
  let lo = 0;
  let hi = columns - 1;
  const starts = [i, j, k];
  const steps = [di, dj, dk];
  for (let a = 0; a < 3; a++) {
    const p = starts[a]!;
    const d = steps[a]!;
    const max = dims[a]! - 1;
    if (d === 0) {
      if (p < 0 || p > max || (strict && p >= max)) return NO_COLUMNS;
      continue;
    }
    // Small margins keep rounding from placing an end column a hair outside.
    const t1 = (1e-9 - p) / d;
    const t2 = (max - 1e-9 - p) / d;
    lo = Math.max(lo, Math.ceil(Math.min(t1, t2)));
    hi = Math.min(hi, Math.floor(Math.max(t1, t2)));
  }
  return lo <= hi ? [lo, hi] : NO_COLUMNS;
}

/**
 * Trilinear samples along `count` columns from (i, j, k), stepping whole voxels: the
 * weights are the same for every column, so each value is a fixed blend of 1 to 8
 * voxels at a moving base index.
 */
function linearRowInterior(grid: VoxelGrid, i: number, j: number, k: number, di: number, dj: number, dk: number, count: number, out: Float32Array, o: number): void {
  const d = grid.dimensions;
  const nx = d[0];
  const nxy = nx * d[1];
  const v = grid.voxels;
  const x0 = Math.floor(i);
  const y0 = Math.floor(j);
  const z0 = Math.floor(k);
  const fx = i - x0;
  const fy = j - y0;
  const fz = k - z0;
  const stride = Math.round(di) + nx * Math.round(dj) + nxy * Math.round(dk);
  let b = x0 + nx * y0 + nxy * z0;
  const end = o + count;
  if (fx === 0 && fy === 0 && fz === 0) {
    for (; o < end; o++, b += stride) out[o] = v[b]!;
  } else if (fx === 0 && fy === 0) {
    for (; o < end; o++, b += stride) out[o] = v[b]! + fz * (v[b + nxy]! - v[b]!);
  } else if (fx === 0 && fz === 0) {
    for (; o < end; o++, b += stride) out[o] = v[b]! + fy * (v[b + nx]! - v[b]!);
  } else if (fy === 0 && fz === 0) {
    for (; o < end; o++, b += stride) out[o] = v[b]! + fx * (v[b + 1]! - v[b]!);
  } else {
    // Two or more fractional axes (a view through the crosshair between voxel planes): still
    // constant weights, so sampleLinear's cascade with its lookups hoisted. A zero fraction
    // reads its own voxel as the neighbour, adding an exact 0: bit-identical to sampleLinear.
    const sx = fx === 0 ? 0 : 1;
    const sy = fy === 0 ? 0 : nx;
    const sz = fz === 0 ? 0 : nxy;
    for (; o < end; o++, b += stride) {
      const b1 = b + sy;
      const c0 = v[b]! + fx * (v[b + sx]! - v[b]!);
      const c0y = c0 + fy * (v[b1]! + fx * (v[b1 + sx]! - v[b1]!) - c0);
      const bz = b + sz;
      const bzy = bz + sy;
      const c1 = v[bz]! + fx * (v[bz + sx]! - v[bz]!);
      const c1y = c1 + fy * (v[bzy]! + fx * (v[bzy + sx]! - v[bzy]!) - c1);
      out[o] = c0y + fz * (c1y - c0y);
    }
  }
}

/** Trilinear samples along `count` columns from (i, j, k), all strictly inside [0, n − 1]: no clamping, no checks. */
function linearRowOblique(grid: VoxelGrid, i: number, j: number, k: number, di: number, dj: number, dk: number, count: number, out: Float32Array, o: number): void {
  const d = grid.dimensions;
  const nx = d[0];
  const nxy = nx * d[1];
  const v = grid.voxels;
  for (let c = 0; c < count; c++, o++, i += di, j += dj, k += dk) {
    const x0 = i | 0;
    const y0 = j | 0;
    const z0 = k | 0;
    const fx = i - x0;
    const fy = j - y0;
    const fz = k - z0;
    const b = x0 + nx * y0 + nxy * z0;
    const a00 = v[b]! + fx * (v[b + 1]! - v[b]!);
    const a10 = v[b + nx]! + fx * (v[b + nx + 1]! - v[b + nx]!);
    const a01 = v[b + nxy]! + fx * (v[b + nxy + 1]! - v[b + nxy]!);
    const a11 = v[b + nxy + nx]! + fx * (v[b + nxy + nx + 1]! - v[b + nxy + nx]!);
    const a0 = a00 + fy * (a10 - a00);
    out[o] = a0 + fz * (a01 + fy * (a11 - a01) - a0);
  }
}

/** The value at fractional voxel indices, or NaN outside the volume. */
export function sampleVolume(grid: VoxelGrid, ijk: readonly [number, number, number], interpolation: Interpolation): number {
  const sample = interpolation === 'nearest' ? sampleNearest : interpolation === 'cubic' ? sampleCubic : sampleLinear;
  return sample(grid, ijk[0], ijk[1], ijk[2]);
}

/** Whether fractional indices lie within the volume's outer voxel faces, [−0.5, n − 0.5] on every axis. */
function insideBox(nx: number, ny: number, nz: number, i: number, j: number, k: number): boolean {
  return i >= -0.5 && i <= nx - 0.5 && j >= -0.5 && j <= ny - 0.5 && k >= -0.5 && k <= nz - 0.5;
}

function sampleNearest(grid: VoxelGrid, i: number, j: number, k: number): number {
  const d = grid.dimensions;
  const nx = d[0];
  const ny = d[1];
  const nz = d[2];
  if (!insideBox(nx, ny, nz, i, j, k)) return NaN;
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
  if (!insideBox(nx, ny, nz, i, j, k)) return NaN;
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
  // Zero fractions skip their neighbours: an orthogonal view of an axis-aligned stack reads 1 or 2 voxels, not 8.
  let c0 = fx === 0 ? v[base]! : v[base]! + fx * (v[base + sx]! - v[base]!);
  if (fy !== 0) {
    const b = base + sy;
    c0 += fy * ((fx === 0 ? v[b]! : v[b]! + fx * (v[b + sx]! - v[b]!)) - c0);
  }
  if (fz === 0) return c0;
  const bz = base + sz;
  let c1 = fx === 0 ? v[bz]! : v[bz]! + fx * (v[bz + sx]! - v[bz]!);
  if (fy !== 0) {
    const b = bz + sy;
    c1 += fy * ((fx === 0 ? v[b]! : v[b]! + fx * (v[b + sx]! - v[b]!)) - c1);
  }
  return c0 + fz * (c1 - c0);
}

// Scratch weights: one sample at a time per thread, so module-level buffers are safe and allocation-free.
const WX = new Float64Array(4);
const WY = new Float64Array(4);
const WZ = new Float64Array(4);

/** Catmull-Rom weights for the neighbours at offsets −1, 0, 1, 2 of a fraction t in [0, 1). */
function cubicWeights(t: number, w: Float64Array): void {
  const t2 = t * t;
  const t3 = t2 * t;
  w[0] = -0.5 * t3 + t2 - 0.5 * t;
  w[1] = 1.5 * t3 - 2.5 * t2 + 1;
  w[2] = -1.5 * t3 + 2 * t2 + 0.5 * t;
  w[3] = 0.5 * t3 - 0.5 * t2;
}

function sampleCubic(grid: VoxelGrid, i: number, j: number, k: number): number {
  const d = grid.dimensions;
  const nx = d[0];
  const ny = d[1];
  const nz = d[2];
  if (!insideBox(nx, ny, nz, i, j, k)) return NaN;
  const x = clamp(i, nx - 1);
  const y = clamp(j, ny - 1);
  const z = clamp(k, nz - 1);
  const x0 = Math.floor(x);
  const y0 = Math.floor(y);
  const z0 = Math.floor(z);
  cubicWeights(x - x0, WX);
  cubicWeights(y - y0, WY);
  cubicWeights(z - z0, WZ);
  const v = grid.voxels;
  let sum = 0;
  for (let c = 0; c < 4; c++) {
    const wz = WZ[c]!;
    if (wz === 0) continue;
    const zz = Math.min(nz - 1, Math.max(0, z0 + c - 1)) * nx * ny;
    for (let b = 0; b < 4; b++) {
      const wyz = WY[b]! * wz;
      if (wyz === 0) continue;
      const yy = zz + Math.min(ny - 1, Math.max(0, y0 + b - 1)) * nx;
      for (let a = 0; a < 4; a++) {
        const w = WX[a]! * wyz;
        if (w !== 0) sum += w * v[yy + Math.min(nx - 1, Math.max(0, x0 + a - 1))]!;
      }
    }
  }
  return sum;
}

function clamp(x: number, max: number): number {
  return x < 0 ? 0 : x > max ? max : x;
}
