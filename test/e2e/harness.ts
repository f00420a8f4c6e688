/**
 * Starts the real browser harness (`node out/node/webMain.js`) as a child process
 * and Debian's Chromium through playwright-core, for the end-to-end specs.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { CHROMIUM_SWITCHES } from '../../electron/main/chromiumSwitches';

export const repoRoot = path.resolve(fileURLToPath(new URL('.', import.meta.url)), '..', '..');
export const sharedData = path.resolve(repoRoot, '..', 'shared', 'data');
export const chestCtDir = path.join(sharedData, 'ct-chest', 'dicom');
export const resultsDir = path.join(repoRoot, 'test-results');
export const CHROMIUM = '/usr/bin/chromium';
const webMain = path.join(repoRoot, 'out', 'node', 'webMain.js');

export const harnessBuilt = fs.existsSync(webMain) && fs.existsSync(path.join(repoRoot, 'out', 'renderer', 'index.html'));
export const chromiumInstalled = fs.existsSync(CHROMIUM);

export interface Harness {
  url: string;
  origin: string;
  token: string;
  port: number;
  stateDir: string;
  output: () => string;
  stop(): Promise<void>;
}

/** Resolves once the harness printed its URL line; rejects with its output if it exits first. */
export async function startHarness({ folder, volumeLimitMb }: { folder?: string; volumeLimitMb?: number } = {}): Promise<Harness> {
  const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'lumen-e2e-state-'));
  const args = [webMain, '--port', '0', '--state-dir', stateDir, ...(folder ? ['--folder', folder] : []), ...(volumeLimitMb ? ['--volume-limit-mb', String(volumeLimitMb)] : [])];
  const child: ChildProcess = spawn(process.execPath, args, { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`harness did not start within 20 s:\n${output}`)), 20_000);
    const check = (): void => {
      const match = /^Lumen web harness: (http:\/\/127\.0\.0\.1:\d+\/\?token=\S+)$/m.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    };
    child.stdout!.on('data', check);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`harness exited with ${code}:\n${output}`));
    });
  });
  const parsed = new URL(url);
  return {
    url,
    origin: parsed.origin,
    token: parsed.searchParams.get('token')!,
    port: Number(parsed.port),
    stateDir,
    output: () => output,
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
        if (child.exitCode === null) child.kill('SIGKILL');
      }
      fs.rmSync(stateDir, { recursive: true, force: true });
    },
  };
}

export interface ChromiumOptions {
  /**
   * Composite the page on the CPU, as Chromium does by itself on a machine without a GPU,
   * WebGL staying on SwiftShader. Without it, --use-angle=swiftshader makes SwiftShader pose
   * as the GPU for the compositor too, which no real GPU-less install does.
   */
  softwareCompositing?: boolean;
}

export function launchChromium({ softwareCompositing = false }: ChromiumOptions = {}): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--use-angle=swiftshader',
      // The Electron shell's own switches: every spec here runs the page as the app's window would.
      ...CHROMIUM_SWITCHES.map((name) => `--${name}`),
      ...(softwareCompositing ? ['--disable-gpu-compositing'] : []),
      '--no-sandbox',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}

/** A 1366×768 page on the harness, collecting page errors and console errors (a spec expects none). */
export async function openHarnessPage(browser: Browser, harness: Harness): Promise<{ page: Page; problems: string[] }> {
  const page = await browser.newPage({ viewport: { width: 1366, height: 768 } });
  const problems: string[] = [];
  page.on('pageerror', (err) => problems.push(`pageerror: ${err.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console: ${m.text()}`);
  });
  await page.goto(harness.url);
  return { page, problems };
}

export function screenshotPath(name: string): string {
  fs.mkdirSync(resultsDir, { recursive: true });
  return path.join(resultsDir, name);
}
