/**
 * "Reconstruct…" end to end in Chromium through the loopback harness, on a C-arm spin of the
 * asymmetric analytic phantom (one XA multi-frame file, test/fixtures/rotationalRun.ts): the
 * panel reports the spin's geometry, the automatic preview shows the body's cross-sections at
 * their true proportions, the full reconstruction opens in the 3-up with marker A (a 10 mm
 * sphere at LPS (20, −15, 15), twice water's attenuation in a body of 1.04 times it) where
 * the body's own outline says it must be and at its HU (μ water estimated from the volume:
 * the body reads 0), the NRRD export reads back with the marker at its LPS position, the STL
 * export's largest part surrounds it, an export shows its progress and cancels leaving no file,
 * and a cancelled run leaves the app working.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readNrrd } from '../../shared/io/nrrd';
import { invertAffine, transformPoint } from '../../shared/math/mat4';
import type { Vec3 } from '../../shared/math/vec3';
import { readStl } from '../../shared/io/stl';
import { BODY_HU, MARKER_A, MARKER_HU, muFromHu } from '../fixtures/phantom';
import { writeRotationalRun, type RotationalRunTruth } from '../fixtures/rotationalRun';
import { chromiumInstalled, harnessBuilt, launchChromium, openHarnessPage, screenshotPath, startHarness, type Harness } from './harness';
import { canvasGrey, greyBlobs, type GreyImage } from './pixels';

const ready = harnessBuilt && chromiumInstalled;
const reason = !harnessBuilt ? '(needs `npm run build`)' : !chromiumInstalled ? '(needs /usr/bin/chromium)' : '';

/** Body semi-axes along L, P, S (test/fixtures/phantom.ts). */
const BODY_SEMI: Vec3 = [40, 30, 44];
const FRAMES = 90;
/** HU with the body as water (the histogram's dominant tissue): the body 0, marker A its contrast to the body. */
const MARKER_HU_VS_BODY = 1000 * (muFromHu(MARKER_HU) / muFromHu(BODY_HU) - 1);
const ARC_DEG = 220;

async function text(page: Page, testId: string): Promise<string> {
  return (await page.getByTestId(testId).first().textContent()) ?? '';
}

/** Width / height of the largest region brighter than `threshold`, in canvas pixels. */
function blobAspect(image: GreyImage, threshold: number): number {
  const body = greyBlobs(image, threshold)[0]!;
  return (body.maxX - body.minX + 1) / (body.maxY - body.minY + 1);
}

/** The axial plane's signed height (mm, +S) from the overlay's "S 12.0 mm". */
async function axialDepth(page: Page): Promise<number> {
  const t = (await page.locator('[data-testid=view-axial] [data-testid=slice-position]').textContent()) ?? '';
  const match = /^([SI]) (\d+(?:\.\d+)?) mm$/.exec(t);
  if (!match) throw new Error(`no slice position in "${t}"`);
  return (match[1] === 'S' ? 1 : -1) * Number(match[2]);
}

async function scrollAxialTo(page: Page, target: number): Promise<void> {
  // The Pan tool makes a view active on click without moving the crosshair.
  await page.keyboard.press('p');
  await page.getByTestId('view-axial').click({ position: { x: 5, y: 60 } });
  let previous = await axialDepth(page);
  for (let guard = 0; guard < 200; guard++) {
    await page.keyboard.press(target > previous ? 'ArrowUp' : 'ArrowDown');
    const now = await axialDepth(page);
    const step = Math.abs(now - previous);
    if (step === 0) throw new Error('the axial view did not move');
    if (Math.abs(now - target) <= step / 2 + 1e-6 || Math.sign(target - now) !== Math.sign(target - previous)) return;
    previous = now;
  }
  throw new Error(`could not reach S ${target} mm`);
}

describe.skipIf(!ready)(`Reconstruct panel ${reason}`, () => {
  let browser: Browser;
  let harness: Harness;
  let page: Page;
  let root: string;
  let out: string;
  let truth: RotationalRunTruth;
  let problems: string[] = [];

  beforeAll(async () => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'lumen-reconstruct-'));
    out = fs.mkdtempSync(path.join(os.tmpdir(), 'lumen-reconstruct-out-'));
    truth = writeRotationalRun({ dir: path.join(root, 'spin'), frames: FRAMES, arcDeg: ARC_DEG, detector: [128, 96], pixelMm: 1.6 });
    [harness, browser] = await Promise.all([startHarness({ folder: root }), launchChromium()]);
    ({ page, problems } = await openHarnessPage(browser, harness));
    await page.locator(`[data-testid=series-card][data-series-uid="${truth.seriesInstanceUid}"]`).click();
    await page.getByTestId('projection-cta').waitFor({ timeout: 30_000 });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await harness?.stop();
    for (const dir of [root, out]) if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('"Reconstruct…" reports the spin and previews the body at its true proportions in three orientations', async () => {
    await page.getByTestId('reconstruct-button').click();
    await page.getByTestId('reconstruct-panel').waitFor();
    await expect.poll(() => text(page, 'geometry-views')).toBe(String(FRAMES));
    expect(await text(page, 'geometry-arc')).toBe(`${ARC_DEG.toFixed(1)}° (short scan)`);
    expect(await text(page, 'geometry-magnification')).toBe('1.50×');
    expect(await text(page, 'geometry-detector')).toBe(`${(128 * 1.6).toFixed(0)} × ${(96 * 1.6).toFixed(0)} mm`);
    await expect.poll(() => text(page, 'recon-memory')).toMatch(/^Needs \d.* of memory/);
    expect(await page.getByTestId('recon-scale').inputValue()).toBe('hu');

    await page.locator('[data-testid=reconstruct-preview][data-state=done]').waitFor({ timeout: 60_000 });
    await page.waitForTimeout(200);
    // Central slices through the body (80 × 60 × 88 mm): axial L–R over A–P, coronal L–R over S–I, sagittal A–P over S–I.
    const expected = { axial: BODY_SEMI[0] / BODY_SEMI[1], coronal: BODY_SEMI[0] / BODY_SEMI[2], sagittal: BODY_SEMI[1] / BODY_SEMI[2] };
    for (const view of ['axial', 'coronal', 'sagittal'] as const) {
      const image = await canvasGrey(page, `[data-testid=recon-preview-${view}-canvas]`);
      expect(blobAspect(image, 40) / expected[view]).toBeCloseTo(1, 1);
    }
    await page.screenshot({ path: screenshotPath('reconstruct-panel.png') });
  }, 90_000);

  it('Enter reconstructs the full grid, which opens in the 3-up with marker A where the body says, at its HU', async () => {
    await page.keyboard.press('Enter');
    await page.getByTestId('volume-workspace').waitFor({ timeout: 120_000 });
    await page.waitForFunction(() => ['axial', 'coronal', 'sagittal'].every((v) => ((document.querySelector(`[data-testid=canvas-${v}]`) as HTMLCanvasElement | null)?.width ?? 0) > 100));
    expect(await page.getByTestId('reconstruct-panel').count()).toBe(0);
    const card = page.getByTestId('derived-series-card');
    expect(await card.count()).toBe(1);
    expect(await card.textContent()).toContain('Reconstruction of 3D rotational run (phantom)');
    expect(await card.getAttribute('aria-selected')).toBe('true');

    await scrollAxialTo(page, MARKER_A[2]);
    await page.waitForTimeout(200);
    const image = await canvasGrey(page, '[data-testid=canvas-axial]');
    // Where marker A must be, from the body's outline alone (axial: +L to the right, +P down).
    const body = greyBlobs(image, 60)[0]!;
    const cut = Math.sqrt(1 - (MARKER_A[2] / BODY_SEMI[2]) ** 2);
    const pxPerMm = (body.maxX - body.minX + 1) / (2 * BODY_SEMI[0] * cut);
    const expectedX = (body.minX + body.maxX + 1) / 2 + MARKER_A[0] * pxPerMm;
    const expectedY = (body.minY + body.maxY + 1) / 2 + MARKER_A[1] * pxPerMm;
    const marker = greyBlobs(image, 250)[0]!;
    expect(Math.hypot(marker.cx - expectedX, marker.cy - expectedY) / pxPerMm).toBeLessThan(3);
    // The probe reads the marker's HU there, and about 0 in the body.
    const dpr = await page.evaluate(() => window.devicePixelRatio);
    const box = (await page.getByTestId('view-axial').boundingBox())!;
    await page.mouse.move(box.x + marker.cx / dpr, box.y + marker.cy / dpr);
    await expect.poll(async () => Number.parseFloat(await page.locator('[data-testid=view-axial] [data-testid=probe-value]').textContent() ?? '')).toBeGreaterThan(MARKER_HU_VS_BODY - 150);
    await page.mouse.move(box.x + (body.minX + body.maxX + 1) / 2 / dpr - 10, box.y + (body.minY + body.maxY + 1) / 2 / dpr + 10);
    await expect.poll(async () => Math.abs(Number.parseFloat(await page.locator('[data-testid=view-axial] [data-testid=probe-value]').textContent() ?? ''))).toBeLessThan(40);
    await page.screenshot({ path: screenshotPath('reconstruct-three-up.png') });
  }, 150_000);

  it('Ctrl+E exports the reconstruction as NRRD, which reads back with marker A at its LPS position', async () => {
    await page.keyboard.press('Control+e');
    await page.getByTestId('volume-export').waitFor();
    await page.getByTestId('export-folder').fill(out);
    await page.getByTestId('export-name').fill('recon');
    await page.getByTestId('export-format').selectOption('nrrd');
    expect(await text(page, 'export-target')).toBe(path.join(out, 'recon.nrrd'));
    await page.getByTestId('export-start').click();
    await page.getByTestId('export-done').waitFor({ timeout: 30_000 });
    const image = readNrrd(new Uint8Array(fs.readFileSync(path.join(out, 'recon.nrrd'))));
    const at = (p: Vec3) => {
      const [i, j, k] = transformPoint(invertAffine(image.ijkToLps), p).map(Math.round);
      return image.voxels[i + image.dimensions[0] * (j + image.dimensions[1] * k)];
    };
    expect(Math.abs(at(MARKER_A) - MARKER_HU_VS_BODY)).toBeLessThan(150);
    expect(Math.abs(at([-MARKER_A[0], MARKER_A[1], MARKER_A[2]]))).toBeLessThan(60);
    expect(Math.abs(at([MARKER_A[0], -MARKER_A[1], MARKER_A[2]]))).toBeLessThan(60);
    // The STL surface half-way up to the markers: its largest part is marker A's sphere.
    await page.getByTestId('export-format').selectOption('stl');
    await page.getByTestId('export-name').fill('markers');
    await page.getByTestId('export-threshold').fill(String(Math.round(MARKER_HU_VS_BODY / 2)));
    await page.getByLabel('largest part only').check();
    await page.getByTestId('export-start').click();
    await expect.poll(() => text(page, 'export-done'), { timeout: 30_000 }).toMatch(/triangles.*markers\.stl/);
    const mesh = readStl(new Uint8Array(fs.readFileSync(path.join(out, 'markers.stl'))));
    const vertices = mesh.positions.length / 3;
    const centre = [0, 1, 2].map((c) => mesh.positions.filter((_, n) => n % 3 === c).reduce((a, b) => a + b, 0) / vertices);
    centre.forEach((v, c) => expect(Math.abs(v - MARKER_A[c])).toBeLessThan(1.5));
    await page.screenshot({ path: screenshotPath('reconstruct-export.png') });
    // A DICOM series goes into a new folder; an existing one is refused with a reason.
    await page.getByTestId('export-format').selectOption('dicom');
    await page.getByTestId('export-folder').fill(path.dirname(out));
    await page.getByTestId('export-name').fill(path.basename(out));
    await page.getByTestId('export-start').click();
    await expect.poll(() => text(page, 'export-error')).toMatch(/already exists/);
    await page.keyboard.press('Escape');
    expect(await page.getByTestId('volume-export').count()).toBe(0);
  }, 60_000);

  it('an export runs as a job: its stage and progress show, Esc cancels it leaving no file, and the dialog may close meanwhile', async () => {
    await page.keyboard.press('Control+e');
    await page.getByTestId('volume-export').waitFor();
    await page.getByTestId('export-folder').fill(out);
    await page.getByTestId('export-format').selectOption('stl');
    await page.getByTestId('export-name').fill('body');
    // The body's outline, smoothed 100 times: seconds of work in a worker.
    await page.getByTestId('export-threshold').fill('-500');
    await page.getByTestId('export-smoothing').fill('100');
    await page.getByTestId('export-start').click();
    await page.getByTestId('export-progress').waitFor({ timeout: 10_000 });
    await expect.poll(() => text(page, 'export-stage')).toMatch(/^(Starting|Extracting surface|Smoothing)… \d+%$/);
    await page.screenshot({ path: screenshotPath('reconstruct-export-progress.png') });
    await page.keyboard.press('Escape');
    await expect.poll(() => text(page, 'export-error'), { timeout: 10_000 }).toMatch(/cancelled: nothing was written/);
    expect(await page.getByTestId('export-progress').count()).toBe(0);
    expect(fs.readdirSync(out).filter((f) => f.startsWith('body') || f.startsWith('.'))).toEqual([]);
    // Again, closed while it runs: the toolbar follows it, the viewer answers, and the toolbar opens it again with the result.
    await page.getByTestId('export-start').click();
    await page.getByTestId('export-progress').waitFor({ timeout: 10_000 });
    await page.getByTestId('export-hide').click();
    expect(await page.getByTestId('volume-export').count()).toBe(0);
    await expect.poll(() => text(page, 'export-status')).toMatch(/^(Exporting \d+%|Exported ✓)$/);
    await page.screenshot({ path: screenshotPath('reconstruct-export-status.png') });
    const depth = await axialDepth(page);
    await page.keyboard.press('ArrowUp');
    await expect.poll(() => axialDepth(page)).toBeGreaterThan(depth);
    await expect.poll(() => text(page, 'export-status'), { timeout: 30_000 }).toBe('Exported ✓');
    await page.getByTestId('export-status').click();
    await expect.poll(() => text(page, 'export-done')).toMatch(/triangles.*body\.stl/);
    expect(fs.existsSync(path.join(out, 'body.stl'))).toBe(true);
    await page.keyboard.press('Escape');
    expect(await page.getByTestId('volume-export').count()).toBe(0);
    expect(await page.getByTestId('export-status').count()).toBe(0);
  }, 60_000);

  it('a cancelled reconstruction says so, and the app carries on', async () => {
    await page.locator(`[data-testid=series-card][data-series-uid="${truth.seriesInstanceUid}"]`).click();
    await page.getByTestId('reconstruct-button').click();
    await page.getByTestId('reconstruct-panel').waitFor();
    await expect.poll(() => text(page, 'geometry-views')).toBe(String(FRAMES));
    // A fine grid, slow enough to cancel.
    await page.getByTestId('recon-spacing').fill('0.4');
    await expect.poll(() => text(page, 'recon-memory')).toMatch(/^Needs/);
    await page.getByTestId('recon-start').click();
    await page.getByTestId('recon-progress').waitFor({ timeout: 30_000 });
    await expect.poll(() => page.getByTestId('recon-progress-eta').textContent(), { timeout: 30_000 }).toMatch(/left/);
    await page.screenshot({ path: screenshotPath('reconstruct-progress.png') });
    await page.keyboard.press('Escape');
    await page.getByTestId('recon-cancelled').waitFor({ timeout: 30_000 });
    expect(await page.getByTestId('recon-start').isEnabled()).toBe(true);
    await page.keyboard.press('Escape');
    expect(await page.getByTestId('reconstruct-panel').count()).toBe(0);
    // Still one reconstruction listed, and it opens again.
    expect(await page.getByTestId('derived-series-card').count()).toBe(1);
    await page.getByTestId('derived-series-card').click();
    await page.getByTestId('volume-workspace').waitFor({ timeout: 30_000 });
    expect(problems).toEqual([]);
  }, 120_000);
});
