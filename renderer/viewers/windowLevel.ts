/**
 * Display mapping of modality values to 8-bit grey, with the DICOM linear VOI LUT
 * (PS3.3 C.11.2.1.2.1): values at or below c − 0.5 − (w − 1)/2 are black, above
 * c − 0.5 + (w − 1)/2 white, linear between.
 */
export function windowToByte(value: number, center: number, width: number): number {
  const w = Math.max(1, width);
  const low = center - 0.5 - (w - 1) / 2;
  const high = center - 0.5 + (w - 1) / 2;
  if (!(value > low)) return 0; // also maps NaN to black
  if (value > high) return 255;
  return Math.round(((value - (center - 0.5)) / (w - 1) + 0.5) * 255);
}

/**
 * Writes a frame (grey or interleaved RGB, modality units) into RGBA pixels for a
 * canvas. Uses a precomputed scale rather than calling windowToByte per pixel: a
 * 512² frame is redrawn on every window/level drag step.
 */
export function windowFrameToRgba(
  pixels: Float32Array,
  samplesPerPixel: 1 | 3,
  center: number,
  width: number,
  out: Uint8ClampedArray,
): void {
  const w = Math.max(1, width);
  const low = center - 0.5 - (w - 1) / 2;
  const high = center - 0.5 + (w - 1) / 2;
  const scale = w > 1 ? 255 / (w - 1) : 0;
  const offset = center - 0.5;
  const map = (v: number): number => (v > low ? (v > high ? 255 : ((v - offset) * scale + 127.5 + 0.5) | 0) : 0);
  const count = out.length / 4;
  if (samplesPerPixel === 1) {
    for (let i = 0, o = 0; i < count; i++, o += 4) {
      const g = map(pixels[i]!);
      out[o] = g;
      out[o + 1] = g;
      out[o + 2] = g;
      out[o + 3] = 255;
    }
  } else {
    for (let i = 0, s = 0, o = 0; i < count; i++, s += 3, o += 4) {
      out[o] = map(pixels[s]!);
      out[o + 1] = map(pixels[s + 1]!);
      out[o + 2] = map(pixels[s + 2]!);
      out[o + 3] = 255;
    }
  }
}

/** An 8-bit grey thumbnail into RGBA. */
export function greyToRgba(grey: Uint8Array, out: Uint8ClampedArray): void {
  for (let i = 0, o = 0; i < grey.length; i++, o += 4) {
    out[o] = grey[i]!;
    out[o + 1] = grey[i]!;
    out[o + 2] = grey[i]!;
    out[o + 3] = 255;
  }
}
