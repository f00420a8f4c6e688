/**
 * Parker's short-scan weights (Parker 1982, with the overscan generalisation of
 * Wesarg et al. 2002): in a spin of less than 360° some rays are measured twice and
 * others once; weighting each projection column so that every pair of redundant rays
 * sums to 1 lets FDK treat the short scan like half of a full one.
 *
 * Ray (β, γ) — β the rotation along the sweep from the first view, γ the fan angle of
 * the column, positive towards the sweep's direction — is the same line as
 * (β + π + 2γ, −γ). With the sweep covering β ∈ [0, π + 2Δ] (Δ = (arc − π)/2, at
 * least the half fan angle for complete data):
 *   w = sin²(π/4 · β/(Δ − γ))               0 ≤ β < 2(Δ − γ)
 *   w = 1                                   2(Δ − γ) ≤ β ≤ π − 2γ
 *   w = sin²(π/4 · (π + 2Δ − β)/(Δ + γ))     π − 2γ < β ≤ π + 2Δ
 * and 0 outside; w(β, γ) + w(β + π + 2γ, −γ) = 1 wherever both are in range.
 */
import { detectorCoordinates, isFullScan, sweepAngles, sweepDirection, type ConeBeamGeometry } from './cArmGeometry';

export function parkerWeight(beta: number, gamma: number, delta: number): number {
  if (beta < 0 || beta > Math.PI + 2 * delta) return 0;
  if (beta < 2 * (delta - gamma)) return Math.sin((Math.PI / 4) * (beta / (delta - gamma))) ** 2;
  if (beta <= Math.PI - 2 * gamma) return 1;
  if (delta + gamma <= 0) return 0; // a ray the spin never reaches twice (arc < 180° + fan)
  return Math.sin((Math.PI / 4) * ((Math.PI + 2 * delta - beta) / (delta + gamma))) ** 2;
}

/** Per-column weights of each view; all ones for a full (≥ 360°) scan. */
export function parkerWeights(g: ConeBeamGeometry): (viewIndex: number) => Float32Array {
  const { columns } = g.detector;
  if (isFullScan(g)) {
    const ones = new Float32Array(columns).fill(1);
    return () => ones;
  }
  const beta = sweepAngles(g);
  const delta = (beta[beta.length - 1] - Math.PI) / 2;
  // u points towards LAO; in a sweep towards RAO the fan angle's sign flips.
  const direction = sweepDirection(g);
  const du = Float64Array.from({ length: columns }, (_, c) => detectorCoordinates(g.detector, c, 0)[0]);
  return (viewIndex) => {
    const { sid } = g.views[viewIndex];
    const weights = new Float32Array(columns);
    for (let c = 0; c < columns; c++) weights[c] = parkerWeight(beta[viewIndex], direction * Math.atan(du[c] / sid), delta);
    return weights;
  };
}
