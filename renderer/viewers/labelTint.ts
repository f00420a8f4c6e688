/** How labels show over grey images: the same tint in the slice views and the straightened views. */

/** Label colour (RGB) and its opacity over the image. */
export const LABEL_RGB: readonly [number, number, number] = [255, 80, 60];
const LABEL_ALPHA = 0.45;

/** Blends the label colour into RGBA pixels wherever `labels` is non-zero (one label per pixel). */
export function tintLabels(labels: ArrayLike<number>, rgba: Uint8ClampedArray): void {
  const keep = 1 - LABEL_ALPHA;
  const [r, g, b] = LABEL_RGB;
  for (let i = 0, o = 0; i < labels.length; i++, o += 4) {
    if (labels[i]! > 0) {
      rgba[o] = rgba[o]! * keep + r * LABEL_ALPHA;
      rgba[o + 1] = rgba[o + 1]! * keep + g * LABEL_ALPHA;
      rgba[o + 2] = rgba[o + 2]! * keep + b * LABEL_ALPHA;
    }
  }
}
