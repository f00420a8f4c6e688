/**
 * A volume in linear attenuation (μ, mm⁻¹, 0…0.05), as Lumen exports a reconstruction:
 * CT Image Storage with Rescale Type US and a rescale slope of ~10⁻⁵. The slice views must
 * open it on a window that fits its values (not HU presets, not a window stretched by one
 * outlier), draw a grey ramp, print W/L and probe values with digits that mean something,
 * and let a right-drag change the window. Truth: the phantom's analytic values.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { fromAxes } from '../../shared/math/mat4';
import { writeVolumeSeries } from '../../shared/dicom/writeVolumeSeries';
import { windowToByte } from '../../renderer/viewers/windowLevel';
import { chromiumInstalled, harnessBuilt, launchChromium, openHarnessPage, screenshotPath, startHarness, type Harness } from './harness';
import { canvasGrey, screenshotRgba } from './pixels';

const ready = harnessBuilt && chromiumInstalled;
const reason = !harnessBuilt ? '(needs `npm run build`)' : !chromiumInstalled ? '(needs /usr/bin/chromium)' : '';

const [NX, NY, NZ] = [96, 96, 24];
const ORIGIN: [number, number, number] = [-47.5, -47.5, -23];
const MU_MAX = 0.05;
/** A 3³-voxel "metal bead": 27 voxels of 221 184, far above the ramp; a full-range window would make the ramp near-black. */
const BEAD_MU = 0.4;
/** The ramp: μ rises linearly with the column (patient x, screen right in the axial view). */
const muAtX = (x: number): number => (MU_MAX * Math.min(NX - 1, Math.max(0, Math.round(x - ORIGIN[0])))) / (NX - 1);

function writeMuVolume(dir: string): string {
  const voxels = new Float32Array(NX * NY * NZ);
  for (let k = 0; k < NZ; k++) for (let j = 0; j < NY; j++) for (let i = 0; i < NX; i++) voxels[i + NX * (j + NY * k)] = (MU_MAX * i) / (NX - 1);
  for (let k = 2; k < 5; k++) for (let j = 2; j < 5; j++) for (let i = 2; i < 5; i++) voxels[i + NX * (j + NY * k)] = BEAD_MU;
  const series = writeVolumeSeries(
    { dimensions: [NX, NY, NZ], ijkToLps: fromAxes([1, 0, 0], [0, 1, 0], [0, 0, 2], ORIGIN), voxels },
    { patientName: 'Phantom^Attenuation', patientId: 'MU-1', studyInstanceUid: '1.2.826.0.1.3680043.8.498.424242', seriesDescription: 'Attenuation ramp (mm-1)', rescaleType: 'US' },
  );
  fs.mkdirSync(dir, { recursive: true });
  for (let k = 0; k < series.count; k++) {
    const file = series.fileAt(k);
    fs.writeFileSync(path.join(dir, file.name), file.bytes);
  }
  return series.seriesInstanceUid;
}

async function windowShown(page: Page): Promise<{ width: number; center: number; text: string }> {
  const text = (await page.locator('[data-testid=view-axial] [data-testid=view-window]').textContent()) ?? '';
  const match = /^W (\S+) L (\S+)/.exec(text);
  if (!match) throw new Error(`no window in "${text}"`);
  return { width: Number(match[1]), center: Number(match[2]), text };
}

describe.skipIf(!ready)(`a μ (mm⁻¹) volume in the slice views ${reason}`, () => {
  let browser: Browser;
  let harness: Harness;
  let page: Page;
  let root: string;
  let problems: string[] = [];
  let seriesUid: string;

  beforeAll(async () => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'lumen-float-volume-'));
    seriesUid = writeMuVolume(path.join(root, 'mu'));
    [harness, browser] = await Promise.all([startHarness({ folder: root }), launchChromium()]);
    ({ page, problems } = await openHarnessPage(browser, harness));
    await page.locator(`[data-testid=series-card][data-series-uid="${seriesUid}"]`).click();
    await page.getByTestId('volume-workspace').waitFor({ timeout: 30_000 });
    await page.waitForFunction(() => ['axial', 'coronal', 'sagittal'].every((v) => ((document.querySelector(`[data-testid=canvas-${v}]`) as HTMLCanvasElement | null)?.width ?? 0) > 100));
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await harness?.stop();
    if (root) fs.rmSync(root, { recursive: true, force: true });
  });

  /** Grey levels along the canvas row through the view's centre, and where the probe puts that row's pixels in x (mm). */
  const centreRow = async (): Promise<{ greys: number[]; xOf: (column: number) => Promise<number> }> => {
    const image = await canvasGrey(page, '[data-testid=canvas-axial]');
    const row = Math.floor(image.height / 2);
    const greys = Array.from(image.data.subarray(row * image.width, (row + 1) * image.width));
    const box = (await page.getByTestId('canvas-axial').boundingBox())!;
    const xOf = async (column: number): Promise<number> => {
      await page.mouse.move(box.x + column + 0.5, box.y + row + 0.5);
      await expect.poll(() => page.locator('[data-testid=view-axial] [data-testid=probe-position]').count()).toBe(1);
      const position = (await page.locator('[data-testid=view-axial] [data-testid=probe-position]').textContent()) ?? '';
      return Number(position.split(',')[0]);
    };
    return { greys, xOf };
  };

  it('opens on a window fitted to the ramp, printed with four decimals, and draws a grey ramp', async () => {
    const shown = await windowShown(page);
    expect(shown.text).toMatch(/^W 0\.0\d{3} L 0\.0\d{3}/);
    // The 0.5th–99.5th percentile of the values: the ramp (0…0.05), not the bead (0.4).
    expect(shown.width).toBeGreaterThan(0.045);
    expect(shown.width).toBeLessThan(0.052);
    expect(Math.abs(shown.center - MU_MAX / 2)).toBeLessThan(0.002);
    await page.screenshot({ path: screenshotPath('float-volume.png') });

    const { greys, xOf } = await centreRow();
    const distinct = new Set(greys);
    expect(distinct.size, 'distinct grey levels along the centre row').toBeGreaterThan(60);
    expect(Math.max(...greys)).toBeGreaterThan(245);
    // Where the probe says a pixel is, its grey is the LINEAR_EXACT window of the phantom's μ there.
    for (const fraction of [0.3, 0.5, 0.7]) {
      const column = Math.round(greys.length * fraction);
      const x = await xOf(column);
      const expected = windowToByte(muAtX(x), shown.center, shown.width, 'LINEAR_EXACT');
      // One voxel of the ramp is 2.7 grey levels; the canvas smooths across voxel edges.
      expect(Math.abs(greys[column]! - expected), `column ${column} at x=${x} mm`).toBeLessThanOrEqual(4);
      const probe = (await page.locator('[data-testid=view-axial] [data-testid=probe-value]').textContent()) ?? '';
      expect(probe.trim()).toMatch(/^0\.0\d{3}$/); // μ, not "0", and no "HU"
      expect(Math.abs(Number(probe) - muAtX(x))).toBeLessThan(0.0001);
    }
  });

  it('right-drag widens the window (horizontal) and moves the level (vertical), and the image follows', async () => {
    const before = await windowShown(page);
    const box = (await page.getByTestId('view-axial').boundingBox())!;
    const [x0, y0] = [box.x + box.width / 2, box.y + box.height / 2];
    await page.mouse.move(x0, y0);
    await page.mouse.down({ button: 'right' });
    await page.mouse.move(x0 + 120, y0, { steps: 10 });
    await page.mouse.up({ button: 'right' });
    const wider = await windowShown(page);
    // Each pixel widens the window by 1/256 of itself: 120 px ≈ ×1.6.
    expect(wider.width / before.width).toBeGreaterThan(1.3);
    expect(wider.width / before.width).toBeLessThan(2);
    expect(wider.center).toBeCloseTo(before.center, 4);
    expect(wider.text).toMatch(/^W 0\.0\d{3} L 0\.0\d{3}/);

    await page.mouse.move(x0, y0);
    await page.mouse.down({ button: 'right' });
    await page.mouse.move(x0, y0 + 60, { steps: 6 });
    await page.mouse.up({ button: 'right' });
    const lower = await windowShown(page);
    expect(lower.center - wider.center).toBeGreaterThan(0.005);
    await page.screenshot({ path: screenshotPath('float-volume-dragged.png') });

    const { greys, xOf } = await centreRow();
    const column = Math.round(greys.length / 2);
    const expected = windowToByte(muAtX(await xOf(column)), lower.center, lower.width, 'LINEAR_EXACT');
    expect(Math.abs(greys[column]! - expected)).toBeLessThanOrEqual(4);
    expect(problems).toEqual([]);
  });

  it('the 3D view renders the bright end of the ramp with the data-derived preset, on the patient-left side', async () => {
    await page.getByTestId('view3d-preset').selectOption('auto');
    const host = page.getByTestId('view3d-canvas-host');
    // Only the rendering is measured: the controls and letters drawn over it hide for the screenshot.
    const overlays = (visibility: string) => page.evaluate((v) => document.querySelectorAll<HTMLElement>('.view3d-toolbar, .view3d-orient, .view3d-info, .view3d-status, .view3d-quality').forEach((e) => (e.style.visibility = v)), visibility);
    const rendered = async (): Promise<{ fraction: number; cx: number }> => {
      await overlays('hidden');
      const shot = await screenshotRgba(host);
      await overlays('');
      const bg = [0, 1, 2].map((c) => shot.data[4 * (1 + shot.width) + c]!);
      let lit = 0;
      let sumX = 0;
      for (let y = 1; y < shot.height - 1; y++) {
        for (let x = 1; x < shot.width - 1; x++) {
          const p = 4 * (x + y * shot.width);
          if ([0, 1, 2].some((c) => Math.abs(shot.data[p + c]! - bg[c]!) > 40)) {
            lit++;
            sumX += x;
          }
        }
      }
      return { fraction: lit / (shot.width * shot.height), cx: lit ? sumX / lit / shot.width : 0 };
    };
    expect(await page.getByTestId('view3d-orient-right').textContent()).toBe('L');
    await expect.poll(async () => (await rendered()).fraction, { timeout: 20_000 }).toBeGreaterThan(0.01);
    // μ rises towards the patient's left (+x): the opaque part of the ramp is right of centre.
    expect((await rendered()).cx).toBeGreaterThan(0.55);
    await host.screenshot({ path: screenshotPath('float-volume-3d.png') });
  });
});
