/**
 * Paths in the 3D view, in Chromium through the loopback harness, on the phantom's known
 * geometry: imported paths must show as tubes in their colours where their points project
 * (over the volume rendering and over the isosurface), and a click with the path tool on
 * marker A (a 10 mm sphere of 1000 HU at LPS (20, −15, 15)) must place a control point on
 * its surface, and a drag from that point onto marker B (8 mm, at (−10, −15, −25)) must carry
 * it onto B's surface, live in the tube and the slice views, as one undo step. Where a point lands on screen is found from the markers themselves: seen
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
import { MARKER_A, MARKER_A_RADIUS, MARKER_B, MARKER_B_RADIUS } from '../fixtures/phantom';
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
const ORANGE = '#ff8a65';
const isCyan = ({ r, g, b }: Rgb): boolean => b > r + 50 && g > r + 30;
const isOrange = ({ r, g, b }: Rgb): boolean => r > 120 && r > g + 40 && g > b - 10;
/** The selected control point: the path's orange whitened (pale salmon), unlike the ivory markers and the orange tube. */
const isSelectedSphere = ({ r, g, b }: Rgb): boolean => r > 150 && r - g >= 30 && r - g <= 80 && g - b >= 5 && g - b <= 30;
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

/** The control points of the path drawn in `colour` as a slice view's overlay draws them: LPS and screen position. */
async function overlayPoints(page: Page, view: 'axial' | 'coronal' | 'sagittal', colour: string): Promise<{ lps: Vec3; x: number; y: number }[]> {
  return page.locator(`[data-testid=view-${view}] .path-glyph[stroke="${colour}"] [data-testid=path-point]`).evaluateAll((circles) =>
    circles.map((c) => ({ lps: c.getAttribute('data-lps')!.split(',').map(Number) as [number, number, number], x: Number(c.getAttribute('cx')), y: Number(c.getAttribute('cy')) })),
  );
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
      // Take it back: a press on a control point takes the point rather than placing another.
      await press(page, 'Control+z');
    }
    await setMode(page, 'Volume');
    await press(page, 'c');
    expect(problems).toEqual([]);
  });

  it('with the path tool, a drag takes a control point from marker A onto marker B: live in the tube and the slice views, Escape cancels, one Ctrl+Z restores it, a locked path stays', async () => {
    const host = page.getByTestId('view3d-canvas-host');
    const box = (await host.boundingBox())!;
    const mouseTo = (p: [number, number], steps = 1): Promise<void> => page.mouse.move(box.x + p[0], box.y + p[1], { steps });
    const arch = async (): Promise<Vec3[]> => (await overlayPoints(page, 'coronal', ORANGE)).map((g) => g.lps);

    await press(page, 'a');
    await page.getByTestId('view3d-reset').click();
    await expect.poll(arch).toEqual(ARCH);
    // Closer, as in the first test, so spans and spheres are several pixels across; mapped by the markers before any point covers them.
    await mouseTo([box.width / 2, box.height / 2]);
    for (let n = 0; n < 10; n++) await page.mouse.wheel(0, -100);
    await expect.poll(async () => planeToScreen(...(await markerBlobs(page))).pxPerMm).toBeGreaterThan(2.5);
    const { toScreen, pxPerMm } = planeToScreen(...(await markerBlobs(page)));
    const lockButton = page.getByTestId(`path-lock-${(await page.locator(`[data-testid=view-coronal] .path-glyph[stroke="${ORANGE}"]`).getAttribute('data-testid'))!.slice('path-'.length)}`);
    await mouseTo(toScreen(MARKER_A));
    await page.mouse.down();
    await page.mouse.up();
    await expect.poll(async () => (await arch()).length).toBe(4);
    const start = (await arch())[3]!;
    expect(Math.abs(distance(start, MARKER_A) - MARKER_A_RADIUS)).toBeLessThanOrEqual(1.5);

    // Over the point, the cursor offers to take it; off it, the path tool's crosshair.
    await mouseTo(toScreen(start));
    await expect.poll(() => host.getAttribute('data-handle')).toBe('grab');
    expect(await host.locator('canvas').evaluate((c) => getComputedStyle(c).cursor)).toBe('grab');
    await mouseTo(toScreen([-15, -15, 15]));
    await expect.poll(() => host.getAttribute('data-handle')).toBeNull();
    expect(await host.locator('canvas').evaluate((c) => getComputedStyle(c).cursor)).toBe('crosshair');

    // The last span of the curve, as the slice views' spline draws it, before and after.
    const lastSpan = (points: Vec3[]): Vec3[] => {
      const sampled = samplePath(points, { step: 2 });
      return sampled.samples.filter((s) => s.arcLength > sampled.controlPointArcLengths[2]! + 3 && s.arcLength < sampled.length - 3).map((s) => s.point);
    };
    const before = await render3d(page, 'view3d-drag-before.png');
    const oldSpan = lastSpan([...ARCH, start]);
    expect(oldSpan.filter((p) => !near(before, toScreen(p), isOrange))).toEqual([]);

    // Press on the point, slide over the empty body between the markers (nothing visible there), end on B.
    await mouseTo(toScreen(start));
    await page.mouse.down();
    const halfway = toScreen([(start[0] + MARKER_B[0]) / 2, -15, (start[2] + MARKER_B[2]) / 2]);
    await mouseTo(halfway, 8);
    // Live, mid-drag: every slice view already has the point off marker A, in the empty body. It rode A's
    // surface to its rim, then slid in the plane through it parallel to the screen (y = const, seen from the front).
    await expect.poll(async () => distance((await arch())[3]!, MARKER_A)).toBeGreaterThan(MARKER_A_RADIUS + 5);
    const mid = (await arch())[3]!;
    expect(mid[1]).toBeGreaterThan(MARKER_A[1] - MARKER_A_RADIUS - 0.5);
    expect(mid[1]).toBeLessThan(MARKER_A[1] + 0.5);
    for (const view of ['axial', 'sagittal'] as const) expect((await overlayPoints(page, view, ORANGE))[3]!.lps).toEqual(mid);
    await mouseTo([halfway[0] - 10, halfway[1] + 5], 2);
    await expect.poll(async () => distance((await arch())[3]!, mid)).toBeGreaterThan(2);
    expect((await arch())[3]![1]).toBeCloseTo(mid[1], 6);
    await mouseTo(halfway, 2);
    const during = await render3d(page, 'view3d-drag-during.png');
    expect(near(during, toScreen(mid), isSelectedSphere, 4), 'the selected sphere follows the cursor').toBe(true);
    await mouseTo(toScreen(MARKER_B), 8);
    await page.mouse.up();
    const end = (await arch())[3]!;
    const fromB = distance(end, MARKER_B);
    const dragMs = (await page.getByTestId('view3d').getAttribute('data-drag-ms'))!.split(',').map(Number);
    console.log(
      `drag: (${start.map((c) => c.toFixed(2)).join(', ')}) → (${end.map((c) => c.toFixed(2)).join(', ')}), ${fromB.toFixed(2)} mm from marker B's centre ` +
        `(radius ${MARKER_B_RADIUS}); pick per move ${dragMs[0]} ms mean, ${dragMs[1]} ms worst over ${dragMs[2]} moves`,
    );
    // On B's surface, on the side facing the camera (anterior, −y).
    expect(Math.abs(fromB - MARKER_B_RADIUS)).toBeLessThanOrEqual(1.5);
    expect(end[1]).toBeLessThan(MARKER_B[1] - 2);
    expect(dragMs[2]).toBeGreaterThan(2);
    // The camera did not turn: the markers are where they were.
    const [, b] = await markerBlobs(page);
    const [bx, by] = toScreen(MARKER_B);
    expect(Math.hypot(b.cx - bx, b.cy - by)).toBeLessThan(3);

    // The tube moved: all along its new last span, and gone from most of the old one.
    const after = await render3d(page, 'view3d-drag-after.png');
    expect(near(after, toScreen(end), isSelectedSphere, 4), 'the selected sphere on B').toBe(true);
    expect(near(after, toScreen(start), isSelectedSphere, 6), 'and not on A').toBe(false);
    const newSpan = lastSpan([...ARCH, end]);
    expect(newSpan.filter((p) => !near(after, toScreen(p), isOrange))).toEqual([]);
    // Away from the new span and from the sphere on the end both spans share.
    const left = oldSpan.filter((p) => near(after, toScreen(p), isOrange, 1) && Math.min(...newSpan.map((q) => distance(p, q))) > 4 && distance(p, ARCH[2]!) > 5);
    console.log(`tube: new last span ${newSpan.length} samples all drawn; ${left.length} of ${oldSpan.length} old samples (≥ 4 mm off the new one) still orange at ${pxPerMm.toFixed(2)} px/mm`);
    expect(left).toEqual([]);

    // The slice views show it there: all three list the same point, and the coronal one draws it where the imported points place it.
    for (const view of ['axial', 'sagittal'] as const) expect((await overlayPoints(page, view, ORANGE))[3]!.lps).toEqual(end);
    const glyphs = await overlayPoints(page, 'coronal', ORANGE);
    const [g0, g1, g2] = glyphs;
    // Coronal: patient x to screen x, superior up; ARCH[0], ARCH[2] share z, ARCH[0], ARCH[1] are 10 mm apart in z.
    const sx = (g2!.x - g0!.x) / (ARCH[2]![0] - ARCH[0]![0]);
    const sz = (g0!.y - g1!.y) / (ARCH[1]![2] - ARCH[0]![2]);
    const coronalAt = (p: Vec3): [number, number] => [g0!.x + (p[0] - ARCH[0]![0]) * sx, g0!.y - (p[2] - ARCH[0]![2]) * sz];
    const coronal = await screenshotRgba(page.getByTestId('view-coronal'), screenshotPath('view3d-drag-coronal.png'));
    const coronalShot: Shot = {
      width: coronal.width,
      height: coronal.height,
      at: (x, y) => {
        const i = 4 * (Math.round(x) + Math.round(y) * coronal.width);
        return { r: coronal.data[i]!, g: coronal.data[i + 1]!, b: coronal.data[i + 2]! };
      },
    };
    expect(near(coronalShot, coronalAt(end), isOrange, 5), 'the coronal view draws the moved point').toBe(true);
    expect(near(coronalShot, coronalAt(start), isOrange, 3), 'nor the point where it was').toBe(false);

    // Escape mid-drag puts the point back and leaves no step: the next Ctrl+Z undoes the drag to B.
    await mouseTo(toScreen(end));
    await page.mouse.down();
    await mouseTo(halfway, 6);
    await expect.poll(async () => distance((await arch())[3]!, end)).toBeGreaterThan(5);
    await page.keyboard.press('Escape');
    await expect.poll(async () => (await arch())[3]).toEqual(end);
    await mouseTo(toScreen([-15, -15, 15]), 4);
    await page.mouse.up();
    expect((await arch())[3]).toEqual(end);
    await press(page, 'Control+z');
    await expect.poll(async () => (await arch())[3]).toEqual(start);
    const undone = await render3d(page, 'view3d-drag-undone.png');
    expect(oldSpan.filter((p) => !near(undone, toScreen(p), isOrange))).toEqual([]);

    // Over the isosurface the point rides the surface itself: B's radius, within the voxel-scale refinement.
    await setMode(page, 'Isosurface');
    await mouseTo(toScreen(start));
    await page.mouse.down();
    await mouseTo(toScreen(MARKER_B), 12);
    await page.mouse.up();
    const onSurface = (await arch())[3]!;
    console.log(`isosurface drag: ${distance(onSurface, MARKER_B).toFixed(2)} mm from marker B's centre (radius ${MARKER_B_RADIUS})`);
    expect(Math.abs(distance(onSurface, MARKER_B) - MARKER_B_RADIUS)).toBeLessThanOrEqual(1);
    expect(onSurface[1]).toBeLessThan(MARKER_B[1] - 2);
    await render3d(page, 'view3d-drag-isosurface.png');
    await press(page, 'Control+z');
    await expect.poll(async () => (await arch())[3]).toEqual(start);
    await setMode(page, 'Volume');

    // A locked path keeps its points: the cursor says so, a press says why, and neither the point nor the camera moves.
    await press(page, 's');
    await lockButton.click();
    await press(page, 's');
    await host.waitFor();
    await markerBlobs(page);
    // The 3D view came back with its reset camera: the bare markers map the plane again.
    const reset = planeToScreen(bareA, bareB);
    const lockedBox = (await host.boundingBox())!;
    await page.mouse.move(lockedBox.x + reset.toScreen(start)[0], lockedBox.y + reset.toScreen(start)[1]);
    await expect.poll(() => host.getAttribute('data-handle')).toBe('locked');
    expect(await host.locator('canvas').evaluate((c) => getComputedStyle(c).cursor)).toBe('not-allowed');
    await page.mouse.down();
    await page.mouse.move(lockedBox.x + reset.toScreen(MARKER_B)[0], lockedBox.y + reset.toScreen(MARKER_B)[1], { steps: 6 });
    await page.mouse.up();
    expect(await page.getByTestId('view3d-pick-notice').textContent()).toBe('“Arch” is locked: unlock it in the path list to edit it.');
    expect((await arch())[3]).toEqual(start);
    const [lockedA] = await markerBlobs(page);
    expect(Math.hypot(lockedA.cx - bareA.cx, lockedA.cy - bareA.cy)).toBeLessThan(1.5);
    await page.screenshot({ path: screenshotPath('view3d-drag-locked.png') });
    await press(page, 's');
    await lockButton.click();
    await press(page, 's');
    await host.waitFor();
    await press(page, 'c');
    expect(problems).toEqual([]);
  });
});
