/**
 * Modality LUT as a linear rescale (0028,1052/1053): stored values -> modality units
 * (HU for CT). Applied exactly once, on stored values from decodeFrame.
 */
import type { DecodedFrame } from './DecodedFrame';

export function toModalityValues(frame: DecodedFrame, slope: number, intercept: number): Float32Array {
  const src = frame.pixels;
  const out = new Float32Array(src.length);
  // A missing or invalid rescale must not turn the image into NaNs.
  const m = Number.isFinite(slope) && slope !== 0 ? slope : 1;
  const b = Number.isFinite(intercept) ? intercept : 0;
  for (let i = 0; i < src.length; i++) out[i] = src[i] * m + b;
  return out;
}
