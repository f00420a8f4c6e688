import { describe, expect, it } from 'vitest';
import { MU_WATER_PER_MM, muFromHu, radiographFromLineIntegral } from './attenuation';
import { samplePath } from '../curve/samplePath';
import type { Vec3 } from '../math/vec3';
import { panoramicLayout, panoramicProjection, projectionChoices, dentalPanoramic, projectionKinds, projectVolume, slabRange, transposeProjection, type ProjectionKind } from './projectVolume';
import type { SliceFrame } from './straightenedFrames';

type Dims = [number, number, number];
const KINDS: ProjectionKind[] = ['mip', 'minip', 'mean', 'xray'];

function makeVolume(dims: Dims, f: (i: number, j: number, k: number) => number, Type: Float32ArrayConstructor | Int16ArrayConstructor = Float32Array): Float32Array | Int16Array {
  const [ni, nj, nk] = dims;
  const v = new Type(ni * nj * nk);
  for (let k = 0; k < nk; k++) for (let j = 0; j < nj; j++) for (let i = 0; i < ni; i++) v[i + ni * (j + nj * k)] = f(i, j, k);
  return v;
}

/** Irregular but deterministic field in HU, spanning below −1000 to well above 0, no monotone axis. */
const field = (i: number, j: number, k: number): number => ((i * 37 + j * 101 + k * 53 + i * j * 7 + j * k * 3) % 211) * 13 - 1100;

/**
 * The obvious, slow definition: for output pixel (u, w) walk the axis index a over [first, last],
 * assemble (i, j, k) explicitly, and reduce. Shares nothing with the implementation but the slab.
 */
function bruteForce(dims: Dims, voxels: ArrayLike<number>, mask: Uint8Array | undefined, axis: 0 | 1 | 2, first: number, last: number, kind: ProjectionKind, stepMm: number) {
  const [ni, nj, nk] = dims;
  const [w, h] = axis === 0 ? [nj, nk] : axis === 1 ? [ni, nk] : [ni, nj];
  const pixels: number[] = [];
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const values: number[] = [];
      for (let a = first; a <= last; a++) {
        const [i, j, k] = axis === 0 ? [a, x, y] : axis === 1 ? [x, a, y] : [x, y, a];
        const idx = i + ni * (j + nj * k);
        const v = voxels[idx]!;
        if (Number.isNaN(v) || (mask && mask[idx] === 0)) continue;
        values.push(v);
      }
      if (values.length === 0) pixels.push(NaN);
      else if (kind === 'mip') pixels.push(Math.max(...values));
      else if (kind === 'minip') pixels.push(Math.min(...values));
      else if (kind === 'mean') pixels.push(values.reduce((s, v) => s + v, 0) / values.length);
      else pixels.push(values.reduce((s, v) => s + muFromHu(v) * stepMm, 0));
    }
  }
  return { width: w, height: h, pixels };
}

function expectMatches(actual: ReturnType<typeof projectVolume>, expected: ReturnType<typeof bruteForce>, kind: ProjectionKind) {
  expect([actual.width, actual.height]).toEqual([expected.width, expected.height]);
  for (let p = 0; p < expected.pixels.length; p++) {
    const e = expected.pixels[p]!;
    if (Number.isNaN(e)) {
      expect(actual.pixels[p]).toBeNaN();
      expect(actual.mask[p]).toBe(0);
    } else {
      expect(actual.mask[p]).toBe(1);
      // MIP / MinIP pick an input value: exact. Sums differ only by Float32 rounding of the result.
      if (kind === 'mip' || kind === 'minip') expect(actual.pixels[p]).toBe(e);
      else expect(Math.abs(actual.pixels[p]! - e)).toBeLessThanOrEqual(1e-6 * Math.max(1, Math.abs(e)));
    }
  }
}

describe('slabRange', () => {
  it('centres the slab on (n − 1)/2, extra voxel on the low side when parities differ', () => {
    expect(slabRange(9, 1, 3)).toEqual({ first: 3, last: 5, mm: 3 }); // odd/odd: exact centre 4
    expect(slabRange(10, 1, 4)).toEqual({ first: 3, last: 6, mm: 4 }); // even/even: exact centre 4.5
    expect(slabRange(10, 1, 3)).toEqual({ first: 3, last: 5, mm: 3 }); // centre 4 < 4.5
    expect(slabRange(9, 1, 4)).toEqual({ first: 2, last: 5, mm: 4 }); // centre 3.5 < 4
  });

  it('converts mm to round(t/step) voxels, at least 1 and at most n; omitted = whole axis', () => {
    expect(slabRange(100, 0.5, 10)).toEqual({ first: 40, last: 59, mm: 10 });
    expect(slabRange(100, 0.4, 1.3)).toEqual({ first: 48, last: 50, mm: 0.4 * 3 }); // 3.25 → 3
    expect(slabRange(100, 0.4, 1.4)).toEqual({ first: 48, last: 51, mm: 0.4 * 4 }); // 3.5 → 4
    expect(slabRange(7, 2, 0.1)).toEqual({ first: 3, last: 3, mm: 2 });
    expect(slabRange(7, 2, 1000)).toEqual({ first: 0, last: 6, mm: 14 });
    expect(slabRange(7, 2)).toEqual({ first: 0, last: 6, mm: 14 });
    expect(slabRange(7, 2, Infinity)).toEqual({ first: 0, last: 6, mm: 14 });
  });

  it('rejects nonsense', () => {
    expect(() => slabRange(7, 0, 3)).toThrow(/stepMm/);
    expect(() => slabRange(7, 1, 0)).toThrow(/slab/);
    expect(() => slabRange(7, 1, NaN)).toThrow(/slab/);
    expect(() => slabRange(0, 1)).toThrow(/axis length/);
  });
});

describe('projectVolume against brute force', () => {
  // Odd and even lengths on every axis so both slab parities occur.
  const dims: Dims = [7, 6, 9];
  const voxels = makeVolume(dims, field);
  const stepMm = 0.75;

  for (const axis of [0, 1, 2] as const) {
    for (const kind of KINDS) {
      it(`axis ${axis}, ${kind}: whole axis and odd/even slabs`, () => {
        const n = dims[axis];
        for (const slabVoxels of [undefined, 1, 2, 3, 4, n - 1]) {
          const slabMm = slabVoxels === undefined ? undefined : slabVoxels * stepMm;
          const got = projectVolume({ dimensions: dims, voxels, axis, stepMm, slabMm, kind });
          const count = slabVoxels ?? n;
          // Independent slab: count voxels, first = floor((n − count)/2).
          const first = Math.floor((n - count) / 2);
          expect(got.slab).toEqual({ first, last: first + count - 1, mm: count * stepMm });
          expectMatches(got, bruteForce(dims, voxels, undefined, axis, first, first + count - 1, kind, stepMm), kind);
        }
      });
    }
  }

  it('Int16 voxels give the same results as Float32', () => {
    const ints = makeVolume(dims, field, Int16Array);
    for (const axis of [0, 1, 2] as const) {
      for (const kind of KINDS) {
        const a = projectVolume({ dimensions: dims, voxels: ints, axis, stepMm, slabMm: 3 * stepMm, kind });
        const b = projectVolume({ dimensions: dims, voxels, axis, stepMm, slabMm: 3 * stepMm, kind });
        expect(Array.from(a.pixels)).toEqual(Array.from(b.pixels));
      }
    }
  });

  it('ignores masked-out and NaN voxels; pixels with none valid are NaN with mask 0', () => {
    const d: Dims = [6, 5, 8];
    const v = makeVolume(d, field) as Float32Array;
    const mask = new Uint8Array(v.length);
    // Pseudo-random validity, plus whole empty lines along each axis.
    for (let p = 0; p < mask.length; p++) mask[p] = (p * 2654435761) % 7 < 4 ? 1 : 0;
    for (let i = 0; i < 6; i++) mask[i + 6 * (2 + 5 * 3)] = 0; // row j=2, slice k=3: empty along axis 0
    for (let j = 0; j < 5; j++) mask[1 + 6 * (j + 5 * 4)] = 0; // i=1, k=4: empty along axis 1
    for (let k = 0; k < 8; k++) mask[4 + 6 * (3 + 5 * k)] = 0; // i=4, j=3: empty along axis 2
    for (let p = 0; p < v.length; p += 11) v[p] = NaN;
    for (const axis of [0, 1, 2] as const) {
      for (const kind of KINDS) {
        const got = projectVolume({ dimensions: d, voxels: v, mask, axis, stepMm: 1.5, kind });
        const want = bruteForce(d, v, mask, axis, 0, d[axis] - 1, kind, 1.5);
        expectMatches(got, want, kind);
        const empty = axis === 0 ? 2 + 5 * 3 : axis === 1 ? 1 + 6 * 4 : 4 + 6 * 3;
        expect(got.pixels[empty]).toBeNaN();
        expect(got.mask[empty]).toBe(0);
      }
    }
  });

  it('without a mask, NaN voxels are the invalid ones (Float32); a masked Int16 volume works alike', () => {
    const d: Dims = [6, 5, 8];
    const v = makeVolume(d, field) as Float32Array;
    for (let p = 0; p < v.length; p += 7) v[p] = NaN;
    for (let k = 0; k < 8; k++) v[4 + 6 * (3 + 5 * k)] = NaN; // i=4, j=3: all NaN along axis 2
    for (let i = 0; i < 6; i++) v[i + 6 * (2 + 5 * 3)] = NaN; // j=2, k=3: all NaN along axis 0
    const ints = makeVolume(d, field, Int16Array);
    const mask = Uint8Array.from(v, (x) => (Number.isNaN(x) ? 0 : 1));
    for (const axis of [0, 1, 2] as const) {
      for (const kind of KINDS) {
        const want = bruteForce(d, v, undefined, axis, 0, d[axis] - 1, kind, 2);
        expectMatches(projectVolume({ dimensions: d, voxels: v, axis, stepMm: 2, kind }), want, kind);
        expectMatches(projectVolume({ dimensions: d, voxels: ints, mask, axis, stepMm: 2, kind }), want, kind);
      }
    }
  });

  it('an all-invalid volume projects to NaN everywhere with an all-zero mask', () => {
    const d: Dims = [3, 4, 5];
    const v = makeVolume(d, field);
    for (const axis of [0, 1, 2] as const) {
      for (const kind of KINDS) {
        const got = projectVolume({ dimensions: d, voxels: v, mask: new Uint8Array(60), axis, stepMm: 1, kind });
        expect(got.pixels.every(Number.isNaN)).toBe(true);
        expect(got.mask.every((m) => m === 0)).toBe(true);
      }
    }
  });
});

describe('projectVolume on analytic volumes', () => {
  // v = 3i − 2j + 5k: extremes over a slab lie at its ends, the mean at its centre.
  const dims: Dims = [8, 5, 11];
  const voxels = makeVolume(dims, (i, j, k) => 3 * i - 2 * j + 5 * k);

  it('MIP / MinIP / mean along each axis follow the linear field', () => {
    for (const axis of [0, 1, 2] as const) {
      const { first, last } = slabRange(dims[axis], 1, 4);
      const at = (kind: ProjectionKind) => projectVolume({ dimensions: dims, voxels, axis, stepMm: 1, slabMm: 4, kind });
      const [mip, minip, mean] = [at('mip'), at('minip'), at('mean')];
      for (let y = 0; y < mip.height; y++) {
        for (let x = 0; x < mip.width; x++) {
          const p = x + mip.width * y;
          // Field at the slab position a, with (x, y) the remaining axes in order.
          const f = (a: number) => (axis === 0 ? 3 * a - 2 * x + 5 * y : axis === 1 ? 3 * x - 2 * a + 5 * y : 3 * x - 2 * y + 5 * a);
          expect(mip.pixels[p]).toBe(Math.max(f(first), f(last)));
          expect(minip.pixels[p]).toBe(Math.min(f(first), f(last)));
          expect(mean.pixels[p]).toBeCloseTo(f((first + last) / 2), 5);
        }
      }
    }
  });

  it('output shapes: axis 2 → [columns, rows], axis 1 → [columns, slices], axis 0 → [rows, slices]', () => {
    const shape = (axis: 0 | 1 | 2) => {
      const p = projectVolume({ dimensions: dims, voxels, axis, stepMm: 1, kind: 'mip' });
      return [p.width, p.height, p.pixels.length, p.mask.length];
    };
    expect(shape(2)).toEqual([8, 5, 40, 40]);
    expect(shape(1)).toEqual([8, 11, 88, 88]);
    expect(shape(0)).toEqual([5, 11, 55, 55]);
  });
});

describe('xray line integrals', () => {
  it('a uniform water block 50 mm thick integrates to μwater · 50 mm along every axis', () => {
    for (const axis of [0, 1, 2] as const) {
      const dims: Dims = [3, 4, 5];
      dims[axis] = 100; // 100 voxels of 0.5 mm = 50 mm
      const got = projectVolume({ dimensions: dims, voxels: new Int16Array(dims[0] * dims[1] * dims[2]), axis, stepMm: 0.5, kind: 'xray' });
      for (const v of got.pixels) expect(Math.abs(v - 0.0206 * 50)).toBeLessThan(1e-6);
      expect(MU_WATER_PER_MM).toBe(0.0206);
    }
  });

  it('water embedded in air: only the water counts; a slab cuts the path', () => {
    // 200 voxels of 0.5 mm; water (0 HU) in k ∈ [60, 139] = 40 mm, air elsewhere, −1024 padding at the ends.
    const dims: Dims = [2, 3, 200];
    const v = makeVolume(dims, (_i, _j, k) => (k >= 60 && k < 140 ? 0 : k < 5 ? -1024 : -1000));
    const whole = projectVolume({ dimensions: dims, voxels: v, axis: 2, stepMm: 0.5, kind: 'xray' });
    for (const p of whole.pixels) expect(Math.abs(p - 0.0206 * 40)).toBeLessThan(1e-6);
    // A 20 mm slab (40 voxels, indices 80..119) lies wholly in water.
    const slab = projectVolume({ dimensions: dims, voxels: v, axis: 2, stepMm: 0.5, slabMm: 20, kind: 'xray' });
    expect(slab.slab).toEqual({ first: 80, last: 119, mm: 20 });
    for (const p of slab.pixels) expect(Math.abs(p - 0.0206 * 20)).toBeLessThan(1e-6);
  });

  it('air and below-air padding attenuate nothing; bone at +1000 HU twice water', () => {
    const dims: Dims = [4, 4, 10];
    for (const hu of [-1000, -1024, -3000]) {
      const got = projectVolume({ dimensions: dims, voxels: new Float32Array(160).fill(hu), axis: 2, stepMm: 1, kind: 'xray' });
      expect(got.pixels.every((p) => p === 0)).toBe(true);
      expect(got.mask.every((m) => m === 1)).toBe(true);
    }
    const bone = projectVolume({ dimensions: dims, voxels: new Float32Array(160).fill(1000), axis: 2, stepMm: 1, kind: 'xray' });
    for (const p of bone.pixels) expect(Math.abs(p - 2 * 0.0206 * 10)).toBeLessThan(1e-6);
  });

  it('radiograph display is 1 − exp(−integral): 0 for air, brighter for denser paths, NaN kept', () => {
    const shown = radiographFromLineIntegral(Float32Array.of(0, 0.5, 1.03, 5, NaN));
    expect(shown[0]).toBe(0);
    expect(shown[1]).toBeCloseTo(1 - Math.exp(-0.5), 6);
    expect(shown[2]).toBeCloseTo(1 - Math.exp(-1.03), 6);
    expect(shown[1]! < shown[2]! && shown[2]! < shown[3]! && shown[3]! < 1).toBe(true);
    expect(shown[4]).toBeNaN();
    expect(muFromHu(-1000)).toBe(0);
    expect(muFromHu(-2000)).toBe(0);
    expect(muFromHu(0)).toBe(0.0206);
  });
});

describe('dentalPanoramic and transposeProjection', () => {
  it('is the mean along rows over the slab', () => {
    const dims: Dims = [5, 12, 7];
    const voxels = makeVolume(dims, field);
    const pano = dentalPanoramic({ dimensions: dims, voxels }, 3, 0.5);
    expect([pano.width, pano.height]).toEqual([5, 7]);
    expect(pano.slab).toEqual({ first: 3, last: 8, mm: 3 });
    expectMatches(pano, bruteForce(dims, voxels, undefined, 1, 3, 8, 'mean', 0.5), 'mean');
  });

  it('transpose swaps the image axes, pixels and mask alike', () => {
    const dims: Dims = [4, 3, 6];
    const voxels = makeVolume(dims, field);
    const mask = new Uint8Array(72).fill(1);
    for (let j = 0; j < 3; j++) mask[2 + 4 * (j + 3 * 5)] = 0; // (x=2, y=5) empty
    const p = projectVolume({ dimensions: dims, voxels, mask, axis: 1, stepMm: 1, kind: 'mip' });
    const t = transposeProjection(p);
    expect([t.width, t.height]).toEqual([6, 4]);
    for (let y = 0; y < p.height; y++) {
      for (let x = 0; x < p.width; x++) {
        expect(Object.is(t.pixels[y + 6 * x], p.pixels[x + 4 * y])).toBe(true);
        expect(t.mask[y + 6 * x]).toBe(p.mask[x + 4 * y]);
      }
    }
    expect(t.mask[5 + 6 * 2]).toBe(0);
  });
});

describe('panoramic preset', () => {
  /** Frames of a path sampled with the app's defaults (first normal toward the patient's left). */
  const framesOf = (points: Vec3[], rollDeg = 0): SliceFrame[] => samplePath(points, { step: 1, rollDeg }).samples.map((s) => ({ point: s.point, normal: s.normal, binormal: s.binormal, tangent: s.tangent, arcLength: s.arcLength }));
  // A dental arch in an axial plane, drawn from the patient's right (−x) to left, apex anterior (−y).
  const arch: Vec3[] = Array.from({ length: 13 }, (_, n) => { const x = -30 + 5 * n; return [x, -25 + (x * x) / 40, 10] as Vec3; });

  it('finds the axis across the arch from the path’s bending, and puts superior at the top', () => {
    // First tangent ≈ (0.55, −0.83, 0): the first normal, left projected off it, stays in the arch's
    // plane (the RMF keeps the plane's normal fixed), so the columns cross the arch and the rows,
    // B = T × N = +z, run toward the head: flipped. Rolled 180°, B = −z: not flipped; rolled 90°,
    // the rows cross the arch.
    expect(panoramicLayout(framesOf(arch))).toEqual({ acrossAxis: 0, flipVertical: true });
    expect(panoramicLayout(framesOf(arch, 180))).toEqual({ acrossAxis: 0, flipVertical: false });
    expect(panoramicLayout(framesOf(arch, 90)).acrossAxis).toBe(1);
    // A straight path does not bend: the documented default, rows.
    expect(panoramicLayout(framesOf([[0, 0, 0], [0, -40, 0]])).acrossAxis).toBe(1);
  });

  it('is the slab mean across the arch, path left to right, flipped as the layout says', () => {
    const dims: Dims = [6, 7, 9];
    const voxels = makeVolume(dims, field);
    for (const layout of [{ acrossAxis: 0, flipVertical: true }, { acrossAxis: 1, flipVertical: false }] as const) {
      const pano = panoramicProjection({ dimensions: dims, voxels }, layout, 0.5, 2);
      const across = dims[layout.acrossAxis];
      const vertical = dims[1 - layout.acrossAxis]!;
      expect([pano.width, pano.height]).toEqual([9, vertical]);
      const { first, last } = slabRange(across, 0.5, 2);
      expect(last - first + 1).toBe(4);
      for (let y = 0; y < vertical; y++) {
        for (let x = 0; x < 9; x++) {
          const v = layout.flipVertical ? vertical - 1 - y : y;
          let sum = 0;
          for (let a = first; a <= last; a++) sum += layout.acrossAxis === 0 ? field(a, v, x) : field(v, a, x);
          expect(pano.pixels[x + 9 * y]).toBeCloseTo(sum / 4, 3);
        }
      }
    }
  });
});

describe('projectionKinds', () => {
  it('parses a list, ignoring case, spaces and duplicates', () => {
    expect(projectionKinds('mip,minip,mean,xray')).toEqual(['mip', 'minip', 'mean', 'xray']);
    expect(projectionKinds(' XRay , mip,mip,')).toEqual(['xray', 'mip']);
  });

  it('projectionChoices also takes the panoramic preset; projectionKinds does not', () => {
    expect(projectionChoices('mip, Panoramic,xray')).toEqual(['mip', 'panoramic', 'xray']);
    expect(() => projectionChoices('pano')).toThrow('Unknown projection kind "pano"; valid kinds: mip, minip, mean, xray, panoramic');
    expect(() => projectionKinds('panoramic')).toThrow(/valid kinds: mip, minip, mean, xray$/);
  });

  it('rejects unknown kinds with a message listing the valid ones', () => {
    expect(() => projectionKinds('mip,avg')).toThrow('Unknown projection kind "avg"; valid kinds: mip, minip, mean, xray');
    expect(() => projectionKinds('max, sum')).toThrow(/kinds "max", "sum"; valid kinds: mip, minip, mean, xray/);
    expect(() => projectionKinds(' , ')).toThrow(/No projection kind.*valid kinds: mip, minip, mean, xray/);
  });
});

describe('projectVolume input checks', () => {
  it('rejects mismatched sizes and bad parameters', () => {
    const voxels = new Float32Array(24);
    const base = { dimensions: [2, 3, 4] as const, voxels, axis: 2 as const, stepMm: 1, kind: 'mip' as const };
    expect(() => projectVolume({ ...base, voxels: new Float32Array(23) })).toThrow(/23 voxels/);
    expect(() => projectVolume({ ...base, mask: new Uint8Array(5) })).toThrow(/mask/);
    expect(() => projectVolume({ ...base, stepMm: -1 })).toThrow(/stepMm/);
    expect(() => projectVolume({ ...base, dimensions: [2, 3, 4.5] as const })).toThrow(/dimensions/);
    expect(() => projectVolume({ ...base, kind: 'max' as ProjectionKind })).toThrow(/valid kinds/);
  });
});
