import { describe, expect, it } from 'vitest';
import { cArmFrame, detectorPixel, projectionMatrix, type CArmView, type ConeBeamGeometry } from './cArmGeometry';
import { parkerWeights } from './parkerWeights';

const SOD = 750;
const detector = { columns: 160, rows: 9, pixelMm: [2, 2] as [number, number] };

function spin(startDeg: number, arcDeg: number, frames: number): ConeBeamGeometry {
  return {
    views: Array.from({ length: frames }, (_, f) => ({ primaryDeg: startDeg + (f * arcDeg) / (frames - 1), secondaryDeg: 0, sid: 1200, sod: SOD })),
    detector,
  };
}

/** Linear interpolation of per-column weights at a fractional column. */
function at(weights: Float32Array, column: number): number {
  const c0 = Math.max(0, Math.min(weights.length - 2, Math.floor(column)));
  return weights[c0] + (column - c0) * (weights[c0 + 1] - weights[c0]);
}

describe('parkerWeights', () => {
  for (const [label, start, arc] of [['towards LAO', -110, 220], ['towards RAO', 100, -220]] as const) {
    it(`gives every pair of opposite rays weights summing to 1 (${label}), found in LPS, not from the formula`, () => {
      const g = spin(start, arc, 111);
      const weights = parkerWeights(g);
      const middleRow = (detector.rows - 1) / 2;
      const low = Math.min(start, start + arc);
      const high = Math.max(start, start + arc);
      let checked = 0;
      g.views.forEach((view, i) => {
        const frame = cArmFrame(view);
        const w = weights(i);
        for (let column = 0; column < detector.columns; column += 7) {
          // The ray in the isocentre plane, and where it meets the source circle again.
          const pixel = detectorPixel(view, detector, frame, column, middleRow);
          const s = frame.source;
          const dx = pixel[0] - s[0];
          const dy = pixel[1] - s[1];
          const t = (-2 * (s[0] * dx + s[1] * dy)) / (dx * dx + dy * dy);
          const other = [s[0] + t * dx, s[1] + t * dy];
          // Source at SOD·(−sin a, cos a): the opposite view's primary angle, brought into the sweep.
          let a = (Math.atan2(-other[0], other[1]) * 180) / Math.PI;
          while (a < low - 1e-9) a += 360;
          while (a > high + 1e-9) a -= 360;
          let sum = w[column];
          if (a >= low && a <= high) {
            const opposite: CArmView = { ...view, primaryDeg: a };
            // The opposite view's weights, from a geometry with the same sweep (first and last views).
            const withOpposite: ConeBeamGeometry = { views: [g.views[0], opposite, ...g.views.slice(1)], detector };
            const p = projectionMatrix(opposite, detector);
            const h = [0, 4].map((r) => p[r] * s[0] + p[r + 1] * s[1] + p[r + 2] * s[2] + p[r + 3]);
            const depth = p[8] * s[0] + p[9] * s[1] + p[10] * s[2] + p[11];
            sum += at(parkerWeights(withOpposite)(1), h[0] / depth);
          }
          expect(sum).toBeCloseTo(1, 2);
          checked++;
        }
      });
      expect(checked).toBeGreaterThan(2000);
    });
  }

  it('is smooth, zero at the ends of the sweep and never outside [0, 1]', () => {
    const g = spin(-120, 240, 110);
    const weights = parkerWeights(g);
    expect(Math.max(...weights(0))).toBe(0);
    expect(Math.max(...weights(109))).toBeLessThan(1e-12);
    let steepest = 0;
    for (let i = 0; i < 110; i++) {
      const w = weights(i);
      const next = i < 109 ? weights(i + 1) : w;
      for (let c = 0; c < detector.columns; c++) {
        expect(w[c]).toBeGreaterThanOrEqual(0);
        expect(w[c]).toBeLessThanOrEqual(1);
        steepest = Math.max(steepest, Math.abs(next[c] - w[c]), c > 0 ? Math.abs(w[c] - w[c - 1]) : 0);
      }
    }
    expect(steepest).toBeLessThan(0.1);
  });

  it('is all ones for a full spin', () => {
    const g = spin(0, 358, 180);
    const weights = parkerWeights(g);
    for (const i of [0, 45, 179]) expect(weights(i).every((w) => w === 1)).toBe(true);
  });
});
