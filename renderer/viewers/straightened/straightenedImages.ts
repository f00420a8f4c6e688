/**
 * What the Reformat panel shows, cut live from the volume the renderer already holds through
 * the same per-slice sliceToWorld matrices the exporter uses: a cross-section (one slice of
 * the straightened volume) and a long-axis cut (the line through the path point at a chosen
 * angle, for every slice), so the preview never needs the whole straightened volume in memory.
 */
import { multiply, type Mat4 } from '../../../shared/math/mat4';
import { reslicePlane, type Interpolation, type VoxelGrid } from '../../../shared/reformat/reslicePlane';

export interface CutLine {
  /** Pixels along the line. */
  width: number;
  /** (i, 0, 0, 1) on the line → (column, row, 0, 1) in the slice. */
  lineToSlice: Mat4;
}

/**
 * The line across a `columns × rows` slice through its centre pixel ((columns − 1)/2,
 * (rows − 1)/2) at `angleDeg` from the column axis towards the row axis. Its length is the
 * slice side it runs closest to, so 0° is the slice's middle row and 90° its middle column.
 */
export function cutLine(columns: number, rows: number, angleDeg: number): CutLine {
  const a = (angleDeg * Math.PI) / 180;
  const cos = Math.cos(a);
  const sin = Math.sin(a);
  const width = Math.abs(cos) >= Math.abs(sin) ? columns : rows;
  const c0 = (columns - 1) / 2;
  const r0 = (rows - 1) / 2;
  const i0 = (width - 1) / 2;
  return {
    width,
    lineToSlice: [cos, 0, 0, c0 - i0 * cos, sin, 0, 0, r0 - i0 * sin, 0, 0, 1, 0, 0, 0, 0, 1],
  };
}

/** The slice pixel (column, row) under pixel i of a cut line, rounded; null outside the slice. */
export function slicePixelOnLine(line: CutLine, i: number, columns: number, rows: number): [number, number] | null {
  const m = line.lineToSlice;
  const c = Math.round(m[0]! * i + m[3]!);
  const r = Math.round(m[4]! * i + m[7]!);
  return c >= 0 && c < columns && r >= 0 && r < rows ? [c, r] : null;
}

/** One slice of the straightened volume; outside the source volume is NaN (drawn black). */
export function crossSection(grid: VoxelGrid, lpsToIjk: Mat4, sliceToWorld: Mat4, columns: number, rows: number, interpolation: Interpolation, out?: Float32Array): Float32Array {
  return reslicePlane(grid, { columns, rows, sliceToIjk: multiply(lpsToIjk, sliceToWorld), interpolation, background: NaN, ...(out ? { out } : {}) }).pixels;
}

/** The long-axis cut: row k is the cut line of slice k (`line.width` × slices, row-major). */
export function longAxisCut(grid: VoxelGrid, lpsToIjk: Mat4, sliceToWorld: readonly Mat4[], line: CutLine, interpolation: Interpolation): Float32Array {
  const out = new Float32Array(line.width * sliceToWorld.length);
  for (let k = 0; k < sliceToWorld.length; k++) {
    const sliceToIjk = multiply(lpsToIjk, multiply(sliceToWorld[k]!, line.lineToSlice));
    reslicePlane(grid, { columns: line.width, rows: 1, sliceToIjk, interpolation, background: NaN, out: out.subarray(k * line.width, (k + 1) * line.width) });
  }
  return out;
}
