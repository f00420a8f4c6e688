/**
 * reslicePlane() over a WasmVolume, with the SIMD sampler of reslicePlane.c: same
 * options, same output layout, same mask. Nearest is bit-identical to the TypeScript
 * kernel; trilinear blends in float32 and differs from it by a few float32 ulps of the
 * local voxel magnitude. Cubic is not offered (`supports` says so): use reslicePlane().
 *
 * Output arrays that are views of the volume's memory (its output area) are written in
 * place; any others through a scratch slot, a block of rows at a time. One instance per
 * task: `attach` claims the slot and `release` frees it, so tasks running at once in
 * several workers never share scratch.
 */
import type { Interpolation, ResliceOptions } from '../reslicePlane';
import { ensureMemory, HEADER_OFFSET, instantiate, MAX_SLOTS, resliceModule, SLOT_BYTES, voxelTypeOf, type ReslicePlaneExports, type WasmVolume, type WasmVoxelType } from './wasmVolume';

/** Scratch layout inside a slot: pixels, then mask. */
const PIXELS_AT = 0;

export class WasmReslicer {
  private released = false;

  private constructor(
    private readonly volume: WasmVolume,
    private readonly voxelType: WasmVoxelType,
    private readonly wasm: ReslicePlaneExports,
    private readonly slot: number,
  ) {}

  /**
   * Null when the module cannot run here, the volume's copy is not ready (see
   * awaitWasmVolume) or no slot can be had: use the TypeScript kernel then.
   */
  static attach(volume: WasmVolume): WasmReslicer | null {
    const module = resliceModule();
    const voxelType = voxelTypeOf(volume);
    if (!module || (voxelType !== 'int16' && voxelType !== 'float32')) return null;
    const flags = new Int32Array(volume.memory.buffer, HEADER_OFFSET, MAX_SLOTS);
    for (let slot = 0; slot < MAX_SLOTS; slot++) {
      if (Atomics.compareExchange(flags, slot, 0, 1) !== 0) continue;
      if (!ensureMemory(volume.memory, volume.slotOffset + (slot + 1) * SLOT_BYTES)) {
        Atomics.store(flags, slot, 0);
        return null;
      }
      return new WasmReslicer(volume, voxelType, instantiate(module, volume.memory), slot);
    }
    return null;
  }

  /** Whether reslicePlane() can serve these options. */
  supports(interpolation: Interpolation, columns: number): boolean {
    return interpolation !== 'cubic' && this.rowsPerCall(columns) >= 1;
  }

  /** As reslicePlane(grid, options) on the volume this was attached to. */
  reslicePlane(options: ResliceOptions): { pixels: Float32Array; inside: number } {
    if (this.released) throw new Error('WasmReslicer: used after release');
    const { columns, rows, sliceToIjk: m, background, mask, interpolation } = options;
    if (!this.supports(interpolation, columns)) throw new RangeError(`WasmReslicer: no ${interpolation} sampling of ${columns} columns`);
    const pixels = options.out ?? new Float32Array(columns * rows);
    if (pixels.length < columns * rows) throw new RangeError('reslicePlane: output buffer is too small');
    const { memory, dimensions: [nx, ny, nz], voxelOffset, slotOffset } = this.volume;
    const rowsFn = this.voxelType === 'int16' ? this.wasm.reslice_rows_i16 : this.wasm.reslice_rows_f32;
    const linear = interpolation === 'linear' ? 1 : 0;
    const sample = (row0: number, count: number, pixelsAt: number, maskAt: number) =>
      rowsFn(voxelOffset, nx, ny, nz, m[0]!, m[1]!, m[3]!, m[4]!, m[5]!, m[7]!, m[8]!, m[9]!, m[11]!, columns, row0, count, linear, background, pixelsAt, maskAt);
    // Views are made per call: another worker may have grown (and so replaced) the buffer.
    const buffer = memory.buffer;
    const slotAt = slotOffset + this.slot * SLOT_BYTES;
    // Output views of this memory (the volume's output area) are written in place.
    if (pixels.buffer === buffer && (!mask || mask.buffer === buffer) && 5 * columns <= SLOT_BYTES) {
      if (mask) return { pixels, inside: sample(0, rows, pixels.byteOffset, mask.byteOffset) };
      let inside = 0;
      const perRow = Math.floor(SLOT_BYTES / columns);
      for (let row0 = 0; row0 < rows; row0 += perRow) inside += sample(row0, Math.min(perRow, rows - row0), pixels.byteOffset + 4 * row0 * columns, slotAt);
      return { pixels, inside };
    }
    const perCall = this.rowsPerCall(columns);
    const pixelsAt = slotAt + PIXELS_AT;
    const maskAt = pixelsAt + 4 * perCall * columns;
    const slotPixels = new Float32Array(buffer, pixelsAt, perCall * columns);
    const slotMask = new Uint8Array(buffer, maskAt, perCall * columns);
    let inside = 0;
    for (let row0 = 0; row0 < rows; row0 += perCall) {
      const count = Math.min(perCall, rows - row0);
      inside += sample(row0, count, pixelsAt, maskAt);
      const n = count * columns;
      pixels.set(n === slotPixels.length ? slotPixels : slotPixels.subarray(0, n), row0 * columns);
      if (mask) mask.set(n === slotMask.length ? slotMask : slotMask.subarray(0, n), row0 * columns);
    }
    return { pixels, inside };
  }

  /** Frees the scratch slot; the instance is unusable afterwards. */
  release(): void {
    if (this.released) return;
    this.released = true;
    Atomics.store(new Int32Array(this.volume.memory.buffer, HEADER_OFFSET, MAX_SLOTS), this.slot, 0);
  }

  private rowsPerCall(columns: number): number {
    return Math.floor((SLOT_BYTES - PIXELS_AT) / (5 * Math.max(1, columns)));
  }
}
