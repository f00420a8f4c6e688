import { launchChromium } from '../test/e2e/harness';
import { screenshotRgba } from '../test/e2e/pixels';

const base = process.argv[2] ?? 'http://localhost:5199/';
const browser = await launchChromium();
const page = await browser.newPage({ viewport: { width: 800, height: 600 } });
const problems: string[] = [];
page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
page.on('console', (m) => { if (m.type() === 'error' && !m.text().includes('404')) problems.push(`${m.type()}: ${m.text()}`); });
await page.goto(`${base}?n=256&slices=120&px=0.4&sz=0.8`);
const host = page.getByTestId('view3d-canvas-host');
await host.locator('canvas').waitFor();
await page.waitForTimeout(800);
const letters = async () => (await Promise.all(['left', 'right', 'top', 'bottom'].map((e) => page.getByTestId(`view3d-orient-${e}`).textContent()))).join(',');
const out: Record<string, unknown> = { initial: await letters() };
const box = (await host.boundingBox())!;
const cx = box.x + box.width / 2, cy = box.y + box.height / 2;
// Rotate: drag left→right by 1/4 width
await page.mouse.move(cx, cy);
await page.mouse.down();
for (let i = 1; i <= 10; i++) await page.mouse.move(cx + (i * box.width) / 40, cy);
await page.mouse.up();
await page.waitForTimeout(300);
out.afterDragRight = await letters();
out.leakedPointer = await page.evaluate(() => (window as unknown as { __leakedPointer?: number }).__leakedPointer ?? 0);
await page.screenshot({ path: 'tmp-view3d/rotated.png' });
// 'r' key on the focused host resets; must not leak
await host.focus();
await page.keyboard.press('r');
await page.waitForTimeout(200);
out.afterR = await letters();
await page.keyboard.press('w'); // vtk's wireframe key: must do nothing and bubble (not ours)
out.leakedKeys = await page.evaluate(() => (window as unknown as { __leakedKeys?: number }).__leakedKeys ?? 0);
// drag again then reset button
await page.mouse.move(cx, cy);
await page.mouse.down();
for (let i = 1; i <= 10; i++) await page.mouse.move(cx, cy + (i * box.height) / 30);
await page.mouse.up();
out.afterDragDown = await letters();
await page.getByTestId('view3d-reset').click();
await page.waitForTimeout(200);
out.afterReset = await letters();
// Isosurface: slider + cancel
await page.getByTestId('view3d-mode').getByRole('button', { name: 'Isosurface' }).click();
const sawComputing = await page.getByTestId('view3d-status').waitFor({ timeout: 3000 }).then(() => true, () => false);
out.sawComputing = sawComputing;
await page.getByTestId('view3d-status').getByRole('button', { name: 'Cancel' }).click().catch((e) => (out.cancelErr = String(e)));
await page.waitForTimeout(300);
out.afterCancel = await page.evaluate(() => { const s = (window as unknown as { __dev: { store: { status: string; mode: string; surface: unknown } } }).__dev.store; return { status: s.status, mode: s.mode, surface: s.surface }; });
// now compute properly, then move slider with keyboard several times quickly (debounce + supersede)
await page.getByTestId('view3d-mode').getByRole('button', { name: 'Isosurface' }).click();
await page.waitForFunction(() => (window as unknown as { __dev: { store: { status: string; surface: unknown } } }).__dev.store.surface !== null, undefined, { timeout: 60000 });
const slider = page.getByTestId('view3d-iso');
await slider.focus();
const keysBefore = await page.evaluate(() => (window as unknown as { __leakedKeys?: number }).__leakedKeys ?? 0);
for (let i = 0; i < 5; i++) await page.keyboard.press('PageUp');
out.sliderKeysLeaked = (await page.evaluate(() => (window as unknown as { __leakedKeys?: number }).__leakedKeys ?? 0)) - keysBefore;
out.isoAfterKeys = await page.evaluate(() => (window as unknown as { __dev: { store: { isoValue: number } } }).__dev.store.isoValue);
await page.waitForFunction(() => { const s = (window as unknown as { __dev: { store: { status: string } } }).__dev.store; return s.status === 'idle'; }, undefined, { timeout: 60000 });
await page.waitForTimeout(500);
out.surfaceInfo = await page.getByTestId('view3d-surface-info').textContent();
await page.screenshot({ path: 'tmp-view3d/iso-ui.png' });
// Main thread responsiveness while computing: measure the longest gap between rAFs during a computation.
await page.evaluate(() => { (window as unknown as { __dev: { store: { setIsoValue(v: number): void } } }).__dev.store.setIsoValue(500); });
out.longestFrameGapMs = await page.evaluate(`(async () => {
  let last = performance.now(); let worst = 0; const end = last + 1500;
  await new Promise((resolve) => { const tick = () => { const t = performance.now(); worst = Math.max(worst, t - last); last = t; if (t < end) requestAnimationFrame(tick); else resolve(); }; requestAnimationFrame(tick); });
  return worst;
})()`);
// Context loss
await page.evaluate(() => { const c = document.querySelector('[data-testid=view3d-canvas-host] canvas') as HTMLCanvasElement; const gl = c.getContext('webgl2')!; (window as unknown as { __lose: WEBGL_lose_context }).__lose = gl.getExtension('WEBGL_lose_context')!; (window as unknown as { __lose: WEBGL_lose_context }).__lose.loseContext(); });
await page.waitForTimeout(300);
out.lostMessage = await page.getByTestId('view3d-message').textContent().catch(() => null);
await page.screenshot({ path: 'tmp-view3d/lost.png' });
await page.evaluate(() => (window as unknown as { __lose: WEBGL_lose_context }).__lose.restoreContext());
await page.waitForTimeout(1500);
out.messageAfterRestore = await page.getByTestId('view3d-message').count();
const img = await screenshotRgba(host, 'tmp-view3d/restored.png');
let bright = 0; for (let i = 0; i < img.data.length; i += 4) if (img.data[i]! > 100) bright++;
out.brightPixelsAfterRestore = bright;
console.log(JSON.stringify(out));
console.log('problems', problems);
await browser.close();
