/**
 * A volume copied into a shared WebAssembly memory, where the SIMD plane sampler of
 * reslicePlane.c reads it. One copy serves every worker: the memory object is posted
 * with each task and every worker instantiates the module over it. The copy is int16
 * when that is lossless (CT after rescale almost always is: half the cache footprint of
 * float32), float32 otherwise.
 *
 * The memory can also hold the output (a straightened volume and its mask): the sampler
 * then writes each plane where it belongs instead of into scratch to be copied; the
 * caller's arrays are views of the memory, which stays alive as long as they do.
 *
 * Allocation and filling are separate so that tasks can be sent before the copy is made:
 * the copy's state is published in the memory itself (Atomics), and a worker waits for it
 * (doing useful work meanwhile, see awaitWasmVolume) before it samples.
 *
 * Layout (byte offsets):
 *   0 .. RESERVED          the module's own area (its linker-placed stack, never used)
 *   HEADER ..              one int32 claim flag per scratch slot, then the copy's state
 *   voxelOffset ..         the voxels, column fastest (room for float32; int16 uses half,
 *                          and the float32 source is staged past it while narrowing)
 *   outputOffset ..        the output area, when asked for
 *   slotOffset + n·SLOT    scratch slot n: a block of rows' pixels and mask
 * A task claims a free slot for its duration, so concurrent tasks never share scratch;
 * slots come last, so the memory can grow when more tasks than slots run at once. Pages
 * never written (the unused half of the voxel area) cost address space, not memory.
 */
import { RESLICE_PLANE_WASM_BASE64 } from './reslicePlaneWasm';

export type WasmVoxelType = 'int16' | 'float32';

/** Everything a worker needs to sample the volume; structured-cloneable (the memory is shared, not copied). */
export interface WasmVolume {
  memory: WebAssembly.Memory;
  dimensions: [number, number, number];
  voxelOffset: number;
  /** Start of the output area (page-aligned) when one was asked for. */
  outputOffset?: number;
  slotOffset: number;
}

export interface WasmVolumeOptions {
  /** Scratch slots made at once (more are added on demand); default 1. */
  slots?: number;
  /** Bytes of output area to reserve in the memory. */
  outputBytes?: number;
}

const PAGE = 65536;
const RESERVED = 2 * PAGE;
export const HEADER_OFFSET = RESERVED;
export const MAX_SLOTS = 64;
/** Int32 index, after the slot flags, of the copy's state. */
const STATE = MAX_SLOTS;
const STATE_PENDING = 0;
const STATE_INT16 = 1;
const STATE_FLOAT32 = 2;
const STATE_FAILED = -1;
/** Bytes per scratch slot: at 512 columns a slot holds 409 rows of pixels and mask. */
export const SLOT_BYTES = 1 << 20;
const VOXEL_OFFSET = RESERVED + PAGE;
const MAX_PAGES = 65536;
/** Voxels narrowed per call through the staging area. */
const STAGING_VOXELS = 1 << 18;

/** The functions reslicePlane.c exports (pointers are byte offsets into the memory). */
export interface ReslicePlaneExports {
  reslice_rows_i16: ResliceRows;
  reslice_rows_f32: ResliceRows;
  narrow_to_i16: (src: number, dst: number, count: number) => number;
}
type ResliceRows = (
  voxels: number, nx: number, ny: number, nz: number,
  di: number, ri: number, oi: number, dj: number, rj: number, oj: number, dk: number, rk: number, ok: number,
  columns: number, row0: number, rowCount: number, linear: number, background: number,
  pixels: number, mask: number,
) => number;

let compiled: WebAssembly.Module | null | undefined;

/** The compiled module, once per thread; null where WebAssembly SIMD or shared memory is unavailable. */
export function resliceModule(): WebAssembly.Module | null {
  if (compiled !== undefined) return compiled;
  compiled = null;
  try {
    if (typeof WebAssembly === 'undefined' || typeof SharedArrayBuffer === 'undefined' || typeof Atomics === 'undefined') return null;
    const bytes = Uint8Array.from(atob(RESLICE_PLANE_WASM_BASE64), (ch) => ch.charCodeAt(0));
    if (!WebAssembly.validate(bytes)) return null;
    compiled = new WebAssembly.Module(bytes);
  } catch {
    compiled = null;
  }
  return compiled;
}

export function instantiate(module: WebAssembly.Module, memory: WebAssembly.Memory): ReslicePlaneExports {
  return new WebAssembly.Instance(module, { env: { memory } }).exports as unknown as ReslicePlaneExports;
}

function alignUp(n: number, to: number): number {
  return Math.ceil(n / to) * to;
}

/** The memory's buffer: a SharedArrayBuffer, as the memory is shared (the DOM typings say ArrayBuffer). */
export function sharedBufferOf(volume: WasmVolume): SharedArrayBuffer {
  return volume.memory.buffer as unknown as SharedArrayBuffer;
}

/** Grows the memory to at least `bytes`; false when that exceeds the 4 GiB of wasm32. */
export function ensureMemory(memory: WebAssembly.Memory, bytes: number): boolean {
  const have = memory.buffer.byteLength;
  if (have >= bytes) return true;
  const pages = Math.ceil((bytes - have) / PAGE);
  if (have / PAGE + pages > MAX_PAGES) return false;
  try {
    memory.grow(pages);
    return true;
  } catch {
    return false;
  }
}

/** Where, from voxelOffset, the float32 source is staged for narrowing: past the int16 copy. */
function stagingOffset(count: number): number {
  return alignUp(2 * count, 16);
}

function header(volume: WasmVolume): Int32Array {
  return new Int32Array(volume.memory.buffer, HEADER_OFFSET, MAX_SLOTS + 1);
}

/**
 * A shared memory laid out for the volume (not yet copied: see fillWasmVolume), with
 * `slots` scratch slots ready (more are added on demand) and an output area if asked.
 * Null where WebAssembly SIMD or shared memory is unavailable, or when everything does
 * not fit in the 4 GiB of wasm32: callers then use the TypeScript kernel.
 */
export function allocateWasmVolume(dimensions: readonly [number, number, number], options: WasmVolumeOptions = {}): WasmVolume | null {
  if (!resliceModule()) return null;
  const [nx, ny, nz] = dimensions;
  const slots = Math.max(1, Math.min(MAX_SLOTS, options.slots ?? 1));
  const outputBytes = Math.max(0, options.outputBytes ?? 0);
  const count = nx * ny * nz;
  const outputOffset = alignUp(VOXEL_OFFSET + Math.max(4 * count, stagingOffset(count) + 4 * STAGING_VOXELS), PAGE);
  const slotOffset = alignUp(outputOffset + outputBytes, PAGE);
  const bytes = slotOffset + slots * SLOT_BYTES;
  if (bytes > MAX_PAGES * PAGE) return null;
  try {
    const memory = new WebAssembly.Memory({ initial: bytes / PAGE, maximum: MAX_PAGES, shared: true });
    return { memory, dimensions: [nx, ny, nz], voxelOffset: VOXEL_OFFSET, ...(outputBytes > 0 ? { outputOffset } : {}), slotOffset };
  } catch {
    return null;
  }
}

/**
 * The copy of the voxels in (int16 if lossless, else float32), as steps of a megabyte or
 * so: call the returned function until it returns false, so a caller on an event loop can
 * yield between steps. The last step publishes the result to every thread waiting in
 * awaitWasmVolume; a failure is published too (the waiters then use the TypeScript
 * kernel) before it is rethrown.
 */
export function wasmVolumeFiller(volume: WasmVolume, voxels: Float32Array): () => boolean {
  const flags = header(volume);
  const [nx, ny, nz] = volume.dimensions;
  const count = nx * ny * nz;
  let wasm: ReslicePlaneExports | null = null;
  let next = 0;
  let lossless = true;
  let copied = 0;
  let done = false;
  return () => {
    if (done) return false;
    try {
      if (voxels.length < count) throw new RangeError('fillWasmVolume: fewer voxels than the dimensions say');
      wasm ??= instantiate(resliceModule()!, volume.memory);
      if (next < count) {
        // The source is not in wasm memory: stage a block past the int16 copy, narrow from there.
        const stagingAt = volume.voxelOffset + stagingOffset(count);
        const last = Math.min(count, next + STAGING_VOXELS);
        new Float32Array(volume.memory.buffer, stagingAt, last - next).set(voxels.subarray(next, last));
        lossless = wasm.narrow_to_i16(stagingAt, volume.voxelOffset + 2 * next, last - next) === 1;
        next = lossless ? last : count;
        if (next < count) return true;
      }
      if (!lossless && copied < count) {
        // Not int16: the float32 voxels as they are, over the abandoned int16 copy.
        const last = Math.min(count, copied + 4 * STAGING_VOXELS);
        new Float32Array(volume.memory.buffer, volume.voxelOffset + 4 * copied, last - copied).set(voxels.subarray(copied, last));
        copied = last;
        if (copied < count) return true;
      }
      done = true;
      publish(flags, lossless ? STATE_INT16 : STATE_FLOAT32);
      return false;
    } catch (err) {
      done = true;
      publish(flags, STATE_FAILED);
      throw err;
    }
  };
}

/** The whole copy at once (see wasmVolumeFiller). */
export function fillWasmVolume(volume: WasmVolume, voxels: Float32Array): WasmVoxelType {
  const step = wasmVolumeFiller(volume, voxels);
  while (step());
  return voxelTypeOf(volume) as WasmVoxelType;
}

/**
 * Makes a memory whose tasks have all ended ready for another straightening of the same
 * grid: every scratch slot free, and the copy pending again, unless `keepCopy` (the same
 * voxels are already in it).
 */
export function resetWasmVolume(volume: WasmVolume, keepCopy: boolean): void {
  const flags = header(volume);
  for (let slot = 0; slot < MAX_SLOTS; slot++) Atomics.store(flags, slot, 0);
  if (!keepCopy) Atomics.store(flags, STATE, STATE_PENDING);
}

/** Gives up on a copy not yet made: waiters stop waiting and use the TypeScript kernel. */
export function abandonWasmVolume(volume: WasmVolume): void {
  const flags = header(volume);
  if (Atomics.compareExchange(flags, STATE, STATE_PENDING, STATE_FAILED) === STATE_PENDING) Atomics.notify(flags, STATE);
}

function publish(flags: Int32Array, state: number): void {
  Atomics.store(flags, STATE, state);
  Atomics.notify(flags, STATE);
}

/** allocateWasmVolume then fillWasmVolume: a ready copy, or null (see allocateWasmVolume). */
export function createWasmVolume(grid: { dimensions: readonly [number, number, number]; voxels: Float32Array }, options: WasmVolumeOptions = {}): WasmVolume | null {
  const volume = allocateWasmVolume(grid.dimensions, options);
  if (volume) fillWasmVolume(volume, grid.voxels);
  return volume;
}

/** The copy's voxel type; 'pending' before fillWasmVolume has finished, 'failed' if it failed. */
export function voxelTypeOf(volume: WasmVolume): WasmVoxelType | 'pending' | 'failed' {
  const state = Atomics.load(header(volume), STATE);
  return state === STATE_INT16 ? 'int16' : state === STATE_FLOAT32 ? 'float32' : state === STATE_PENDING ? 'pending' : 'failed';
}

/**
 * Waits (in a worker: Atomics.wait blocks) until the copy is ready, calling `meanwhile`
 * as long as it returns true, so a task can prepare its own output while the main thread
 * copies. Null when the copy failed or did not come within `timeoutMs`.
 */
export function awaitWasmVolume(volume: WasmVolume, meanwhile: () => boolean = () => false, timeoutMs = 60_000): WasmVoxelType | null {
  const flags = header(volume);
  let busy = true;
  const deadline = Date.now() + timeoutMs;
  while (Atomics.load(flags, STATE) === STATE_PENDING) {
    if (busy) busy = meanwhile();
    else {
      const left = deadline - Date.now();
      if (left <= 0 || Atomics.wait(flags, STATE, STATE_PENDING, left) === 'timed-out') break;
    }
  }
  const type = voxelTypeOf(volume);
  return type === 'int16' || type === 'float32' ? type : null;
}
