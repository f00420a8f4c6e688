/**
 * The preprocessing options of reconstructRun through the worker pool: an Enhanced XA run
 * (per-frame distances, image-intensifier receptor) written with a detector offset and
 * gain pattern, reconstructed with its dark and flat images, 2×2 binning and the HU
 * scale, against the single-threaded pure pipeline on the same pixels and against the
 * phantom's own HU.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { newUid } from '../../shared/dicom/uid';
import { writeDicom } from '../../shared/dicom/writeDicom';
import { transformPoint } from '../../shared/math/mat4';
import { fdkReconstruct, fieldOfViewMask } from '../../shared/recon/fdk';
import { toHounsfield } from '../../shared/recon/huScale';
import { toLineIntegrals } from '../../shared/recon/lineIntegrals';
import { preprocessRun, preprocessView } from '../../shared/recon/viewPreprocessing';
import { BODY_HU, defaultPhantom, MU_WATER } from '../../test/fixtures/phantom';
import { projectEllipsoidsView } from '../../test/fixtures/projectEllipsoids';
import { enhancedXaRunElements, sweepIncrements } from '../../test/fixtures/rotationalRun';
import { peakAndWorst, poolAndTmpDir, rotationalRunOfFile } from '../../test/support/reconstructionTests';
import { reconGridFor, reconstructRun } from './ReconstructionService';

const { pool, tmp } = poolAndTmpDir('lumen-recon-preprocessing-');

const [columns, rows] = [65, 49];
const frames = 40;
const i0 = 20000;
const sid = 1200;
/** The isocentre distance sags by 1 mm over the spin: per-frame values, within the tolerance. */
const sod = Array.from({ length: frames }, (_, f) => 800 + f / (frames - 1));
const offset = Float32Array.from({ length: columns * rows }, (_, n) => 400 + 3 * (n % columns) + 100 * Math.sin(Math.floor(n / columns) / 5));
const gain = Float32Array.from({ length: columns * rows }, (_, n) => ((n % columns) < 32 ? 1 : 0.75) * (1.15 - 0.3 * (Math.floor(n / columns) / rows)));
const dark = offset;
const flat = Float32Array.from(gain, (k, n) => offset[n] + k * i0);

/** The run's pixels: the phantom's exact projections through that detector, as 16-bit counts. */
const increments = sweepIncrements(frames, 220);
const views = increments.map((inc, f) => ({ primaryDeg: -110 + inc, secondaryDeg: 0, sid, sod: Number(Math.fround(sod[f]).toPrecision(7)) }));
const pixels = new Uint16Array(frames * columns * rows);
views.forEach((view, f) => {
  const integrals = projectEllipsoidsView(view, { columns, rows, pixelMm: [2.4, 2.4] }, defaultPhantom());
  integrals.forEach((p, n) => (pixels[f * columns * rows + n] = Math.round(offset[n] + gain[n] * i0 * Math.exp(-p))));
});
const file = path.join(tmp, 'enhanced-run.dcm');
fs.writeFileSync(
  file,
  writeDicom(
    enhancedXaRunElements(
      { sopInstanceUid: newUid(), seriesInstanceUid: newUid(), studyInstanceUid: newUid(), description: 'Enhanced spin', patientName: 'Phantom^Enhanced', patientId: 'PHANTOM-EXA', sid, sod: 800, pixelMm: 2.4, startDeg: -110, secondaryDeg: 0, increments, columns, rows, intensity: 'LIN' },
      pixels,
      { sid: [sid], sod, receptor: 'IMG_INTENSIFIER' },
    ),
  ),
);
const run = rotationalRunOfFile(file);
const params = { size: [40, 40, 36] as [number, number, number], spacing: 2.5, window: 'hann' as const };
const budgetBytes = 2 ** 30;

describe('reconstructRun with dark/flat, binning and HU', () => {
  it('reads the Enhanced run’s per-frame distances and warns about the intensifier', () => {
    expect(run.geometry.views.map((v) => [v.sid, v.sod])).toEqual(views.map((v) => [v.sid, v.sod]));
    expect(run.warnings).toEqual([]);
    expect(run.notes.imageIntensifier).toBe(true);
  });

  it('equals the single-threaded pipeline on the same pixels (correct, bin, line integrals, FDK)', async () => {
    const pooled = await reconstructRun({ pool, budgetBytes, batchViews: 9 }, run, { ...params, dark, flat, binning: 2 });
    expect(pooled.report.warnings.join(' ')).toMatch(/image intensifier/);
    expect(pooled.i0).toBeCloseTo(1, 2);
    const { run: binned, preprocessing } = preprocessRun(run, { dark, flat, binning: 2 });
    expect(binned.geometry.detector).toMatchObject({ columns: 32, rows: 24, offsetMm: [1.2, 1.2] });
    const grid = reconGridFor(binned.geometry, params);
    const reference = fdkReconstruct(
      binned.geometry,
      (f) => toLineIntegrals(preprocessView(Float32Array.from(pixels.subarray(f * columns * rows, (f + 1) * columns * rows)), preprocessing!), pooled.i0),
      grid,
      { window: 'hann' },
    );
    const { peak, worst } = peakAndWorst(pooled.voxels, reference);
    expect(peak).toBeGreaterThan(0.02);
    expect(worst / peak).toBeLessThan(1e-5);
  });

  it('outputs HU: the body reads its 40 HU, outside the field of view reads air', async () => {
    const pooled = await reconstructRun({ pool, budgetBytes }, run, { ...params, dark, flat, binning: 2, hu: { muWater: MU_WATER } });
    expect(pooled.hu).toEqual({ muWater: MU_WATER, source: 'given' });
    const { grid, voxels } = pooled;
    const [nx, ny, nz] = grid.dimensions;
    const mask = fieldOfViewMask(preprocessRun(run, { binning: 2 }).run.geometry, grid);
    const body: number[] = [];
    for (let k = 0; k < nz; k++) {
      for (let j = 0; j < ny; j++) {
        for (let i = 0; i < nx; i++) {
          const n = (k * ny + j) * nx + i;
          if (!mask[n]) {
            expect(voxels[n]).toBe(-1000);
            continue;
          }
          // Inside the body ellipsoid (40, 30, 44) shrunk by 8 mm, away from the markers (MARKER_A, MARKER_B).
          const [x, y, z] = transformPoint(grid.ijkToLps, [i, j, k]);
          const inBody = (x / 32) ** 2 + (y / 22) ** 2 + (z / 36) ** 2 < 1;
          const nearMarker = Math.hypot(x - 20, y + 15, z - 15) < 12 || Math.hypot(x + 10, y + 15, z + 25) < 11;
          if (inBody && !nearMarker) body.push(voxels[n]);
        }
      }
    }
    expect(body.length).toBeGreaterThan(1000);
    const mean = body.reduce((a, b) => a + b, 0) / body.length;
    expect(Math.abs(mean - BODY_HU)).toBeLessThan(15);
    // The same volume in μ, scaled: HU is applied after everything else.
    const mu = await reconstructRun({ pool, budgetBytes }, run, { ...params, dark, flat, binning: 2 });
    const expected = toHounsfield(mu.voxels, MU_WATER, new Float32Array(mu.voxels.length));
    let worst = 0;
    expected.forEach((v, n) => (worst = Math.max(worst, Math.abs(voxels[n] - v))));
    expect(worst).toBeLessThan(0.01);
  });

  it('refuses dark/flat images of another size, or binning that does not fit', async () => {
    await expect(reconstructRun({ pool, budgetBytes }, run, { ...params, flat: new Float32Array(100) })).rejects.toMatchObject({ code: 'invalid-request' });
    await expect(reconstructRun({ pool, budgetBytes }, run, { ...params, binning: 0 })).rejects.toMatchObject({ code: 'invalid-request' });
  });
});
