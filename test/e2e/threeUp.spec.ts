/**
 * The 3-up viewer in Chromium through the loopback harness, checked on pixels: an
 * asymmetric phantom written with three acquisition orientations must show its
 * left-anterior-superior marker in the same anatomical place in every view; the
 * ruler and probe must read the phantom's true distances and values; window presets
 * must map HU to the grey levels the DICOM VOI formula gives.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { windowToByte } from '../../renderer/viewers/windowLevel';
import { BODY_HU, MARKER_A, MARKER_B, MARKER_HU } from '../fixtures/phantom';
import { writeVolumePhantom, type VolumePhantomTruth } from '../fixtures/volumePhantom';
import { chromiumInstalled, harnessBuilt, launchChromium, openHarnessPage, screenshotPath, startHarness, type Harness } from './harness';
import { canvasGrey, findBlobs, greyBlobs, screenshotRgba, type GreyImage } from './pixels';

const ready = harnessBuilt && chromiumInstalled;
const reason = !harnessBuilt ? '(needs `npm run build`)' : !chromiumInstalled ? '(needs /usr/bin/chromium)' : '';

type View = 'axial' | 'coronal' | 'sagittal';
/** Body semi-axes along L, P, S (test/fixtures/phantom.ts). */
const BODY_SEMI = { x: 40, y: 30, z: 44 };
/** For each view: which patient axis runs screen-right and screen-down (sign), and which is the depth. */
const VIEW_AXES: Record<View, { right: ['x' | 'y' | 'z', 1 | -1]; down: ['x' | 'y' | 'z', 1 | -1]; depth: 'x' | 'y' | 'z' }> = {
  axial: { right: ['x', 1], down: ['y', 1], depth: 'z' },
  coronal: { right: ['x', 1], down: ['z', -1], depth: 'y' },
  sagittal: { right: ['y', 1], down: ['z', -1], depth: 'x' },
};
const AXIS = { x: 0, y: 1, z: 2 } as const;
const EXPECTED_LABELS: Record<View, [string, string, string, string]> = {
  axial: ['R', 'L', 'A', 'P'],
  coronal: ['R', 'L', 'S', 'I'],
  sagittal: ['A', 'P', 'S', 'I'],
};
/** Positive-depth letter of each view's normal (axial +S, coronal +P, sagittal +R). */
const POSITIVE_LETTER: Record<View, string> = { axial: 'S', coronal: 'P', sagittal: 'R' };

async function depthOf(page: Page, view: View): Promise<number> {
  const text = (await page.locator(`[data-testid=view-${view}] [data-testid=slice-position]`).textContent()) ?? '';
  const match = /^([A-Z]+) (\d+(?:\.\d+)?) mm$/.exec(text);
  if (!match) throw new Error(`no slice position in "${text}"`);
  return (match[1] === POSITIVE_LETTER[view] ? 1 : -1) * Number(match[2]);
}

/** Scrolls a view with the arrow keys until its plane is within half a step of `target` (signed depth, mm). */
async function scrollTo(page: Page, view: View, target: number): Promise<void> {
  // The Pan tool makes a view active on click without moving the crosshair.
  await page.keyboard.press('p');
  await page.getByTestId(`view-${view}`).click({ position: { x: 5, y: 60 } });
  let previous = await depthOf(page, view);
  for (let guard = 0; guard < 400; guard++) {
    const key = target > previous ? 'ArrowUp' : 'ArrowDown';
    await page.keyboard.press(key);
    const now = await depthOf(page, view);
    const step = Math.abs(now - previous);
    if (step === 0) throw new Error(`${view}: the ${key} key did not move the plane (at ${now} mm, aiming for ${target} mm)`);
    if (Math.abs(now - target) <= step / 2 + 1e-6) return;
    if (Math.sign(target - now) !== Math.sign(target - previous)) return; // stepped over: closer of the two is fine
    previous = now;
  }
  throw new Error(`${view}: could not reach ${target} mm`);
}

/** Screen position (px) of a patient point, from the body's cross-section on screen: independent of the app's own mapping. */
function locateFromBody(image: GreyImage, view: View, depthMm: number): { toScreen: (p: [number, number, number]) => [number, number]; pxPerMm: number } {
  const body = greyBlobs(image, 60)[0]!;
  const axes = VIEW_AXES[view];
  const cut = Math.sqrt(1 - (depthMm / BODY_SEMI[axes.depth]) ** 2);
  const semiRight = BODY_SEMI[axes.right[0]] * cut;
  const semiDown = BODY_SEMI[axes.down[0]] * cut;
  const pxPerMmX = (body.maxX - body.minX + 1) / (2 * semiRight);
  const pxPerMmY = (body.maxY - body.minY + 1) / (2 * semiDown);
  const cx = (body.minX + body.maxX + 1) / 2;
  const cy = (body.minY + body.maxY + 1) / 2;
  return {
    pxPerMm: (pxPerMmX + pxPerMmY) / 2,
    toScreen: (p) => [cx + axes.right[1] * p[AXIS[axes.right[0]]] * pxPerMmX, cy + axes.down[1] * p[AXIS[axes.down[0]]] * pxPerMmY],
  };
}

async function openSeries(page: Page, uid: string): Promise<void> {
  await page.locator(`[data-testid=series-card][data-series-uid="${uid}"]`).click();
  await page.getByTestId('volume-workspace').waitFor({ timeout: 30_000 });
  await page.waitForFunction(() => ['axial', 'coronal', 'sagittal'].every((v) => ((document.querySelector(`[data-testid=canvas-${v}]`) as HTMLCanvasElement | null)?.width ?? 0) > 100));
}

describe.skipIf(!ready)(`3-up viewer ${reason}`, () => {
  let browser: Browser;
  let harness: Harness;
  let page: Page;
  let root: string;
  let problems: string[] = [];
  const truths: Record<string, VolumePhantomTruth> = {};

  beforeAll(async () => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'lumen-three-up-'));
    for (const orientation of ['axial', 'rotated', 'coronal', 'oblique'] as const) {
      truths[orientation] = writeVolumePhantom({ dir: path.join(root, orientation), orientation, size: [110, 110, 72], spacing: [1, 1, 1.5], seriesDescription: `Phantom ${orientation}` });
    }
    [harness, browser] = await Promise.all([startHarness({ folder: root }), launchChromium()]);
    ({ page, problems } = await openHarnessPage(browser, harness));
    await page.getByTestId('series-card').nth(3).waitFor();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await harness?.stop();
    if (root) fs.rmSync(root, { recursive: true, force: true });
  });

  for (const orientation of ['axial', 'rotated', 'coronal', 'oblique'] as const) {
    it(`${orientation} acquisition: marker A appears left-anterior-superior in all three views, with the right edge labels`, async () => {
      await openSeries(page, truths[orientation]!.seriesInstanceUid);
      for (const view of ['axial', 'coronal', 'sagittal'] as const) {
        const depthAxis = VIEW_AXES[view].depth;
        const markerDepth = MARKER_A[AXIS[depthAxis]];
        // Signed depth along each view's normal: axial +z, coronal +y, sagittal −x.
        await scrollTo(page, view, view === 'sagittal' ? -markerDepth : markerDepth);
        const image = await canvasGrey(page, `[data-testid=canvas-${view}]`);
        const body = locateFromBody(image, view, markerDepth);
        const marker = greyBlobs(image, 240)[0]!;
        const [ex, ey] = body.toScreen(MARKER_A);
        const errorMm = Math.hypot(marker.cx - ex, marker.cy - ey) / body.pxPerMm;
        expect(errorMm, `${view} view of the ${orientation} phantom: marker at (${marker.cx.toFixed(1)}, ${marker.cy.toFixed(1)}) px, expected (${ex.toFixed(1)}, ${ey.toFixed(1)})`).toBeLessThan(2);
        const labels = await Promise.all(['left', 'right', 'top', 'bottom'].map((edge) => page.locator(`[data-testid=view-${view}] [data-testid=orient-${edge}]`).textContent()));
        expect(labels).toEqual(EXPECTED_LABELS[view]);
      }
      await page.screenshot({ path: screenshotPath(`three-up-${orientation}.png`) });
      expect(problems).toEqual([]);
    });
  }

  it('linked crosshair: clicking marker A in the axial view moves the coronal and sagittal planes onto it', async () => {
    await openSeries(page, truths.rotated!.seriesInstanceUid);
    await scrollTo(page, 'axial', MARKER_A[2]);
    const image = await canvasGrey(page, '[data-testid=canvas-axial]');
    const marker = greyBlobs(image, 240)[0]!;
    await page.keyboard.press('c');
    await page.getByTestId('view-axial').click({ position: { x: marker.cx, y: marker.cy } });
    // One screen pixel is under 1 mm here; the planes land within a voxel of the marker centre.
    expect(Math.abs((await depthOf(page, 'coronal')) - MARKER_A[1])).toBeLessThan(1.5);
    expect(Math.abs((await depthOf(page, 'sagittal')) + MARKER_A[0])).toBeLessThan(1.5);
    const coronal = greyBlobs(await canvasGrey(page, '[data-testid=canvas-coronal]'), 240);
    expect(coronal.length).toBeGreaterThanOrEqual(1);
  });

  it('the ruler measures the 50 mm between the markers; the probe reads their HU', async () => {
    await openSeries(page, truths.coronal!.seriesInstanceUid);
    // Both markers lie in the coronal plane y = −15 mm (A 15 mm).
    await scrollTo(page, 'coronal', MARKER_A[1]);
    const image = await canvasGrey(page, '[data-testid=canvas-coronal]');
    const body = locateFromBody(image, 'coronal', MARKER_A[1]);
    const [a, b] = [MARKER_A, MARKER_B].map((m) => body.toScreen(m));
    const blobs = greyBlobs(image, 240).slice(0, 2);
    expect(blobs).toHaveLength(2);
    // Match blobs to markers by position, then measure between the blob centroids.
    const nearest = (p: [number, number]) => blobs.reduce((best, bl) => (Math.hypot(bl.cx - p[0], bl.cy - p[1]) < Math.hypot(best.cx - p[0], best.cy - p[1]) ? bl : best));
    const blobA = nearest(a!);
    const blobB = nearest(b!);
    expect(blobA).not.toBe(blobB);

    await page.keyboard.press('m');
    const box = (await page.getByTestId('view-coronal').boundingBox())!;
    await page.mouse.move(box.x + blobA.cx, box.y + blobA.cy);
    await page.mouse.down();
    await page.mouse.move(box.x + (blobA.cx + blobB.cx) / 2, box.y + (blobA.cy + blobB.cy) / 2, { steps: 4 });
    await page.mouse.move(box.x + blobB.cx, box.y + blobB.cy, { steps: 4 });
    await page.mouse.up();
    const text = (await page.locator('[data-testid=view-coronal] [data-testid=ruler-length]').first().textContent()) ?? '';
    const mm = Number(/([\d.]+) mm/.exec(text)?.[1]);
    expect(Math.abs(mm - 50), `ruler read "${text}"`).toBeLessThanOrEqual(1);

    await page.mouse.move(box.x + blobA.cx, box.y + blobA.cy);
    await expect.poll(() => page.locator('[data-testid=view-coronal] [data-testid=probe-value]').textContent()).toBe(`${MARKER_HU} HU`);
    const [bx, by] = body.toScreen([0, MARKER_A[1], 0]);
    await page.mouse.move(box.x + bx, box.y + by);
    await expect.poll(() => page.locator('[data-testid=view-coronal] [data-testid=probe-value]').textContent()).toBe(`${BODY_HU} HU`);
    await page.screenshot({ path: screenshotPath('three-up-ruler.png') });
    await page.keyboard.press('Delete');
    expect(await page.getByTestId('ruler').count()).toBe(0);
  });

  it('window presets map the body and marker HU to the grey levels of the DICOM VOI formula', async () => {
    await openSeries(page, truths.axial!.seriesInstanceUid);
    await scrollTo(page, 'axial', 0);
    const base = await canvasGrey(page, '[data-testid=canvas-axial]');
    const body = locateFromBody(base, 'axial', 0);
    const [x, y] = body.toScreen([0, 10, 0]).map(Math.round) as [number, number];
    const presets = { '1': [40, 80], '2': [500, 2000], '3': [-600, 1500], '4': [50, 400], '5': [300, 600] } as const;
    for (const [key, [center, width]] of Object.entries(presets)) {
      await page.keyboard.press(key);
      expect(await page.locator('[data-testid=view-axial] [data-testid=view-window]').textContent()).toContain(`W ${width} L ${center}`);
      const image = await canvasGrey(page, '[data-testid=canvas-axial]');
      expect(Math.abs(image.data[x + y * image.width]! - windowToByte(BODY_HU, center, width)), `preset ${key} at body`).toBeLessThanOrEqual(1);
    }
  });

  it('the 3D view shows the phantom: the body with its true proportions, marker A up and to the right of B', async () => {
    await openSeries(page, truths.rotated!.seriesInstanceUid);
    const host = page.getByTestId('view3d-canvas-host');
    // Only the rendering is measured: the controls and letters drawn over it hide for the screenshot.
    const overlays = (visibility: string) => page.evaluate((v) => document.querySelectorAll<HTMLElement>('.view3d-toolbar, .view3d-orient, .view3d-info, .view3d-status, .view3d-quality').forEach((e) => (e.style.visibility = v)), visibility);
    const foreground = async (): Promise<ReturnType<typeof findBlobs>> => {
      await overlays('hidden');
      const shot = await screenshotRgba(host);
      await overlays('');
      const at = (x: number, y: number, c: number): number => shot.data[4 * (x + y * shot.width) + c]!;
      // The background is the corner colour; anything clearly different is rendered volume.
      const bg = [0, 1, 2].map((c) => at(1, 1, c));
      // Blobs touching the edge are the cell's border line, not the volume (which is fitted inside).
      return findBlobs(shot.width, shot.height, (x, y) => [0, 1, 2].some((c) => Math.abs(at(x, y, c) - bg[c]!) > 40)).filter(
        (b) => b.minX > 0 && b.minY > 0 && b.maxX < shot.width - 1 && b.maxY < shot.height - 1,
      );
    };
    expect(await page.getByTestId('view3d-orient-right').textContent()).toBe('L');
    expect(await page.getByTestId('view3d-orient-top').textContent()).toBe('S');

    await page.getByTestId('view3d-preset').selectOption('ct-soft-tissue');
    await expect.poll(async () => (await foreground())[0]?.area ?? 0, { timeout: 20_000 }).toBeGreaterThan(2000);
    const body = (await foreground())[0]!;
    // Seen from the front the body ellipsoid is 80 mm wide (L–R) and 88 mm tall (S–I).
    const aspect = (body.maxX - body.minX + 1) / (body.maxY - body.minY + 1);
    expect(aspect, `body silhouette ${body.maxX - body.minX + 1}×${body.maxY - body.minY + 1} px`).toBeGreaterThan(80 / 88 - 0.08);
    expect(aspect).toBeLessThan(80 / 88 + 0.08);
    await host.screenshot({ path: screenshotPath('three-up-3d-soft-tissue.png') });

    await page.getByTestId('view3d-preset').selectOption('ct-bone');
    await expect.poll(async () => (await foreground()).filter((b) => b.area > 20).length, { timeout: 20_000 }).toBe(2);
    const [a, b] = await foreground();
    // A (radius 5) is the larger; it lies 30 mm to the patient's left (screen right) and 40 mm above B.
    expect(a!.area).toBeGreaterThan(b!.area);
    expect(a!.cx).toBeGreaterThan(b!.cx);
    expect(a!.cy).toBeLessThan(b!.cy);
    expect((a!.cx - b!.cx) / (b!.cy - a!.cy)).toBeCloseTo(30 / 40, 1);
    await host.screenshot({ path: screenshotPath('three-up-3d-bone.png') });

    // The isosurface at the bone preset's 300 HU is the two marker spheres, where the volume showed them.
    await page.getByTestId('view3d-mode').getByRole('button', { name: 'Isosurface' }).click();
    await page.getByTestId('view3d-surface-info').waitFor({ timeout: 30_000 });
    expect(await page.getByTestId('view3d-surface-info').textContent()).toMatch(/\d.*triangles/);
    await expect.poll(async () => (await foreground()).filter((bl) => bl.area > 20).length, { timeout: 20_000 }).toBe(2);
    const [sa, sb] = await foreground();
    expect(Math.hypot(sa!.cx - a!.cx, sa!.cy - a!.cy)).toBeLessThan(4);
    expect(Math.hypot(sb!.cx - b!.cx, sb!.cy - b!.cy)).toBeLessThan(4);
    await host.screenshot({ path: screenshotPath('three-up-3d-isosurface.png') });
    await page.getByTestId('view3d-mode').getByRole('button', { name: 'Volume' }).click();
  });

  it('scrolls with the wheel and page keys, maximises on double click, resets with R', async () => {
    await openSeries(page, truths.axial!.seriesInstanceUid);
    await page.keyboard.press('r');
    const view = page.getByTestId('view-axial');
    const start = await depthOf(page, 'axial');
    await view.hover();
    await page.mouse.wheel(0, -100);
    // Positions are shown to 0.1 mm, so each reading may be off by 0.05.
    await expect.poll(async () => Math.abs((await depthOf(page, 'axial')) - (start + 1.5))).toBeLessThan(0.11);
    await page.keyboard.press('PageDown');
    await expect.poll(async () => Math.abs((await depthOf(page, 'axial')) - (start + 1.5 - 15))).toBeLessThan(0.11);
    await view.dblclick();
    expect(await page.getByTestId('three-up').getAttribute('data-maximised')).toBe('axial');
    expect(await page.getByTestId('view-coronal').count()).toBe(0);
    await page.keyboard.press('Escape');
    expect(await page.getByTestId('view-coronal').count()).toBe(1);
    await page.keyboard.press('r');
    expect(await depthOf(page, 'axial')).toBeCloseTo(start, 6);
  });

  it('the scale bar is true to the image; zoom keeps the point under the cursor; pan and the splitter move what they should', async () => {
    await openSeries(page, truths.axial!.seriesInstanceUid);
    await page.keyboard.press('r');
    await scrollTo(page, 'axial', MARKER_A[2]);
    const view = page.getByTestId('view-axial');
    const box = (await view.boundingBox())!;
    const image = await canvasGrey(page, '[data-testid=canvas-axial]');
    const { pxPerMm } = locateFromBody(image, 'axial', MARKER_A[2]);
    const bar = view.getByTestId('scale-bar');
    const barMm = Number(await bar.getAttribute('data-mm'));
    const barPx = (await bar.locator('.scale-bar-line').boundingBox())!.width;
    expect(barPx / (barMm * pxPerMm)).toBeCloseTo(1, 1);

    const marker = greyBlobs(image, 240)[0]!;
    const bodyWidth = greyBlobs(image, 60)[0]!.maxX - greyBlobs(image, 60)[0]!.minX + 1;
    await page.mouse.move(box.x + marker.cx, box.y + marker.cy);
    await page.keyboard.down('Control');
    await page.mouse.wheel(0, -300);
    await page.keyboard.up('Control');
    await expect.poll(async () => greyBlobs(await canvasGrey(page, '[data-testid=canvas-axial]'), 60)[0]!.maxX).not.toBe(greyBlobs(image, 60)[0]!.maxX);
    const zoomed = await canvasGrey(page, '[data-testid=canvas-axial]');
    const zoomedMarker = greyBlobs(zoomed, 240)[0]!;
    expect(Math.hypot(zoomedMarker.cx - marker.cx, zoomedMarker.cy - marker.cy)).toBeLessThan(2);
    const zoomedBody = greyBlobs(zoomed, 60)[0]!;
    // The body may now run off the view's edge; its right half is still a fair measure of the zoom.
    expect((zoomedBody.maxX - zoomedMarker.cx) / (greyBlobs(image, 60)[0]!.maxX - marker.cx)).toBeCloseTo(Math.exp(300 * 0.0015), 1);
    expect(bodyWidth).toBeGreaterThan(50);

    await page.mouse.move(box.x + 60, box.y + 200);
    await page.keyboard.down('Shift');
    await page.mouse.down();
    await page.mouse.move(box.x + 100, box.y + 225, { steps: 5 });
    await page.mouse.up();
    await page.keyboard.up('Shift');
    const panned = greyBlobs(await canvasGrey(page, '[data-testid=canvas-axial]'), 240)[0]!;
    expect(Math.hypot(panned.cx - zoomedMarker.cx - 40, panned.cy - zoomedMarker.cy - 25)).toBeLessThan(2);

    const splitter = (await page.getByTestId('splitter-column').boundingBox())!;
    await page.mouse.move(splitter.x + 3, splitter.y + 100);
    await page.mouse.down();
    await page.mouse.move(splitter.x + 153, splitter.y + 100, { steps: 5 });
    await page.mouse.up();
    expect((await view.boundingBox())!.width - box.width).toBeCloseTo(150, -1);
    await page.screenshot({ path: screenshotPath('three-up-zoom-pan-split.png') });
    const moved = (await page.getByTestId('splitter-column').boundingBox())!;
    await page.mouse.dblclick(moved.x + 3, moved.y + 100);
    expect(Math.abs((await view.boundingBox())!.width - box.width)).toBeLessThan(2);
  });
});

describe.skipIf(!ready)(`3-up viewer with bad input ${reason}`, () => {
  let browser: Browser;
  let harness: Harness;
  let page: Page;
  let root: string;
  let big: VolumePhantomTruth;
  let small: VolumePhantomTruth;
  let broken: VolumePhantomTruth;

  beforeAll(async () => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'lumen-three-up-bad-'));
    // 110×110×72 float32 voxels need 3.3 MiB: over the 2 MiB limit this harness runs with.
    // One study, so series numbers set the order: Lumen opens the first one ("Small") by itself,
    // and "Broken" is never loaded (and cached) before the test damages it.
    small = writeVolumePhantom({ dir: path.join(root, 'small'), size: [48, 48, 40], spacing: [2, 2, 2.5], seriesDescription: 'Small', seriesNumber: 1 });
    const study = { studyInstanceUid: small.studyInstanceUid };
    big = writeVolumePhantom({ dir: path.join(root, 'big'), size: [110, 110, 72], seriesDescription: 'Too big', seriesNumber: 2, ...study });
    broken = writeVolumePhantom({ dir: path.join(root, 'broken'), size: [48, 48, 40], spacing: [2, 2, 2.5], seriesDescription: 'Broken after indexing', seriesNumber: 3, ...study });
    [harness, browser] = await Promise.all([startHarness({ folder: root, volumeLimitMb: 2 }), launchChromium()]);
    ({ page } = await openHarnessPage(browser, harness));
    await page.getByTestId('series-card').nth(2).waitFor();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await harness?.stop();
    if (root) fs.rmSync(root, { recursive: true, force: true });
  });

  it('refuses a volume larger than the memory limit with its size, and the next series still opens', async () => {
    await page.locator(`[data-testid=series-card][data-series-uid="${big.seriesInstanceUid}"]`).click();
    const message = page.getByTestId('volume-error-text');
    await message.waitFor();
    expect(await message.textContent()).toBe('This volume needs 3.3 MB of memory, more than Lumen’s limit of 2.0 MB on this computer.'.replace('’', "'"));
    await openSeries(page, small.seriesInstanceUid);
    expect(greyBlobs(await canvasGrey(page, '[data-testid=canvas-axial]'), 60).length).toBeGreaterThan(0);
  });

  it('shows a clear message in place of a series whose files fail to decode; the app keeps working', async () => {
    // Overwrite a slice after indexing, as a failing disk or a half-copied folder would.
    const victim = broken.files[20]!;
    const size = fs.statSync(victim).size;
    fs.writeFileSync(victim, Buffer.alloc(size, 0x5a));
    await page.locator(`[data-testid=series-card][data-series-uid="${broken.seriesInstanceUid}"]`).click();
    const message = page.getByTestId('volume-error-text');
    await message.waitFor();
    expect(await message.textContent()).toBe(`The slice file ${path.basename(victim)} could not be read (not a DICOM file), so this series cannot be shown as a volume. Other series are not affected.`);
    await page.screenshot({ path: screenshotPath('three-up-decode-error.png') });
    await openSeries(page, small.seriesInstanceUid);
    expect(await page.getByTestId('view-axial').count()).toBe(1);
  });
});
