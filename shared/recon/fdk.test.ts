import { describe, expect, it } from 'vitest';
import { transformPoint } from '../math/mat4';
import { MARKER_A, MU_WATER, muSampler, type Ellipsoid } from '../../test/fixtures/phantom';
import { projectEllipsoidsView } from '../../test/fixtures/projectEllipsoids';
import { SHEPP_LOGAN_PEAK, sheppLogan3d } from '../../test/fixtures/sheppLogan3d';
import { detectorCoordinates, type ConeBeamGeometry } from './cArmGeometry';
import { defaultReconGrid, fdkReconstruct, fieldOfViewMask, makeProjectionFilter, type ReconGrid } from './fdk';
import { parkerWeights } from './parkerWeights';
import { RAMP_WINDOWS, rampKernel, rampPadding } from './rampFilter';

/** rtkfdktest's geometry: SID 600, SDD 1200, 128 × 128 pixels of 4 mm (2 mm at the isocentre). */
function rtkTestGeometry(views: number, arcDeg: number): ConeBeamGeometry {
  const full = arcDeg >= 360;
  const step = full ? arcDeg / views : arcDeg / (views - 1);
  return {
    views: Array.from({ length: views }, (_, i) => ({ primaryDeg: i * step, secondaryDeg: 0, sid: 1200, sod: 600 })),
    detector: { columns: 128, rows: 128, pixelMm: [4, 4] },
  };
}

/** RTK's test volume (128³ at 2 mm, centred) or, by default, the same 256 mm cube at 96³. */
const FULL_SIZE = process.env.LUMEN_RECON_FULL === '1';
const N = FULL_SIZE ? 128 : 96;

function reconstruct(g: ConeBeamGeometry, phantom: readonly Ellipsoid[], grid: ReconGrid): { volume: Float32Array; seconds: number } {
  const projections = g.views.map((view) => projectEllipsoidsView(view, g.detector, phantom));
  const start = performance.now();
  const volume = fdkReconstruct(g, (i) => projections[i], grid, { window: 'ramlak' });
  return { volume, seconds: (performance.now() - start) / 1000 };
}

interface Quality {
  meanAbsError: number;
  psnr: number;
}

/**
 * rtkfdktest's CheckImageQuality: mean |error| and PSNR (peak 2.0) over the whole grid
 * after RTK's field-of-view filter (zero outside), against the phantom sampled at the
 * voxel centres; and the same restricted to the field of view.
 */
function quality(volume: Float32Array, grid: ReconGrid, phantom: readonly Ellipsoid[], mask: Uint8Array): { rtk: Quality; insideFov: Quality } {
  const mu = muSampler(phantom);
  const [nx, ny, nz] = grid.dimensions;
  let abs = 0;
  let sq = 0;
  let absIn = 0;
  let sqIn = 0;
  let inside = 0;
  for (let k = 0; k < nz; k++) {
    for (let j = 0; j < ny; j++) {
      for (let i = 0; i < nx; i++) {
        const n = (k * ny + j) * nx + i;
        const p = transformPoint(grid.ijkToLps, [i, j, k]);
        const e = volume[n] - mu(p[0], p[1], p[2]);
        abs += Math.abs(e);
        sq += e * e;
        if (mask[n]) {
          absIn += Math.abs(e);
          sqIn += e * e;
          inside++;
        }
      }
    }
  }
  const total = nx * ny * nz;
  const psnr = (meanSq: number) => 20 * Math.log10(SHEPP_LOGAN_PEAK) - 10 * Math.log10(meanSq);
  return {
    rtk: { meanAbsError: abs / total, psnr: psnr(sq / total) },
    insideFov: { meanAbsError: absIn / inside, psnr: psnr(sqIn / inside) },
  };
}

describe('fdkReconstruct on the 3D Shepp–Logan phantom (RTK criteria)', () => {
  const phantom = sheppLogan3d(116);
  const grid = defaultReconGrid(rtkTestGeometry(2, 360), { size: [N, N, N], spacing: 256 / N });

  it('full scan, 180 views over 360°: mean |error| < 0.03, PSNR > 26 dB', () => {
    const g = rtkTestGeometry(180, 360);
    const { volume, seconds } = reconstruct(g, phantom, grid);
    const q = quality(volume, grid, phantom, fieldOfViewMask(g, grid));
    console.log(`FDK full scan ${N}³: ${JSON.stringify(q)}; ${seconds.toFixed(1)} s, ${((N ** 3 * 180) / seconds / 1e6).toFixed(1)} M voxel updates/s (filter + backprojection + mask, one thread)`);
    expect(q.rtk.meanAbsError).toBeLessThan(0.03);
    expect(q.rtk.psnr).toBeGreaterThan(26);
  });

  it('short scan, 110 views over 240°: mean |error| < 0.09, PSNR > 22 dB', () => {
    const g = rtkTestGeometry(110, 240);
    const { volume } = reconstruct(g, phantom, grid);
    const q = quality(volume, grid, phantom, fieldOfViewMask(g, grid));
    console.log(`FDK short scan ${N}³: ${JSON.stringify(q)}`);
    expect(q.rtk.meanAbsError).toBeLessThan(0.09);
    expect(q.rtk.psnr).toBeGreaterThan(22);
    expect(q.insideFov.meanAbsError).toBeLessThan(0.09);
    expect(q.insideFov.psnr).toBeGreaterThan(22);
  });
});

describe('fdkReconstruct quantitation and orientation', () => {
  // A water cylinder longer than the cone, and an off-centre marker to catch flips.
  const cylinder: Ellipsoid[] = [{ centre: [0, 0, 0], semiAxes: [80, 80, 400], mu: MU_WATER }];
  const grid = defaultReconGrid(rtkTestGeometry(2, 360), { size: [64, 64, 8], spacing: 3 });

  for (const [label, views, arc] of [['full', 180, 360], ['short', 110, 240]] as const) {
    it(`reads a water cylinder's centre within 5% of μ (${label} scan), in mm⁻¹`, () => {
      const g = rtkTestGeometry(views, arc);
      const { volume } = reconstruct(g, cylinder, grid);
      const [nx, ny, nz] = grid.dimensions;
      let sum = 0;
      let count = 0;
      for (let k = 0; k < nz; k++) {
        for (let j = nx / 2 - 3; j < ny / 2 + 3; j++) {
          for (let i = nx / 2 - 3; i < nx / 2 + 3; i++) {
            sum += volume[(k * ny + j) * nx + i];
            count++;
          }
        }
      }
      const centre = sum / count;
      expect(Math.abs(centre / MU_WATER - 1)).toBeLessThan(0.05);
    });
  }

  it('puts a left-anterior-superior marker at its LPS position, whichever way the C-arm spins', () => {
    const marker: Ellipsoid[] = [{ centre: MARKER_A, semiAxes: [6, 6, 6], mu: 0.05 }];
    const small = defaultReconGrid(rtkTestGeometry(2, 360), { size: [48, 48, 48], spacing: 2 });
    for (const sweep of [1, -1]) {
      // A 220° short scan turning towards LAO, then one turning towards RAO (decreasing primary angle).
      const g: ConeBeamGeometry = {
        views: Array.from({ length: 100 }, (_, i) => ({ primaryDeg: sweep * (-100 + (i * 220) / 99), secondaryDeg: 0, sid: 1200, sod: 800 })),
        detector: { columns: 96, rows: 96, pixelMm: [3, 3] },
      };
      const { volume } = reconstruct(g, marker, small);
      const [nx, ny] = small.dimensions;
      const best = volume.reduce((m, x) => Math.max(m, x), 0);
      // Centroid of the marker's bright core.
      const centroid = [0, 0, 0];
      let weight = 0;
      volume.forEach((value, n) => {
        if (value < best / 2) return;
        const p = transformPoint(small.ijkToLps, [n % nx, Math.floor(n / nx) % ny, Math.floor(n / (nx * ny))]);
        p.forEach((x, axis) => (centroid[axis] += value * x));
        weight += value;
      });
      centroid.forEach((x, axis) => expect(Math.abs(x / weight - MARKER_A[axis])).toBeLessThan(0.5));
      expect(best / 0.05).toBeGreaterThan(0.8);
    }
  });
});

describe('fieldOfViewMask and defaultReconGrid', () => {
  it('covers the cylinder every fan sees: radius SOD·sin(half fan), cone height at the isocentre', () => {
    const g = rtkTestGeometry(180, 360);
    const grid = defaultReconGrid(g);
    // The outermost pixel centres sit 254 mm off the central ray.
    const radius = 600 * Math.sin(Math.atan(254 / 1200));
    expect(grid.spacing[0]).toBeCloseTo(2, 12); // 4 mm pixels at magnification 2
    expect(grid.dimensions[0]).toBe(Math.ceil((2 * radius) / 2));
    expect(grid.dimensions[2]).toBe(Math.ceil((2 * 254 * 600) / 1200 / 2));
    const mask = fieldOfViewMask(g, grid);
    const [nx, ny, nz] = grid.dimensions;
    const k = Math.floor(nz / 2);
    let wrong = 0;
    for (let j = 0; j < ny; j++) {
      for (let i = 0; i < nx; i++) {
        const p = transformPoint(grid.ijkToLps, [i, j, k]);
        const r = Math.hypot(p[0], p[1]);
        // Central slice: inside the circle of the nearest edge rays (allow a voxel for the 2° sampling).
        if (Math.abs(r - radius) > 2 && (r < radius) !== (mask[(k * ny + j) * nx + i] === 1)) wrong++;
      }
    }
    expect(wrong).toBe(0);
    // The cone narrows away from the isocentre plane: the top slice sees less.
    const count = (slice: number) => mask.subarray(slice * nx * ny, (slice + 1) * nx * ny).reduce((s, x) => s + x, 0);
    expect(count(nz - 1)).toBeLessThan(count(k));
  });
});

describe('makeProjectionFilter', () => {
  it('weights by cosine, Parker and Δβ·SID/SOD, then convolves each row with the ramp, for every window (short scan)', () => {
    const views = 30;
    const arcDeg = 230;
    const g: ConeBeamGeometry = {
      views: Array.from({ length: views }, (_, i) => ({ primaryDeg: (i * arcDeg) / (views - 1), secondaryDeg: 0, sid: 1000, sod: 700 })),
      detector: { columns: 40, rows: 7, pixelMm: [1.5, 1.5] },
    };
    const { columns, rows } = g.detector;
    // Random rows that end in air, so the truncation taper adds nothing and the convolution is the plain linear one.
    let state = 5;
    const view = new Float32Array(columns * rows);
    for (let r = 0; r < rows; r++) {
      for (let c = 3; c < columns - 3; c++) {
        state = (state * 1103515245 + 12345) % 2 ** 31;
        view[r * columns + c] = 1 + state / 2 ** 31;
      }
    }
    const viewIndex = 4; // inside Parker's ramp-up, away from the ends of the sweep
    const parker = parkerWeights(g)(viewIndex);
    expect(Math.min(...parker)).toBeLessThan(0.99);
    const step = (arcDeg / (views - 1)) * (Math.PI / 180);
    const { sid, sod } = g.views[viewIndex];
    const length = rampPadding(columns).length;
    for (const window of RAMP_WINDOWS) {
      const response = rampKernel(length, g.detector.pixelMm[0], window);
      // The response's inverse DFT by its definition: the spatial kernel.
      const kernel = Float64Array.from({ length: 2 * columns }, (_, m) => {
        let sum = 0;
        for (let k = 0; k < length; k++) sum += response[k] * Math.cos((2 * Math.PI * k * (m - columns)) / length);
        return sum / length;
      });
      const filtered = makeProjectionFilter(g, { window })(viewIndex, view);
      let peak = 0;
      let worst = 0;
      for (let r = 0; r < rows; r++) {
        for (let n = 0; n < columns; n++) {
          let direct = 0;
          for (let m = 0; m < columns; m++) {
            const [u, v] = detectorCoordinates(g.detector, m, r);
            const weight = (sid / Math.hypot(sid, u, v)) * parker[m] * step * (sid / sod);
            direct += view[r * columns + m] * weight * kernel[n - m + columns];
          }
          peak = Math.max(peak, Math.abs(direct));
          worst = Math.max(worst, Math.abs(filtered[r * columns + n] - direct));
        }
      }
      expect(peak).toBeGreaterThan(0);
      expect(worst / peak).toBeLessThan(1e-5);
    }
  });
});
