/**
 * backprojectView() for a batch of views and a box of the grid (rows [jFirst, jLast) of
 * slices [kFirst, kLast)), with the SIMD kernels of backproject.c: the same voxels get a
 * contribution, and each differs from the TypeScript kernel's by float32 rounding of the
 * detector position (~1e-5 pixel; ~1e-4 along the axial kernel's columns). With
 * commonViewOnly, only the voxels every view sees: on the benchmark a fifth less work, and
 * no view's own span to work out per row; views turning about the grid's k axis (the
 * common spin) then go through the axial kernel, which sweeps voxel columns along k.
 *
 * The instance owns its WebAssembly memory, and copies in what one kernel call needs: a
 * chunk of the box (at most CHUNK_BYTES of output: slices for the row kernel, rows over
 * every slice for the axial one, which holds it as voxel columns), and of each of a group
 * of views (at most VIEWS_PER_CALL, and BAND_BYTES) only the band of the detector the
 * chunk projects onto (the axial kernel stores it transposed). Copying is cheap next to
 * the backprojection (each band pixel is read by many voxels); it leaves the service's
 * buffers plain SharedArrayBuffers, and a worker holds at most TASK_MEMORY_BYTES,
 * whatever the grid and the batch.
 */
import type { CArmView, DetectorGeometry } from '../cArmGeometry';
import { voxelToDetector, type ReconGrid } from '../fdk';
import { BACKPROJECT_WASM_BASE64 } from './backprojectWasm';
import { alignUp, ensureBytes, instantiateSimd, RESERVED_BYTES, simdModule } from './simdModule';

/** backproject.c's exports (pointers are byte offsets into the memory). */
interface BackprojectExports {
  backproject_rows: (params: number, viewCount: number, columns: number, rows: number, nx: number, jFirst: number, jLast: number, kFirst: number, kLast: number, out: number, spans: number) => void;
  common_spans: (params: number, viewCount: number, columns: number, rows: number, nx: number, jFirst: number, jLast: number, kFirst: number, kLast: number, spans: number) => void;
  backproject_axial: (params: number, viewCount: number, nx: number, ny: number, K: number, acc: number, colSpans: number, tile: number) => void;
  column_spans: (spans: number, nx: number, ny: number, slices: number, colSpans: number) => void;
  transpose_columns: (rows: number, acc: number, count: number, slices: number, K: number, kOffset: number, toColumns: number) => void;
  store_band: (src: number, srcStride: number, rows: number, columns: number, dst: number, stride: number, flip: number) => void;
}

export interface BoxBackprojection {
  /** The batch's filtered views, view after view, each rows × columns, column fastest. */
  filtered: Float32Array;
  views: readonly CArmView[];
  detector: DetectorGeometry;
  grid: ReconGrid;
  kFirst: number;
  kLast: number;
  /** Rows [jFirst, jLast) of the slices alone (default: every row). */
  jFirst?: number;
  jLast?: number;
  /** The whole grid, column fastest; the box of slices [kFirst, kLast), rows [jFirst, jLast) is added to. */
  out: Float32Array;
  /** Called with the views done so far, counted as whole views over the box. */
  onProgress?: (viewsDone: number) => void;
  /**
   * Add only into the voxels that every view of the batch sees, leaving the others as
   * they are: no view's own visible span is computed, and the voxels outside the run's
   * field of view, which its mask clears anyway, cost nothing (a batch spread over the
   * arc sees little more than the whole run). Inside, the sum is backprojectView's.
   * Views turning about the grid's k axis then go through the axial kernel.
   */
  commonViewOnly?: boolean;
}

/** Which kernel a box went through: 'axial' (views about the k axis) or 'rows'. */
export type BackprojectionKernel = 'axial' | 'rows';

const PAGE = 65536;
/** Doubles per view in the parameter blocks (VIEW_PARAMS, AXIAL_PARAMS of backproject.c). */
const VIEW_PARAMS = 16;
/** Output held in the memory at once: the box is swept in chunks this large. */
export const CHUNK_BYTES = 16 * 2 ** 20;
/** Detector bands copied at once: the views of a batch are swept in groups this large. */
export const BAND_BYTES = 8 * 2 ** 20;
/**
 * A running task's WebAssembly memory at most: one output chunk, the staging it moves
 * through (never larger), and one band of views (or one view's whole detector, if larger).
 */
export const TASK_MEMORY_BYTES = 2 * CHUNK_BYTES + BAND_BYTES;
/** Views per kernel call at most: progress in steps of a few percent of the box (the order of the loops does not matter to speed, see backproject.c). */
const VIEWS_PER_CALL = 16;
/** Rows (and columns) kept on each side of a chunk's projected band, so float rounding never reaches its edge. */
const BAND_MARGIN = 2;
/** backproject.c's GUARD_ROWS and WINDOW: a stored band column's rows + 2·GUARD + WINDOW floats at least. */
const GUARD_ROWS = 1;
const WINDOW = 8;
/** The axial kernel's rows per voxel: four lanes' taps within WINDOW floats. */
const AXIAL_MAX_ROW_STEP = 2;
/** Voxel columns per side of the axial kernel's tiles (views inside a tile). */
const AXIAL_TILE = 16;
/** Slices moved between the output and the axial accumulator at once. */
const STAGED_SLICES = 16;

/** A band of detector rows [first, end); empty when end ≤ first. */
interface RowBand {
  first: number;
  end: number;
}

/** The grid box [0, nx) × [jFirst, jLast) × [kFirst, kLast). */
interface Box {
  jFirst: number;
  jLast: number;
  kFirst: number;
  kLast: number;
}

/**
 * The detector rows (row 1 of q) or columns (row 0) that the box projects onto, with a
 * margin, within [0, size): the projection of the box is inside the hull of its corners'
 * when all lie in front of the source; otherwise everything.
 */
function projectedBand(q: Float64Array, nx: number, box: Box, size: number, axis: 0 | 1 = 1): RowBand {
  let low = Infinity;
  let high = -Infinity;
  for (const i of [0, nx - 1]) {
    for (const j of [box.jFirst, box.jLast - 1]) {
      for (const k of [box.kFirst, box.kLast - 1]) {
        const w = q[8] * i + q[9] * j + q[10] * k + q[11];
        if (!(w > 1e-6)) return { first: 0, end: size };
        const x = (q[4 * axis] * i + q[4 * axis + 1] * j + q[4 * axis + 2] * k + q[4 * axis + 3]) / w;
        low = Math.min(low, x);
        high = Math.max(high, x);
      }
    }
  }
  const first = Math.max(0, Math.floor(low) - BAND_MARGIN);
  const end = Math.min(size, Math.ceil(high) + BAND_MARGIN + 1);
  // The bilinear taps need two rows; a band entirely off the detector stays empty.
  return end > first ? { first: Math.min(first, size - 2), end: Math.max(end, first + 2) } : { first: 0, end: 0 };
}

/**
 * Whether the axial kernel takes these views over this box: each turns about the grid's
 * k axis (column and depth exactly independent of k), sees the whole box in front of its
 * source, and advances at most AXIAL_MAX_ROW_STEP detector rows per slice anywhere in it.
 */
function axialApplies(matrices: readonly Float64Array[], nx: number, box: Box): boolean {
  return matrices.every((q) => {
    if (q[2] !== 0 || q[10] !== 0) return false;
    // Depth is affine in (i, j): least at a corner of the box.
    const nearest = Math.min(...[0, nx - 1].flatMap((i) => [box.jFirst, box.jLast - 1].map((j) => q[8] * i + q[9] * j + q[11])));
    return nearest > 1e-6 && Math.abs(q[6]) <= AXIAL_MAX_ROW_STEP * nearest;
  });
}

export interface BackprojectorLimits {
  /** Output held in the memory at once; default CHUNK_BYTES. */
  chunkBytes?: number;
  /** Detector bands copied at once; default BAND_BYTES. */
  bandBytes?: number;
}

export class WasmBackprojector {
  private constructor(
    private readonly memory: WebAssembly.Memory,
    private readonly wasm: BackprojectExports,
    private readonly chunkBytes: number,
    private readonly bandBytes: number,
  ) {}

  /** Whether this runtime runs the kernel (WebAssembly SIMD), without making one. */
  static get supported(): boolean {
    return simdModule(BACKPROJECT_WASM_BASE64) !== null;
  }

  /** Null where the module cannot run here: use backprojectView() then. */
  static create({ chunkBytes = CHUNK_BYTES, bandBytes = BAND_BYTES }: BackprojectorLimits = {}): WasmBackprojector | null {
    const instance = instantiateSimd<BackprojectExports>(BACKPROJECT_WASM_BASE64);
    return instance && new WasmBackprojector(instance.memory, instance.exports, chunkBytes, bandBytes);
  }

  /** fdk.ts fieldOfViewSpans() of these views, by the same operations, several times faster. */
  fieldOfViewSpans(views: readonly CArmView[], detector: DetectorGeometry, grid: ReconGrid): Int32Array {
    const [nx, ny, nz] = grid.dimensions;
    const paramsAt = RESERVED_BYTES;
    const spansAt = alignUp(paramsAt + 8 * VIEW_PARAMS * views.length, 16);
    ensureBytes(this.memory, spansAt + 8 * ny * nz);
    const params = new Float64Array(this.memory.buffer, paramsAt, VIEW_PARAMS * views.length);
    views.forEach((view, v) => params.set(voxelToDetector(view, detector, grid), VIEW_PARAMS * v));
    this.wasm.common_spans(paramsAt, views.length, detector.columns, detector.rows, nx, 0, ny, 0, nz, spansAt);
    return new Int32Array(this.memory.buffer, spansAt, 2 * ny * nz).slice();
  }

  /**
   * Adds every view of the batch into the box (rows [jFirst, jLast) of slices
   * [kFirst, kLast)) of `out`, as backprojectView() view after view (with commonViewOnly,
   * only where all of them see the voxel).
   */
  backprojectBox(request: BoxBackprojection): BackprojectionKernel {
    const { filtered, views, detector, grid, kFirst, kLast, out, commonViewOnly = false } = request;
    const [nx, ny, nz] = grid.dimensions;
    const { jFirst = 0, jLast = ny } = request;
    const { columns, rows } = detector;
    if (columns < 2 || rows < 2) throw new RangeError('WasmBackprojector: the detector needs two rows and two columns');
    if (kFirst < 0 || kLast > nz || jFirst < 0 || jLast > ny || out.length < nx * ny * nz) throw new RangeError('WasmBackprojector: the box is outside the output');
    if (filtered.length < views.length * columns * rows) throw new RangeError('WasmBackprojector: fewer filtered pixels than views');
    const box = { jFirst, jLast, kFirst, kLast };
    const matrices = views.map((view) => voxelToDetector(view, detector, grid));
    const kernel: BackprojectionKernel = commonViewOnly && axialApplies(matrices, nx, box) ? 'axial' : 'rows';
    if (kLast <= kFirst || jLast <= jFirst || views.length === 0) return kernel;
    if (kernel === 'axial') this.backprojectAxial(request, matrices, box);
    else this.backprojectRows(request, matrices, box);
    return kernel;
  }

  /** The row kernel: the box in chunks of slices, each view's band of rows as stored. */
  private backprojectRows({ filtered, views, detector, grid, out, onProgress, commonViewOnly = false }: BoxBackprojection, matrices: Float64Array[], box: Box): void {
    const [nx, ny] = grid.dimensions;
    const { columns, rows } = detector;
    const pixels = columns * rows;
    const { jFirst, jLast, kFirst, kLast } = box;
    const boxRow = nx * (jLast - jFirst);
    const chunkSlices = Math.max(1, Math.floor(this.chunkBytes / (4 * boxRow)));
    const chunks = Math.ceil((kLast - kFirst) / chunkSlices);
    const paramsAt = RESERVED_BYTES;
    // With commonViewOnly, every view's matrix (for common_spans) and a span per row of the chunk.
    const allParamsAt = alignUp(paramsAt + 8 * VIEW_PARAMS * VIEWS_PER_CALL, 16);
    const spansAt = alignUp(allParamsAt + (commonViewOnly ? 8 * VIEW_PARAMS * views.length : 0), 16);
    const chunkAt = alignUp(spansAt + (commonViewOnly ? 8 * Math.min(kLast - kFirst, chunkSlices) * (jLast - jFirst) : 0), PAGE);
    const bandsAt = alignUp(chunkAt + 4 * Math.min(kLast - kFirst, chunkSlices) * boxRow, PAGE);
    // One view's whole detector always fits a group, however small bandBytes is against it.
    ensureBytes(this.memory, bandsAt + Math.max(this.bandBytes, 4 * pixels));

    for (let chunk = 0; chunk < chunks; chunk++) {
      const k0 = kFirst + chunk * chunkSlices;
      const k1 = Math.min(kLast, k0 + chunkSlices);
      const part = { jFirst, jLast, kFirst: k0, kLast: k1 };
      const output = new Float32Array(this.memory.buffer, chunkAt, (k1 - k0) * boxRow);
      for (let k = k0; k < k1; k++) output.set(out.subarray((k * ny + jFirst) * nx, (k * ny + jLast) * nx), (k - k0) * boxRow);
      if (commonViewOnly) {
        const all = new Float64Array(this.memory.buffer, allParamsAt, VIEW_PARAMS * views.length);
        matrices.forEach((q, v) => all.set(q, VIEW_PARAMS * v));
        this.wasm.common_spans(allParamsAt, views.length, columns, rows, nx, jFirst, jLast, k0, k1, spansAt);
      }
      const bands = matrices.map((q) => projectedBand(q, nx, part, rows));
      for (let v = 0; v < views.length; ) {
        // A group of views whose bands fit: parameters and bands copied in, one kernel call.
        const params = new Float64Array(this.memory.buffer, paramsAt, VIEW_PARAMS * VIEWS_PER_CALL);
        let bandAt = bandsAt;
        let count = 0;
        for (; v < views.length; v++) {
          const { first, end } = bands[v];
          if (end <= first) continue;
          const bytes = 4 * (end - first) * columns;
          if (count === VIEWS_PER_CALL || (count > 0 && bandAt + bytes > bandsAt + this.bandBytes)) break;
          new Float32Array(this.memory.buffer, bandAt, (end - first) * columns).set(filtered.subarray(v * pixels + first * columns, v * pixels + end * columns));
          params.set(matrices[v], VIEW_PARAMS * count);
          params[VIEW_PARAMS * count + 12] = views[v].sod;
          params[VIEW_PARAMS * count + 13] = first;
          params[VIEW_PARAMS * count + 14] = end;
          params[VIEW_PARAMS * count + 15] = bandAt;
          bandAt = alignUp(bandAt + bytes, 16);
          count++;
        }
        if (count > 0) this.wasm.backproject_rows(paramsAt, count, columns, rows, nx, jFirst, jLast, k0, k1, chunkAt, commonViewOnly ? spansAt : 0);
        onProgress?.(Math.floor(((chunk + v / views.length) * views.length) / chunks));
      }
      for (let k = k0; k < k1; k++) out.set(output.subarray((k - k0) * boxRow, (k - k0 + 1) * boxRow), (k * ny + jFirst) * nx);
    }
  }

  /**
   * The axial kernel (backproject_axial): the box in chunks of rows, every slice of it,
   * held as voxel columns (slices contiguous); each view's band of the chunk stored
   * transposed, rows ascending with k.
   */
  private backprojectAxial({ filtered, views, detector, grid, out, onProgress }: BoxBackprojection, matrices: Float64Array[], box: Box): void {
    const [nx, ny] = grid.dimensions;
    const { columns, rows } = detector;
    const pixels = columns * rows;
    const { jFirst, jLast, kFirst, kLast } = box;
    const slices = kLast - kFirst;
    // Room for the last group's four lanes past a column's last slice.
    const K = alignUp(slices + 3, 4);
    const chunkRows = Math.max(1, Math.min(jLast - jFirst, Math.floor(this.chunkBytes / (4 * nx * K))));
    const chunks = Math.ceil((jLast - jFirst) / chunkRows);
    const voxelColumns = nx * chunkRows;
    const paramsAt = RESERVED_BYTES;
    const allParamsAt = alignUp(paramsAt + 8 * VIEW_PARAMS * VIEWS_PER_CALL, 16);
    const spansAt = alignUp(allParamsAt + 8 * VIEW_PARAMS * views.length, 16);
    const colSpansAt = alignUp(spansAt + 8 * slices * chunkRows, 16);
    const stagingAt = alignUp(colSpansAt + 8 * voxelColumns, PAGE);
    const accAt = alignUp(stagingAt + 4 * Math.max(Math.min(STAGED_SLICES, slices) * voxelColumns, pixels), PAGE);
    const bandsAt = alignUp(accAt + 4 * voxelColumns * K, PAGE);
    const strideFor = (bandRows: number) => alignUp(bandRows + 2 * GUARD_ROWS + WINDOW, 4);
    // One view's whole detector, stored transposed, always fits a group.
    ensureBytes(this.memory, bandsAt + Math.max(this.bandBytes, 4 * columns * strideFor(rows)));
    const all = new Float64Array(this.memory.buffer, allParamsAt, VIEW_PARAMS * views.length);
    matrices.forEach((q, v) => all.set(q, VIEW_PARAMS * v));

    for (let chunk = 0; chunk < chunks; chunk++) {
      const j0 = jFirst + chunk * chunkRows;
      const j1 = Math.min(jLast, j0 + chunkRows);
      const part = { jFirst: j0, jLast: j1, kFirst, kLast };
      this.moveColumns(out, nx, ny, part, stagingAt, accAt, K, 'in');
      this.wasm.common_spans(allParamsAt, views.length, columns, rows, nx, j0, j1, kFirst, kLast, spansAt);
      this.wasm.column_spans(spansAt, nx, j1 - j0, slices, colSpansAt);
      for (let v = 0; v < views.length; ) {
        const params = new Float64Array(this.memory.buffer, paramsAt, VIEW_PARAMS * VIEWS_PER_CALL);
        let bandAt = bandsAt;
        let group = 0;
        for (; v < views.length; v++) {
          const q = matrices[v];
          const band = projectedBand(q, nx, part, rows, 1);
          const across = projectedBand(q, nx, part, columns, 0);
          if (band.end <= band.first || across.end <= across.first) continue;
          const bandRows = band.end - band.first;
          const bandColumns = across.end - across.first;
          const stride = strideFor(bandRows);
          const bytes = 4 * bandColumns * stride;
          if (group === VIEWS_PER_CALL || (group > 0 && bandAt + bytes > bandsAt + this.bandBytes)) break;
          new Float32Array(this.memory.buffer, stagingAt, bandRows * columns).set(filtered.subarray(v * pixels + band.first * columns, v * pixels + band.end * columns));
          // Rows must ascend with k: a view whose rows descend along k is stored flipped.
          const flip = q[6] < 0;
          this.wasm.store_band(stagingAt + 4 * across.first, columns, bandRows, bandColumns, bandAt, stride, flip ? 1 : 0);
          params.set(axialParams(q, j0, kFirst, across.first, band, flip), VIEW_PARAMS * group);
          params[VIEW_PARAMS * group + 12] = views[v].sod;
          params[VIEW_PARAMS * group + 13] = bandAt;
          params[VIEW_PARAMS * group + 14] = stride;
          params[VIEW_PARAMS * group + 15] = bandColumns - 2;
          bandAt = alignUp(bandAt + bytes, 16);
          group++;
        }
        if (group > 0) this.wasm.backproject_axial(paramsAt, group, nx, j1 - j0, K, accAt, colSpansAt, AXIAL_TILE);
        onProgress?.(Math.floor(((chunk + v / views.length) * views.length) / chunks));
      }
      this.moveColumns(out, nx, ny, part, stagingAt, accAt, K, 'out');
    }
  }

  /** Moves the box part of `out` into the axial accumulator (voxel columns, K floats apart), or back. */
  private moveColumns(out: Float32Array, nx: number, ny: number, part: Box, stagingAt: number, accAt: number, K: number, direction: 'in' | 'out'): void {
    const count = nx * (part.jLast - part.jFirst);
    for (let k0 = part.kFirst; k0 < part.kLast; k0 += STAGED_SLICES) {
      const staged = Math.min(STAGED_SLICES, part.kLast - k0);
      const staging = new Float32Array(this.memory.buffer, stagingAt, staged * count);
      if (direction === 'in') {
        for (let s = 0; s < staged; s++) staging.set(out.subarray(((k0 + s) * ny + part.jFirst) * nx, ((k0 + s) * ny + part.jLast) * nx), s * count);
        this.wasm.transpose_columns(stagingAt, accAt, count, staged, K, k0 - part.kFirst, 1);
      } else {
        this.wasm.transpose_columns(stagingAt, accAt, count, staged, K, k0 - part.kFirst, 0);
        for (let s = 0; s < staged; s++) out.set(staging.subarray(s * count, (s + 1) * count), ((k0 + s) * ny + part.jFirst) * nx);
      }
    }
  }
}

/**
 * backproject_axial's matrix for one view: i, j, k relative to the chunk (j0, kFirst), the
 * column relative to the band's first, the row as stored (after GUARD_ROWS, ascending
 * from the band's first row, or flipped: descending from its last).
 */
function axialParams(q: Float64Array, j0: number, kFirst: number, firstColumn: number, band: RowBand, flip: boolean): Float64Array {
  const p = Float64Array.from(q);
  for (let r = 0; r < 3; r++) p[4 * r + 3] += q[4 * r + 1] * j0 + q[4 * r + 2] * kFirst;
  for (let c = 0; c < 4; c++) {
    p[c] -= firstColumn * p[8 + c];
    p[4 + c] = flip ? (band.end - 1 + GUARD_ROWS) * p[8 + c] - p[4 + c] : p[4 + c] - (band.first - GUARD_ROWS) * p[8 + c];
  }
  return p;
}
