/**
 * From detector intensities to line integrals: Beer–Lambert, I = I0·exp(−∫μ dl), so
 * ∫μ dl = −ln(I/I0). I0, the unattenuated intensity, is read from air in the images.
 */

import { kthSmallest } from '../math/orderStatistic';

/** Fraction of the shorter image side taken as the border ring where air is sought. */
const BORDER_FRACTION = 0.05;
const HISTOGRAM_BINS = 256;
/** At most this many border samples go into the histogram (a regular subsample). */
const MAX_SAMPLES = 200_000;

/**
 * Unattenuated intensity from one frame or a stack of frames (length a multiple of
 * columns × rows). Air shows in the image borders in most views of a spin, so the
 * border pixels of every frame are pooled and I0 is the brightest histogram mode:
 * the most populated bin in the upper half of the range (hot pixels excluded by taking
 * the range up to the 99.5th percentile), refined to the median of the samples within
 * two bins of it. Frames whose borders are covered by the patient only add darker
 * values below that mode.
 */
export function estimateI0(intensities: Float32Array | Uint16Array, columns: number, rows: number): number {
  const frameSize = columns * rows;
  const frames = Math.max(1, Math.floor(intensities.length / frameSize));
  const ring = Math.max(1, Math.round(BORDER_FRACTION * Math.min(columns, rows)));
  const borderPerFrame = frameSize - Math.max(0, columns - 2 * ring) * Math.max(0, rows - 2 * ring);
  const stride = Math.max(1, Math.ceil((frames * borderPerFrame) / MAX_SAMPLES));
  const room = new Float64Array(Math.ceil((frames * borderPerFrame) / stride));
  let n = 0;
  let taken = 0;
  // NaN (a dark/flat division by zero) is no intensity: left out.
  const take = (from: number, to: number) => {
    for (let at = from; at < to; at++) if (n++ % stride === 0 && !Number.isNaN(intensities[at])) room[taken++] = intensities[at];
  };
  for (let f = 0; f < frames; f++) {
    for (let row = 0; row < rows; row++) {
      const start = f * frameSize + row * columns;
      // Inner rows: the ring's left and right parts only, in the same order as a whole-row scan.
      if (row >= ring && row < rows - ring && columns > 2 * ring) {
        take(start, start + ring);
        take(start + columns - ring, start + columns);
      } else take(start, start + columns);
    }
  }
  const samples = room.subarray(0, taken);
  // Order statistics by selection, not a sort: the same values, several times faster on a view's ~50k border pixels.
  const top = samples.length > 0 ? kthSmallest(samples, Math.min(samples.length - 1, Math.floor(0.995 * samples.length))) : NaN;
  if (!(top > 0)) throw new RangeError('no positive intensities: the unattenuated intensity (I0) cannot be estimated');
  const binWidth = top / HISTOGRAM_BINS;
  const counts = new Uint32Array(HISTOGRAM_BINS);
  for (const value of samples) {
    if (value >= 0 && value <= top) counts[Math.min(HISTOGRAM_BINS - 1, Math.floor(value / binWidth))]++;
  }
  let peak = HISTOGRAM_BINS / 2;
  for (let bin = HISTOGRAM_BINS / 2; bin < HISTOGRAM_BINS; bin++) if (counts[bin] > counts[peak]) peak = bin;
  const low = (peak - 2) * binWidth;
  const high = (peak + 3) * binWidth;
  const near = samples.filter((value) => value >= low && value < high);
  return kthSmallest(near, Math.floor(near.length / 2));
}

/**
 * −ln(I/I0) per pixel into `out` (allocated when omitted). Intensities at or below
 * I0·1e-6 (including zero and negative values from dark-corrected data) are clamped
 * there, capping a line integral at ln(10⁶) ≈ 13.8 instead of +∞; intensities above I0
 * (noise in air) give small negative values, kept so noise stays unbiased.
 */
export function toLineIntegrals(intensities: Float32Array | Uint16Array, i0: number, out: Float32Array = new Float32Array(intensities.length)): Float32Array {
  const floor = i0 * 1e-6;
  const logI0 = Math.log(i0);
  for (let n = 0; n < intensities.length; n++) out[n] = logI0 - Math.log(Math.max(intensities[n], floor));
  return out;
}

/**
 * Offset and gain images of the detector, columns × rows like the views, in the same
 * units: `dark` read without X-rays, `flat` with the unattenuated beam. DICOM has no
 * standard home for them, so they come from the user.
 */
export interface DetectorCalibration {
  dark?: Float32Array;
  flat?: Float32Array;
}

/**
 * Offset and gain correction of one view, (I − dark)/(flat − dark) per pixel, into `out`
 * (allocated when omitted; may be the input): the intensity relative to the flat field,
 * so −ln of it is the line integral (toLineIntegrals with I0 = 1, or with the corrected
 * air level when the flat was taken at another exposure). Without a flat the offset
 * alone is removed; without a dark, the offset is 0. Dead pixels (flat ≤ dark) have no
 * gain to divide by: they take the previous live pixel of their row (the next one at
 * the row's start), so they do not throw a 13.8 spike into the ramp filter.
 */
export function flatFieldCorrect(
  intensities: Float32Array,
  columns: number,
  rows: number,
  { dark, flat }: DetectorCalibration,
  out: Float32Array = new Float32Array(intensities.length),
): Float32Array {
  const size = columns * rows;
  for (const [name, image] of [['dark', dark], ['flat', flat]] as const) {
    if (image && image.length !== size) throw new RangeError(`the ${name} image has ${image.length} pixels, the views ${columns}×${rows}`);
  }
  for (let row = 0; row < rows; row++) {
    const base = row * columns;
    let firstLive = -1;
    let previous = NaN;
    for (let n = base; n < base + columns; n++) {
      const offset = dark ? dark[n] : 0;
      const gain = flat ? flat[n] - offset : 1;
      if (gain > 0) {
        previous = (intensities[n] - offset) / gain;
        if (firstLive < 0) firstLive = n;
      }
      out[n] = previous;
    }
    // Dead pixels at the row's start take its first live one; a wholly dead row reads 1 (unattenuated).
    const fill = firstLive < 0 ? 1 : out[firstLive];
    for (let n = base; n < (firstLive < 0 ? base + columns : firstLive); n++) out[n] = fill;
  }
  return out;
}
