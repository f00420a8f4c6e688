/**
 * The flythrough in Chromium through the loopback harness, against synthetic volumes with known
 * geometry. A curved air tube (radius 5 mm, centre line an arc of radius 80 mm) runs through
 * soft tissue; flown along its centre line, the lumen must sit at the centre of the endoscopic
 * view (the dark, far part of the lumen ringed by lit wall) and of the cross-section (its air
 * disc centred on the centre pixel), at several places along the arc; a path 2.5 mm off the
 * centre line must fail the same checks. Over a helix the camera's up vector must turn smoothly,
 * at the helix's torsion relative to its Frenet frame (what a rotation-minimising frame does),
 * and never flip. Playing draws a coarser wall, and pausing brings back the paused frame pixel
 * for pixel. The exports are read back: PNG frames (one per sample, with poses) and WebM.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { unzipSync } from 'fflate';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Locator, Page } from 'playwright-core';
import { writeMarkups } from '../../shared/io/markups';
import { cross, dot, type Vec3 } from '../../shared/math/vec3';
import { writeVolumePhantom, type VolumePhantomTruth } from '../fixtures/volumePhantom';
import { chromiumInstalled, harnessBuilt, launchChromium, openHarnessPage, screenshotPath, startHarness, type Harness } from './harness';
import { canvasGrey, findBlobs } from './pixels';

const ready = harnessBuilt && chromiumInstalled;
const reason = !harnessBuilt ? '(needs `npm run build`)' : !chromiumInstalled ? '(needs /usr/bin/chromium)' : '';

const TISSUE_HU = 40;
const AIR_HU = -1000;
/** The tube: centre line on a circle of this radius about ARC_CENTRE in the x–z plane, lumen radius LUMEN_MM. */
const ARC_RADIUS_MM = 80;
const ARC_CENTRE: Vec3 = [-70, 0, 0];
const LUMEN_MM = 5;
/** The path runs over ±35° of the arc (the tube itself leaves the volume at about ±43°). */
const PATH_DEG = 35;
const arcPoint = (deg: number, offset: Vec3 = [0, 0, 0]): Vec3 => {
  const t = (deg * Math.PI) / 180;
  return [ARC_CENTRE[0] + ARC_RADIUS_MM * Math.cos(t) + offset[0], ARC_CENTRE[1] + offset[1], ARC_CENTRE[2] + ARC_RADIUS_MM * Math.sin(t) + offset[2]];
};
/** HU of the tube phantom: air within LUMEN_MM of the arc, tissue elsewhere. */
const tubeHu = ([x, y, z]: Vec3): number => (Math.hypot(Math.hypot(x - ARC_CENTRE[0], z - ARC_CENTRE[2]) - ARC_RADIUS_MM, y - ARC_CENTRE[1]) < LUMEN_MM ? AIR_HU : TISSUE_HU);
const PATH_LENGTH_MM = (ARC_RADIUS_MM * 2 * PATH_DEG * Math.PI) / 180;

/** A helix about z: radius 20 mm, rising 40 mm a turn, two turns, centred in the volume. */
const HELIX_R = 20;
const HELIX_C = 40 / (2 * Math.PI);
const HELIX_L = Math.hypot(HELIX_R, HELIX_C);
const helixPoint = (t: number): Vec3 => [HELIX_R * Math.cos(t), HELIX_R * Math.sin(t), -40 + HELIX_C * t];
/** Torsion of the helix, rad/mm: a rotation-minimising frame turns against the Frenet frame at this rate. */
const TORSION = HELIX_C / HELIX_L ** 2;

interface Pose {
  position: Vec3;
  direction: Vec3;
  up: Vec3;
  arcLength: number;
}

const curve = (name: string, points: Vec3[]): string => writeMarkups([{ name, closed: false, points }]);

/** What is on screen in the endoscopic view (WebGL), without the overlay text, as RGBA. */
async function endoscopicPixels(page: Page, file?: string): Promise<{ width: number; height: number; data: Uint8Array }> {
  const host: Locator = page.getByTestId('endoscopic-canvas-host');
  const png = PNG.sync.read(await host.screenshot({ style: '.endoscopic-overlay { visibility: hidden; }', ...(file ? { path: file } : {}) }));
  return { width: png.width, height: png.height, data: new Uint8Array(png.data.buffer, png.data.byteOffset, png.data.length) };
}

interface LumenView {
  /** Darkness-weighted centroid minus the image centre, as fractions of the image height (x right, y down). */
  offset: [number, number];
  /** Fraction of 12 sectors round that centroid holding lit wall: a ring all round is 1. */
  ringCover: number;
}

/** Where a world direction points on screen (x right, y down), unit: right = direction × up. */
function onScreen(pose: Pose, v: Vec3): [number, number] {
  const right = cross(pose.direction, pose.up);
  const x = dot(v, right);
  const y = -dot(v, pose.up);
  const n = Math.hypot(x, y);
  return [x / n, y / n];
}

const component = (offset: [number, number], axis: [number, number]): number => offset[0] * axis[0] + offset[1] * axis[1];

/**
 * The headlight falls off with distance and lights the wall at grazing angles only faintly, so
 * down a lumen the far part is dark and the near wall bright all round. The centroid of
 * darkness (how far each pixel is below a grey level, the cyan path line left out) is where
 * the lumen leads; lit wall surrounds it.
 */
function lumenInView({ width, height, data }: { width: number; height: number; data: Uint8Array }): LumenView {
  const DARK = 40;
  const LIT = 60;
  let sum = 0;
  let sx = 0;
  let sy = 0;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const at = 4 * (x + y * width);
      if (data[at + 2]! > data[at]! + 40) continue; // the path line
      const weight = Math.max(0, DARK - (0.3 * data[at]! + 0.59 * data[at + 1]! + 0.11 * data[at + 2]!));
      sum += weight;
      sx += weight * x;
      sy += weight * y;
    }
  }
  const cx = sx / sum;
  const cy = sy / sum;
  const sectors = new Set<number>();
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const at = 4 * (x + y * width);
      if (0.3 * data[at]! + 0.59 * data[at + 1]! + 0.11 * data[at + 2]! < LIT) continue;
      sectors.add(Math.floor(((Math.atan2(y - cy, x - cx) + Math.PI) / (2 * Math.PI)) * 12) % 12);
    }
  }
  return { offset: [(cx - width / 2) / height, (cy - height / 2) / height], ringCover: sectors.size / 12 };
}

/** The air disc in the cross-section nearest the centre: its centroid's distance from the centre pixel, px. */
async function crossSectionOffset(page: Page): Promise<{ offset: number; area: number }> {
  const image = await canvasGrey(page, '[data-testid=fly-cross-canvas]');
  // Air is black at any soft-tissue window; so is the margin outside the volume, which runs to the border.
  const blobs = findBlobs(image.width, image.height, (x, y) => image.data[x + y * image.width]! < 30).filter(
    (b) => b.minX > 0 && b.minY > 0 && b.maxX < image.width - 1 && b.maxY < image.height - 1,
  );
  const centre = [image.width / 2, image.height / 2] as const;
  const nearest = blobs.sort((a, b) => Math.hypot(a.cx - centre[0], a.cy - centre[1]) - Math.hypot(b.cx - centre[0], b.cy - centre[1]))[0]!;
  return { offset: Math.hypot(nearest.cx - centre[0], nearest.cy - centre[1]), area: nearest.area };
}

const pose = (page: Page): Promise<Pose> => page.evaluate(() => (window.__lumenPerf!['flythroughPose'] as () => Pose)());

async function importPath(page: Page, file: string): Promise<void> {
  await page.keyboard.press('s');
  await page.getByTestId('import-path-file').setInputFiles(file);
  await page.getByTestId('path-summary').waitFor();
  await page.keyboard.press('t');
  await page.getByTestId('flythrough-workspace').waitFor();
}

/** Moves the flight to `mm` with the scrub bar and waits for the views to follow. */
async function scrubTo(page: Page, mm: number): Promise<void> {
  await page.getByTestId('fly-scrub').fill(String(mm));
  await expect.poll(async () => Math.abs((await pose(page)).arcLength - mm)).toBeLessThan(0.01);
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
}

/** Waits until the wall surface for the current path is built (a rebuild first shows "Building…"). */
async function surfaceReady(page: Page): Promise<number> {
  await page.getByTestId('endoscopic-surface').waitFor({ timeout: 30_000 });
  return Number(await page.getByTestId('endoscopic-surface').getAttribute('data-triangles'));
}

describe.skipIf(!ready)(`Flythrough ${reason}`, () => {
  let browser: Browser;
  let harness: Harness;
  let page: Page;
  let root: string;
  let truth: VolumePhantomTruth;
  let problems: string[] = [];
  const files = { centre: '', offset: '', helix: '' };

  beforeAll(async () => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'lumen-flythrough-'));
    truth = writeVolumePhantom({ dir: path.join(root, 'tube'), size: [128, 128, 110], spacing: [1, 1, 1], seriesDescription: 'Curved tube', sample: tubeHu });
    const steps = Array.from({ length: 15 }, (_, n) => -PATH_DEG + (2 * PATH_DEG * n) / 14);
    files.centre = path.join(root, 'centre.mrk.json');
    files.offset = path.join(root, 'offset.mrk.json');
    files.helix = path.join(root, 'helix.mrk.json');
    fs.writeFileSync(files.centre, curve('Tube centre line', steps.map((d) => arcPoint(d))));
    // 2.5 mm off the centre line, across the bend (+y): half the lumen's radius.
    fs.writeFileSync(files.offset, curve('Off centre', steps.map((d) => arcPoint(d, [0, 2.5, 0]))));
    fs.writeFileSync(files.helix, curve('Helix', Array.from({ length: 37 }, (_, n) => helixPoint((n * 4 * Math.PI) / 36))));
    [harness, browser] = await Promise.all([startHarness({ folder: root }), launchChromium()]);
    ({ page, problems } = await openHarnessPage(browser, harness));
    await page.locator(`[data-testid=series-card][data-series-uid="${truth.seriesInstanceUid}"]`).click();
    await page.getByTestId('volume-workspace').waitFor({ timeout: 30_000 });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await harness?.stop();
    if (root) fs.rmSync(root, { recursive: true, force: true });
  });

  it('without a path, the flythrough says how to make one; Esc goes back to the slice views', async () => {
    await page.keyboard.press('t');
    await expect.poll(() => page.getByTestId('flythrough-empty').textContent()).toContain('Path tool');
    await page.keyboard.press('Escape');
    await page.getByTestId('three-up').waitFor();
  });

  it('along the curved tube the lumen is centred in the endoscopic view and the cross-section', async () => {
    await importPath(page, files.centre);
    await page.getByTestId('fly-lumen-dark').click();
    expect(await surfaceReady(page)).toBeGreaterThan(1000);
    const length = Number(/\/ ([\d.]+) mm/.exec((await page.getByTestId('fly-position').textContent()) ?? '')?.[1]);
    // The control points lie on the arc; the spline between them is within a hair of it.
    expect(Math.abs(length - PATH_LENGTH_MM)).toBeLessThan(0.5);
    for (const fraction of [0.1, 0.3, 0.5, 0.7, 0.9]) {
      await scrubTo(page, fraction * length);
      const p = await pose(page);
      // The camera is on the centre line, looking along it.
      const deg = (Math.atan2(p.position[2] - ARC_CENTRE[2], p.position[0] - ARC_CENTRE[0]) * 180) / Math.PI;
      const onArc = arcPoint(deg);
      expect(Math.hypot(p.position[0] - onArc[0], p.position[1] - onArc[1], p.position[2] - onArc[2])).toBeLessThan(0.1);
      const t = (deg * Math.PI) / 180;
      expect(dot(p.direction, [-Math.sin(t), 0, Math.cos(t)])).toBeGreaterThan(Math.cos((0.5 * Math.PI) / 180));

      // Down a bend the far lumen lies towards the inside of the bend (a tangent leaves the arc):
      // centred across the bend, off towards its centre along it, as far as the bend predicts.
      const view = lumenInView(await endoscopicPixels(page, fraction === 0.5 ? screenshotPath('flythrough-tube-endoscopic.png') : undefined));
      const across = onScreen(p, [0, 1, 0]);
      const inward = onScreen(p, [ARC_CENTRE[0] - p.position[0], 0, ARC_CENTRE[2] - p.position[2]]);
      expect(Math.abs(component(view.offset, across)), `endoscopic lumen across the bend at ${fraction}`).toBeLessThan(0.01);
      const along = component(view.offset, inward);
      expect(along, `endoscopic lumen along the bend at ${fraction}`).toBeGreaterThan(0.03);
      expect(along).toBeLessThan(0.25);
      expect(view.ringCover, `wall all round at ${fraction}`).toBe(1);
      const crossSection = await crossSectionOffset(page);
      expect(crossSection.offset, `cross-section lumen at ${fraction}`).toBeLessThan(1.5);
      // A 5 mm radius disc at 1 mm pixels, drawn at the view's zoom: far more than a few pixels.
      expect(crossSection.area).toBeGreaterThan(50);
    }
    await page.screenshot({ path: screenshotPath('flythrough-tube.png') });
    expect(problems).toEqual([]);
  });

  it('playing draws the coarse wall (far fewer triangles); the pause redraws the paused frame exactly', async () => {
    await scrubTo(page, PATH_LENGTH_MM / 2);
    const before = await endoscopicPixels(page);
    const steps = await page.evaluate(() => (window.__lumenPerf!['flythroughSteps'] as (n: number) => Promise<{ mean: { triangles: number; movingTriangles: number } }>)(3));
    expect(steps.mean.triangles).toBeGreaterThan(1000);
    expect(steps.mean.movingTriangles).toBeGreaterThan(0.1 * steps.mean.triangles);
    expect(steps.mean.movingTriangles).toBeLessThan(0.5 * steps.mean.triangles);
    await page.getByTestId('fly-speed').fill('10');
    // The slider keeps its keys: give the shortcuts back.
    await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    await page.keyboard.press('Home');
    await page.keyboard.press(' ');
    expect(await page.getByTestId('flythrough-workspace').getAttribute('class')).toContain('is-playing');
    await page.waitForTimeout(700);
    const moving = await endoscopicPixels(page, screenshotPath('flythrough-tube-playing-endoscopic.png'));
    await page.screenshot({ path: screenshotPath('flythrough-tube-playing.png') });
    await page.keyboard.press(' ');
    expect(await page.getByTestId('fly-play').getAttribute('aria-pressed')).toBe('false');
    // In motion the lumen is still centred across the bend: the coarse wall is the same tube.
    const p = await pose(page);
    expect(Math.abs(component(lumenInView(moving).offset, onScreen(p, [0, 1, 0])))).toBeLessThan(0.02);
    await scrubTo(page, PATH_LENGTH_MM / 2);
    const after = await endoscopicPixels(page);
    expect([after.width, after.height]).toEqual([before.width, before.height]);
    let differing = 0;
    for (let n = 0; n < before.data.length; n += 4) {
      if ([0, 1, 2].some((c) => Math.abs(before.data[n + c]! - after.data[n + c]!) > 2)) differing++;
    }
    expect(differing / (before.width * before.height)).toBeLessThan(0.001);
    expect(problems).toEqual([]);
  });

  it('a path 2.5 mm off the centre line fails the same checks (they can tell)', async () => {
    await importPath(page, files.offset);
    await surfaceReady(page);
    await scrubTo(page, PATH_LENGTH_MM / 2);
    const view = lumenInView(await endoscopicPixels(page, screenshotPath('flythrough-tube-off-centre.png')));
    // Nearer the +y wall, the far lumen shows towards −y: the centred check above would fail.
    expect(Math.abs(component(view.offset, onScreen(await pose(page), [0, 1, 0])))).toBeGreaterThan(0.02);
    const crossSection = await crossSectionOffset(page);
    expect(crossSection.offset).toBeGreaterThan(4);
  });

  it('over a helix the up vector turns smoothly at the torsion rate against the Frenet frame, never flipping', async () => {
    await importPath(page, files.helix);
    await page.keyboard.press('Home');
    const poses: Pose[] = [await pose(page)];
    for (let n = 0; n < 120; n++) {
      await page.keyboard.press('ArrowRight');
      poses.push(await pose(page));
    }
    const phase: number[] = [];
    for (const [n, p] of poses.entries()) {
      expect(Math.abs(dot(p.up, p.direction))).toBeLessThan(1e-6);
      if (n > 0) {
        // 1 mm steps on a helix curving 2.7°/mm: the view turns a few degrees a step, never half a turn.
        const turn = (Math.acos(Math.min(1, dot(p.up, poses[n - 1]!.up))) * 180) / Math.PI;
        expect(turn).toBeLessThan(6);
        expect(p.arcLength).toBeGreaterThan(poses[n - 1]!.arcLength);
      }
      // The helix's Frenet frame where the camera is: t from the arc length (the path starts at t = 0).
      const t = p.arcLength / HELIX_L;
      const tangent: Vec3 = [(-HELIX_R * Math.sin(t)) / HELIX_L, (HELIX_R * Math.cos(t)) / HELIX_L, HELIX_C / HELIX_L];
      const normal: Vec3 = [-Math.cos(t), -Math.sin(t), 0];
      const binormal = cross(tangent, normal);
      expect(dot(p.direction, tangent)).toBeGreaterThan(0.995);
      phase.push(Math.atan2(dot(p.up, binormal), dot(p.up, normal)));
    }
    // Unwrap and fit a line: a rotation-minimising frame turns at −τ relative to Frenet's.
    for (let n = 1; n < phase.length; n++) phase[n] = phase[n - 1]! + Math.atan2(Math.sin(phase[n]! - phase[n - 1]!), Math.cos(phase[n]! - phase[n - 1]!));
    const s = poses.map((p) => p.arcLength);
    const ms = s.reduce((a, b) => a + b, 0) / s.length;
    const mp = phase.reduce((a, b) => a + b, 0) / phase.length;
    const slope = s.reduce((acc, x, n) => acc + (x - ms) * (phase[n]! - mp), 0) / s.reduce((acc, x) => acc + (x - ms) ** 2, 0);
    expect(Math.abs(Math.abs(slope) - TORSION) / TORSION).toBeLessThan(0.1);
    const residual = Math.max(...phase.map((f, n) => Math.abs(f - (mp + slope * (s[n]! - ms)))));
    expect((residual * 180) / Math.PI).toBeLessThan(2);
    await page.screenshot({ path: screenshotPath('flythrough-helix.png') });
  });

  it('keys drive the flight while it is open, and S hands over to the Reformat workspace', async () => {
    await importPath(page, files.centre);
    const position = async (): Promise<number> => Number(/^([\d.]+) \//.exec((await page.getByTestId('fly-position').textContent()) ?? '')?.[1]);
    await page.keyboard.press('Home');
    expect(await position()).toBe(0);
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowRight');
    expect(await position()).toBe(2); // 1 mm voxels: 1 mm samples
    await page.keyboard.press('ArrowLeft');
    expect(await position()).toBe(1);
    await page.keyboard.press('End');
    expect(Math.abs((await position()) - PATH_LENGTH_MM)).toBeLessThan(0.5);
    await page.keyboard.press('l');
    expect(await page.getByTestId('fly-loop').getAttribute('aria-pressed')).toBe('true');
    await page.keyboard.press('[');
    expect((await pose(page)).up).toBeDefined();
    await expect.poll(() => page.getByTestId('fly-view-angle').inputValue()).toBe('65');
    await page.keyboard.press(']');
    await page.keyboard.press('.');
    await expect.poll(() => page.getByTestId('fly-roll').inputValue()).toBe('15');
    await page.keyboard.press('k');
    // The keyframe pins the whole roll, so the offset goes back to 0 and the view stays.
    await expect.poll(() => page.getByTestId('fly-keyframe-tick').count()).toBe(1);
    await expect.poll(() => page.getByTestId('fly-roll').inputValue()).toBe('0');
    await page.getByTestId('fly-remove-keyframe').click();
    await expect.poll(() => page.getByTestId('fly-keyframe-tick').count()).toBe(0);
    await page.keyboard.press('Home');
    await page.keyboard.press(' ');
    expect(await page.getByTestId('fly-play').getAttribute('aria-pressed')).toBe('true');
    await expect.poll(position).toBeGreaterThan(0);
    await page.keyboard.press(' ');
    expect(await page.getByTestId('fly-play').getAttribute('aria-pressed')).toBe('false');
    await page.keyboard.press('l');

    // One place at a time: the Reformat workspace replaces the flythrough, and T brings it back.
    await page.keyboard.press('s');
    await page.getByTestId('reformat-workspace').waitFor();
    expect(await page.getByTestId('flythrough-workspace').count()).toBe(0);
    await page.keyboard.press('t');
    await page.getByTestId('flythrough-workspace').waitFor();
    await page.getByTestId('fly-export-slices').click();
    await page.getByTestId('rf-export').waitFor();
    expect(await page.getByTestId('flythrough-workspace').count()).toBe(0);
    await page.keyboard.press('t');
    await page.getByTestId('flythrough-workspace').waitFor();
    expect(problems).toEqual([]);
  });

  it('exports PNG frames as a zip: one per sample with its camera, the lumen centred in them', async () => {
    await surfaceReady(page);
    const samples = Number(/ \/ (\d+) ·/.exec((await page.getByTestId('fly-cross-position').textContent()) ?? '')?.[1]);
    const [download] = await Promise.all([page.waitForEvent('download', { timeout: 120_000 }), page.getByTestId('fly-export-frames').click()]);
    expect(download.suggestedFilename()).toMatch(/flythrough-frames\.zip$/);
    const zip = unzipSync(new Uint8Array(fs.readFileSync(await download.path())));
    const frames = Object.keys(zip).filter((n) => n.endsWith('.png')).sort();
    expect(frames.length).toBe(samples);
    const info = JSON.parse(new TextDecoder().decode(zip['frames.json'])) as { coordinateSystem: string; frames: (Pose & { file: string })[] };
    expect(info.coordinateSystem).toBe('LPS');
    expect(info.frames.map((f) => f.file)).toEqual(frames);
    const middle = info.frames[Math.floor(frames.length / 2)]!;
    const png = PNG.sync.read(Buffer.from(zip[middle.file]!));
    fs.writeFileSync(screenshotPath('flythrough-frame-middle.png'), zip[middle.file]!);
    const view = lumenInView({ width: png.width, height: png.height, data: new Uint8Array(png.data) });
    expect(Math.abs(component(view.offset, onScreen(middle, [0, 1, 0])))).toBeLessThan(0.01);
    expect(view.ringCover).toBe(1);
  }, 180_000);

  it('records the flight as WebM video that Chromium can play back at the view’s size', async () => {
    await page.getByTestId('fly-speed').fill('200');
    const [download] = await Promise.all([page.waitForEvent('download', { timeout: 60_000 }), page.getByTestId('fly-export-video').click()]);
    expect(download.suggestedFilename()).toMatch(/flythrough\.webm$/);
    const bytes = fs.readFileSync(await download.path());
    expect([...bytes.subarray(0, 4)]).toEqual([0x1a, 0x45, 0xdf, 0xa3]); // EBML
    expect(bytes.includes(Buffer.from('webm'))).toBe(true);
    // Played once from the start to the end of the path, and stopped there.
    const [at, length] = ((await page.getByTestId('fly-position').textContent()) ?? '').split('/').map((t) => Number.parseFloat(t));
    expect(at).toBe(length);
    expect(await page.getByTestId('fly-play').getAttribute('aria-pressed')).toBe('false');
    // Played back in a blank page: the app's Content-Security-Policy allows no media from blob: URLs.
    const player = await browser.newPage();
    const size = await player.evaluate(async (base64) => {
      const video = document.createElement('video');
      video.muted = true;
      video.src = URL.createObjectURL(new Blob([Uint8Array.from(atob(base64), (c) => c.charCodeAt(0))], { type: 'video/webm' }));
      await new Promise((resolve, reject) => {
        video.onloadedmetadata = resolve;
        video.onerror = () => reject(new Error('the video does not decode'));
      });
      return [video.videoWidth, video.videoHeight];
    }, bytes.toString('base64'));
    await player.close();
    const canvas = await page.getByTestId('endoscopic-canvas-host').locator('canvas').evaluate((c: HTMLCanvasElement) => [c.width, c.height]);
    expect(size).toEqual(canvas);
    expect(problems).toEqual([]);
  }, 60_000);
});
