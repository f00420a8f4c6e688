/**
 * The Electron shell itself: security flags seen from the page, the preload's bridge
 * surface, and opening the bundled sample. Runs only where the Electron binary is
 * installed; the browser harness specs cover the renderer everywhere else.
 */
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { _electron as electron, type ElectronApplication, type Page } from 'playwright-core';
import { CHROMIUM_SWITCHES } from '../../electron/main/chromiumSwitches';
import { repoRoot, screenshotPath } from './harness';

function electronBinary(): string | null {
  try {
    const binary = createRequire(import.meta.url)('electron') as unknown;
    return typeof binary === 'string' && fs.existsSync(binary) ? binary : null;
  } catch {
    return null; // the package throws when its binary was never downloaded
  }
}

const binary = electronBinary();
const mainBuilt = fs.existsSync(path.join(repoRoot, 'out', 'node', 'main.js'));
const sample = path.join(repoRoot, 'assets', 'sample');
const skipReason = !binary
  ? 'Electron binary not installed (ELECTRON_SKIP_BINARY_DOWNLOAD / no network): the shell is covered by the browser harness specs'
  : !mainBuilt
    ? 'needs `npm run build`'
    : '';

describe.skipIf(skipReason !== '')(`Electron shell ${skipReason}`, () => {
  let app: ElectronApplication;
  let page: Page;

  beforeAll(async () => {
    app = await electron.launch({
      executablePath: binary!,
      args: [path.join(repoRoot, 'out', 'node', 'main.js'), ...(process.env.CI ? ['--no-sandbox'] : [])],
      cwd: repoRoot,
    });
    page = await app.firstWindow();
    await page.waitForLoadState('domcontentloaded');
  });
  afterAll(async () => {
    await app?.close();
  });

  it('isolates the page: no Node, and window.lumen exposes exactly invoke/on/pathForFile', async () => {
    const surface = await page.evaluate(() => ({
      process: typeof (window as { process?: unknown }).process,
      require: typeof (window as { require?: unknown }).require,
      lumenKeys: Object.keys((window as { lumen?: object }).lumen ?? {}).sort(),
    }));
    expect(surface).toEqual({ process: 'undefined', require: 'undefined', lumenKeys: ['invoke', 'on', 'pathForFile'] });
  });

  it('keeps WebGL on a machine without a GPU: SwiftShader opted into for its own trusted page', async () => {
    const switches = await app.evaluate(({ app: electronApp }, names) => names.filter((name) => electronApp.commandLine.hasSwitch(name)), [...CHROMIUM_SWITCHES]);
    expect(switches).toEqual(['enable-unsafe-swiftshader']);
    expect(await page.evaluate(() => document.createElement('canvas').getContext('webgl2') !== null)).toBe(true);
  });

  it('refuses an unknown channel in the preload', async () => {
    const error = await page.evaluate(() =>
      (window as unknown as { lumen: { invoke(c: string, r: unknown): Promise<unknown> } }).lumen.invoke('shell:exec', {}).then(
        () => 'accepted',
        (e: Error) => e.message,
      ),
    );
    expect(error).toContain('Unknown request channel');
  });

  it.skipIf(!fs.existsSync(sample))('opens the bundled sample at start', async () => {
    await page.getByTestId('series-card').first().waitFor({ timeout: 60_000 });
    expect(await page.getByTestId('kind-badge').first().textContent()).toBe('volume');
    await page.screenshot({ path: screenshotPath('electron-sample.png') });
  });

  it.skipIf(!fs.existsSync(sample))('shows the sample in the 3-up viewer over ipcMain: three drawn slice views and the 3D view', async () => {
    await page.getByTestId('volume-workspace').waitFor({ timeout: 60_000 });
    for (const view of ['axial', 'coronal', 'sagittal']) {
      const spread = await page.locator(`[data-testid=canvas-${view}]`).evaluate((canvas: HTMLCanvasElement) => {
        const { data } = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height);
        let min = 255;
        let max = 0;
        for (let i = 0; i < data.length; i += 4) {
          min = Math.min(min, data[i]!);
          max = Math.max(max, data[i]!);
        }
        return max - min;
      });
      expect(spread, view).toBeGreaterThan(150);
    }
    await page.getByTestId('view3d-canvas-host').locator('canvas').waitFor();
    expect(await page.getByTestId('view3d-message').count()).toBe(0);
    await page.screenshot({ path: screenshotPath('electron-three-up.png') });
  });
});
