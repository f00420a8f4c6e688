/**
 * The frame viewer end to end, through the loopback harness and Debian Chromium: a
 * generated C-arm spin (rotational run) with known angles and exact projections, and
 * files whose pixels cannot be decoded. Screenshots land in test-results/.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { readDicomHeader } from '../../shared/dicom/readDicomHeader';
import { positionerAngleLabel } from '../../renderer/features/preview/angleLabel';
import { windowToByte } from '../../renderer/viewers/windowLevel';
import { projectEllipsoids } from '../fixtures/projectEllipsoids';
import { writeRotationalRun, type RotationalRunTruth } from '../fixtures/rotationalRun';
import { chromiumInstalled, harnessBuilt, launchChromium, screenshotPath, sharedData, startHarness, type Harness, openHarnessPage } from './harness';
import { canvasGrey } from './pixels';

const ready = harnessBuilt && chromiumInstalled;
const reason = !harnessBuilt ? '(needs `npm run build`)' : !chromiumInstalled ? '(needs /usr/bin/chromium)' : '';
const pydicomFiles = path.join(sharedData, 'dicom-robustness', 'pydicom-testfiles');
const FRAMES = 41;

async function frameNumber(page: Page): Promise<{ n: number; of: number }> {
  const text = (await page.getByTestId('frame-index').textContent()) ?? '';
  const match = /(\d+) \/ (\d+)/.exec(text);
  if (!match) throw new Error(`no frame number in "${text}"`);
  return { n: Number(match[1]), of: Number(match[2]) };
}

const text = async (page: Page, testId: string): Promise<string> => (await page.getByTestId(testId).textContent()) ?? '';

describe.skipIf(!ready)(`frame viewer ${reason}`, () => {
  let browser: Browser;
  let parent: string;
  beforeAll(async () => {
    browser = await launchChromium();
    parent = fs.mkdtempSync(path.join(os.tmpdir(), 'lumen-e2e-frames-'));
  });
  afterAll(async () => {
    await browser?.close();
    if (parent) fs.rmSync(parent, { recursive: true, force: true });
  });

  describe('on a generated rotational run of 41 frames', () => {
    let harness: Harness;
    let page: Page;
    let problems: string[];
    let truth: RotationalRunTruth;

    /** The raw detector values of frame f, as written to the file (16-bit LIN, no rescale). */
    const rawFrame = (f: number): Float32Array => {
      const integrals = projectEllipsoids(truth.geometry(f), truth.phantom);
      return integrals.map((p) => Math.min(65535, Math.round(truth.i0 * Math.exp(-p))));
    };
    /** The canvas, and frame f's exact projection windowed as the overlay says. */
    const shownAndExpected = async (f: number): Promise<{ shown: Uint8Array; expected: Uint8Array }> => {
      const shown = await canvasGrey(page, '[data-testid=preview-canvas]');
      const wl = /W (-?\d+) · L (-?\d+)/.exec(await text(page, 'window-level'))!;
      const [width, center] = [Number(wl[1]), Number(wl[2])];
      const expected = Uint8Array.from(rawFrame(f), (v) => windowToByte(v, center, width));
      expect(shown.data.length).toBe(expected.length);
      return { shown: shown.data, expected };
    };
    /** Mean |displayed − expected| grey level of the canvas against frame f, over `mask` (default: all pixels). */
    const meanDifference = async (f: number, mask?: (i: number) => boolean): Promise<number> => {
      const { shown, expected } = await shownAndExpected(f);
      let sum = 0;
      let count = 0;
      for (let i = 0; i < expected.length; i++) {
        if (mask && !mask(i)) continue;
        sum += Math.abs(shown[i]! - expected[i]!);
        count++;
      }
      return sum / count;
    };
    const waitForFrame = async (n: number): Promise<void> => {
      await expect.poll(async () => (await frameNumber(page)).n).toBe(n);
      // …and for its pixels, not the previous frame's.
      await page.locator(`[data-testid=preview-canvas][data-frame="${n - 1}"]`).waitFor();
      expect(await page.getByTestId('preview-canvas').evaluate((c: HTMLElement) => c.style.visibility)).toBe('visible');
    };

    beforeAll(async () => {
      truth = writeRotationalRun({ dir: path.join(parent, 'spin'), frames: FRAMES });
      harness = await startHarness({ folder: path.join(parent, 'spin') });
      ({ page, problems } = await openHarnessPage(browser, harness));
    });
    afterAll(async () => {
      await page?.close();
      await harness?.stop();
    });

    it('shows frame 0 with its true angle, exact pixels and the reconstruction call to action', async () => {
      const card = page.locator(`[data-testid=series-card][data-series-uid="${truth.seriesInstanceUid}"]`);
      await card.waitFor({ timeout: 60_000 });
      expect(await card.getByTestId('kind-badge').textContent()).toBe('rotational projections');
      await card.click();

      const cta = page.getByTestId('projection-cta');
      await cta.waitFor();
      expect(await cta.textContent()).toContain('This is projection data, not a volume.');
      expect(await cta.textContent()).toContain('41 X-ray views from RAO 100.0° to LAO 100.0°');
      expect(await page.getByTestId('reconstruct-button').textContent()).toBe('Reconstruct…');

      await page.waitForFunction(() => (document.querySelector('[data-testid=preview-canvas]') as HTMLCanvasElement | null)?.width === 256);
      await waitForFrame(1);
      expect(await frameNumber(page)).toEqual({ n: 1, of: FRAMES });
      expect(await text(page, 'frame-angle')).toBe(positionerAngleLabel(truth.primaryDeg[0], truth.secondaryDeg[0]));
      expect(await text(page, 'frame-angle')).toBe('RAO 100.0°  CRA 0.0°');
      expect(await text(page, 'frame-time')).toBe('0 ms');
      expect(await meanDifference(0)).toBeLessThan(1);

      // The value under the cursor is the detector value at that pixel, exactly (no flip, no offset).
      const raw = rawFrame(0);
      const box = (await page.getByTestId('preview-canvas').boundingBox())!;
      for (const [column, row] of [[128, 128], [100, 150], [20, 30]] as const) {
        await page.mouse.move(box.x + ((column + 0.5) * box.width) / 256, box.y + ((row + 0.5) * box.height) / 256);
        await expect.poll(() => text(page, 'hover-value')).toContain(`(${column}, ${row})`);
        expect(Number(/^(-?\d+(?:\.\d+)?)/.exec(await text(page, 'hover-value'))![1])).toBe(raw[row * 256 + column]);
      }
    });

    it('End shows the last frame and its angle; the projection has moved', async () => {
      await page.keyboard.press('End');
      await waitForFrame(FRAMES);
      expect(await text(page, 'frame-angle')).toBe(positionerAngleLabel(truth.primaryDeg[40], truth.secondaryDeg[40]));
      expect(await text(page, 'frame-angle')).toBe('LAO 100.0°  CRA 0.0°');
      expect(await text(page, 'frame-time')).toBe(`${Math.round(40 * (1000 / 30))} ms`);
      expect(await meanDifference(40)).toBeLessThan(1);
      // RAO 100° and LAO 100° see the body ellipsoid alike; where their exact projections differ (the
      // markers), the canvas must be the last frame's and not the first's.
      const [first, last] = [(await shownAndExpected(0)).expected, (await shownAndExpected(40)).expected];
      const differs = (i: number): boolean => Math.abs(first[i]! - last[i]!) > 24;
      expect(first.filter((_, i) => differs(i)).length).toBeGreaterThan(100);
      expect(await meanDifference(40, differs)).toBeLessThan(2);
      expect(await meanDifference(0, differs)).toBeGreaterThan(24);
      // A quarter turn away (AP) the whole body outline differs.
      expect(await meanDifference(20)).toBeGreaterThan(4); // ~6 here, against < 1 for the frame itself
      await page.keyboard.press('Home');
      await waitForFrame(1);
    });

    it('scrubbing with the slider (click to seek, drag) shows the frame and angle under it', async () => {
      const slider = page.getByTestId('frame-slider');
      const box = (await slider.boundingBox())!;
      await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
      await waitForFrame(21);
      expect(await text(page, 'frame-angle')).toBe(positionerAngleLabel(truth.primaryDeg[20], truth.secondaryDeg[20]));
      expect(await meanDifference(20)).toBeLessThan(1);
      expect(await meanDifference(0)).toBeGreaterThan(5);

      // Drag the thumb (7 px from the ends at frame 0 and 40) from the middle to three quarters.
      const travel = box.width - 14;
      await page.mouse.move(box.x + 7 + travel / 2, box.y + box.height / 2);
      await page.mouse.down();
      await page.mouse.move(box.x + 7 + travel * 0.75, box.y + box.height / 2, { steps: 6 });
      await page.mouse.up();
      await waitForFrame(31);
      expect(await text(page, 'frame-angle')).toBe(positionerAngleLabel(truth.primaryDeg[30], truth.secondaryDeg[30]));
      expect(await meanDifference(30)).toBeLessThan(1);
    });

    it('keys and wheel step frames: ←/→ one, PgUp/PgDn ten', async () => {
      await page.keyboard.press('ArrowLeft');
      await waitForFrame(30);
      await page.keyboard.press('ArrowRight');
      await page.keyboard.press('ArrowRight');
      await waitForFrame(32);
      await page.keyboard.press('PageUp');
      await waitForFrame(22);
      await page.keyboard.press('PageDown');
      await waitForFrame(32);
      const canvas = (await page.getByTestId('preview-canvas').boundingBox())!;
      await page.mouse.move(canvas.x + canvas.width / 2, canvas.y + canvas.height / 2);
      await page.mouse.wheel(0, -120);
      await waitForFrame(30);
      expect(await text(page, 'frame-angle')).toBe(positionerAngleLabel(truth.primaryDeg[29], truth.secondaryDeg[29]));
      expect(await meanDifference(29)).toBeLessThan(1);
    });

    it('buffers the whole run, then Space plays in real time and Space pauses', async () => {
      await page.getByTestId('buffering').waitFor({ state: 'detached', timeout: 30_000 });
      expect(await page.getByTestId('cine-fps').inputValue()).toBe('30'); // from Frame Time 33.3 ms
      const start = (await frameNumber(page)).n;
      await page.keyboard.press(' ');
      await expect.poll(() => page.getByTestId('cine-play').getAttribute('aria-pressed')).toBe('true');
      // Count the frames shown during one second of wall-clock time, sampled on every animation frame.
      const shown = await page.evaluate(
        () =>
          new Promise<number>((resolve) => {
            const seen: string[] = [];
            const t0 = performance.now();
            const sample = (): void => {
              const label = document.querySelector('[data-testid=frame-index]')?.textContent ?? '';
              if (seen[seen.length - 1] !== label) seen.push(label);
              if (performance.now() - t0 < 1000) requestAnimationFrame(sample);
              else resolve(seen.length);
            };
            requestAnimationFrame(sample);
          }),
      );
      expect(shown).toBeGreaterThanOrEqual(12); // 30 here at 30 fps; a loaded CI machine may drop some, never stall
      await page.keyboard.press(' ');
      await expect.poll(() => page.getByTestId('cine-play').getAttribute('aria-pressed')).toBe('false');
      const paused = (await frameNumber(page)).n;
      expect(paused).not.toBe(start);
      await page.waitForTimeout(400);
      expect((await frameNumber(page)).n).toBe(paused);
      // The frame on screen is the one the counter names, and its angle is that frame's.
      await waitForFrame(paused);
      expect(await meanDifference(paused - 1)).toBeLessThan(1);
      expect(await text(page, 'frame-angle')).toBe(positionerAngleLabel(truth.primaryDeg[paused - 1], truth.secondaryDeg[paused - 1]));
    });

    it('"Reconstruct…" opens the reconstruction panel over the run, which closes back to the frames', async () => {
      await page.keyboard.press('End');
      await page.keyboard.press('PageUp');
      await page.keyboard.press('PageUp');
      await waitForFrame(21);
      await page.getByTestId('reconstruct-button').click();
      const panel = page.getByTestId('reconstruct-panel');
      await panel.waitFor();
      await panel.getByLabel('Close').click();
      await panel.waitFor({ state: 'detached' });
      const canvas = (await page.getByTestId('preview-canvas').boundingBox())!;
      await page.mouse.move(canvas.x + canvas.width * 0.5, canvas.y + canvas.height * 0.45);
      await expect.poll(() => text(page, 'hover-value')).toMatch(/\(\d+, \d+\)/);
      await page.screenshot({ path: screenshotPath('projection-viewer.png') });
      expect(problems).toEqual([]);
    });
  });

  describe.skipIf(!fs.existsSync(pydicomFiles))('on files whose pixels cannot be decoded (needs ../shared/data)', () => {
    let harness: Harness;
    let page: Page;
    let problems: string[];
    let doseUid: string;
    let j2kUid: string;

    beforeAll(async () => {
      const dir = path.join(parent, 'broken');
      fs.mkdirSync(dir, { recursive: true });
      // A 15-frame RLE dose grid whose sixth frame has a damaged RLE header: that frame alone cannot be decoded.
      const dose = new Uint8Array(fs.readFileSync(path.join(pydicomFiles, 'rtdose_rle.dcm')));
      corruptRleFrame(dose, 5);
      fs.writeFileSync(path.join(dir, 'dose-broken-frame.dcm'), dose);
      // A single JPEG 2000 image whose codestream is corrupt.
      fs.copyFileSync(path.join(pydicomFiles, 'JPEG2000-embedded-sequence-delimiter.dcm'), path.join(dir, 'j2k-broken.dcm'));
      const uidOf = (file: string): string => {
        const bytes = new Uint8Array(fs.readFileSync(path.join(dir, file)));
        return readDicomHeader(bytes, file, bytes.length).seriesInstanceUid!;
      };
      doseUid = uidOf('dose-broken-frame.dcm');
      j2kUid = uidOf('j2k-broken.dcm');
      harness = await startHarness({ folder: dir });
      ({ page, problems } = await openHarnessPage(browser, harness));
    });
    afterAll(async () => {
      await page?.close();
      await harness?.stop();
    });

    it('shows why a frame fails in place of the image, and the other frames and controls keep working', async () => {
      const card = page.locator(`[data-testid=series-card][data-series-uid="${doseUid}"]`);
      await card.waitFor({ timeout: 60_000 });
      await card.click();
      await expect.poll(async () => (await frameNumber(page)).of).toBe(15);
      await page.getByTestId('buffering').waitFor({ state: 'detached', timeout: 30_000 });
      expect(await page.getByTestId('projection-cta').count()).toBe(0); // a cine, not a projection run
      for (let k = 0; k < 5; k++) await page.keyboard.press('ArrowRight');
      await expect.poll(async () => (await frameNumber(page)).n).toBe(6);
      const problem = page.getByTestId('preview-error');
      await problem.waitFor();
      expect(await problem.textContent()).toContain('Frame 6 cannot be shown');
      expect(await problem.textContent()).toMatch(/RLE pixel data is damaged/);
      expect(await page.getByTestId('preview-canvas').evaluate((c: HTMLElement) => c.style.visibility)).toBe('hidden');
      await page.screenshot({ path: screenshotPath('frame-viewer-broken-frame.png') });

      await page.keyboard.press('ArrowRight');
      await expect.poll(async () => (await frameNumber(page)).n).toBe(7);
      await problem.waitFor({ state: 'detached' });
      await page.locator('[data-testid=preview-canvas][data-frame="6"]').waitFor();
      expect(await page.getByTestId('preview-canvas').evaluate((c: HTMLElement) => c.style.visibility)).toBe('visible');
      // Playback skips the broken frame rather than stopping on it.
      await page.keyboard.press(' ');
      await expect.poll(async () => (await frameNumber(page)).n, { timeout: 5000 }).toBeLessThan(7);
      await page.keyboard.press(' ');
    });

    it('says so for a single image that cannot be decoded, with the overlays still there', async () => {
      await page.locator(`[data-testid=series-card][data-series-uid="${j2kUid}"]`).click();
      const problem = page.getByTestId('preview-error');
      await problem.waitFor();
      expect(await problem.textContent()).toContain('This image cannot be shown');
      expect(await problem.textContent()).toContain('JPEG 2000 pixel data is damaged');
      expect(await page.getByTestId('frame-transport').count()).toBe(0);
      expect(await text(page, 'window-level')).toMatch(/^W \d+ · L -?\d+$/);
      expect(problems).toEqual([]);
    });
  });
});

/** Writes an impossible segment count into the RLE header of one frame of an encapsulated file. */
function corruptRleFrame(bytes: Uint8Array, frame: number): void {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let pixelData = -1;
  for (let i = bytes.length - 12; i >= 0; i--) {
    if (view.getUint32(i, true) === 0x00107fe0 && view.getUint32(i + 8, true) === 0xffffffff) {
      pixelData = i;
      break;
    }
  }
  if (pixelData < 0) throw new Error('no encapsulated Pixel Data');
  const fragments: number[] = [];
  for (let at = pixelData + 12; at + 8 <= bytes.length && view.getUint16(at, true) === 0xfffe && view.getUint16(at + 2, true) === 0xe000; ) {
    fragments.push(at + 8);
    at += 8 + view.getUint32(at + 4, true);
  }
  // Item 0 is the basic offset table; one fragment per frame follows.
  view.setUint32(fragments[1 + frame]!, 200, true);
}
