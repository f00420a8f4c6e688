/**
 * YCbCr (full range, ITU-R BT.601 as DICOM PS3.3 C.7.6.3.1.2 defines YBR_FULL) to RGB,
 * for pixel data whose codec leaves the colour transform to us.
 */
import type { StoredPixels } from './DecodedFrame';

/** Interleaved YBR_FULL -> RGB in place (8- or 16-bit unsigned samples). */
export function ybrFullToRgb(pixels: StoredPixels, bitsStored: number): void {
  const max = 2 ** Math.min(bitsStored, 16) - 1;
  const mid = (max + 1) / 2;
  for (let i = 0; i + 2 < pixels.length; i += 3) {
    const y = pixels[i];
    const cb = pixels[i + 1] - mid;
    const cr = pixels[i + 2] - mid;
    pixels[i] = clamp(Math.round(y + 1.402 * cr), max);
    pixels[i + 1] = clamp(Math.round(y - 0.344136 * cb - 0.714136 * cr), max);
    pixels[i + 2] = clamp(Math.round(y + 1.772 * cb), max);
  }
}

function clamp(v: number, max: number): number {
  return v < 0 ? 0 : v > max ? max : v;
}

/**
 * Native YBR_FULL_422 stores each horizontal pixel pair as Y1 Y2 Cb Cr; expand it to
 * interleaved full-resolution YBR_FULL.
 */
export function expandYbr422<T extends StoredPixels>(packed: T, rows: number, columns: number): T {
  const out = new (packed.constructor as new (n: number) => T)(rows * columns * 3);
  let src = 0;
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < columns; c += 2) {
      const y1 = packed[src];
      const y2 = packed[src + 1];
      const cb = packed[src + 2];
      const cr = packed[src + 3];
      src += 4;
      const o = (r * columns + c) * 3;
      out[o] = y1;
      out[o + 1] = cb;
      out[o + 2] = cr;
      if (c + 1 < columns) {
        out[o + 3] = y2;
        out[o + 4] = cb;
        out[o + 5] = cr;
      }
    }
  }
  return out;
}
