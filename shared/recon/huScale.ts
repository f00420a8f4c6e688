/**
 * Hounsfield units from linear attenuation: HU = 1000·(μ − μ_water)/μ_water, so water
 * reads 0 and air (μ = 0) −1000. The ratio does not depend on the unit of μ, so LOG runs
 * in the vendor's log units get true HU too.
 *
 * μ_water depends on the beam's spectrum (kV, filtration), which a C-arm run does not
 * record well enough to compute it. It is therefore either given (measured once on a
 * water phantom with the same protocol: the way to calibrated numbers), or estimated from
 * the reconstruction itself as the peak of its histogram within the field of view that
 * the most voxels share once air is set apart: water in a phantom, the dominant soft
 * tissue in a patient (brain, muscle, blood: 20–60 HU above water), so an estimated
 * scale reads patients' soft tissue near 0 HU rather than +40. The estimate needs no
 * user input, which is why it is the default rather than a measurement in a region the
 * user would have to draw.
 */
import { UserError } from '../contracts/UserError';

export interface HuCalibration {
  /** Linear attenuation of water, in the volume's unit (mm⁻¹ for LIN runs). */
  muWater: number;
  source: 'given' | 'histogram';
}

const BINS = 1024;
/** Values above this quantile (metal, contrast, hot voxels) do not stretch the histogram. */
const TOP_QUANTILE = 0.995;
/** Below this fraction of the matter's mean, Otsu's lower class is air (else the field of view holds no air). */
const AIR_FRACTION = 0.3;
/** Half-width of the moving average that finds the peak, and of the centroid that refines it, bins. */
const SMOOTH = 3;

/**
 * μ_water estimated as the dominant tissue peak of the voxels inside `mask` (all voxels
 * without one). Otsu's threshold splits air from matter when the lower class is near 0;
 * the most populated bin of the matter (after a moving average) is refined to the
 * centroid of the bins around it. Throws a UserError when nothing positive is there.
 */
export function estimateMuWater(voxels: Float32Array, mask?: Uint8Array): number {
  const inside = (n: number) => !mask || mask[n] !== 0;
  let max = 0;
  for (let n = 0; n < voxels.length; n++) if (inside(n) && voxels[n] > max) max = voxels[n];
  if (!(max > 0)) throw new UserError('unsupported', 'The reconstruction holds no attenuating matter inside the field of view, so water cannot be found to set the HU scale; give μ water instead.');

  // A coarse pass finds the top quantile, so one bright outlier cannot squash the histogram.
  const top = quantile(histogram(voxels, inside, max), TOP_QUANTILE) * (max / BINS);
  const counts = histogram(voxels, inside, top);
  const width = top / BINS;

  const split = otsuThreshold(counts);
  const mean = (from: number, to: number) => {
    let sum = 0;
    let weight = 0;
    for (let b = from; b < to; b++) {
      sum += counts[b] * (b + 0.5);
      weight += counts[b];
    }
    return weight > 0 ? sum / weight : 0;
  };
  const hasAir = mean(0, split) < AIR_FRACTION * mean(split, BINS);
  const first = hasAir ? split : 0;

  let peak = first;
  let best = -1;
  for (let b = first; b < BINS; b++) {
    let sum = 0;
    for (let k = Math.max(first, b - SMOOTH); k <= Math.min(BINS - 1, b + SMOOTH); k++) sum += counts[k];
    if (sum > best) {
      best = sum;
      peak = b;
    }
  }
  let sum = 0;
  let weight = 0;
  for (let b = Math.max(first, peak - SMOOTH); b <= Math.min(BINS - 1, peak + SMOOTH); b++) {
    sum += counts[b] * (b + 0.5);
    weight += counts[b];
  }
  return (sum / weight) * width;
}

/** HU = 1000·(μ/μ_water − 1) per voxel into `out` (in place by default). */
export function toHounsfield(voxels: Float32Array, muWater: number, out = voxels): Float32Array {
  if (!(muWater > 0) || !Number.isFinite(muWater)) throw new UserError('invalid-request', `μ water must be a positive attenuation, not ${muWater}.`);
  const scale = 1000 / muWater;
  for (let n = 0; n < voxels.length; n++) out[n] = voxels[n] * scale - 1000;
  return out;
}

/**
 * A reconstruction turned into HU in place, with the μ_water given or, when omitted,
 * estimated inside the field of view `mask`; says which was used.
 */
export function applyHounsfieldScale(voxels: Float32Array, mask: Uint8Array | undefined, muWater?: number): HuCalibration {
  const calibration: HuCalibration = muWater === undefined ? { muWater: estimateMuWater(voxels, mask), source: 'histogram' } : { muWater, source: 'given' };
  toHounsfield(voxels, calibration.muWater);
  return calibration;
}

/** Counts of the selected voxels over [0, top) in BINS bins; negatives in the first, values above top in the last. */
function histogram(voxels: Float32Array, inside: (n: number) => boolean, top: number): Float64Array {
  const counts = new Float64Array(BINS);
  const perBin = BINS / top;
  for (let n = 0; n < voxels.length; n++) {
    if (!inside(n)) continue;
    const value = voxels[n];
    if (Number.isNaN(value)) continue;
    counts[Math.max(0, Math.min(BINS - 1, Math.floor(value * perBin)))]++;
  }
  return counts;
}

/** Upper edge (in bins) of the bin where the cumulative count reaches fraction q. */
function quantile(counts: Float64Array, q: number): number {
  const total = counts.reduce((a, b) => a + b, 0);
  let seen = 0;
  for (let b = 0; b < counts.length; b++) {
    seen += counts[b];
    if (seen >= q * total) return b + 1;
  }
  return counts.length;
}

/** Otsu's threshold: the first bin of the upper class that maximises the between-class variance. */
function otsuThreshold(counts: Float64Array): number {
  let total = 0;
  let totalSum = 0;
  for (let b = 0; b < counts.length; b++) {
    total += counts[b];
    totalSum += b * counts[b];
  }
  let weightLow = 0;
  let sumLow = 0;
  let best = -1;
  let split = 1;
  for (let b = 0; b < counts.length - 1; b++) {
    weightLow += counts[b];
    sumLow += b * counts[b];
    const weightHigh = total - weightLow;
    if (weightLow === 0 || weightHigh === 0) continue;
    const difference = sumLow / weightLow - (totalSum - sumLow) / weightHigh;
    const between = weightLow * weightHigh * difference * difference;
    if (between > best) {
      best = between;
      split = b + 1;
    }
  }
  return split;
}
