/**
 * The renderer end to end through the loopback harness: real services, the real
 * contract over the WebSocket transport, Debian Chromium. Screenshots land in
 * test-results/ to be looked at.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import NodeWebSocket from 'ws';
import type { EventChannel } from '../../shared/contracts/ipc';
import { decodeMessage } from '../../shared/contracts/wireFormat';
import { writeVolumePhantom, type VolumePhantomTruth } from '../fixtures/volumePhantom';
import { chestCtDir, chromiumInstalled, harnessBuilt, launchChromium, screenshotPath, startHarness, type Harness, openHarnessPage } from './harness';

const ready = harnessBuilt && chromiumInstalled;
const reason = !harnessBuilt ? '(needs `npm run build`)' : !chromiumInstalled ? '(needs /usr/bin/chromium)' : '';

/** Min, max and number of distinct grey levels of a canvas's red channel. */
async function canvasStats(page: Page, selector: string): Promise<{ width: number; height: number; min: number; max: number; distinct: number }> {
  return page.locator(selector).first().evaluate((canvas: HTMLCanvasElement) => {
    const { data } = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height);
    let min = 255;
    let max = 0;
    const seen = new Set<number>();
    for (let i = 0; i < data.length; i += 4) {
      min = Math.min(min, data[i]!);
      max = Math.max(max, data[i]!);
      seen.add(data[i]!);
    }
    return { width: canvas.width, height: canvas.height, min, max, distinct: seen.size };
  });
}

describe.skipIf(!ready)(`web harness ${reason}`, () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
  });

  describe.skipIf(!fs.existsSync(chestCtDir))('on the chest CT (needs ../shared/data)', () => {
    let harness: Harness;
    let page: Page;
    let problems: string[];
    beforeAll(async () => {
      harness = await startHarness({ folder: chestCtDir });
      ({ page, problems } = await openHarnessPage(browser, harness));
    });
    afterAll(async () => {
      await page?.close();
      await harness?.stop();
    });

    it('(a) opens the folder given on the command line: one volume, 99 slices, a real thumbnail', async () => {
      const card = page.getByTestId('series-card');
      await card.first().waitFor({ timeout: 60_000 });
      expect(await card.count()).toBe(1);
      expect(await card.getByTestId('kind-badge').textContent()).toBe('volume');
      expect(await card.getByTestId('frame-count').textContent()).toBe('99 slices');
      expect(await card.getByTestId('series-geometry').textContent()).toContain('512×512');
      await page.getByTestId('series-thumbnail').waitFor();
      const thumb = await canvasStats(page, '[data-testid=series-thumbnail]');
      expect(thumb.width).toBeGreaterThan(16);
      expect(thumb.max - thumb.min).toBeGreaterThan(100); // air is dark, soft tissue and bone bright
      expect(thumb.distinct).toBeGreaterThan(32);
      expect(await page.getByTestId('current-folder').textContent()).toBe(chestCtDir);
      expect(await page.getByTestId('recent-folder').first().textContent()).toContain(chestCtDir);
      await page.screenshot({ path: screenshotPath('web-chest-browser.png') });
    });

    it('(d) opens the volume in the 3-up viewer: non-blank slices, wheel and keys scroll, HU under the cursor, right drag windows', async () => {
      await page.getByTestId('series-card').first().click();
      await page.getByTestId('volume-workspace').waitFor({ timeout: 30_000 });
      const sliceNumber = async (): Promise<{ n: number; of: number }> => {
        const [n, of] = ((await page.locator('[data-testid=view-axial] [data-testid=slice-number]').textContent()) ?? '').split(' / ').map(Number);
        return { n: n!, of: of! };
      };
      await expect.poll(sliceNumber).toEqual({ n: 50, of: 99 });
      for (const view of ['axial', 'coronal', 'sagittal']) {
        const stats = await canvasStats(page, `[data-testid=canvas-${view}]`);
        expect(stats.max - stats.min, view).toBeGreaterThan(150);
        expect(stats.distinct, view).toBeGreaterThan(64);
      }

      const axial = page.getByTestId('view-axial');
      const box = (await axial.boundingBox())!;
      await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
      await page.mouse.wheel(0, 100);
      await expect.poll(async () => (await sliceNumber()).n).toBe(49);
      await page.keyboard.press('ArrowUp');
      await expect.poll(async () => (await sliceNumber()).n).toBe(50);
      await page.keyboard.press('End');
      await expect.poll(async () => (await sliceNumber()).n).toBe(99);
      await page.keyboard.press('Home');
      await expect.poll(async () => (await sliceNumber()).n).toBe(1);
      await page.keyboard.press('PageUp');
      await expect.poll(async () => (await sliceNumber()).n).toBe(11);

      // Outside the body, near the image corner, is air (well below fat at about −100 HU).
      await page.keyboard.press('r');
      await page.mouse.move(box.x + box.width * 0.5, box.y + 12);
      const probe = page.locator('[data-testid=view-axial] [data-testid=probe-value]');
      await expect.poll(async () => probe.textContent()).toMatch(/HU$/);
      const air = Number(/(-?\d+(?:\.\d+)?)/.exec((await probe.textContent())!)![1]);
      expect(air).toBeLessThan(-500);
      expect(air).toBeGreaterThanOrEqual(-3100);

      // Dragging right with the right button widens the window.
      const widthOf = async (): Promise<number> => Number(/W (\d+)/.exec((await page.locator('[data-testid=view-axial] [data-testid=view-window]').textContent())!)![1]);
      const widthBefore = await widthOf();
      await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
      await page.mouse.down({ button: 'right' });
      await page.mouse.move(box.x + box.width / 2 + 80, box.y + box.height / 2, { steps: 4 });
      await page.mouse.up({ button: 'right' });
      expect(await widthOf()).toBeGreaterThan(widthBefore);
      await page.keyboard.press('r');
      expect(await widthOf()).toBe(400);
      await page.screenshot({ path: screenshotPath('web-chest-three-up.png') });

      await page.keyboard.press('?');
      await page.getByTestId('shortcuts-overlay').waitFor();
      await page.screenshot({ path: screenshotPath('web-shortcuts.png') });
      await page.keyboard.press('Escape');
      await page.getByTestId('shortcuts-overlay').waitFor({ state: 'detached' });
      expect(problems).toEqual([]);
    });
  });

  describe('on a generated phantom', () => {
    let harness: Harness;
    let page: Page;
    let problems: string[];
    let parent: string;
    let truth: VolumePhantomTruth;
    const frames: { channel: EventChannel; payload: { jobId: string; kind?: string; done?: number; total?: number; ok?: boolean } }[] = [];

    beforeAll(async () => {
      parent = fs.mkdtempSync(path.join(os.tmpdir(), 'lumen-e2e-data-'));
      truth = writeVolumePhantom({ dir: path.join(parent, 'phantom-axial'), seriesDescription: 'E2E phantom' });
      fs.mkdirSync(path.join(parent, 'empty-folder'));
      harness = await startHarness();
      ({ page, problems } = await openHarnessPage(browser, harness));
      // Watch the contract on the wire: decode every frame main sends.
      page.on('websocket', (socket) =>
        socket.on('framereceived', ({ payload }) => {
          if (typeof payload === 'string') return;
          const message = decodeMessage(new Uint8Array(payload));
          if (message.kind === 'event') frames.push(message as never);
        }),
      );
      await page.reload();
      await page.getByTestId('open-folder').waitFor();
    });
    afterAll(async () => {
      await page?.close();
      await harness?.stop();
      fs.rmSync(parent, { recursive: true, force: true });
    });

    it('(b) picks a folder with the in-app folder browser and gets the index through the contract', async () => {
      await page.getByTestId('open-folder').click();
      const dialog = page.getByTestId('folder-browser');
      await dialog.waitFor();
      await expect.poll(() => page.getByTestId('folder-path').inputValue()).not.toBe(''); // the first listing has landed
      await page.getByTestId('folder-path').fill(parent);
      await page.getByTestId('folder-go').click();
      await page.locator(`[data-testid=folder-entry][data-path="${truth.dir}"]`).waitFor();
      expect(await page.getByTestId('folder-entry').allTextContents()).toEqual(['▸empty-folder', '▸phantom-axial']);
      await page.screenshot({ path: screenshotPath('web-folder-browser.png') });
      await page.locator(`[data-testid=folder-entry][data-path="${truth.dir}"]`).click();
      await expect.poll(() => page.getByTestId('folder-path').inputValue()).toBe(truth.dir);
      await page.getByTestId('folder-open').click();
      await dialog.waitFor({ state: 'detached' });

      // Until the new index lands the previous folder (the bundled sample, if installed) stays on screen.
      const card = page.locator(`[data-testid=series-card][data-series-uid="${truth.seriesInstanceUid}"]`);
      await card.waitFor({ timeout: 60_000 });
      expect(await page.getByTestId('series-card').count()).toBe(1);
      expect(await card.getByTestId('kind-badge').textContent()).toBe('volume');
      expect(await card.getByTestId('frame-count').textContent()).toBe('64 slices');
      expect(await card.getByTestId('series-geometry').textContent()).toContain('96×96');

      // The round trip on the wire: progress for the job, then one successful finish.
      const finishes = frames.filter((f) => f.channel === 'job:onDidFinish' && (f.payload as { result?: { folder?: string } }).result?.folder === truth.dir);
      expect(finishes).toHaveLength(1);
      expect(finishes[0]!.payload.ok).toBe(true);
      const jobId = finishes[0]!.payload.jobId;
      const progress = frames.filter((f) => f.channel === 'job:onDidProgress' && f.payload.jobId === jobId);
      expect(progress.length).toBeGreaterThan(0);
      expect(frames.indexOf(progress[progress.length - 1]!)).toBeLessThan(frames.indexOf(finishes[0]!));
    });

    it('(e) says clearly when a folder does not exist, and keeps working', async () => {
      const missing = path.join(parent, 'no-such-folder');
      await page.getByTestId('open-folder').click();
      await page.getByTestId('folder-path').fill(missing);
      await page.getByTestId('folder-go').click();
      await expect.poll(async () => page.getByTestId('folder-browser-error').textContent()).toContain('does not exist');
      await page.getByTestId('folder-path').fill(missing);
      await page.getByTestId('folder-path').press('Enter');
      const error = page.getByTestId('index-error');
      await error.waitFor();
      expect(await error.textContent()).toContain(`The folder ${missing} does not exist.`);
      await page.screenshot({ path: screenshotPath('web-missing-folder.png') });

      // An empty folder is not an error: it is indexed and says there is nothing to show.
      await page.getByTestId('open-folder').click();
      await page.getByTestId('folder-path').fill(path.join(parent, 'empty-folder'));
      await page.getByTestId('folder-path').press('Enter');
      await page.getByTestId('no-series').waitFor({ timeout: 30_000 });

      // Still working: reopen the phantom from the recent-folders list.
      await page.locator('[data-testid=recent-folder]', { hasText: 'phantom-axial' }).click();
      await page.locator(`[data-testid=series-card][data-series-uid="${truth.seriesInstanceUid}"]`).waitFor({ timeout: 60_000 });
      expect(await page.getByTestId('index-error').count()).toBe(0);
      expect(await page.getByTestId('frame-count').textContent()).toBe('64 slices');
      expect(problems).toEqual([]);
    });

    it('(c) refuses a wrong token: HTTP 403 for the page, and the WebSocket upgrade is refused', async () => {
      expect((await fetch(`${harness.origin}/?token=not-the-token`)).status).toBe(403);
      expect((await fetch(`${harness.origin}/`)).status).toBe(403);
      const status = await new Promise<number>((resolve, reject) => {
        const socket = new NodeWebSocket(`ws://127.0.0.1:${harness.port}/ipc?token=not-the-token`);
        socket.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
        socket.once('open', () => reject(new Error('a socket with a wrong token was accepted')));
        socket.once('error', () => undefined);
      });
      expect(status).toBe(403);
      // From a page too: the browser never gets an open socket.
      const opened = await page.evaluate(
        (url) =>
          new Promise<boolean>((resolve) => {
            const socket = new WebSocket(url);
            socket.onopen = () => resolve(true);
            socket.onerror = () => resolve(false);
          }),
        `ws://127.0.0.1:${harness.port}/ipc?token=not-the-token`,
      );
      expect(opened).toBe(false);
    });
  });
});
