/**
 * An 8-bit grey preview of one frame: colour reduced to luma, area-averaged down to
 * at most `maxSize` pixels on the longest side, windowed, and inverted for
 * MONOCHROME1 so bone is white whatever the photometric interpretation.
 */
import type { Thumbnail } from '../../../shared/contracts/ipc';
import type { DisplayWindow } from './displayWindow';

export interface ThumbnailSource {
  width: number;
  height: number;
  samplesPerPixel: number;
  /** Modality values, interleaved when samplesPerPixel > 1. */
  pixels: ArrayLike<number>;
  monochrome1: boolean;
}

/** Rec. 601 luma of interleaved RGB, or the values themselves for grey data. */
export function toGrey(src: ThumbnailSource): Float32Array {
  const n = src.width * src.height;
  const grey = new Float32Array(n);
  if (src.samplesPerPixel >= 3) {
    const s = src.samplesPerPixel;
    for (let p = 0; p < n; p++) {
      grey[p] = 0.299 * src.pixels[p * s] + 0.587 * src.pixels[p * s + 1] + 0.114 * src.pixels[p * s + 2];
    }
  } else {
    for (let p = 0; p < n; p++) grey[p] = src.pixels[p];
  }
  return grey;
}

export function thumbnailSize(width: number, height: number, maxSize: number): { width: number; height: number } {
  const scale = Math.min(1, maxSize / Math.max(width, height));
  return { width: Math.max(1, Math.round(width * scale)), height: Math.max(1, Math.round(height * scale)) };
}

export function renderThumbnail(src: ThumbnailSource, window: DisplayWindow, maxSize: number): Thumbnail {
  const grey = toGrey(src);
  const { width, height } = thumbnailSize(src.width, src.height, maxSize);
  const out = new Uint8Array(width * height);
  const lo = window.center - window.width / 2;
  const scale = 255 / Math.max(window.width, 1e-6);
  for (let oy = 0; oy < height; oy++) {
    const y0 = Math.floor((oy * src.height) / height);
    const y1 = Math.max(y0 + 1, Math.floor(((oy + 1) * src.height) / height));
    for (let ox = 0; ox < width; ox++) {
      const x0 = Math.floor((ox * src.width) / width);
      const x1 = Math.max(x0 + 1, Math.floor(((ox + 1) * src.width) / width));
      let sum = 0;
      for (let y = y0; y < y1; y++) {
        const row = y * src.width;
        for (let x = x0; x < x1; x++) sum += grey[row + x];
      }
      const mean = sum / ((y1 - y0) * (x1 - x0));
      let v = Math.round((mean - lo) * scale);
      v = v < 0 ? 0 : v > 255 ? 255 : v;
      out[oy * width + ox] = src.monochrome1 ? 255 - v : v;
    }
  }
  return { width, height, pixels: out };
}
