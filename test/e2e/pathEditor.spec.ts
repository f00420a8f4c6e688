/**
 * Path editing in the slice views, in Chromium through the loopback harness, on the phantom's
 * known geometry (a body ellipsoid of semi-axes 40, 30, 44 mm and marker A, a 10 mm sphere of
 * 1000 HU at LPS (20, −15, 15)). Where a patient point is on screen comes from the pixels (the
 * body's cross-section and the marker's blob), not from the app's own mapping; where the app put
 * a control point comes from the overlay glyphs (each carries its LPS position). Clicks must make
 * points where they were clicked; a drag in one view must move the point in the others; a
 * markups file must round-trip; a Slicer RAS file must put its point on the marker; snap to
 * centre must bring a point back to the marker's centre; undo/redo must step back and forth;
 * and the paths must survive a reload of the page (the session), a damaged session file only
 * costing a notice.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { readMarkups } from '../../shared/io/markups';
import type { Vec3 } from '../../shared/math/vec3';
import { MARKER_A, MARKER_A_RADIUS } from '../fixtures/phantom';
import { writeVolumePhantom, type VolumePhantomTruth } from '../fixtures/volumePhantom';
import { chromiumInstalled, harnessBuilt, launchChromium, openHarnessPage, screenshotPath, startHarness, type Harness } from './harness';
import { canvasGrey, greyBlobs, screenshotRgba, type Blob, type GreyImage } from './pixels';

const ready = harnessBuilt && chromiumInstalled;
const reason = !harnessBuilt ? '(needs `npm run build`)' : !chromiumInstalled ? '(needs /usr/bin/chromium)' : '';

type View = 'axial' | 'coronal' | 'sagittal';
const BODY_SEMI: Vec3 = [40, 30, 44];
/** Screen right and down of each view as LPS axes with signs (radiological conventions). */
const SCREEN_AXES: Record<View, { right: [number, 1 | -1]; down: [number, 1 | -1]; depth: number }> = {
  axial: { right: [0, 1], down: [1, 1], depth: 2 },
  coronal: { right: [0, 1], down: [2, -1], depth: 1 },
  sagittal: { right: [1, 1], down: [2, -1], depth: 0 },
};

/** A hand-written Slicer markups file in RAS: a straight path along S through marker A. */
function rasThroughMarkerA(): string {
  const point = (z: number, n: number) => ({ id: String(n + 1), label: `P-${n + 1}`, position: [-MARKER_A[0], -MARKER_A[1], z], positionStatus: 'defined' });
  return JSON.stringify({
    '@schema': 'https://raw.githubusercontent.com/slicer/slicer/master/Modules/Loadable/Markups/Resources/Schema/markups-schema-v1.0.3.json#',
    markups: [{ type: 'Curve', coordinateSystem: 'RAS', coordinateUnits: 'mm', name: 'Through A', controlPoints: [MARKER_A[2] - 30, MARKER_A[2], MARKER_A[2] + 30].map(point) }],
  });
}

interface GlyphPoint {
  index: number;
  lps: Vec3;
  x: number;
  y: number;
  onPlane: boolean;
}

/** The control points of path `id` as a view's overlay draws them. */
async function glyphPoints(page: Page, view: View, id: number): Promise<GlyphPoint[]> {
  return page.locator(`[data-testid=view-${view}] [data-testid=path-${id}] [data-testid=path-point]`).evaluateAll((circles) =>
    circles.map((c) => ({
      index: Number(c.getAttribute('data-index')),
      lps: c.getAttribute('data-lps')!.split(',').map(Number) as [number, number, number],
      x: Number(c.getAttribute('cx')),
      y: Number(c.getAttribute('cy')),
      onPlane: c.hasAttribute('data-on-plane'),
    })),
  );
}

/** Signed depth of a view's plane along its normal (axial +S, coronal +P, sagittal +R), from its label. */
async function depthOf(page: Page, view: View): Promise<number> {
  const text = (await page.locator(`[data-testid=view-${view}] [data-testid=slice-position]`).textContent()) ?? '';
  const match = /^([A-Z]+) (\d+(?:\.\d+)?) mm$/.exec(text);
  if (!match) throw new Error(`no slice position in "${text}"`);
  return (match[1] === { axial: 'S', coronal: 'P', sagittal: 'R' }[view] ? 1 : -1) * Number(match[2]);
}

/** Steps the axial view with the arrow keys to the slice nearest depth `z`. */
async function scrollAxialTo(page: Page, z: number): Promise<number> {
  await page.keyboard.press('p');
  await page.getByTestId('view-axial').click({ position: { x: 5, y: 60 } });
  for (let guard = 0; guard < 200; guard++) {
    const now = await depthOf(page, 'axial');
    const key = z > now ? 'ArrowUp' : 'ArrowDown';
    await page.keyboard.press(key);
    const next = await depthOf(page, 'axial');
    if (Math.abs(next - z) >= Math.abs(now - z)) {
      await page.keyboard.press(key === 'ArrowUp' ? 'ArrowDown' : 'ArrowUp');
      return depthOf(page, 'axial');
    }
  }
  throw new Error(`could not reach z = ${z}`);
}

/** Screen mapping of a view from the body's cross-section at `depthMm` (pixels only). */
function fromBody(image: GreyImage, view: View, depthMm: number): { toScreen: (p: Vec3) => [number, number]; pxPerMm: number } {
  const body = greyBlobs(image, 60)[0]!;
  const { right, down, depth } = SCREEN_AXES[view];
  const cut = Math.sqrt(1 - (depthMm / BODY_SEMI[depth]!) ** 2);
  const pxPerMmX = (body.maxX - body.minX + 1) / (2 * BODY_SEMI[right[0]]! * cut);
  const pxPerMmY = (body.maxY - body.minY + 1) / (2 * BODY_SEMI[down[0]]! * cut);
  const cx = (body.minX + body.maxX + 1) / 2;
  const cy = (body.minY + body.maxY + 1) / 2;
  return { pxPerMm: (pxPerMmX + pxPerMmY) / 2, toScreen: (p) => [cx + right[1] * p[right[0]]! * pxPerMmX, cy + down[1] * p[down[0]]! * pxPerMmY] };
}

/** Pixels of a path colour (#4fc3f7 for the first path) in a view's overlay, drawn over its image, near (x, y). */
async function pathPixelsNear(page: Page, view: View, x: number, y: number, radius: number): Promise<number> {
  const png = await screenshotRgba(page.getByTestId(`view-${view}`));
  let count = 0;
  for (let py = Math.max(0, Math.round(y - radius)); py <= Math.min(png.height - 1, Math.round(y + radius)); py++) {
    for (let px = Math.max(0, Math.round(x - radius)); px <= Math.min(png.width - 1, Math.round(x + radius)); px++) {
      const i = 4 * (px + py * png.width);
      const [r, g, b] = [png.data[i]!, png.data[i + 1]!, png.data[i + 2]!];
      if (b > r + 80 && g > r + 50) count++;
    }
  }
  return count;
}

describe.skipIf(!ready)(`Path editor ${reason}`, () => {
  let browser: Browser;
  let harness: Harness;
  let page: Page;
  let root: string;
  let files: string;
  let truth: VolumePhantomTruth;
  let problems: string[] = [];
  let axialDepth = 0;
  let marker: Blob;
  let axial: ReturnType<typeof fromBody>;

  const openSeries = async (): Promise<void> => {
    await page.locator(`[data-testid=series-card][data-series-uid="${truth.seriesInstanceUid}"]`).click();
    await page.getByTestId('volume-workspace').waitFor({ timeout: 30_000 });
    await page.waitForFunction(() => ['axial', 'coronal', 'sagittal'].every((v) => ((document.querySelector(`[data-testid=canvas-${v}]`) as HTMLCanvasElement | null)?.width ?? 0) > 100));
  };
  const viewBox = async (view: View) => (await page.getByTestId(`view-${view}`).boundingBox())!;
  const click = async (view: View, x: number, y: number, modifiers: ('Alt' | 'Shift')[] = []): Promise<void> => {
    const box = await viewBox(view);
    for (const m of modifiers) await page.keyboard.down(m);
    await page.mouse.click(box.x + x, box.y + y);
    for (const m of modifiers) await page.keyboard.up(m);
  };
  const drag = async (view: View, from: [number, number], to: [number, number]): Promise<void> => {
    const box = await viewBox(view);
    await page.mouse.move(box.x + from[0], box.y + from[1]);
    await page.mouse.down();
    await page.mouse.move(box.x + to[0], box.y + to[1], { steps: 6 });
    await page.mouse.up();
  };
  const sessionFiles = (): string[] => {
    const dir = path.join(harness.stateDir, 'paths');
    return fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => /^[0-9a-f]{32}\.json$/.test(f)).map((f) => path.join(dir, f)) : [];
  };

  beforeAll(async () => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'lumen-path-editor-'));
    files = fs.mkdtempSync(path.join(os.tmpdir(), 'lumen-path-files-'));
    truth = writeVolumePhantom({ dir: path.join(root, 'phantom'), orientation: 'axial', size: [96, 96, 64], spacing: [1, 1, 1.5], seriesDescription: 'Path phantom' });
    fs.writeFileSync(path.join(files, 'through-a.mrk.json'), rasThroughMarkerA());
    [harness, browser] = await Promise.all([startHarness({ folder: root }), launchChromium()]);
    ({ page, problems } = await openHarnessPage(browser, harness));
    await openSeries();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await harness?.stop();
    for (const dir of [root, files]) if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('clicks in the axial view make control points at the LPS positions under them', async () => {
    axialDepth = await scrollAxialTo(page, MARKER_A[2]);
    const image = await canvasGrey(page, '[data-testid=canvas-axial]');
    axial = fromBody(image, 'axial', axialDepth);
    marker = greyBlobs(image, 240)[0]!;
    await page.keyboard.press('a');
    // Marker A's centre (found in the pixels), then two points placed by the body's outline.
    const targets: Vec3[] = [[MARKER_A[0], MARKER_A[1], axialDepth], [-15, 10, axialDepth], [5, 22, axialDepth]];
    const clicks: [number, number][] = [[marker.cx, marker.cy], axial.toScreen(targets[1]!), axial.toScreen(targets[2]!)];
    for (const [x, y] of clicks) await click('axial', x, y);
    const points = await glyphPoints(page, 'axial', 1);
    expect(points).toHaveLength(3);
    const pxMm = 1 / axial.pxPerMm;
    points.forEach((p, n) => {
      // Where the glyph is drawn is where the click was; the point is on the plane, at the click's patient position.
      expect(Math.hypot(p.x - clicks[n]![0], p.y - clicks[n]![1])).toBeLessThan(0.6);
      expect(p.onPlane).toBe(true);
      // The slice label is rounded to 0.1 mm.
      expect(Math.abs(p.lps[2] - axialDepth)).toBeLessThanOrEqual(0.05 + 1e-9);
      const tolerance = n === 0 ? 0.6 : 1.2 + pxMm;
      expect(Math.hypot(p.lps[0] - targets[n]![0], p.lps[1] - targets[n]![1]), `point ${n + 1} at ${p.lps.join(', ')}, expected ${targets[n]!.join(', ')}`).toBeLessThan(tolerance);
    });
    expect(await page.getByTestId('path-point-selected').first().getAttribute('data-index')).toBe('2');
    expect(problems).toEqual([]);
  });

  it('dragging a point in the axial view moves it within the plane; the coronal and sagittal views draw it at its new place', async () => {
    const before = await glyphPoints(page, 'axial', 1);
    const sideBefore = { coronal: await glyphPoints(page, 'coronal', 1), sagittal: await glyphPoints(page, 'sagittal', 1) };
    const [dx, dy] = [30, 24];
    await drag('axial', [before[0]!.x, before[0]!.y], [before[0]!.x + dx, before[0]!.y + dy]);
    const after = await glyphPoints(page, 'axial', 1);
    const moved = after[0]!.lps;
    // Screen right is +L (x), down is +P (y); the depth (S) is kept.
    expect(Math.abs(moved[0] - before[0]!.lps[0] - dx / axial.pxPerMm)).toBeLessThan(0.5);
    expect(Math.abs(moved[1] - before[0]!.lps[1] - dy / axial.pxPerMm)).toBeLessThan(0.5);
    expect(moved[2]).toBe(before[0]!.lps[2]);
    expect(after.slice(1)).toEqual(before.slice(1));

    for (const view of ['coronal', 'sagittal'] as const) {
      const image = await canvasGrey(page, `[data-testid=canvas-${view}]`);
      const mapping = fromBody(image, view, await depthOf(page, view) * (view === 'sagittal' ? -1 : 1));
      const glyph = (await glyphPoints(page, view, 1))[0]!;
      const old = sideBefore[view][0]!;
      const { right, down } = SCREEN_AXES[view];
      // The glyph moved by the point's displacement along this view's screen axes, at this view's scale.
      const shift = [right[1] * (moved[right[0]]! - before[0]!.lps[right[0]]!) * mapping.pxPerMm, down[1] * (moved[down[0]]! - before[0]!.lps[down[0]]!) * mapping.pxPerMm];
      expect(Math.abs(glyph.x - old.x - shift[0]!), `${view} x`).toBeLessThan(1);
      expect(Math.abs(glyph.y - old.y - shift[1]!), `${view} y`).toBeLessThan(1);
      // And it is drawn there, in the path's colour, over the image; the old place is empty.
      const [ex, ey] = mapping.toScreen(moved);
      expect(Math.hypot(glyph.x - ex, glyph.y - ey), `${view} glyph vs body mapping`).toBeLessThan(2 * mapping.pxPerMm);
      expect(await pathPixelsNear(page, view, glyph.x, glyph.y, 6)).toBeGreaterThan(8);
    }
    await page.screenshot({ path: screenshotPath('path-editor-drag.png') });
  });

  it('Alt+click inserts a point on the nearest span; Delete removes the selected point; Ctrl+Z and Ctrl+Shift+Z step through every edit', async () => {
    const start = await glyphPoints(page, 'axial', 1);
    // Halfway along the span from point 2 to point 3 (drawn on this plane, as is the whole path).
    const mid: [number, number] = [(start[1]!.x + start[2]!.x) / 2, (start[1]!.y + start[2]!.y) / 2 + 3];
    await click('axial', ...mid, ['Alt']);
    let points = await glyphPoints(page, 'axial', 1);
    expect(points).toHaveLength(4);
    expect(Math.hypot(points[2]!.x - mid[0], points[2]!.y - mid[1])).toBeLessThan(0.6);
    expect([points[0], points[1], points[3]].map((p) => p!.lps)).toEqual(start.map((p) => p.lps));
    expect(await page.getByTestId('path-point-selected').first().getAttribute('data-index')).toBe('2');

    await page.keyboard.press('Delete');
    points = await glyphPoints(page, 'axial', 1);
    expect(points.map((p) => p.lps)).toEqual(start.map((p) => p.lps));

    await page.keyboard.press('Control+z');
    expect(await glyphPoints(page, 'axial', 1)).toHaveLength(4);
    await page.keyboard.press('Control+z');
    expect((await glyphPoints(page, 'axial', 1)).map((p) => p.lps)).toEqual(start.map((p) => p.lps));
    // Undo the drag: point 1 returns to the marker's centre.
    await page.keyboard.press('Control+z');
    const undone = await glyphPoints(page, 'axial', 1);
    expect(Math.hypot(undone[0]!.x - marker.cx, undone[0]!.y - marker.cy)).toBeLessThan(0.6);
    await page.keyboard.press('Control+Shift+z');
    expect((await glyphPoints(page, 'axial', 1)).map((p) => p.lps)).toEqual(start.map((p) => p.lps));
    await page.keyboard.press('Control+y');
    expect(await glyphPoints(page, 'axial', 1)).toHaveLength(4);
    await page.keyboard.press('Control+z');
    expect((await glyphPoints(page, 'axial', 1)).map((p) => p.lps)).toEqual(start.map((p) => p.lps));
    expect(problems).toEqual([]);
  });

  it('a path saved as .mrk.json and imported back gives the same points', async () => {
    const points = (await glyphPoints(page, 'axial', 1)).map((p) => p.lps);
    await page.keyboard.press('s');
    await page.getByTestId('path-editor').waitFor();
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-path').click()]);
    const saved = path.join(files, download.suggestedFilename());
    await download.saveAs(saved);
    expect(download.suggestedFilename()).toBe('Path_1.mrk.json');
    const [curve] = readMarkups(fs.readFileSync(saved, 'utf8'));
    expect(curve!.points).toEqual(points);

    await page.getByTestId('import-path-file').setInputFiles(saved);
    await page.getByTestId('path-item-2').waitFor();
    expect(await page.getByTestId('path-item-2').textContent()).toContain('3 pts');
    await page.keyboard.press('s');
    await page.getByTestId('view-axial').waitFor();
    expect((await glyphPoints(page, 'axial', 2)).map((p) => p.lps)).toEqual(points);
  });

  it('a Slicer RAS .mrk.json through marker A puts its point on the marker in the slice view', async () => {
    await page.keyboard.press('s');
    await page.getByTestId('import-path-file').setInputFiles(path.join(files, 'through-a.mrk.json'));
    await page.getByTestId('path-item-3').waitFor();
    await page.keyboard.press('s');
    await page.getByTestId('view-axial').waitFor();
    const points = await glyphPoints(page, 'axial', 3);
    expect(points.map((p) => p.lps)).toEqual([[20, -15, -15], [20, -15, 15], [20, -15, 45]]);
    const onMarker = points[1]!;
    expect(onMarker.onPlane).toBe(true);
    // The glyph sits on the marker's blob, and the image under it is the marker's white.
    expect(Math.hypot(onMarker.x - marker.cx, onMarker.y - marker.cy)).toBeLessThan(1);
    const image = await canvasGrey(page, '[data-testid=canvas-axial]');
    for (const [ox, oy] of [[0, 0], [-3, 0], [3, 0], [0, -3], [0, 3]]) expect(image.data[Math.round(onMarker.x + ox) + Math.round(onMarker.y + oy) * image.width]).toBeGreaterThan(240);
    await page.screenshot({ path: screenshotPath('path-editor-ras-on-marker.png') });
  });

  it('snap to centre brings a point dragged off the marker back to its centre, says how far, and is undoable', async () => {
    const start = (await glyphPoints(page, 'axial', 3))[1]!;
    await page.keyboard.press('a');
    await drag('axial', [start.x, start.y], [start.x + 8, start.y - 6]);
    const off = (await glyphPoints(page, 'axial', 3))[1]!.lps;
    const offBy = Math.hypot(off[0] - MARKER_A[0], off[1] - MARKER_A[1]);
    expect(offBy).toBeGreaterThan(2);
    expect(offBy).toBeLessThan(MARKER_A_RADIUS);
    await page.keyboard.press('s');
    expect(await page.getByTestId('point-info').textContent()).toBe('Point 2 of 3');
    await page.getByTestId('snap-point').click();
    const report = (await page.getByTestId('snap-report').textContent()) ?? '';
    const match = /Moved ([\d.]+) mm \(lumen Ø ([\d.]+) mm\)/.exec(report);
    expect(match, report).not.toBeNull();
    expect(Number(match![1])).toBeCloseTo(offBy, 0);
    // The plane through the marker's centre cuts it in a 10 mm disc.
    expect(Math.abs(Number(match![2]) - 2 * MARKER_A_RADIUS)).toBeLessThan(0.6);
    await page.getByTestId('path-editor').screenshot({ path: screenshotPath('path-editor-panel.png') });
    await page.keyboard.press('s');
    const snapped = (await glyphPoints(page, 'axial', 3))[1]!.lps;
    expect(Math.hypot(snapped[0] - MARKER_A[0], snapped[1] - MARKER_A[1])).toBeLessThan(0.25);
    expect(snapped[2]).toBe(MARKER_A[2]);
    await page.keyboard.press('Control+z');
    expect((await glyphPoints(page, 'axial', 3))[1]!.lps).toEqual(off);
    await page.keyboard.press('Control+Shift+z');
    expect((await glyphPoints(page, 'axial', 3))[1]!.lps).toEqual(snapped);
    expect(problems).toEqual([]);
  });

  it('the paths are saved with the session and come back after a reload; a damaged session file costs only a notice', async () => {
    const before = await Promise.all([1, 2, 3].map((id) => glyphPoints(page, 'axial', id)));
    // The save lands shortly after the last edit.
    await expect.poll(() => sessionFiles().map((f) => (JSON.parse(fs.readFileSync(f, 'utf8')) as { paths: { points: Vec3[] }[] }).paths.map((p) => p.points)), { timeout: 5000 }).toEqual([before.map((g) => g.map((p) => p.lps))]);
    await page.reload();
    await openSeries();
    await page.locator('[data-testid=view-axial] [data-testid=path-3]').waitFor();
    // The views open afresh (crosshair at the centre), so compare where the points are, not which are on the plane.
    const placed = (glyphs: GlyphPoint[][]) => glyphs.map((g) => g.map(({ lps, x, y }) => ({ lps, x, y })));
    const after = await Promise.all([1, 2, 3].map((id) => glyphPoints(page, 'axial', id)));
    expect(placed(after)).toEqual(placed(before));
    await page.keyboard.press('s');
    expect(await page.locator('[data-testid^=path-item-]').allTextContents()).toEqual(['Path 13 pts', 'Path 13 pts', 'Through A3 pts']);
    await page.keyboard.press('s');
    await page.screenshot({ path: screenshotPath('path-editor-after-reload.png') });

    const [file] = sessionFiles();
    fs.writeFileSync(file!, '{"format":"lumen-paths","version":1,"paths":[{"name":');
    await page.reload();
    await openSeries();
    await expect.poll(() => page.getByTestId('notice').textContent()).toMatch(/paths saved for this series could not be read \(it is not valid JSON\)/);
    expect(await page.locator('[data-testid=view-axial] [data-testid^=path-]').count()).toBe(0);
    expect(fs.readdirSync(path.join(harness.stateDir, 'paths')).some((f) => f.includes('.unreadable-'))).toBe(true);
    // Drawing goes on, and is saved afresh.
    await page.keyboard.press('a');
    await click('axial', marker.cx, marker.cy);
    await expect.poll(() => sessionFiles().length, { timeout: 5000 }).toBe(1);
    await expect.poll(() => (JSON.parse(fs.readFileSync(sessionFiles()[0]!, 'utf8')) as { paths: unknown[] }).paths.length, { timeout: 5000 }).toBe(1);
  });
});
