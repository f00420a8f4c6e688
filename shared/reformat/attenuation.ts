/**
 * Hounsfield units ↔ linear attenuation, for X-ray-like projections of CT volumes.
 * HU = 1000 · (μ / μwater − 1), so μ = μwater · (1 + HU / 1000). The constant matches the
 * test phantoms (test/fixtures/phantom.ts MU_WATER), so a reprojected phantom reproduces the
 * line integrals the phantom generators were built from.
 */

/** Linear attenuation of water at about 60 keV, 1/mm. */
export const MU_WATER_PER_MM = 0.0206;

/** Linear attenuation (1/mm) of a voxel; clamped at 0, since below −1000 HU (noise, padding) nothing attenuates less than vacuum. */
export function muFromHu(hu: number): number {
  const mu = MU_WATER_PER_MM * (1 + hu / 1000);
  return mu > 0 ? mu : 0;
}

/**
 * Display values for a map of line integrals ∫μ dl (dimensionless): 1 − exp(−integral),
 * in [0, 1). exp(−integral) is the transmitted fraction; showing its complement makes denser
 * paths brighter, as on a radiograph (bone white, air black). NaN (no valid voxel) stays NaN.
 */
export function radiographFromLineIntegral(integrals: Float32Array): Float32Array {
  const out = new Float32Array(integrals.length);
  for (let p = 0; p < integrals.length; p++) out[p] = 1 - Math.exp(-integrals[p]!);
  return out;
}
