/**
 * backprojectView() for a batch of views and a slab of slices, with the SIMD kernel of
 * backproject.c: the same voxels get a contribution, and each differs from the TypeScript
 * kernel's by float32 rounding of the detector position (~1e-5 pixel).
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

/** backproject.c's export (pointers are byte offsets into the memory). */
interface BackprojectExports {
  backproject_slab: (params: number, viewCount: number, columns: number, rows: number, nx: number, ny: number, kFirst: number, kLast: number, out: number) => void;
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
}

const PAGE = 65536;
/** The module's own area (its linker-placed stack, never used). */
const RESERVED = 2 * PAGE;
const MAX_PAGES = 65536;
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

let compiled: WebAssembly.Module | null | undefined;

/** The compiled module, once per thread; null where WebAssembly SIMD or shared memory is unavailable. */
function backprojectModule(): WebAssembly.Module | null {
  if (compiled !== undefined) return compiled;
  compiled = null;
  try {
    if (typeof WebAssembly === 'undefined' || typeof SharedArrayBuffer === 'undefined') return null;
    const bytes = Uint8Array.from(atob(BACKPROJECT_WASM_BASE64), (ch) => ch.charCodeAt(0));
    if (!WebAssembly.validate(bytes)) return null;
    compiled = new WebAssembly.Module(bytes);
  } catch {
    compiled = null;
  }
  return compiled;
}

function alignUp(n: number, to: number): number {
  return Math.ceil(n / to) * to;
}

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
  static create({ chunkBytes = CHUNK_BYTES, bandBytes = BAND_BYTES }: BackprojectorLimits = {}): WasmBackprojector | null {
    const module = backprojectModule();
    if (!module) return null;
    try {
      const memory = new WebAssembly.Memory({ initial: RESERVED / PAGE + 1, maximum: MAX_PAGES, shared: true });
      const wasm = new WebAssembly.Instance(module, { env: { memory } }).exports as unknown as BackprojectExports;
      return new WasmBackprojector(memory, wasm, chunkBytes, bandBytes);
    } catch {
      return null;
    }
  }

  /** Adds every view of the batch into slices [kFirst, kLast) of `out`, as backprojectView() view after view. */
  backprojectSlab({ filtered, views, detector, grid, kFirst, kLast, out, onProgress }: SlabBackprojection): void {
    const [nx, ny, nz] = grid.dimensions;
    const { columns, rows } = detector;
    const pixels = columns * rows;
    const slice = nx * ny;
    if (columns < 2 || rows < 2) throw new RangeError('WasmBackprojector: the detector needs two rows and two columns');
    if (kFirst < 0 || kLast > nz || out.length < nx * ny * nz) throw new RangeError('WasmBackprojector: the slab is outside the output');
    if (filtered.length < views.length * pixels) throw new RangeError('WasmBackprojector: fewer filtered pixels than views');
    const matrices = views.map((view) => voxelToDetector(view, detector, grid));
    const chunkSlices = Math.max(1, Math.floor(this.chunkBytes / (4 * slice)));
    const chunks = Math.ceil((kLast - kFirst) / chunkSlices);
    const paramsAt = RESERVED;
    const chunkAt = alignUp(paramsAt + 8 * VIEW_PARAMS * VIEWS_PER_CALL, PAGE);
    const bandsAt = alignUp(chunkAt + 4 * Math.min(kLast - kFirst, chunkSlices) * slice, PAGE);
    // One view's whole detector always fits a group, however small bandBytes is against it.
    this.ensureBytes(bandsAt + Math.max(this.bandBytes, 4 * pixels));

    for (let chunk = 0; chunk < chunks; chunk++) {
      const k0 = kFirst + chunk * chunkSlices;
      const k1 = Math.min(kLast, k0 + chunkSlices);
      const output = out.subarray(k0 * slice, k1 * slice);
      new Float32Array(this.memory.buffer, chunkAt, output.length).set(output);
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
        if (count > 0) this.wasm.backproject_slab(paramsAt, count, columns, rows, nx, ny, k0, k1, chunkAt);
        onProgress?.(Math.floor(((chunk + v / views.length) * views.length) / chunks));
      }
      output.set(new Float32Array(this.memory.buffer, chunkAt, output.length));
    }
  }

  private ensureBytes(bytes: number): void {
    const have = this.memory.buffer.byteLength;
    if (have >= bytes) return;
    this.memory.grow(Math.ceil((bytes - have) / PAGE));
  }
}
