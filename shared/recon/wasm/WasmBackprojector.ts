/**
 * backprojectView() for a batch of views and a slab of slices, with the SIMD kernel of
 * backproject.c: the same voxels get a contribution, and each differs from the TypeScript
 * kernel's by float32 rounding of the detector position (~1e-5 pixel). With
 * commonViewOnly, only the voxels every view sees: on the benchmark a fifth less work, and
 * no view's own span to work out per row.
 *
 * The instance owns its WebAssembly memory, and copies in what one kernel call needs: a
 * chunk of the slab's slices (at most CHUNK_BYTES of output), and of each of a group of
 * views (at most VIEWS_PER_CALL, and BAND_BYTES) only the band of detector rows the chunk
 * projects onto, a fraction of the detector for a slab. Copying is cheap next to the
 * backprojection (each band pixel is read by many voxel rows); it leaves the service's
 * buffers plain SharedArrayBuffers, and a worker holds at most about CHUNK_BYTES +
 * BAND_BYTES (or one whole view, if larger), whatever the grid and the batch.
 */
import type { CArmView, DetectorGeometry } from '../cArmGeometry';
import { voxelToDetector, type ReconGrid } from '../fdk';
import { BACKPROJECT_WASM_BASE64 } from './backprojectWasm';
import { alignUp, ensureBytes, instantiateSimd, RESERVED_BYTES, simdModule } from './simdModule';

/** backproject.c's export (pointers are byte offsets into the memory). */
interface BackprojectExports {
  backproject_slab: (params: number, viewCount: number, columns: number, rows: number, nx: number, ny: number, kFirst: number, kLast: number, out: number, spans: number) => void;
  common_spans: (params: number, viewCount: number, columns: number, rows: number, nx: number, ny: number, kFirst: number, kLast: number, spans: number) => void;
}

export interface SlabBackprojection {
  /** The batch's filtered views, view after view, each rows × columns, column fastest. */
  filtered: Float32Array;
  views: readonly CArmView[];
  detector: DetectorGeometry;
  grid: ReconGrid;
  kFirst: number;
  kLast: number;
  /** The whole grid, column fastest; slices [kFirst, kLast) are added to. */
  out: Float32Array;
  /** Called with the views done so far, counted as whole views over the slab. */
  onProgress?: (viewsDone: number) => void;
  /**
   * Add only into the voxels that every view of the batch sees, leaving the others as
   * they are: no view's own visible span is computed, and the voxels outside the run's
   * field of view, which its mask clears anyway, cost nothing (a batch spread over the
   * arc sees little more than the whole run). Inside, the sum is backprojectView's.
   */
  commonViewOnly?: boolean;
}

const PAGE = 65536;
/** Doubles per view in the parameter block (see backproject.c). */
const VIEW_PARAMS = 16;
/** Output held in the memory at once: the slab is swept in chunks of slices this large. */
export const CHUNK_BYTES = 8 * 2 ** 20;
/** Detector bands copied at once: the views of a batch are swept in groups this large. */
export const BAND_BYTES = 8 * 2 ** 20;
/** A running task's WebAssembly memory at most: one output chunk and one band of views. */
export const TASK_MEMORY_BYTES = CHUNK_BYTES + BAND_BYTES;
/** Views per kernel call at most: progress in steps of a few percent of the slab (the order of the loops does not matter to speed, see backproject.c). */
const VIEWS_PER_CALL = 16;
/** Rows kept on each side of a chunk's projected band, so float rounding never reaches its edge. */
const BAND_MARGIN = 2;

/** A band of detector rows [first, end); empty when end ≤ first. */
interface RowBand {
  first: number;
  end: number;
}

/**
 * The detector rows that slices [kFirst, kLast) of the grid project onto, with a margin:
 * the projection of the box is inside the hull of its corners' when all lie in front of
 * the source; otherwise every row.
 */
function projectedBand(q: Float64Array, nx: number, ny: number, kFirst: number, kLast: number, rows: number): RowBand {
  let low = Infinity;
  let high = -Infinity;
  for (const i of [0, nx - 1]) {
    for (const j of [0, ny - 1]) {
      for (const k of [kFirst, kLast - 1]) {
        const w = q[8] * i + q[9] * j + q[10] * k + q[11];
        if (!(w > 1e-6)) return { first: 0, end: rows };
        const r = (q[4] * i + q[5] * j + q[6] * k + q[7]) / w;
        low = Math.min(low, r);
        high = Math.max(high, r);
      }
    }
  }
  const first = Math.max(0, Math.floor(low) - BAND_MARGIN);
  const end = Math.min(rows, Math.ceil(high) + BAND_MARGIN + 1);
  // The bilinear taps need two rows; a band entirely off the detector stays empty.
  return end > first ? { first: Math.min(first, rows - 2), end: Math.max(end, first + 2) } : { first: 0, end: 0 };
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

  /** Null where the module cannot run here: use backprojectView() then. */
  /** Whether this runtime runs the kernel (WebAssembly SIMD), without making one. */
  static get supported(): boolean {
    return simdModule(BACKPROJECT_WASM_BASE64) !== null;
  }

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
    this.wasm.common_spans(paramsAt, views.length, detector.columns, detector.rows, nx, ny, 0, nz, spansAt);
    return new Int32Array(this.memory.buffer, spansAt, 2 * ny * nz).slice();
  }

  /**
   * Adds every view of the batch into slices [kFirst, kLast) of `out`, as backprojectView()
   * view after view (with commonViewOnly, only where all of them see the voxel).
   */
  backprojectSlab({ filtered, views, detector, grid, kFirst, kLast, out, onProgress, commonViewOnly = false }: SlabBackprojection): void {
    const [nx, ny, nz] = grid.dimensions;
    const { columns, rows } = detector;
    const pixels = columns * rows;
    const slice = nx * ny;
    if (columns < 2 || rows < 2) throw new RangeError('WasmBackprojector: the detector needs two rows and two columns');
    if (kFirst < 0 || kLast > nz || out.length < nx * ny * nz) throw new RangeError('WasmBackprojector: the slab is outside the output');
    if (filtered.length < views.length * pixels) throw new RangeError('WasmBackprojector: fewer filtered pixels than views');
    if (kLast <= kFirst || views.length === 0) return;
    const matrices = views.map((view) => voxelToDetector(view, detector, grid));
    const chunkSlices = Math.max(1, Math.floor(this.chunkBytes / (4 * slice)));
    const chunks = Math.ceil((kLast - kFirst) / chunkSlices);
    const paramsAt = RESERVED_BYTES;
    // With commonViewOnly, every view's matrix (for common_spans) and a span per row of the chunk.
    const allParamsAt = alignUp(paramsAt + 8 * VIEW_PARAMS * VIEWS_PER_CALL, 16);
    const spansAt = alignUp(allParamsAt + (commonViewOnly ? 8 * VIEW_PARAMS * views.length : 0), 16);
    const chunkAt = alignUp(spansAt + (commonViewOnly ? 8 * Math.min(kLast - kFirst, chunkSlices) * ny : 0), PAGE);
    const bandsAt = alignUp(chunkAt + 4 * Math.min(kLast - kFirst, chunkSlices) * slice, PAGE);
    // One view's whole detector always fits a group, however small bandBytes is against it.
    ensureBytes(this.memory, bandsAt + Math.max(this.bandBytes, 4 * pixels));

    for (let chunk = 0; chunk < chunks; chunk++) {
      const k0 = kFirst + chunk * chunkSlices;
      const k1 = Math.min(kLast, k0 + chunkSlices);
      const output = out.subarray(k0 * slice, k1 * slice);
      new Float32Array(this.memory.buffer, chunkAt, output.length).set(output);
      if (commonViewOnly) {
        const all = new Float64Array(this.memory.buffer, allParamsAt, VIEW_PARAMS * views.length);
        matrices.forEach((q, v) => all.set(q, VIEW_PARAMS * v));
        this.wasm.common_spans(allParamsAt, views.length, columns, rows, nx, ny, k0, k1, spansAt);
      }
      const bands = matrices.map((q) => projectedBand(q, nx, ny, k0, k1, rows));
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
        if (count > 0) this.wasm.backproject_slab(paramsAt, count, columns, rows, nx, ny, k0, k1, chunkAt, commonViewOnly ? spansAt : 0);
        onProgress?.(Math.floor(((chunk + v / views.length) * views.length) / chunks));
      }
      output.set(new Float32Array(this.memory.buffer, chunkAt, output.length));
    }
  }
}
