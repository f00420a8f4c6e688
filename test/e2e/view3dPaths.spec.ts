/**
 * Paths in the 3D view, in Chromium through the loopback harness, on the phantom's known
 * geometry: imported paths must show as tubes in their colours where their points project
 * (over the volume rendering and over the isosurface), and a click with the path tool on
 * marker A (a 10 mm sphere of 1000 HU at LPS (20, −15, 15)) must place a control point on
 * its surface. Where a point lands on screen is found from the markers themselves: seen
 * from the front (the reset view), the plane y = −15 mm through both marker centres is
 * parallel to the screen, so it maps to pixels by a similarity fixed by the two blobs.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { samplePath } from '../../shared/curve/samplePath';
import { writeMarkups } from '../../shared/io/markups';
import { transformPoint } from '../../shared/math/mat4';
import { distance, type Vec3 } from '../../shared/math/vec3';
import { pathTubeSizes } from '../../renderer/viewers/volume3d/pathTubes';
import { MARKER_A, MARKER_A_RADIUS, MARKER_B } from '../fixtures/phantom';
import { writeVolumePhantom, type VolumePhantomTruth } from '../fixtures/volumePhantom';
import { chromiumInstalled, harnessBuilt, launchChromium, openHarnessPage, screenshotPath, startHarness, type Harness } from './harness';
import { findBlobs, screenshotRgba, type Blob } from './pixels';

const ready = harnessBuilt && chromiumInstalled;
const reason = !harnessBuilt ? '(needs `npm run build`)' : !chromiumInstalled ? '(needs /usr/bin/chromium)' : '';

/** Both in the markers' plane y = −15 mm. Imported in this order, so the second is the active path. */
const UPPER: Vec3[] = [[-30, -15, 35], [30, -15, 35]];
const ARCH: Vec3[] = [[-30, -15, -5], [0, -15, 5], [30, -15, -5]];
/** PathStore's first two colours: #4fc3f7 (drawn at 0.65 while inactive) and #ff8a65. */
type Rgb = { r: number; g: number; b: number };
const isCyan = ({ r, g, b }: Rgb): boolean => b > r + 50 && g > r + 30;
const isOrange = ({ r, g, b }: Rgb): boolean => r > 120 && r > g + 40 && g > b - 10;
/** The bone preset draws the 1000 HU markers near white: bright in every channel. */
const isMarker = ({ r, g, b }: Rgb): boolean => Math.min(r, g, b) > 100 && r - b < 80;

interface Shot {
  width: number;
  height: number;
  at(x: number, y: number): Rgb;
}

/** Pixels of the 3D rendering only: the controls and letters drawn over it hide for the screenshot. */
async function render3d(page: Page, file?: string): Promise<Shot> {
  const overlays = (visibility: string) =>
    page.evaluate((v) => document.querySelectorAll<HTMLElement>('.view3d-toolbar, .view3d-orient, .view3d-info, .view3d-status, .view3d-notice').forEach((e) => (e.style.visibility = v)), visibility);
  await overlays('hidden');
  const { width, height, data } = await screenshotRgba(page.getByTestId('view3d-canvas-host'), file ? screenshotPath(file) : undefined);
  await overlays('');
  return {
    width,
    height,
    at: (x, y) => {
      const i = 4 * (Math.round(x) + Math.round(y) * width);
      return { r: data[i]!, g: data[i + 1]!, b: data[i + 2]! };
    },
  };
}

function blobsOf(shot: Shot, test: (c: Rgb) => boolean): Blob[] {
  return findBlobs(shot.width, shot.height, (x, y) => test(shot.at(x, y)));
}

/** Whether any pixel within `radius` px of (x, y) passes the test. */
function near(shot: Shot, [x, y]: [number, number], test: (c: Rgb) => boolean, radius = 3): boolean {
  for (let dy = -radius; dy <= radius; dy++)
    for (let dx = -radius; dx <= radius; dx++) {
      const px = Math.round(x + dx);
      const py = Math.round(y + dy);
      if (px >= 0 && py >= 0 && px < shot.width && py < shot.height && test(shot.at(px, py))) return true;
    }
  return false;
}

/** Screen position of a point in the plane y = −15 mm, from the two marker blobs (A right of and above B). */
function planeToScreen(a: Blob, b: Blob): { toScreen: (p: Vec3) => [number, number]; pxPerMm: number } {
  const pxPerMm = Math.hypot(a.cx - b.cx, a.cy - b.cy) / distance(MARKER_A, MARKER_B);
  // Seen from the front: patient left (+x) is screen right, superior (+z) is screen up.
  return { pxPerMm, toScreen: (p) => [b.cx + (p[0] - MARKER_B[0]) * pxPerMm, b.cy - (p[2] - MARKER_B[2]) * pxPerMm] };
}

/** Marker A and B blobs once the bone rendering shows them: A is the one on the right (patient left), even with a path point drawn over it. */
async function markerBlobs(page: Page): Promise<[Blob, Blob]> {
  await expect.poll(async () => blobsOf(await render3d(page), isMarker).filter((bl) => bl.area > 20).length, { timeout: 20_000 }).toBe(2);
  const [a, b] = blobsOf(await render3d(page), isMarker).slice(0, 2).sort((p, q) => q.cx - p.cx);
  return [a!, b!];
}

async function setMode(page: Page, mode: 'Volume' | 'Isosurface'): Promise<void> {
  await page.getByTestId('view3d-mode').getByRole('button', { name: mode }).click();
  if (mode === 'Isosurface') await page.getByTestId('view3d-surface-info').waitFor({ timeout: 30_000 });
}

/** A shortcut key for the app: the 3D toolbar keeps keys typed into its controls, so nothing may be focused there. */
async function press(page: Page, key: string): Promise<void> {
  await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
  await page.keyboard.press(key);
}

async function lastPick(page: Page): Promise<string | null> {
  return page.getByTestId('view3d').getAttribute('data-pick');
}

async function fps(page: Page): Promise<number> {
  return page.evaluate(() => (window.__lumenPerf!.view3dFps as (frames: number) => Promise<number>)(20));
}

describe.skipIf(!ready)(`3D view paths ${reason}`, () => {
  let browser: Browser;
  let harness: Harness;
  let page: Page;
  let root: string;
  let truth: VolumePhantomTruth;
  let problems: string[] = [];
  /** Marker blobs before any path was drawn. */
  let bareA: Blob;
  let bareB: Blob;

  beforeAll(async () => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'lumen-view3d-paths-'));
    truth = writeVolumePhantom({ dir: path.join(root, 'rotated'), orientation: 'rotated', size: [110, 110, 72], spacing: [1, 1, 1.5], seriesDescription: 'Phantom rotated' });
    fs.writeFileSync(path.join(root, 'paths.mrk.json'), writeMarkups([{ name: 'Upper', closed: false, points: UPPER }, { name: 'Arch', closed: false, points: ARCH }]));
    [harness, browser] = await Promise.all([startHarness({ folder: root }), launchChromium()]);
    ({ page, problems } = await openHarnessPage(browser, harness));
    await page.locator(`[data-testid=series-card][data-series-uid="${truth.seriesInstanceUid}"]`).click();
    await page.getByTestId('volume-workspace').waitFor({ timeout: 30_000 });
    await page.getByTestId('view3d-canvas-host').waitFor();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await harness?.stop();
    if (root) fs.rmSync(root, { recursive: true, force: true });
  });

  it('draws imported paths as tubes in their colours where their points project, the active one thicker, over the volume and the isosurface', async () => {
    expect(await page.getByTestId('view3d-preset').inputValue()).toBe('ct-bone');
    [bareA, bareB] = await markerBlobs(page);
    const volumeFps = await fps(page);
    await setMode(page, 'Isosurface');
    await markerBlobs(page);
    const surfaceFps = await fps(page);
    await setMode(page, 'Volume');

    // The import lives in the Reformat workspace (S opens and closes it); the 3D view comes back with the paths.
    await press(page, 's');
    await page.getByTestId('import-path-file').setInputFiles(path.join(root, 'paths.mrk.json'));
    await page.locator('[data-testid^=path-item-]').nth(1).waitFor();
    await press(page, 's');
    await page.getByTestId('view3d-canvas-host').waitFor();
    const [a] = await markerBlobs(page);
    // Same reset camera as before the import: the markers have not moved.
    expect(Math.hypot(a.cx - bareA.cx, a.cy - bareA.cy)).toBeLessThan(1.5);
    // Closer, so the tubes are several pixels across.
    const view = (await page.getByTestId('view3d-canvas-host').boundingBox())!;
    await page.mouse.move(view.x + view.width / 2, view.y + view.height / 2);
    // vtk.js dollies by a fixed 10 % per wheel event, whatever its delta.
    for (let n = 0; n < 10; n++) await page.mouse.wheel(0, -100);
    await expect.poll(async () => planeToScreen(...(await markerBlobs(page))).pxPerMm).toBeGreaterThan(2.5);

    // Tube radii follow the volume's size: the diagonal of its voxel-centre box in LPS.
    const [ni, nj, nk] = truth.dimensions.map((n) => n - 1);
    const corners = [0, 1, 2, 3, 4, 5, 6, 7].map((c) => transformPoint(truth.ijkToLps, [c & 1 ? ni! : 0, c & 2 ? nj! : 0, c & 4 ? nk! : 0]));
    const sizes = pathTubeSizes(Math.hypot(...[0, 1, 2].map((a) => Math.max(...corners.map((p) => p[a]!)) - Math.min(...corners.map((p) => p[a]!)))));
    const arch = samplePath(ARCH, { step: 5 }).samples.map((s) => s.point);
    const upper = samplePath(UPPER, { step: 5 }).samples.map((s) => s.point);
    for (const mode of ['Volume', 'Isosurface'] as const) {
      await setMode(page, mode);
      const { toScreen, pxPerMm } = planeToScreen(...(await markerBlobs(page)));
      const shot = await render3d(page, `view3d-paths-${mode.toLowerCase()}.png`);
      const missing = [...arch.filter((p) => !near(shot, toScreen(p), isOrange)), ...upper.filter((p) => !near(shot, toScreen(p), isCyan))];
      expect(missing, `${mode}: no tube at ${JSON.stringify(missing)}`).toEqual([]);
      // Nothing of either tube 10 mm off them, between the two.
      for (const p of [[-20, -15, 20], [10, -15, 22], [0, -15, -10]] as Vec3[]) {
        expect(near(shot, toScreen(p), (c) => isOrange(c) || isCyan(c), 2), `${mode}: a tube at ${p.join(', ')}`).toBe(false);
      }
      // Across each tube at x = −15 mm: both as wide as their radii in mm say (±2 px), the active one thicker.
      const column = Math.round(toScreen([-15, -15, 0])[0]);
      const across = (test: (c: Rgb) => boolean): number => Array.from({ length: shot.height }, (_, y) => test(shot.at(column, y))).filter(Boolean).length / pxPerMm;
      const [orangeMm, cyanMm] = [across(isOrange), across(isCyan)];
      console.log(`${mode}: tubes ${orangeMm.toFixed(2)} mm (active) and ${cyanMm.toFixed(2)} mm across at ${pxPerMm.toFixed(2)} px/mm`);
      expect(Math.abs(orangeMm - 2 * sizes.activeTube), `${mode}: orange ${orangeMm} mm across`).toBeLessThan(2 / pxPerMm);
      expect(Math.abs(cyanMm - 2 * sizes.tube), `${mode}: cyan ${cyanMm} mm across`).toBeLessThan(2 / pxPerMm);
      expect(orangeMm).toBeGreaterThan(cyanMm * 1.2);
    }
    await page.getByTestId('view3d-reset').click();
    await setMode(page, 'Isosurface');
    const surfacePathFps = await fps(page);
    await setMode(page, 'Volume');
    const volumePathFps = await fps(page);
    const ms = (f: number): string => (1000 / f).toFixed(1);
    console.log(
      `3D frame, SwiftShader: volume ${ms(volumeFps)} → ${ms(volumePathFps)} ms with the two paths; isosurface ${ms(surfaceFps)} → ${ms(surfacePathFps)} ms`,
    );
    expect(problems).toEqual([]);
  });

  it('with the path tool, a click on marker A places a point on its surface; a drag turns the camera; a miss says so', async () => {
    const host = page.getByTestId('view3d-canvas-host');
    const box = (await host.boundingBox())!;
    const { toScreen } = planeToScreen(bareA, bareB);
    const click = async (x: number, y: number): Promise<void> => page.mouse.click(box.x + x, box.y + y);

    // Without the path tool a click places nothing.
    await press(page, 'c');
    await click(bareA.cx, bareA.cy);
    expect(await lastPick(page)).toBeNull();

    await press(page, 'a');
    expect(await page.getByTestId('view3d').getAttribute('class')).toContain('is-placing');
    // The body is transparent in the bone preset: between the markers and the tubes, nothing is hit.
    const [ex, ey] = toScreen([-30, -15, 20]);
    await click(ex, ey);
    await expect.poll(() => lastPick(page)).toBe('none');
    expect(await page.getByTestId('view3d-pick-notice').textContent()).toBe('No surface under the cursor');
    await page.screenshot({ path: screenshotPath('view3d-pick-miss.png') });

    // A drag from marker A turns the camera and places nothing.
    await page.mouse.move(box.x + bareA.cx, box.y + bareA.cy);
    await page.mouse.down();
    await page.mouse.move(box.x + bareA.cx + 40, box.y + bareA.cy, { steps: 5 });
    await page.mouse.up();
    expect(await lastPick(page)).toBe('none');
    const [turnedA] = await markerBlobs(page);
    expect(Math.hypot(turnedA.cx - bareA.cx, turnedA.cy - bareA.cy)).toBeGreaterThan(3);
    await page.getByTestId('view3d-reset').click();
    const [a] = await markerBlobs(page);
    expect(Math.hypot(a.cx - bareA.cx, a.cy - bareA.cy)).toBeLessThan(1.5);

    for (const mode of ['Volume', 'Isosurface'] as const) {
      await setMode(page, mode);
      const [markerA] = await markerBlobs(page);
      const before = await lastPick(page);
      await click(markerA.cx, markerA.cy);
      await expect.poll(() => lastPick(page)).not.toBe(before);
      const point = (await lastPick(page))!.split(',').map(Number) as Vec3;
      const pickMs = await page.getByTestId('view3d').getAttribute('data-pick-ms');
      console.log(`${mode} pick: (${point.map((c) => c.toFixed(2)).join(', ')}), ${distance(point, MARKER_A).toFixed(2)} mm from marker A's centre, ${pickMs} ms`);
      // On the marker's surface, on the side facing the camera (anterior, −y).
      expect(Math.abs(distance(point, MARKER_A) - MARKER_A_RADIUS)).toBeLessThanOrEqual(1.5);
      expect(point[1]).toBeLessThan(MARKER_A[1] - 2);
      // The new control point shows as the active path's sphere, on the marker where it was clicked.
      const shot = await render3d(page, `view3d-pick-${mode.toLowerCase()}.png`);
      expect(near(shot, [markerA.cx, markerA.cy], isOrange, 4)).toBe(true);
    }
    await setMode(page, 'Volume');
    await press(page, 'c');
    expect(problems).toEqual([]);
  });
});
