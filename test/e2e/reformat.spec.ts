/**
 * The Reformat workspace in Chromium through the loopback harness, against the phantom's known
 * geometry: a Slicer-style RAS path imported from a file runs through marker A (a 10 mm sphere
 * of 1000 HU at LPS (20, −15, 15)), so the straightened images must show it centred and round at
 * true mm (pixel 1 mm, step 2 mm: anisotropic pixels drawn at true aspect), a ruler across it must
 * read its diameter, the export must write the CLI's files with the marker in them, and a label
 * painted on it must map back onto the marker's place in the volume and tint the slice views.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { readNrrd } from '../../shared/io/nrrd';
import { transformPoint } from '../../shared/math/mat4';
import { MARKER_A } from '../fixtures/phantom';
import { writeVolumePhantom, type VolumePhantomTruth } from '../fixtures/volumePhantom';
import { chromiumInstalled, harnessBuilt, sharedData, launchChromium, openHarnessPage, screenshotPath, startHarness, type Harness } from './harness';
import { canvasGrey, greyBlobs } from './pixels';

const ready = harnessBuilt && chromiumInstalled;
const reason = !harnessBuilt ? '(needs `npm run build`)' : !chromiumInstalled ? '(needs /usr/bin/chromium)' : '';

/** Path from 36 mm below marker A's centre to 24 mm above it, straight along +S. */
const START_Z = MARKER_A[2] - 36;
const END_Z = MARKER_A[2] + 24;
const STEP_MM = 2;
/** The slice whose plane passes through the marker's centre. */
const MARKER_SLICE = 36 / STEP_MM;
const MARKER_DIAMETER_MM = 10;
/** A real DICOM file nobody on the team wrote, offered as a path (skipped for the phantom's own when ../shared is absent). */
const ROBUSTNESS_FILE = path.join(sharedData, 'dicom-robustness', 'pydicom-testfiles', 'CT_small.dcm');

/** A hand-written Slicer markups file in RAS (x and y negated from LPS). */
function rasMarkups(): string {
  const point = (z: number, n: number) => ({ id: String(n + 1), label: `P-${n + 1}`, position: [-MARKER_A[0], -MARKER_A[1], z], positionStatus: 'defined' });
  return JSON.stringify({
    '@schema': 'https://raw.githubusercontent.com/slicer/slicer/master/Modules/Loadable/Markups/Resources/Schema/markups-schema-v1.0.3.json#',
    markups: [{ type: 'Curve', coordinateSystem: 'RAS', coordinateUnits: 'mm', name: 'Through A', controlPoints: [START_Z, MARKER_A[2], END_Z].map(point) }],
  });
}

async function setField(page: Page, testId: string, value: string): Promise<void> {
  await page.getByTestId(testId).fill(value);
  await page.getByTestId(testId).press('Enter');
}

async function sliceNumber(page: Page): Promise<number> {
  const text = (await page.getByTestId('straightened-slice').textContent()) ?? '';
  return Number(/slice (\d+) \//.exec(text)?.[1]) - 1;
}

describe.skipIf(!ready)(`Reformat workspace ${reason}`, () => {
  let browser: Browser;
  let harness: Harness;
  let page: Page;
  let root: string;
  let out: string;
  let truth: VolumePhantomTruth;
  let problems: string[] = [];

  beforeAll(async () => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'lumen-reformat-'));
    out = fs.mkdtempSync(path.join(os.tmpdir(), 'lumen-reformat-out-'));
    truth = writeVolumePhantom({ dir: path.join(root, 'phantom'), orientation: 'axial', size: [96, 96, 64], spacing: [1, 1, 1.5], seriesDescription: 'Reformat phantom' });
    fs.writeFileSync(path.join(out, 'through-a.mrk.json'), rasMarkups());
    [harness, browser] = await Promise.all([startHarness({ folder: root }), launchChromium()]);
    ({ page, problems } = await openHarnessPage(browser, harness));
    await page.locator(`[data-testid=series-card][data-series-uid="${truth.seriesInstanceUid}"]`).click();
    await page.getByTestId('volume-workspace').waitFor({ timeout: 30_000 });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await harness?.stop();
    for (const dir of [root, out]) if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('without a path, the workspace says what to do', async () => {
    await page.keyboard.press('s');
    await expect.poll(() => page.getByTestId('reformat-plan-error').textContent()).toContain('at least two path points');
  });

  it('a file that is not a markups curve (a DICOM file, truncated JSON) is refused with its name and adds no path', async () => {
    const truncated = path.join(out, 'truncated.mrk.json');
    fs.writeFileSync(truncated, rasMarkups().slice(0, 120));
    const dicom = fs.existsSync(ROBUSTNESS_FILE) ? ROBUSTNESS_FILE : truth.files[0]!;
    for (const file of [truncated, dicom]) {
      await page.getByTestId('import-path-file').setInputFiles(file);
      await expect.poll(() => page.getByTestId('notice').textContent()).toContain(`${path.basename(file)} cannot be used as a path`);
      await page.getByTestId('notice').getByRole('button').click();
    }
    expect(await page.locator('[data-testid^=path-item-]').count()).toBe(0);
    expect(problems).toEqual([]);
  });

  it('an imported RAS path through marker A shows the marker centred and round at true mm in both straightened views', async () => {
    await page.getByTestId('import-path-file').setInputFiles(path.join(out, 'through-a.mrk.json'));
    await page.getByTestId('straightened-long').waitFor();
    await setField(page, 'rf-columns', '64');
    await setField(page, 'rf-rows', '64');
    await setField(page, 'rf-spacing', '1');
    await setField(page, 'rf-step', String(STEP_MM));
    await expect.poll(() => page.getByTestId('path-summary').textContent()).toBe(`60.0 mm · ${60 / STEP_MM + 1} slices`);

    // Move the cursor onto the marker's slice with the keys; the 3-up crosshair follows.
    await page.keyboard.press('Home');
    for (let k = 0; k < MARKER_SLICE; k++) await page.keyboard.press('ArrowDown');
    expect(await sliceNumber(page)).toBe(MARKER_SLICE);

    const cross = await canvasGrey(page, '[data-testid=straightened-cross-canvas]');
    const crossBlob = greyBlobs(cross, 240)[0]!;
    // The path point is the image centre, and the image is centred in the view.
    expect(Math.hypot(crossBlob.cx - cross.width / 2, crossBlob.cy - cross.height / 2)).toBeLessThan(3);

    const long = await canvasGrey(page, '[data-testid=straightened-long-canvas]');
    const longBlob = greyBlobs(long, 240)[0]!;
    const width = longBlob.maxX - longBlob.minX + 1;
    const height = longBlob.maxY - longBlob.minY + 1;
    // Rows are 2 mm apart and columns 1 mm: drawn at true mm, the sphere's section stays round.
    expect(height / width).toBeGreaterThan(0.8);
    expect(height / width).toBeLessThan(1.25);
    expect(Math.abs(longBlob.cx - long.width / 2)).toBeLessThan(3);

    // A ruler across the marker on the long-axis cut reads its diameter.
    await page.keyboard.press('m');
    const box = (await page.getByTestId('straightened-long').boundingBox())!;
    await page.mouse.move(box.x + longBlob.minX - 0.5, box.y + longBlob.cy);
    await page.mouse.down();
    await page.mouse.move(box.x + longBlob.maxX + 0.5, box.y + longBlob.cy, { steps: 5 });
    await page.mouse.up();
    const ruler = Number.parseFloat((await page.getByTestId('straightened-long').getByTestId('ruler-length').textContent()) ?? '');
    expect(Math.abs(ruler - MARKER_DIAMETER_MM)).toBeLessThan(1.5);
    await page.keyboard.press('c');
    await page.screenshot({ path: screenshotPath('reformat-preview.png') });
    expect(problems).toEqual([]);
  });

  it('export writes the CLI files with the marker at the centre of its slice, with progress, and shows the projection', async () => {
    const dir = path.join(out, 'export');
    await page.getByTestId('rf-outdir').fill(dir);
    await page.getByTestId('rf-export').click();
    await page.getByTestId('rf-export-done').waitFor({ timeout: 30_000 });
    for (const file of ['straightened.nrrd', 'straightened-mask.nrrd', 'transforms.json', 'jacobian.nrrd', 'projection-mip.nrrd', 'projection-mip.png', 'provenance.json']) {
      expect(fs.existsSync(path.join(dir, file)), file).toBe(true);
    }
    const volume = readNrrd(fs.readFileSync(path.join(dir, 'straightened.nrrd')));
    expect(volume.dimensions).toEqual([64, 64, 60 / STEP_MM + 1]);
    // Pixel (31.5, 31.5) is the path point: the four centre voxels of the marker slice are inside the sphere.
    const plane = 64 * 64;
    for (const [i, j] of [[31, 31], [32, 32]]) expect(volume.voxels[i + 64 * j + plane * MARKER_SLICE]).toBeGreaterThan(900);
    const transforms = JSON.parse(fs.readFileSync(path.join(dir, 'transforms.json'), 'utf8')) as { from: string; to: string; slices: { sliceToWorld: number[] }[] };
    expect([transforms.from, transforms.to]).toEqual(['straightened-pixel', 'LPS']);
    const centre = transformPoint(transforms.slices[MARKER_SLICE]!.sliceToWorld, [31.5, 31.5, 0]);
    expect(Math.hypot(centre[0] - MARKER_A[0], centre[1] - MARKER_A[1], centre[2] - MARKER_A[2])).toBeLessThan(1e-6);

    await page.getByTestId('projection-view').waitFor();
    const mip = await canvasGrey(page, '[data-testid=projection-view-canvas]');
    expect(greyBlobs(mip, 240).length).toBeGreaterThan(0);
  });

  it('a label painted on the marker maps back onto marker A in the volume, tints the slice views and saves as NRRD', async () => {
    await page.keyboard.press('d');
    const box = (await page.getByTestId('straightened-cross').boundingBox())!;
    await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
    await page.getByTestId('rf-map-back').click();
    await page.getByTestId('rf-map-back-report').waitFor({ timeout: 30_000 });
    const saved = path.join(out, 'labels.nrrd');
    await page.getByTestId('rf-labels-file').fill(saved);
    await page.getByTestId('rf-save-labels').click();
    await page.getByTestId('rf-labels-saved').waitFor();

    const labels = readNrrd(fs.readFileSync(saved));
    expect(labels.dimensions).toEqual(truth.dimensions);
    let count = 0;
    const sum = [0, 0, 0];
    const [ni, nj] = labels.dimensions;
    labels.voxels.forEach((v, n) => {
      if (!v) return;
      const p = transformPoint(labels.ijkToLps, [n % ni, Math.floor(n / ni) % nj, Math.floor(n / (ni * nj))]);
      count++;
      for (let a = 0; a < 3; a++) sum[a]! += p[a]!;
    });
    expect(count).toBeGreaterThan(0);
    const centroid = sum.map((s) => s / count);
    // A 3 mm disc painted on the slice through A's centre lands around A (one 2 mm slab thick).
    expect(Math.hypot(centroid[0]! - MARKER_A[0], centroid[1]! - MARKER_A[1])).toBeLessThan(1);
    expect(Math.abs(centroid[2]! - MARKER_A[2])).toBeLessThan(1.6);

    await page.keyboard.press('Escape');
    await page.keyboard.press('s');
    await page.getByTestId('canvas-axial').waitFor();
    const tinted = await page.getByTestId('canvas-axial').evaluate((canvas: HTMLCanvasElement) => {
      const { data } = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height);
      let n = 0;
      for (let i = 0; i < data.length; i += 4) if (data[i]! - data[i + 1]! > 60) n++;
      return n;
    });
    expect(tinted).toBeGreaterThan(20);
    await page.screenshot({ path: screenshotPath('reformat-mapped-back.png') });
    expect(problems).toEqual([]);
  });
});
