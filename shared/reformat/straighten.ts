/**
 * The straightened volume: one plane per path sample, perpendicular to the path,
 * `columns × rows` pixels of `spacing` mm centred on the sample (the path point is
 * pixel ((columns − 1)/2, (rows − 1)/2)). Columns run along the frame's normal, rows
 * along its binormal, so voxel (i, j, k) is the volume's value at
 * `sliceToWorld[k] · (i, j, 0, 1)`. Raw values: no windowing, no rescaling.
 */
import { invertAffine, multiply, type Mat4 } from '../math/mat4';
import type { PathSample } from '../curve/PathSample';
import { reslicePlane, type Interpolation, type VoxelGrid } from './reslicePlane';

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
}

/** Fills slices [first, last) of `out` and `mask`; returns how many voxels were inside the volume. */
export function straightenSlices(req: StraightenSlicesRequest): number {
  const { grid, columns, rows, interpolation, background, out, mask } = req;
  const lpsToIjk = invertAffine(req.ijkToLps);
  const planeSize = columns * rows;
  const first = req.first ?? 0;
  const last = req.last ?? req.sliceToWorld.length;
  let inside = 0;
  for (let k = first; k < last; k++) {
    const offset = k * planeSize;
    inside += reslicePlane(grid, {
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
