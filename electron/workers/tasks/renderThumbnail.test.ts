import { describe, expect, it } from 'vitest';
import { renderThumbnail, thumbnailSize } from './renderThumbnail';

describe('renderThumbnail', () => {
  it('fits the longest side into the limit, keeping the aspect ratio, never enlarging', () => {
    expect(thumbnailSize(512, 256, 128)).toEqual({ width: 128, height: 64 });
    expect(thumbnailSize(100, 1000, 128)).toEqual({ width: 13, height: 128 });
    expect(thumbnailSize(64, 48, 128)).toEqual({ width: 64, height: 48 });
  });

  it('windows the block means: a left-to-right ramp becomes the expected greys', () => {
    // 8×2 ramp 0..700 by 100; 2×2 blocks average to 50, 250, 450, 650; window 0..800.
    const pixels = Array.from({ length: 16 }, (_, n) => (n % 8) * 100);
    const t = renderThumbnail({ width: 8, height: 2, samplesPerPixel: 1, pixels, monochrome1: false }, { center: 400, width: 800 }, 4);
    expect([t.width, t.height]).toEqual([4, 1]);
    expect(Array.from(t.pixels)).toEqual([50, 250, 450, 650].map((v) => Math.round((v * 255) / 800)));
  });

  it('inverts MONOCHROME1 so low values are bright', () => {
    const src = { width: 2, height: 1, samplesPerPixel: 1, pixels: [0, 800], monochrome1: true };
    expect(Array.from(renderThumbnail(src, { center: 400, width: 800 }, 128).pixels)).toEqual([255, 0]);
  });

  it('turns colour into Rec. 601 luma', () => {
    const src = { width: 3, height: 1, samplesPerPixel: 3, pixels: [255, 0, 0, 0, 255, 0, 0, 0, 255], monochrome1: false };
    expect(Array.from(renderThumbnail(src, { center: 127.5, width: 255 }, 128).pixels)).toEqual([76, 150, 29]);
  });
});
