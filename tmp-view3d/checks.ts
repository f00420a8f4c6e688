import type { Page } from 'playwright-core';
import { launchChromium } from '../test/e2e/harness';
import { findBlobs, screenshotRgba } from '../test/e2e/pixels';

const base = process.argv[2] ?? 'http://localhost:5199/';
const orientation = process.argv[3] ?? 'axial';
const browser = await launchChromium();
const page = await browser.newPage({ viewport: { width: 800, height: 600 } });
const problems: string[] = [];
page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
page.on('console', (m) => { if (m.type() === 'error' && !m.text().includes('404')) problems.push(`${m.type()}: ${m.text()}`); });
await page.goto(`${base}?orientation=${orientation}`);
await page.getByTestId('view3d-canvas-host').locator('canvas').waitFor();
await page.addStyleTag({ content: '.view3d-toolbar, .view3d-orient, .view3d-info, .view3d-status { visibility: hidden }' });
await page.waitForTimeout(1000);

type Store = { setPreset(id: string): void; setMode(m: string): void; setIsoValue(v: number): void; status: string; surface: unknown };
const store = (fn: string) => page.evaluate(`(() => { const s = window.__dev.store; ${fn} })()`);

async function shot(name: string, threshold = 60) {
  const img = await screenshotRgba(page.getByTestId('view3d-canvas-host'), `tmp-view3d/${orientation}-${name}.png`);
  const lum = (x: number, y: number) => { const o = 4 * (x + y * img.width); return (img.data[o]! + img.data[o + 1]! + img.data[o + 2]!) / 3; };
  const blobs = findBlobs(img.width, img.height, (x, y) => lum(x, y) > threshold);
  return { img, blobs, lum };
}
/** Runs a store action and waits for a new surface to be on screen. */
async function actAndWaitSurface(p: Page, action: string) {
  await p.evaluate(`(() => { window.__prevSurface = window.__dev.store.surface; const s = window.__dev.store; ${action} })()`);
  await p.waitForFunction(() => { const w = window as unknown as { __prevSurface: unknown; __dev: { store: Store } }; return w.__dev.store.status === 'idle' && w.__dev.store.surface !== null && w.__dev.store.surface !== w.__prevSurface; }, undefined, { timeout: 60000 });
  await p.waitForTimeout(300);
}

const out: Record<string, unknown> = {};
// 1. bone: markers
{
  const { blobs, img } = await shot('bone');
  const [a, b] = blobs.slice(0, 2).sort((p, q) => q.area - p.area);
  out.bone = { w: img.width, h: img.height, A: a && { cx: a.cx, cy: a.cy, area: a.area }, B: b && { cx: b.cx, cy: b.cy, area: b.area }, n: blobs.length };
}
// 2. soft tissue: silhouette
{
  await store("s.setPreset('ct-soft-tissue')");
  await page.waitForTimeout(800);
  const { blobs } = await shot('soft', 20);
  const body = blobs[0]!;
  out.soft = { bbox: [body.minX, body.maxX, body.minY, body.maxY], aspect: (body.maxX - body.minX + 1) / (body.maxY - body.minY + 1), expected: 80 / 88 };
}
// 3. isosurface bone
{
  await actAndWaitSurface(page, "s.setPreset('ct-bone'); s.setMode('isosurface')");
  const { blobs, img } = await shot('iso-bone');
  const a = blobs[0]!;
  const o = 4 * (Math.round(a.cx) + Math.round(a.cy) * img.width);
  out.isoBone = { surface: await store('return s.surface'), A: { cx: a.cx, cy: a.cy, area: a.area }, rgbAtA: [img.data[o], img.data[o + 1], img.data[o + 2]], n: blobs.length };
}
// 4. isosurface skin
{
  await actAndWaitSurface(page, "s.setPreset('ct-soft-tissue')");
  const { blobs } = await shot('iso-skin', 20);
  const body = blobs[0]!;
  out.isoSkin = { surface: await store('return s.surface'), aspect: (body.maxX - body.minX + 1) / (body.maxY - body.minY + 1), bbox: [body.minX, body.maxX, body.minY, body.maxY] };
}
console.log(JSON.stringify(out, null, 1));
console.log('problems', problems);
await browser.close();
