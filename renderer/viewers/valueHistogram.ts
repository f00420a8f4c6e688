/**
 * A histogram of a volume's values over its range, for windows taken from the data
 * (the 2D default window of non-HU volumes, the 3D view's "auto" preset). Sampled with a
 * stride so a 500 MB volume costs a few milliseconds.
 */
const BINS = 2048;
const MAX_SAMPLES = 2_000_000;

export interface ValueHistogram {
  range: [number, number];
  counts: Uint32Array;
}

/** Null for constant data (no span to bin). NaNs and values outside the range are left out. */
export function valueHistogram(voxels: ArrayLike<number>, range: [number, number]): ValueHistogram | null {
  const [min, max] = range;
  if (!(max > min)) return null;
  const counts = new Uint32Array(BINS);
  const stride = Math.max(1, Math.floor(voxels.length / MAX_SAMPLES));
  const scale = (BINS - 1) / (max - min);
  for (let i = 0; i < voxels.length; i += stride) {
    const v = voxels[i]!;
    if (!(v >= min && v <= max)) continue;
    counts[Math.floor((v - min) * scale)] += 1;
  }
  return { range, counts };
}

/** Samples in bins `fromBin` and up. */
export function countFrom(histogram: ValueHistogram, fromBin: number): number {
  let count = 0;
  for (let b = fromBin; b < BINS; b++) count += histogram.counts[b]!;
  return count;
}

/** The value (bin centre) below which `fraction` of the samples in bins `fromBin` and up lie. */
export function percentile(histogram: ValueHistogram, fraction: number, fromBin = 0): number {
  const [min, max] = histogram.range;
  const scale = (BINS - 1) / (max - min);
  const target = fraction * countFrom(histogram, fromBin);
  let seen = 0;
  for (let b = fromBin; b < BINS; b++) {
    seen += histogram.counts[b]!;
    if (seen >= target) return Math.min(max, min + (b + 0.5) / scale);
  }
  return max;
}
