/**
 * Every series of the robustness collection (../shared/data/dicom-robustness: odd,
 * damaged and unusual files from many vendors), opened one after another in the real
 * app: each shows its images or a plain message in their place, and nothing throws.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { chromiumInstalled, harnessBuilt, launchChromium, openHarnessPage, screenshotPath, sharedData, startHarness, type Harness } from './harness';

const robustnessDir = path.join(sharedData, 'dicom-robustness');
const ready = harnessBuilt && chromiumInstalled && fs.existsSync(robustnessDir);
const reason = !harnessBuilt ? '(needs `npm run build`)' : !chromiumInstalled ? '(needs /usr/bin/chromium)' : !fs.existsSync(robustnessDir) ? '(needs ../shared/data)' : '';

type Outcome = 'volume' | 'volume-error' | 'frame' | 'frame-error' | 'no-images';

/** Waits until the workspace has settled on the selected series, and says what it shows. */
async function outcomeOf(page: Page): Promise<{ outcome: Outcome; message: string }> {
  const handle = await page.waitForFunction(
    () => {
      const has = (id: string) => document.querySelector(`[data-testid=${id}]`) !== null;
      const text = (id: string) => document.querySelector(`[data-testid=${id}]`)?.textContent ?? '';
      if (has('volume-loading') || has('frame-loading')) return null;
      if (has('volume-error')) return { outcome: 'volume-error', message: text('volume-error-text') || text('volume-error') };
      if ((document.querySelector('[data-testid=canvas-axial]') as HTMLCanvasElement | null)?.width) return { outcome: 'volume', message: '' };
      if (has('preview-error')) return { outcome: 'frame-error', message: text('preview-error') };
      if (document.querySelector('[data-testid=preview-canvas][data-frame]')) return { outcome: 'frame', message: '' };
      if (/holds no images/.test(text('preview'))) return { outcome: 'no-images', message: text('preview') };
      return null;
    },
    undefined,
    { timeout: 20_000 },
  );
  return (await handle.jsonValue()) as { outcome: Outcome; message: string };
}

describe.skipIf(!ready)(`robustness collection in the app ${reason}`, () => {
  let browser: Browser;
  let harness: Harness;
  let page: Page;
  let problems: string[] = [];

  beforeAll(async () => {
    [harness, browser] = await Promise.all([startHarness({ folder: robustnessDir }), launchChromium()]);
    ({ page, problems } = await openHarnessPage(browser, harness));
    await page.getByTestId('series-card').first().waitFor({ timeout: 60_000 });
  }, 90_000);

  afterAll(async () => {
    await browser?.close();
    await harness?.stop();
  });

  it('opens every series: images, or a plain message in their place; no script errors', async () => {
    const uids = await page.locator('[data-testid=series-card]').evaluateAll((cards) => cards.map((c) => c.getAttribute('data-series-uid')!));
    expect(uids.length).toBeGreaterThan(40);
    const seen: Record<Outcome, number> = { volume: 0, 'volume-error': 0, frame: 0, 'frame-error': 0, 'no-images': 0 };
    for (const uid of uids) {
      await page.locator(`[data-testid=series-card][data-series-uid="${uid}"]`).click();
      const { outcome, message } = await outcomeOf(page);
      seen[outcome]++;
      if (outcome.endsWith('error')) {
        // A sentence for a person, not a stack trace or an empty box.
        expect(message.trim().length, `series ${uid}`).toBeGreaterThan(10);
        expect(message, `series ${uid}`).not.toMatch(/\bat \S+ \(|TypeError|undefined|\[object/);
      }
    }
    await page.screenshot({ path: screenshotPath('robustness-last-series.png') });
    // Both volumes of the collection open in the 3-up viewer; most single images decode.
    expect(seen.volume).toBe(2);
    expect(seen.frame).toBeGreaterThan(30);
    expect(problems).toEqual([]);
    console.log(`robustness collection: ${JSON.stringify(seen)}`);
  }, 180_000);
});
