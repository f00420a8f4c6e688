import { describe, expect, it } from 'vitest';
import { helixFrames, helixPoint } from '../curve/curveTestGeometry';
import type { PathSample } from '../curve/PathSample';
import { cross } from '../math/vec3';
import { sliceToWorldOf } from './straighten';
import { parseTransforms, slicesToFrames, type StraightenedTransforms, straightenedTransforms } from './straightenedFrames';

/** Analytic helix samples with their rotation-minimising frames. */
function helixSamples(count: number): PathSample[] {
  const h = { r: 30, c: 8 };
  const w = Math.hypot(h.r, h.c);
  return Array.from({ length: count }, (_, k) => {
    const t = (0.7 * k) / w;
    const { tangent, rmfNormal } = helixFrames(h, t);
    return { point: helixPoint(h, t), tangent, normal: rmfNormal, binormal: cross(tangent, rmfNormal), arcLength: 0.7 * k };
  });
}

function transformsOf(samples: PathSample[], columns: number, rows: number, spacing: number, step: number): StraightenedTransforms {
  const sliceToWorld = samples.map((s) => sliceToWorldOf(s, { columns, rows, spacing }));
  return straightenedTransforms(sliceToWorld, samples.map((s) => s.arcLength), [columns, rows], spacing, step);
}

describe('slicesToFrames', () => {
  it('is the exact inverse of sliceToWorldOf (1e-12), for odd and even sizes', () => {
    const samples = helixSamples(50);
    for (const [columns, rows] of [[65, 47], [64, 48]] as const) {
      const frames = slicesToFrames(transformsOf(samples, columns, rows, 0.6, 0.7));
      frames.forEach((f, k) => {
        const s = samples[k]!;
        for (const key of ['point', 'normal', 'binormal', 'tangent'] as const) {
          for (let a = 0; a < 3; a++) expect(Math.abs(f[key][a] - s[key][a])).toBeLessThan(1e-12);
        }
        expect(f.arcLength).toBe(s.arcLength);
      });
    }
  });
});

describe('parseTransforms', () => {
  const good = { from: 'straightened-pixel', to: 'LPS', ...transformsOf(helixSamples(5), 9, 7, 0.5, 0.7) };

  it('round-trips the file written by straighten (JSON with 1-space indent)', () => {
    const parsed = parseTransforms(JSON.stringify(good, null, 1));
    expect(parsed.size).toEqual([9, 7]);
    expect(parsed.slices).toHaveLength(5);
    expect(parsed.slices[3]!.sliceToWorld).toEqual(good.slices[3]!.sliceToWorld);
  });

  it('rejects broken content with a message naming the problem', () => {
    const bad = (patch: object): string => JSON.stringify({ ...good, ...patch });
    expect(() => parseTransforms('{')).toThrow(/not valid JSON/);
    expect(() => parseTransforms(bad({ to: 'RAS' }))).toThrow(/"straightened-pixel" to "LPS"/);
    expect(() => parseTransforms(bad({ size: [9] }))).toThrow(/size/);
    expect(() => parseTransforms(bad({ pixelSpacing: [0.5, -1] }))).toThrow(/pixelSpacing/);
    expect(() => parseTransforms(bad({ sliceSpacing: 0 }))).toThrow(/sliceSpacing/);
    expect(() => parseTransforms(bad({ slices: [] }))).toThrow(/non-empty/);
    const short = good.slices.map((s, k) => (k === 2 ? { ...s, sliceToWorld: s.sliceToWorld.slice(0, 12) } : s));
    expect(() => parseTransforms(bad({ slices: short }))).toThrow(/slice 2: sliceToWorld must be 16/);
    // Pixel spacing that does not match the matrix columns.
    expect(() => parseTransforms(bad({ pixelSpacing: [0.6, 0.5] }))).toThrow(/orthonormal/);
    const mirrored = good.slices.map((s) => ({ ...s, sliceToWorld: s.sliceToWorld.map((x, i) => (i % 4 === 2 && i < 12 ? -x : x)) }));
    expect(() => parseTransforms(bad({ slices: mirrored }))).toThrow(/left-handed/);
    const backwards = good.slices.map((s, k) => ({ ...s, arcLength: -k }));
    expect(() => parseTransforms(bad({ slices: backwards }))).toThrow(/increase/);
  });
});
