/**
 * The preview's cuts against the engine: a long-axis cut at 0° is the middle row of every slice
 * the exporter's straightenSlices writes, at 90° the middle column; the cross-section is the slice.
 */
import { describe, expect, it } from 'vitest';
import { invertAffine } from '../../../shared/math/mat4';
import { planStraightening } from '../../../shared/reformat/straighteningPlan';
import { straightenSlices } from '../../../shared/reformat/straighten';
import { crossSection, cutLine, longAxisCut, slicePixelOnLine } from './straightenedImages';

const dims: [number, number, number] = [40, 36, 30];
const ijkToLps = [0.8, 0, 0, -16, 0, 0.9, 0, -15, 0, 0, 1.5, -20, 0, 0, 0, 1];
// A smooth, asymmetric field: any flip or offset changes the values.
const voxels = Float32Array.from({ length: dims[0] * dims[1] * dims[2] }, (_, n) => {
  const i = n % dims[0];
  const j = Math.floor(n / dims[0]) % dims[1];
  const k = Math.floor(n / (dims[0] * dims[1]));
  return 3 * i + 5 * j * j * 0.1 + 7 * Math.sin(k / 4) + i * k * 0.05;
});
const grid = { dimensions: dims, voxels };
const columns = 21;
const rows = 17;
const plan = planStraightening(
  { name: 'wavy', closed: false, points: [[-4, -3, -15], [2, 1, -5], [-1, 3, 5], [3, -2, 15]] },
  { mode: 'straight', viewDirection: [0, 1, 0], columns, rows, spacing: 0.7, step: 1.1, curveInterpolation: 'catmull-rom', rollDeg: 20 },
);
const n = plan.sliceToWorld.length;
const out = new Float32Array(columns * rows * n);
straightenSlices({ grid, ijkToLps, sliceToWorld: plan.sliceToWorld, columns, rows, spacing: 0.7, interpolation: 'linear', background: Number.NaN, out, mask: new Uint8Array(out.length) });
const lpsToIjk = invertAffine(ijkToLps);

describe('straightened preview images', () => {
  it('a 0° long-axis cut is the middle row of every straightened slice', () => {
    const cut = longAxisCut(grid, lpsToIjk, plan.sliceToWorld, cutLine(columns, rows, 0), 'linear');
    const middle = (rows - 1) / 2;
    let compared = 0;
    for (let k = 0; k < n; k++) {
      for (let i = 0; i < columns; i++) {
        const expected = out[i + columns * middle + columns * rows * k]!;
        if (Number.isNaN(expected)) continue;
        expect(Math.abs(cut[i + columns * k]! - expected)).toBeLessThan(1e-4);
        compared++;
      }
    }
    expect(compared).toBeGreaterThan(columns * n * 0.5);
  });

  it('a 90° cut is the middle column, running along the rows', () => {
    const line = cutLine(columns, rows, 90);
    expect(line.width).toBe(rows);
    const cut = longAxisCut(grid, lpsToIjk, plan.sliceToWorld, line, 'linear');
    const middle = (columns - 1) / 2;
    for (const k of [0, Math.floor(n / 2), n - 1]) {
      for (let j = 0; j < rows; j++) {
        const expected = out[middle + columns * j + columns * rows * k]!;
        if (!Number.isNaN(expected)) expect(Math.abs(cut[j + rows * k]! - expected)).toBeLessThan(1e-4);
      }
      expect(slicePixelOnLine(line, 0, columns, rows)).toEqual([middle, 0]);
    }
  });

  it('the cross-section is the straightened slice', () => {
    const k = Math.floor(n / 3);
    const slice = crossSection(grid, lpsToIjk, plan.sliceToWorld[k]!, columns, rows, 'linear');
    const expected = out.subarray(columns * rows * k, columns * rows * (k + 1));
    slice.forEach((v, p) => (Number.isNaN(expected[p]!) ? expect(v).toBeNaN() : expect(Math.abs(v - expected[p]!)).toBeLessThan(1e-4)));
  });
});
