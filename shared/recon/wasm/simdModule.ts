/**
 * The reconstruction kernels' WebAssembly modules (base64 from build/buildWasm.mjs),
 * compiled once per thread, and the memory layout helpers their wrappers share.
 */

/** A module's own area at the start of its memory (its linker-placed stack, never used). */
export const RESERVED_BYTES = 2 * 65536;
const PAGE = 65536;
const MAX_PAGES = 65536;

const compiled = new Map<string, WebAssembly.Module | null>();

/** The compiled module; null where WebAssembly SIMD or shared memory is unavailable. */
export function simdModule(base64: string): WebAssembly.Module | null {
  if (compiled.has(base64)) return compiled.get(base64)!;
  let module: WebAssembly.Module | null = null;
  try {
    if (typeof WebAssembly !== 'undefined' && typeof SharedArrayBuffer !== 'undefined') {
      const bytes = Uint8Array.from(atob(base64), (ch) => ch.charCodeAt(0));
      if (WebAssembly.validate(bytes)) module = new WebAssembly.Module(bytes);
    }
  } catch {
    module = null;
  }
  compiled.set(base64, module);
  return module;
}

/** A shared memory holding the module's own area and one more page, and the module's exports over it; null if it cannot run. */
export function instantiateSimd<T>(base64: string): { memory: WebAssembly.Memory; exports: T } | null {
  const module = simdModule(base64);
  if (!module) return null;
  try {
    const memory = new WebAssembly.Memory({ initial: RESERVED_BYTES / PAGE + 1, maximum: MAX_PAGES, shared: true });
    return { memory, exports: new WebAssembly.Instance(module, { env: { memory } }).exports as unknown as T };
  } catch {
    return null;
  }
}

/** Grows `memory` to hold at least `bytes`. */
export function ensureBytes(memory: WebAssembly.Memory, bytes: number): void {
  const have = memory.buffer.byteLength;
  if (have < bytes) memory.grow(Math.ceil((bytes - have) / PAGE));
}

export function alignUp(n: number, to: number): number {
  return Math.ceil(n / to) * to;
}
