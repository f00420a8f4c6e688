import { launchChromium } from '../test/e2e/harness';
import { screenshotRgba, findBlobs } from '../test/e2e/pixels';

const base = process.argv[2] ?? 'http://localhost:5199/';
const params = process.argv[3] ?? '';
const shot = process.argv[4] ?? 'tmp-view3d/shot.png';

const browser = await launchChromium();
const page = await browser.newPage({ viewport: { width: 800, height: 600 } });
const problems: string[] = [];
page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
page.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warning') problems.push(`${m.type()}: ${m.text()}`); });
await page.goto(`${base}?${params}`);
await page.getByTestId('view3d').waitFor({ timeout: 10000 }).catch(async () => { console.log('PROBLEMS', problems); console.log((await page.content()).slice(0, 2000)); });
await page.waitForTimeout(2500);
const img = await screenshotRgba(page.getByTestId('view3d-canvas-host'), shot);
const blobs = findBlobs(img.width, img.height, (x, y) => { const o = 4 * (x + y * img.width); return img.data[o]! + img.data[o + 1]! + img.data[o + 2]! > 90; });
console.log('size', img.width, img.height, 'blobs', JSON.stringify(blobs.slice(0, 4)));
console.log('letters', await Promise.all(['left', 'right', 'top', 'bottom'].map((e) => page.getByTestId(`view3d-orient-${e}`).textContent().catch(() => '-'))));
console.log('problems', problems.slice(0, 10));
await browser.close();
