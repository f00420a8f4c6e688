/**
 * Preprocessing as the filtering workers run it (dark/flat, then binning, then the air
 * level and line integrals), composed with FDK: on a detector with an analytic gain and
 * offset and an odd size, the binned reconstruction puts the asymmetric phantom's marker
 * where it is and reads the body's attenuation.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { transformPoint } from '../math/mat4';
import { BODY_HU, defaultPhantom, MARKER_A, muFromHu } from '../../test/fixtures/phantom';
import { projectEllipsoidsView } from '../../test/fixtures/projectEllipsoids';
import { writeRotationalRun } from '../../test/fixtures/rotationalRun';
import { UserError } from '../contracts/UserError';
import { buildIndex } from '../dicom/buildIndex';
import { readDicomHeader } from '../dicom/readDicomHeader';
import type { ConeBeamGeometry } from './cArmGeometry';
import { defaultReconGrid, fdkReconstruct } from './fdk';
import { estimateI0, toLineIntegrals } from './lineIntegrals';
import { rotationalRunOf } from './rotationalRun';
import { preprocessRun, preprocessView } from './viewPreprocessing';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lumen-preprocessing-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** A small LIN run, indexed like the app indexes it. */
function smallRun(intensity: 'LIN' | 'LOG' = 'LIN') {
  const written = writeRotationalRun({ dir: path.join(tmp, intensity), frames: 8, arcDeg: 200, detector: [33, 21], pixelMm: 1.2 });
  const bytes = new Uint8Array(fs.readFileSync(written.file));
  const h = readDicomHeader(bytes, written.file, bytes.length);
  if (intensity === 'LOG') h.pixelIntensityRelationship = 'LOG';
  const { result, plans } = buildIndex({ folder: tmp, headers: [h], skipped: [], elapsedSeconds: 0 });
  return rotationalRunOf(plans.get(result.series[0].uid)!);
}

describe('preprocessRun', () => {
  it('leaves a run alone when there is nothing to do, and bins its geometry otherwise', () => {
    const run = smallRun();
    expect(preprocessRun(run, {})).toEqual({ run });
    expect(preprocessRun(run, { binning: 1 })).toEqual({ run });
    const { run: binned, preprocessing } = preprocessRun(run, { binning: 2 });
    expect(binned.geometry.detector).toMatchObject({ columns: 16, rows: 10, pixelMm: [2.4, 2.4] });
    expect(binned.geometry.views).toBe(run.geometry.views);
    expect(preprocessing).toEqual({ columns: 33, rows: 21, binning: 2 });
  });

  it('shares the dark and flat images, and refuses what does not fit the run', () => {
    const run = smallRun();
    const image = new Float32Array(33 * 21).fill(100);
    const { preprocessing } = preprocessRun(run, { dark: image, flat: image.map((v) => v + 1000) });
    expect(preprocessing?.dark?.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(preprocessing?.flat?.[0]).toBe(1100);
    expect(() => preprocessRun(run, { dark: new Float32Array(10) })).toThrow(/dark image has 10 pixels.*33×21/);
    expect(() => preprocessRun(run, { binning: 1.5 })).toThrow(UserError);
    expect(() => preprocessRun(run, { binning: 11 })).toThrow(/from 1 to 10/);
    expect(() => preprocessRun(smallRun('LOG'), { flat: image })).toThrow(/logarithmic/);
  });
});

describe('preprocessView composed with FDK', () => {
  it('reconstructs from dark/flat-corrected, 2×2-binned views of an odd detector: marker in place, body attenuation right', () => {
    const [columns, rows] = [161, 121];
    const g: ConeBeamGeometry = {
      views: Array.from({ length: 120 }, (_, i) => ({ primaryDeg: -180 + 3 * i, secondaryDeg: 0, sid: 1200, sod: 800 })),
      detector: { columns, rows, pixelMm: [0.9, 0.9] },
    };
    const phantom = defaultPhantom();
    const offset = Float32Array.from({ length: columns * rows }, (_, n) => 200 + (n % columns) + 80 * Math.cos(Math.floor(n / columns) / 7));
    const gain = Float32Array.from({ length: columns * rows }, (_, n) => ((n % columns) < 80 ? 1 : 0.8) * (1.1 - 0.3 * (Math.floor(n / columns) / rows)));
    const i0 = 30000;
    const dark = offset;
    const flat = Float32Array.from(gain, (k, n) => offset[n] + k * i0);

    const { run: binned, preprocessing } = preprocessRun({ geometry: g, intensity: 'LIN' }, { dark, flat, binning: 2 });
    const views = g.views.map((view) => {
      const measured = Float32Array.from(projectEllipsoidsView(view, g.detector, phantom), (p, n) => offset[n] + gain[n] * i0 * Math.exp(-p));
      return preprocessView(measured, preprocessing!);
    });
    const { columns: bc, rows: br } = binned.geometry.detector;
    const air = estimateI0(views[0], bc, br);
    expect(air).toBeCloseTo(1, 3);

    const grid = defaultReconGrid(binned.geometry, { size: [48, 48, 48], spacing: 2 });
    const volume = fdkReconstruct(binned.geometry, (i) => toLineIntegrals(views[i], air), grid, { window: 'hann' });
    const [nx, ny] = grid.dimensions;
    let peak = 0;
    for (let n = 1; n < volume.length; n++) if (volume[n] > volume[peak]) peak = n;
    const at = transformPoint(grid.ijkToLps, [peak % nx, Math.floor(peak / nx) % ny, Math.floor(peak / (nx * ny))]);
    expect(Math.hypot(at[0] - MARKER_A[0], at[1] - MARKER_A[1], at[2] - MARKER_A[2])).toBeLessThanOrEqual(2 * Math.sqrt(3));

    // The body between the markers: the mean over a 5×5×5 block at (−15, 10, 0) mm.
    const centre = [-15, 10, 0].map((x, axis) => Math.round(x / 2 + (grid.dimensions[axis] - 1) / 2));
    let sum = 0;
    for (let dk = -2; dk <= 2; dk++) for (let dj = -2; dj <= 2; dj++) for (let di = -2; di <= 2; di++) sum += volume[((centre[2] + dk) * ny + centre[1] + dj) * nx + centre[0] + di];
    expect(Math.abs(sum / 125 / muFromHu(BODY_HU) - 1)).toBeLessThan(0.03);
  });
});
