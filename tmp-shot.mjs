import { spawn } from 'node:child_process';
import fs from 'node:fs';
import { chromium } from 'playwright-core';
const [folder, out, actions = ''] = process.argv.slice(2);
const state = fs.mkdtempSync('/tmp/lumen-state-');
const child = spawn(process.execPath, ['out/node/webMain.js', '--port', '0', '--folder', folder, '--state-dir', state], { stdio: ['ignore', 'pipe', 'pipe'] });
let log = '';
const url = await new Promise((res, rej) => {
  child.stdout.on('data', (d) => { log += d; const m = /(http:\/\/127\.0\.0\.1:\d+\/\?token=\S+)/.exec(log); if (m) res(m[1]); });
  child.stderr.on('data', (d) => (log += d));
  setTimeout(() => rej(new Error(log)), 20000);
});
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--use-angle=swiftshader', '--enable-unsafe-swiftshader'] });
const page = await browser.newPage({ viewport: { width: 1366, height: 768 } });
page.on('console', (m) => m.type() === 'error' && console.log('console:', m.text()));
page.on('pageerror', (e) => console.log('pageerror:', e.message));
const t0 = Date.now();
await page.goto(url);
await page.getByTestId('series-card').first().waitFor();
await page.getByTestId('series-card').first().click();
await page.getByTestId('volume-workspace').waitFor({ timeout: 30000 });
console.log('workspace after', Date.now() - t0, 'ms');
for (const a of actions.split(';').filter(Boolean)) {
  const [kind, arg] = a.split(':');
  if (kind === 'key') await page.keyboard.press(arg);
  if (kind === 'wait') await page.waitForTimeout(Number(arg));
  if (kind === 'click') await page.getByTestId(arg).click();
}
await page.waitForTimeout(500);
await page.screenshot({ path: out });
console.log(await page.evaluate(() => JSON.stringify(Object.fromEntries(Object.entries(window.__lumenPerf ?? {}).map(([k, f]) => [k, k.startsWith('slice') ? f() : 'fn'])))));
await browser.close();
child.kill();
