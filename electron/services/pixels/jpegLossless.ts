/** JPEG lossless (process 14, any predictor) through jpeg-lossless-decoder-js. */
import { Decoder } from 'jpeg-lossless-decoder-js';
import type { CodecOutput } from './wasmCodecs';
import { CodecFailure } from './wasmCodecs';

export function decodeJpegLossless(data: Uint8Array, bitsAllocated: number): CodecOutput {
  const decoder = new Decoder();
  // The decoder reads from an ArrayBuffer; give it one holding exactly this frame.
  const buffer = data.slice().buffer;
  let out: Uint8Array | Uint16Array;
  try {
    out = decoder.decode(buffer, 0, buffer.byteLength, bitsAllocated <= 8 ? 1 : 2) as Uint8Array | Uint16Array;
  } catch (e) {
    throw new CodecFailure(e instanceof Error ? e.message : String(e));
  }
  const components = decoder.numComp;
  return {
    width: decoder.xDim,
    height: decoder.yDim,
    components,
    bitsPerSample: decoder.precision ?? bitsAllocated,
    signed: false,
    samples: out,
  };
}
