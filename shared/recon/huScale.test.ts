/**
 * The HU scale on a reconstructed water cylinder (exact cone-beam projections, FDK):
 * water reads 0 ± 10 HU and air −1000 ± 30 with μ_water given or estimated from the
 * histogram, and the estimate finds water among bone and without air.
 */
import { describe, expect, it } from 'vitest';
import { transformPoint } from '../math/mat4';
import { MU_WATER, seededRandom, type Ellipsoid } from '../../test/fixtures/phantom';
import { projectEllipsoidsView } from '../../test/fixtures/projectEllipsoids';
import type { ConeBeamGeometry } from './cArmGeometry';
import { defaultReconGrid, fdkReconstruct, fieldOfViewMask } from './fdk';
import { applyHounsfieldScale, estimateMuWater, toHounsfield } from './huScale';

/** Hann: the soft-tissue window, whose ripple a voxel-by-voxel HU check can hold to ±10. */
const window = 'hann';
/** A full 360° spin whose field of view (radius ≈ 53 mm) holds the cylinder and a ring of air round it. */
const geometry: ConeBeamGeometry = {
  views: Array.from({ length: 180 }, (_, i) => ({ primaryDeg: -180 + 2 * i, secondaryDeg: 0, sid: 1200, sod: 800 })),
  detector: { columns: 160, rows: 40, pixelMm: [1, 1] },
};
const CYLINDER_RADIUS = 35;
/** A bone rod (1000 HU) off-centre in the water, so the histogram has a second, brighter mode. */
const ROD = { centre: [12, -10, 0] as [number, number, number], radius: 6 };
const phantom: Ellipsoid[] = [
  { centre: [0, 0, 0], semiAxes: [CYLINDER_RADIUS, CYLINDER_RADIUS, 400], mu: MU_WATER },
  { centre: ROD.centre, semiAxes: [ROD.radius, ROD.radius, 400], mu: MU_WATER },
];

const grid = defaultReconGrid(geometry, { size: [72, 72, 6], spacing: 1.5 });
const mask = fieldOfViewMask(geometry, grid);
const projections = geometry.views.map((view) => projectEllipsoidsView(view, geometry.detector, phantom));
const reconstruct = () => fdkReconstruct(geometry, (i) => projections[i], grid, { window });
const mu = reconstruct();

/** Voxel values of the central slices, by region: water 7 mm clear of every edge, air in the ring 7 mm clear of the cylinder. */
function regions(volume: Float32Array): { water: number[]; air: number[] } {
  const [nx, ny, nz] = grid.dimensions;
  const water: number[] = [];
  const air: number[] = [];
  for (let k = 2; k < nz - 2; k++) {
    for (let j = 0; j < ny; j++) {
      for (let i = 0; i < nx; i++) {
        const n = (k * ny + j) * nx + i;
        if (!mask[n]) continue;
        const [x, y] = transformPoint(grid.ijkToLps, [i, j, k]);
        const r = Math.hypot(x, y);
        const fromRod = Math.hypot(x - ROD.centre[0], y - ROD.centre[1]);
        if (r < CYLINDER_RADIUS - 7 && fromRod > ROD.radius + 7) water.push(volume[n]);
        else if (r > CYLINDER_RADIUS + 7) air.push(volume[n]);
      }
    }
  }
  return { water, air };
}

const meanOf = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;

describe('HU scale of a reconstructed water cylinder', () => {
  it('estimates μ water from the histogram within 0.5%, between the air and the bone modes', () => {
    expect(Math.abs(estimateMuWater(mu, mask) / MU_WATER - 1)).toBeLessThan(0.005);
  });

  for (const source of ['given', 'histogram'] as const) {
    it(`reads water 0 ± 10 HU and air −1000 ± 30 HU with μ water ${source}`, () => {
      const hu = reconstruct();
      const calibration = applyHounsfieldScale(hu, mask, source === 'given' ? MU_WATER : undefined);
      expect(calibration.source).toBe(source);
      const { water, air } = regions(hu);
      expect(water.length).toBeGreaterThan(500);
      expect(air.length).toBeGreaterThan(300);
      expect(Math.abs(meanOf(water))).toBeLessThan(10);
      expect(Math.abs(meanOf(air) + 1000)).toBeLessThan(30);
      // Voxel by voxel, not only on average: with the Hann window FDK's ripple stays within
      // the bounds (Ram-Lak keeps the means within 0.2 HU but ripples ±27 HU voxel by voxel).
      expect(Math.max(...water.map(Math.abs))).toBeLessThan(10);
      expect(Math.max(...air.map((v) => Math.abs(v + 1000)))).toBeLessThan(30);
    });
  }

  it('gives the same HU whatever the unit of μ (LOG runs in vendor units)', () => {
    const scaled = mu.map((v) => 37.5 * v);
    const a = applyHounsfieldScale(mu.slice(), mask);
    const b = applyHounsfieldScale(scaled, mask);
    expect(b.muWater / a.muWater).toBeCloseTo(37.5, 5);
    const reference = toHounsfield(mu, a.muWater, new Float32Array(mu.length));
    let worst = 0;
    for (let n = 0; n < scaled.length; n++) worst = Math.max(worst, Math.abs(scaled[n] - reference[n]));
    expect(worst).toBeLessThan(0.01);
  });
});

describe('estimateMuWater on known histograms', () => {
  const gauss = (random: () => number) => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());

  it('finds water without any air (a field of view inside the patient), among fat and bone', () => {
    const random = seededRandom(11);
    const voxels = Float32Array.from({ length: 60_000 }, (_, n) => {
      const tissue = n % 10 < 6 ? 1 : n % 10 < 8 ? 0.9 : 1.9; // water 60%, fat 20%, bone 20%
      return MU_WATER * tissue * (1 + 0.02 * gauss(random));
    });
    expect(Math.abs(estimateMuWater(voxels) / MU_WATER - 1)).toBeLessThan(0.01);
  });

  it('finds water when air outnumbers it, and ignores voxels outside the mask', () => {
    const random = seededRandom(5);
    const voxels = Float32Array.from({ length: 60_000 }, (_, n) => (n % 3 === 0 ? MU_WATER : 0) + 0.0004 * gauss(random));
    const mask = Uint8Array.from(voxels, (_, n) => (n < 50_000 ? 1 : 0));
    voxels.fill(3 * MU_WATER, 50_000); // a bright mode outside the field of view
    expect(Math.abs(estimateMuWater(voxels, mask) / MU_WATER - 1)).toBeLessThan(0.01);
  });

  it('refuses a volume with nothing in it, and a μ water that is not positive', () => {
    expect(() => estimateMuWater(new Float32Array(100))).toThrow(/no attenuating matter/);
    expect(() => toHounsfield(new Float32Array(4), 0)).toThrow(/positive/);
  });
});
