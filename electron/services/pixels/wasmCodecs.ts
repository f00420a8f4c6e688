/**
 * JPEG-LS (CharLS) and JPEG 2000 (OpenJPEG) through the Cornerstone WebAssembly builds,
 * loaded from node_modules with their emscripten factories. Each module is initialised
 * once, lazily, per thread, and dropped after a WebAssembly trap so the next call
 * starts from a clean instance rather than a corrupted heap.
 */
import { createRequire } from 'node:module';

export interface CodecOutput {
  width: number;
  height: number;
  components: number;
  bitsPerSample: number;
  signed: boolean;
  /** Samples, interleaved by pixel. */
  samples: Uint8Array | Int8Array | Uint16Array | Int16Array;
}

interface FrameInfo {
  width: number;
  height: number;
  bitsPerSample: number;
  componentCount: number;
  isSigned?: boolean;
}

interface WasmDecoder {
  getEncodedBuffer(length: number): Uint8Array;
  getDecodedBuffer(): Uint8Array;
  decode(): void;
  getFrameInfo(): FrameInfo;
  delete(): void;
}
interface JpegLsDecoder extends WasmDecoder {
  getInterleaveMode(): number;
}
interface CharLsModule {
  JpegLSDecoder: new () => JpegLsDecoder;
}
interface OpenJpegModule {
  J2KDecoder: new () => WasmDecoder;
}

type EmscriptenFactory<M> = (moduleArg: { print: (s: string) => void; printErr: (s: string) => void }) => Promise<M>;

const require = createRequire(import.meta.url);
let charls: Promise<CharLsModule> | undefined;
let openjpeg: Promise<OpenJpegModule> | undefined;
/** The codec's last error line: OpenJPEG reports problems on stderr rather than by throwing. */
let lastCodecError = '';

// Route the codecs' chatter away from the app's stdout; keep errors for the reason text.
function keepError(s: string): void {
  // The first error names the cause; later ones only say the decode gave up.
  if (s.includes('[ERROR]') && lastCodecError === '') lastCodecError = s.replace(/^\[ERROR\]\s*/, '').trim();
}
const quiet = { print: keepError, printErr: keepError };

function loadCharLs(): Promise<CharLsModule> {
  charls ??= (require('@cornerstonejs/codec-charls/decodewasmjs') as EmscriptenFactory<CharLsModule>)(quiet);
  return charls;
}
function loadOpenJpeg(): Promise<OpenJpegModule> {
  openjpeg ??= (require('@cornerstonejs/codec-openjpeg/decodewasmjs') as EmscriptenFactory<OpenJpegModule>)(quiet);
  return openjpeg;
}

/** What the codec threw, as text (emscripten throws numbers, strings or RuntimeErrors). */
export class CodecFailure extends Error {
  override readonly name = 'CodecFailure';
}

function run<M, D extends WasmDecoder>(
  module: M,
  make: (m: M) => D,
  data: Uint8Array,
  reset: () => void,
  read: (d: D, info: FrameInfo) => CodecOutput,
): CodecOutput {
  let decoder: D | undefined;
  lastCodecError = '';
  try {
    decoder = make(module);
    decoder.getEncodedBuffer(data.length).set(data);
    decoder.decode();
    return read(decoder, decoder.getFrameInfo());
  } catch (e) {
    if (e instanceof WebAssembly.RuntimeError) reset();
    const what = e instanceof CodecFailure ? e.message : e instanceof Error ? e.message : `codec error ${String(e)}`;
    throw new CodecFailure(lastCodecError ? `${what}: ${lastCodecError}` : what);
  } finally {
    try {
      decoder?.delete();
    } catch {
      reset();
    }
  }
}

/** Copies the decoder's view out of WebAssembly memory into a typed array of the sample width. */
function copySamples(view: Uint8Array, bitsPerSample: number, signed: boolean): CodecOutput['samples'] {
  const bytes = view.slice();
  if (bitsPerSample <= 8) return signed ? new Int8Array(bytes.buffer) : bytes;
  const n = bytes.length >> 1;
  return signed ? new Int16Array(bytes.buffer, 0, n) : new Uint16Array(bytes.buffer, 0, n);
}

function interleave(samples: CodecOutput['samples'], pixels: number, components: number): CodecOutput['samples'] {
  const out = new (samples.constructor as new (n: number) => CodecOutput['samples'])(samples.length);
  for (let c = 0; c < components; c++) for (let i = 0; i < pixels; i++) out[i * components + c] = samples[c * pixels + i];
  return out;
}

export async function decodeJpegLs(data: Uint8Array): Promise<CodecOutput> {
  const m = await loadCharLs();
  return run(m, (mod) => new mod.JpegLSDecoder(), data, () => (charls = undefined), (d, info) => {
    let samples = copySamples(d.getDecodedBuffer(), info.bitsPerSample, false);
    // Interleave mode 0 (none) delivers one plane per component.
    if (info.componentCount > 1 && d.getInterleaveMode() === 0) samples = interleave(samples, info.width * info.height, info.componentCount);
    return { width: info.width, height: info.height, components: info.componentCount, bitsPerSample: info.bitsPerSample, signed: false, samples };
  });
}

export async function decodeJpeg2000(data: Uint8Array): Promise<CodecOutput> {
  const m = await loadOpenJpeg();
  return run(m, (mod) => new mod.J2KDecoder(), data, () => (openjpeg = undefined), (d, info) => {
    if (!(info.width > 0 && info.height > 0)) throw new CodecFailure('the codestream header could not be read');
    const signed = info.isSigned === true;
    const samples = copySamples(d.getDecodedBuffer(), info.bitsPerSample, signed);
    return { width: info.width, height: info.height, components: info.componentCount, bitsPerSample: info.bitsPerSample, signed, samples };
  });
}
