// YCbCr -> RGB as defined by JFIF / ITU-R BT.601 full range (the transform DICOM's
// YBR_FULL and YBR_FULL_422 denote), generalised to P-bit samples.
// Arithmetic is 16-bit fixed point with each chroma term rounded before adding luma,
// the convention of the IJG reference decoder, so results agree with it exactly
// given equal inputs instead of differing by a rounding step.

const SCALE_BITS = 16;
const HALF = 1 << (SCALE_BITS - 1);
const fix = (x: number): number => Math.round(x * (1 << SCALE_BITS));
const CR_TO_R = fix(1.402);
const CB_TO_G = fix(0.344136286);
const CR_TO_G = fix(0.714136286);
const CB_TO_B = fix(1.772);

export function ycbcrToRgbInPlace(y: Uint16Array, cb: Uint16Array, cr: Uint16Array, precision: number): void {
  const center = 1 << (precision - 1);
  const max = (1 << precision) - 1;
  const clamp = (v: number): number => (v < 0 ? 0 : v > max ? max : v);
  for (let i = 0; i < y.length; i++) {
    const luma = y[i];
    const b = cb[i] - center;
    const r = cr[i] - center;
    // Products stay below 2^29 for 12-bit samples, so int32 shifts (floor) are exact.
    y[i] = clamp(luma + ((CR_TO_R * r + HALF) >> SCALE_BITS));
    cb[i] = clamp(luma + ((-CB_TO_G * b - CR_TO_G * r + HALF) >> SCALE_BITS));
    cr[i] = clamp(luma + ((CB_TO_B * b + HALF) >> SCALE_BITS));
  }
}
