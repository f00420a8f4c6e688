// Brings a subsampled component plane to full frame resolution.
// 2:1 horizontal and 2:1 horizontal+vertical use the triangle ("fancy") filter that
// IJG libjpeg applies by default, so colour output matches the reference decoders
// (dcmtk, gdcm) within rounding; other ratios replicate samples.

export interface SamplePlane {
  samples: Uint16Array;
  stride: number;
  /** Meaningful samples in this plane (the component's own, unpadded size). */
  width: number;
  height: number;
}

export function upsampleToFrame(plane: SamplePlane, hScale: number, vScale: number, width: number, height: number): Uint16Array {
  if (hScale === 1 && vScale === 1) return crop(plane, width, height);
  if (hScale === 2 && vScale === 1 && plane.width > 2) return triangleH2V1(plane, width, height);
  if (hScale === 2 && vScale === 2 && plane.width > 2) return triangleH2V2(plane, width, height);
  return replicate(plane, hScale, vScale, width, height);
}

function crop(plane: SamplePlane, width: number, height: number): Uint16Array {
  const out = new Uint16Array(width * height);
  for (let y = 0; y < height; y++) out.set(plane.samples.subarray(y * plane.stride, y * plane.stride + width), y * width);
  return out;
}

function replicate(plane: SamplePlane, hScale: number, vScale: number, width: number, height: number): Uint16Array {
  const out = new Uint16Array(width * height);
  for (let y = 0; y < height; y++) {
    const src = Math.min(Math.floor(y / vScale), plane.height - 1) * plane.stride;
    for (let x = 0; x < width; x++) out[y * width + x] = plane.samples[src + Math.min(Math.floor(x / hScale), plane.width - 1)];
  }
  return out;
}

/** Each output sample is 3/4 of its nearer input sample plus 1/4 of the next one out. */
function triangleH2V1(plane: SamplePlane, width: number, height: number): Uint16Array {
  const out = new Uint16Array(width * height);
  const last = plane.width - 1;
  for (let y = 0; y < height; y++) {
    const row = plane.samples.subarray(y * plane.stride, y * plane.stride + plane.width);
    const o = y * width;
    for (let i = 0; i <= last; i++) {
      const here = 3 * row[i];
      // Rounding biases alternate (1, 2) so the filter has no net drift.
      const left = i === 0 ? row[0] : (here + row[i - 1] + 1) >> 2;
      const right = i === last ? row[last] : (here + row[i + 1] + 2) >> 2;
      if (2 * i < width) out[o + 2 * i] = left;
      if (2 * i + 1 < width) out[o + 2 * i + 1] = right;
    }
  }
  return out;
}

/** Separable triangle filter: vertical 3:1 column sums, then horizontal 3:1 with /16. */
function triangleH2V2(plane: SamplePlane, width: number, height: number): Uint16Array {
  const out = new Uint16Array(width * height);
  const last = plane.width - 1;
  const columnSums = new Int32Array(plane.width);
  for (let y = 0; y < height; y++) {
    const inRow = y >> 1;
    // Even output rows lean on the row above, odd ones on the row below; edges replicate.
    const neighbour = y & 1 ? Math.min(inRow + 1, plane.height - 1) : Math.max(inRow - 1, 0);
    const here = plane.samples.subarray(inRow * plane.stride);
    const near = plane.samples.subarray(neighbour * plane.stride);
    for (let i = 0; i <= last; i++) columnSums[i] = 3 * here[i] + near[i];
    const o = y * width;
    for (let i = 0; i <= last; i++) {
      const c = 3 * columnSums[i];
      const left = i === 0 ? (4 * columnSums[0] + 8) >> 4 : (c + columnSums[i - 1] + 8) >> 4;
      const right = i === last ? (4 * columnSums[last] + 7) >> 4 : (c + columnSums[i + 1] + 7) >> 4;
      if (2 * i < width) out[o + 2 * i] = left;
      if (2 * i + 1 < width) out[o + 2 * i + 1] = right;
    }
  }
  return out;
}
