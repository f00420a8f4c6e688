/**
 * Default display windows for data that carries none in its header: the 0.5th to
 * 99.5th percentile of a strided sample, so a few hot pixels or the air outside the
 * scan circle do not wash out the picture.
 */
export interface DisplayWindow {
  center: number;
  width: number;
}

const SAMPLE_SIZE = 65_536;

export function percentileWindow(values: ArrayLike<number>, stride = 1, offset = 0): DisplayWindow {
  const count = Math.floor((values.length - offset + stride - 1) / stride);
  if (count <= 0) return { center: 0, width: 1 };
  const step = Math.max(1, Math.floor(count / SAMPLE_SIZE));
  const sample: number[] = [];
  for (let n = 0; n < count; n += step) {
    const v = values[offset + n * stride];
    if (Number.isFinite(v)) sample.push(v);
  }
  if (sample.length === 0) return { center: 0, width: 1 };
  sample.sort((a, b) => a - b);
  const lo = sample[Math.floor(0.005 * (sample.length - 1))];
  const hi = sample[Math.ceil(0.995 * (sample.length - 1))];
  const width = Math.max(hi - lo, 1e-6);
  return { center: lo + width / 2, width };
}
