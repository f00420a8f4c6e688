/**
 * Display mapping of modality values to 8-bit grey, with DICOM's VOI LUT functions
 * (PS3.3 C.11.2.1.2.1 and C.11.2.1.3.2):
 * - LINEAR, for integer-scale values (HU, stored values): values at or below
 *   c − 0.5 − (w − 1)/2 are black, above c − 0.5 + (w − 1)/2 white, linear between; w ≥ 1.
 * - LINEAR_EXACT, for continuous values (μ in mm⁻¹, float reconstructions): black at or
 *   below c − w/2, white above c + w/2, linear between; any w > 0.
 * Both are one formula with a value quantum q (1 or 0): the ramp runs over (c − w/2, c + w/2 − q].
 */
export type VoiFunction = 'LINEAR' | 'LINEAR_EXACT';

/** What windowing needs to know about a volume's or a frame's values. */
export interface ValueScale {
  /** [min, max] of the values. */
  range: [number, number];
  /** Every value is an integer: DICOM's LINEAR function applies as written. */
  integer: boolean;
}

/** For when no values are at hand (no volume or frame yet): DICOM's integer-scale windowing. */
export const INTEGER_SCALE: ValueScale = { range: [0, 1], integer: true };

/** Continuous data: windows narrower than this fraction of the range are thresholds in all but name. */
const CONTINUOUS_MIN_WIDTH_FRACTION = 1e-4;
/** A drag across this many pixels changes the window by about its own width... */
const DRAG_PIXELS_PER_WIDTH = 256;
/** ...but never by less than this fraction of the value range per pixel, so a window at its floor can widen again. */
const DRAG_MIN_RANGE_PER_PIXEL = 1 / (64 * DRAG_PIXELS_PER_WIDTH);

/**
 * Whether values are Hounsfield units: CT in HU spans hundreds at least; a CT series holding
 * μ in mm⁻¹ (Rescale Type 'US', as Lumen exports an attenuation reconstruction) does not.
 */
export function isHounsfield(modality: string, range: [number, number]): boolean {
  return modality.toUpperCase() === 'CT' && range[1] - range[0] >= 100;
}

export function voiFunction(scale: ValueScale): VoiFunction {
  return scale.integer ? 'LINEAR' : 'LINEAR_EXACT';
}

/** The span of the values, or a magnitude-based stand-in for constant data (never 0). */
export function valueSpan(range: [number, number]): number {
  const span = range[1] - range[0];
  return span > 0 ? span : Math.abs(range[0]) || 1;
}

/** The narrowest window a user can set: DICOM's 1 for integer data, 10⁻⁴ of the value range otherwise. */
export function minWindowWidth(scale: ValueScale): number {
  return scale.integer ? 1 : valueSpan(scale.range) * CONTINUOUS_MIN_WIDTH_FRACTION;
}

/**
 * Window change per dragged screen pixel (right-drag): proportional to the current width,
 * so a drag feels the same at every scale, with a floor proportional to the value range.
 */
export function windowDragStep(width: number, scale: ValueScale): number {
  return Math.max(width / DRAG_PIXELS_PER_WIDTH, valueSpan(scale.range) * DRAG_MIN_RANGE_PER_PIXEL);
}

const integerCache = new WeakMap<ArrayLike<number>, boolean>();

/**
 * Whether values are integer-scale: an Int16Array always is; a Float32Array (a frame in
 * modality units, a volume that int16 could not hold) is scanned once, stopping at the
 * first fraction, and remembered. NaNs (padding) do not count.
 */
export function valueScaleOf(values: Int16Array | Float32Array, range: [number, number]): ValueScale {
  let integer = integerCache.get(values);
  if (integer === undefined) {
    integer = values instanceof Int16Array || (Number.isInteger(range[0]) && Number.isInteger(range[1]) && everyInteger(values));
    integerCache.set(values, integer);
  }
  return { range, integer };
}

function everyInteger(values: Float32Array): boolean {
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (v !== Math.floor(v) && v === v) return false;
  }
  return true;
}

/**
 * The quantum of the formula. Without a function from the caller: LINEAR where DICOM defines
 * it (w ≥ 1), LINEAR_EXACT below, where only continuous data can be.
 */
function quantum(width: number, fn: VoiFunction | undefined): 0 | 1 {
  return (fn ?? (width >= 1 ? 'LINEAR' : 'LINEAR_EXACT')) === 'LINEAR' ? 1 : 0;
}

export function windowToByte(value: number, center: number, width: number, fn?: VoiFunction): number {
  const q = quantum(width, fn);
  const w = Math.max(q, width);
  const low = center - q / 2 - (w - q) / 2;
  const high = center - q / 2 + (w - q) / 2;
  if (!(value > low)) return 0; // also maps NaN to black
  if (value > high) return 255;
  return Math.round(((value - (center - q / 2)) / (w - q) + 0.5) * 255);
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
  fn?: VoiFunction,
): void {
  const q = quantum(width, fn);
  const w = Math.max(q, width);
  const low = center - q / 2 - (w - q) / 2;
  const high = center - q / 2 + (w - q) / 2;
  const scale = w > q ? 255 / (w - q) : 0;
  const offset = center - q / 2;
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
