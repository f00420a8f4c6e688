/**
 * A full collection of this thread's heap, on demand. Buffers of hundreds of megabytes
 * (a straightened volume's shared WebAssembly memory, its SharedArrayBuffers) are freed
 * only when every isolate that saw them has collected its handles, and V8 does not count
 * shared memory as pressure: without this, a thread that has dropped them keeps them
 * resident for many jobs (a gigabyte per straightening, measured).
 */
import v8 from 'node:v8';
import vm from 'node:vm';

let gc: (() => void) | undefined;

export function collectGarbage(): void {
  if (!gc) {
    v8.setFlagsFromString('--expose-gc');
    const exposed = vm.runInNewContext('gc') as unknown;
    gc = typeof exposed === 'function' ? (exposed as () => void) : () => {};
  }
  gc();
}
