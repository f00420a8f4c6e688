/**
 * The straightened volume: one plane per path sample, perpendicular to the path,
 * `columns × rows` pixels of `spacing` mm centred on the sample (the path point is
 * pixel ((columns − 1)/2, (rows − 1)/2)). Columns run along the frame's normal, rows
 * along its binormal, so voxel (i, j, k) is the volume's value at
 * `sliceToWorld[k] · (i, j, 0, 1)`. Raw values: no windowing, no rescaling.
 */
import { invertAffine, multiply, type Mat4 } from '../math/mat4';
import { cross, length, normalize, type Vec3 } from '../math/vec3';
import type { PathSample } from '../curve/PathSample';
import { reslicePlane, type Interpolation, type ResliceOptions, type VoxelGrid } from './reslicePlane';

export interface StraightenedGeometry {
  columns: number;
  rows: number;
  /** Square pixels, mm. */
  spacing: number;
}

/**
 * (column, row, 0, 1) → LPS mm for one sample. The third column is the unit tangent
 * (the slice normal), so the matrix is rigid apart from the in-plane pixel size.
 */
export function sliceToWorldOf(sample: PathSample, { columns, rows, spacing }: StraightenedGeometry): Mat4 {
  const { point: p, normal: n, binormal: b, tangent: t } = sample;
  const c0 = ((columns - 1) / 2) * spacing;
  const r0 = ((rows - 1) / 2) * spacing;
  const origin = [0, 1, 2].map((a) => p[a]! - c0 * n[a]! - r0 * b[a]!);
  return [
    n[0] * spacing, b[0] * spacing, t[0], origin[0]!,
    n[1] * spacing, b[1] * spacing, t[1], origin[1]!,
    n[2] * spacing, b[2] * spacing, t[2], origin[2]!,
    0, 0, 0, 1,
  ];
}

/**
 * Stretched CPR (Kanitsar et al. 2002): every slice uses the same two directions, a
 * scan-line direction `across` and the viewing (projection) direction `through`, so the
 * image rows are the path's arc length (distances along the path are kept) while the
 * scan lines stay parallel; slice k's middle row is the classic stretched CPR line.
 */
export function stretchedSliceToWorld(sample: PathSample, { columns, rows, spacing }: StraightenedGeometry, across: Vec3, through: Vec3): Mat4 {
  const { point: p, tangent: t } = sample;
  const c0 = ((columns - 1) / 2) * spacing;
  const r0 = ((rows - 1) / 2) * spacing;
  const origin = [0, 1, 2].map((a) => p[a]! - c0 * across[a]! - r0 * through[a]!);
  return [
    across[0] * spacing, through[0] * spacing, t[0], origin[0]!,
    across[1] * spacing, through[1] * spacing, t[1], origin[1]!,
    across[2] * spacing, through[2] * spacing, t[2], origin[2]!,
    0, 0, 0, 1,
  ];
}

/**
 * The stretched CPR's scan-line direction for a viewing direction: perpendicular to the
 * view and to the path's overall course (start → end), so a vessel running head to foot
 * viewed from the front gets horizontal scan lines. Falls back to patient left, then
 * anterior, when the path runs along the view.
 */
export function stretchedScanDirection(samples: readonly PathSample[], through: Vec3): Vec3 {
  const first = samples[0]!.point;
  const last = samples[samples.length - 1]!.point;
  const course: Vec3 = [last[0] - first[0], last[1] - first[1], last[2] - first[2]];
  for (const candidate of [cross(through, course), cross(through, [0, 0, 1]), cross(through, [0, 1, 0])] as Vec3[]) {
    if (length(candidate) > 1e-6 * Math.max(1, length(course))) return normalize(candidate);
  }
  throw new Error('no scan-line direction is perpendicular to that viewing direction');
}

export interface StraightenSlicesRequest extends StraightenedGeometry {
  grid: VoxelGrid;
  ijkToLps: Mat4;
  /** One sliceToWorld per output slice. */
  sliceToWorld: readonly Mat4[];
  /** Output slices [first, last) to fill; the whole list when omitted. */
  first?: number;
  last?: number;
  interpolation: Interpolation;
  background: number;
  /** columns × rows × sliceToWorld.length values, slice k at offset k·columns·rows. */
  out: Float32Array;
  /** Same layout: 1 where the sample lies inside the volume. */
  mask: Uint8Array;
  onSlice?: (k: number) => void;
  /**
   * Samples one plane of `grid` as reslicePlane(grid, options) would, into options.out
   * and options.mask (the workers' WebAssembly sampler); reslicePlane itself when absent.
   */
  sampler?: (options: ResliceOptions) => { inside: number };
}

/** Fills slices [first, last) of `out` and `mask`; returns how many voxels were inside the volume. */
export function straightenSlices(req: StraightenSlicesRequest): number {
  const { grid, columns, rows, interpolation, background, out, mask } = req;
  const lpsToIjk = invertAffine(req.ijkToLps);
  const planeSize = columns * rows;
  const first = req.first ?? 0;
  const last = req.last ?? req.sliceToWorld.length;
  const sample = req.sampler ?? ((options: ResliceOptions) => reslicePlane(grid, options));
  let inside = 0;
  for (let k = first; k < last; k++) {
    const offset = k * planeSize;
    inside += sample({
      columns,
      rows,
      sliceToIjk: multiply(lpsToIjk, req.sliceToWorld[k]!),
      interpolation,
      background,
      out: out.subarray(offset, offset + planeSize),
      mask: mask.subarray(offset, offset + planeSize),
    }).inside;
    req.onSlice?.(k);
  }
  return inside;
}
