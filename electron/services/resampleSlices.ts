/**
 * Interpolates unevenly spaced slices onto an even grid along the slice normal:
 * output slice k sits at offset k × step from the first, linearly between the two
 * source slices that bracket it (clamped at the ends).
 */
export function resampleSlices(
  source: Float32Array,
  sliceLength: number,
  sourceOffsets: readonly number[],
  outSlices: number,
  step: number,
): Float32Array {
  const out = new Float32Array(new SharedArrayBuffer(4 * sliceLength * outSlices));
  const last = sourceOffsets.length - 1;
  let s = 0;
  for (let k = 0; k < outSlices; k++) {
    const target = sourceOffsets[0] + k * step;
    while (s < last - 1 && sourceOffsets[s + 1] < target) s++;
    const lo = Math.min(s, last);
    const hi = Math.min(s + 1, last);
    const span = sourceOffsets[hi] - sourceOffsets[lo];
    const t = span > 0 ? Math.min(1, Math.max(0, (target - sourceOffsets[lo]) / span)) : 0;
    const a = lo * sliceLength;
    const b = hi * sliceLength;
    const o = k * sliceLength;
    for (let n = 0; n < sliceLength; n++) out[o + n] = source[a + n] * (1 - t) + source[b + n] * t;
  }
  return out;
}
