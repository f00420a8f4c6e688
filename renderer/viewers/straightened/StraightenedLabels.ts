/**
 * A label drawn on the straightened volume, stored sparsely: only slices that were painted
 * hold a columns × rows byte plane, so a 512×512×700 volume with a few strokes costs a few
 * megabytes, and only those slices travel to main for map-back.
 */
import type { StraightenedLabelSlice } from '../../../shared/contracts/ipc';
import { slicePixelOnLine, type CutLine } from './straightenedImages';

export class StraightenedLabels {
  private readonly planes = new Map<number, Uint8Array>();

  constructor(
    readonly columns: number,
    readonly rows: number,
    readonly slices: number,
  ) {}

  get isEmpty(): boolean {
    for (const plane of this.planes.values()) if (plane.some((v) => v !== 0)) return false;
    return true;
  }

  plane(slice: number): Uint8Array | undefined {
    return this.planes.get(slice);
  }

  value(column: number, row: number, slice: number): number {
    return this.planes.get(slice)?.[column + this.columns * row] ?? 0;
  }

  /** Paints (value > 0) or erases (0) a disc of `radiusPx` pixels around (column, row) of one slice. */
  paintDisc(slice: number, column: number, row: number, radiusPx: number, value: number): void {
    if (slice < 0 || slice >= this.slices) return;
    const plane = this.writablePlane(slice, value);
    if (!plane) return;
    const r = Math.max(0.5, radiusPx);
    for (let j = Math.max(0, Math.ceil(row - r)); j <= Math.min(this.rows - 1, Math.floor(row + r)); j++) {
      const half = Math.sqrt(Math.max(0, r * r - (j - row) ** 2));
      for (let i = Math.max(0, Math.ceil(column - half)); i <= Math.min(this.columns - 1, Math.floor(column + half)); i++) plane[i + this.columns * j] = value;
    }
  }

  /**
   * Paints a disc drawn on a long-axis cut, centred on cut pixel `i` of slice `slice`:
   * `radiusMm` across the cut (pixel `spacing` mm) and along the path (slices `step` mm apart).
   */
  paintOnCut(line: CutLine, i: number, slice: number, radiusMm: number, spacing: number, step: number, value: number): void {
    const reachSlices = Math.floor(radiusMm / step);
    for (let k = Math.max(0, slice - reachSlices); k <= Math.min(this.slices - 1, slice + reachSlices); k++) {
      const alongMm = (k - slice) * step;
      const halfPx = Math.sqrt(Math.max(0, radiusMm * radiusMm - alongMm * alongMm)) / spacing;
      const plane = this.writablePlane(k, value);
      if (!plane) continue;
      for (let n = Math.ceil(i - halfPx); n <= Math.floor(i + halfPx); n++) {
        const px = slicePixelOnLine(line, n, this.columns, this.rows);
        if (px) plane[px[0] + this.columns * px[1]] = value;
      }
    }
  }

  clear(): void {
    this.planes.clear();
  }

  /** The painted slices, for `reformat:mapBack`. */
  toSlices(): StraightenedLabelSlice[] {
    return [...this.planes.entries()].filter(([, p]) => p.some((v) => v !== 0)).map(([slice, voxels]) => ({ slice, voxels }));
  }

  /** Erasing never allocates a plane that does not exist. */
  private writablePlane(slice: number, value: number): Uint8Array | undefined {
    let plane = this.planes.get(slice);
    if (!plane && value !== 0) {
      plane = new Uint8Array(this.columns * this.rows);
      this.planes.set(slice, plane);
    }
    return plane;
  }
}
