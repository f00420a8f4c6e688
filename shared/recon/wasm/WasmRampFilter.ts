/**
 * rampFilterRows() with the SIMD kernel of rampFilter.c: the same convolution (edge taper,
 * zero-padding, the response of rampKernel), eight rows per pass in float32 lanes, about
 * three times faster in V8 than the float64 TypeScript FFT; results differ from it by
 * float32 rounding (~1e-6 of the rows' scale).
 *
 * The instance owns its WebAssembly memory: one view (rows × columns), the FFT's work
 * area, and tables made once per response (the response in the FFT's bit-reversed order
 * with the inverse's 1/length folded in, twiddles, taper weights).
 */
import { fftPlan } from '../fft';
import { rampPadding, taperWeights } from '../rampFilter';
import { RAMP_FILTER_WASM_BASE64 } from './rampFilterWasm';
import { alignUp, ensureBytes, instantiateSimd, RESERVED_BYTES } from './simdModule';

/** rampFilter.c's export (pointers are byte offsets into the memory). */
interface RampFilterExports {
  ramp_filter_rows: (
    data: number,
    columns: number,
    rows: number,
    length: number,
    taper: number,
    response: number,
    twiddles: number,
    fade: number,
    zeros: number,
    sink: number,
    work: number,
  ) => void;
}

/** Where the tables for one response and row length sit, and the view and work areas after them. */
interface Offsets {
  taper: number;
  responseAt: number;
  twiddlesAt: number;
  fadeAt: number;
  zerosAt: number;
  sinkAt: number;
  workAt: number;
  dataAt: number;
}

interface Layout extends Offsets {
  response: Float32Array;
  columns: number;
  length: number;
}

function offsets(length: number, columns: number): Offsets {
  const { taper } = rampPadding(columns);
  const responseAt = RESERVED_BYTES;
  const twiddlesAt = responseAt + 4 * length;
  const fadeAt = twiddlesAt + 4 * length;
  const zerosAt = alignUp(fadeAt + 4 * (taper + 1), 16);
  const sinkAt = alignUp(zerosAt + 4 * columns, 16);
  const workAt = alignUp(sinkAt + 4 * columns, 16);
  return { taper, responseAt, twiddlesAt, fadeAt, zerosAt, sinkAt, workAt, dataAt: alignUp(workAt + 32 * length, 16) };
}

/** The WebAssembly memory a filter holds for views of columns × rows (with rampPadding's response). */
export function rampFilterMemoryBytes(columns: number, rows: number): number {
  return alignUp(offsets(rampPadding(columns).length, columns).dataAt + 4 * columns * rows, 65536);
}

export class WasmRampFilter {
  private layout: Layout | undefined;

  private constructor(
    private readonly memory: WebAssembly.Memory,
    private readonly wasm: RampFilterExports,
  ) {}

  /** Null where the module cannot run here: use rampFilterRows() then. */
  static create(): WasmRampFilter | null {
    const instance = instantiateSimd<RampFilterExports>(RAMP_FILTER_WASM_BASE64);
    return instance && new WasmRampFilter(instance.memory, instance.exports);
  }

  /** rampFilterRows(input, columns, rows, response, out): `out` may be `input`. */
  filterRows(input: Float32Array, columns: number, rows: number, response: Float32Array, out: Float32Array): void {
    const layout = this.layoutFor(response, columns);
    const pixels = columns * rows;
    ensureBytes(this.memory, layout.dataAt + 4 * pixels);
    const data = new Float32Array(this.memory.buffer, layout.dataAt, pixels);
    data.set(input.subarray(0, pixels));
    const { length, taper, responseAt, twiddlesAt, fadeAt, zerosAt, sinkAt, workAt, dataAt } = layout;
    this.wasm.ramp_filter_rows(dataAt, columns, rows, length, taper, responseAt, twiddlesAt, fadeAt, zerosAt, sinkAt, workAt);
    out.set(data);
  }

  /** The tables for this response and row length, written once (a projection filter keeps its response). */
  private layoutFor(response: Float32Array, columns: number): Layout {
    if (this.layout?.response === response && this.layout.columns === columns) return this.layout;
    const length = response.length;
    const at = offsets(length, columns);
    const { taper, responseAt, twiddlesAt, fadeAt, zerosAt } = at;
    if (length < 2 * (columns + taper)) throw new RangeError(`ramp response of ${length} bins is too short for rows of ${columns}`);
    ensureBytes(this.memory, at.dataAt);
    const buffer = this.memory.buffer;
    const bitReversed = fftPlan(length).bitReversed;
    const scaled = new Float32Array(buffer, responseAt, length);
    for (let k = 0; k < length; k++) scaled[bitReversed[k]] = response[k] / length;
    const twiddles = new Float32Array(buffer, twiddlesAt, length);
    for (let k = 0; k < length / 2; k++) {
      twiddles[2 * k] = Math.cos((2 * Math.PI * k) / length);
      twiddles[2 * k + 1] = Math.sin((2 * Math.PI * k) / length);
    }
    new Float32Array(buffer, fadeAt, taper + 1).set(taperWeights(taper));
    new Float32Array(buffer, zerosAt, columns).fill(0);
    this.layout = { response, columns, length, ...at };
    return this.layout;
  }
}
