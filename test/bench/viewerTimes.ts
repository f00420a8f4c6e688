/**
 * The browser half of `npm run bench`: the real renderer in Debian Chromium against the
 * loopback harness, timed from inside the page. Series click → first slice image,
 * slice change (key press → the new image drawn, synchronously, and to the next frame),
 * 3D rotation frames per second where the 3D view registered its probe, and the flythrough
 * along a given path (by component, playback rate, and a wall rebuild's main-thread cost).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { chromiumInstalled, harnessBuilt, launchChromium, startHarness } from '../e2e/harness';
import { writeVolumePhantom } from '../fixtures/volumePhantom';
import type { PlaybackRate, RebuildTiming, StepTimingSummary } from '../../renderer/features/flythrough/flythroughTiming';

export interface ViewerTiming {
  task: string;
  ms: number;
  note: string;
}

/** Clicks a series card and resolves with the time until the axial view first drew the series at its real size. */
async function clickToFirstImage(page: Page, uid: string): Promise<number> {
  return page.evaluate(async (seriesUid) => {
    type AxialProbe = () => { seriesUid: string; firstImageAt: number };
    const card = document.querySelector<HTMLElement>(`[data-testid=series-card][data-series-uid="${seriesUid}"]`)!;
    const started = performance.now();
    card.click();
    const drawnAt = await new Promise<number>((resolve) => {
      const tick = (): void => {
        const axial = (window.__lumenPerf?.['slice:axial'] as AxialProbe | undefined)?.();
        if (axial && axial.seriesUid === seriesUid && axial.firstImageAt > 0) resolve(axial.firstImageAt);
        else setTimeout(tick, 5);
      };
      tick();
    });
    return drawnAt - started;
  }, uid);
}

/** Key presses on a view: the synchronous reslice + draw, and the time to the next painted frame. */
async function sliceChange(page: Page, view: string, presses: number): Promise<{ syncMs: number[]; frameMs: number[] }> {
  await page.keyboard.press('p');
  await page.getByTestId(`view-${view}`).click({ position: { x: 5, y: 60 } });
  return page.evaluate(async (n) => {
    const syncMs: number[] = [];
    const frameMs: number[] = [];
    for (let p = 0; p < n; p++) {
      const key = p < n / 2 ? 'ArrowUp' : 'ArrowDown';
      const started = performance.now();
      document.dispatchEvent(new KeyboardEvent('keydown', { key, bubbles: true }));
      syncMs.push(performance.now() - started);
      await new Promise((r) => requestAnimationFrame(r));
      frameMs.push(performance.now() - started);
    }
    return { syncMs, frameMs };
  }, presses);
}

const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
const p95 = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(0.95 * (xs.length - 1))]!;

interface FlythroughFigures {
  steps: StepTimingSummary;
  stepping: { stepsPerSecond: number };
  playback: PlaybackRate;
  rebuild: RebuildTiming;
}

/**
 * Issue 5's figure: a flythrough along `pathFile` (a contrast lumen), stepped sample by sample
 * with every linked view following (endoscopic frame, cross-section, CPR cursor, 3-up), then
 * played for five seconds, then the wall rebuilt for a new threshold; timed by the workspace's
 * own probes (flythroughTiming.ts). One row per component of a step, so the table says where a
 * frame goes.
 */
async function flythrough(page: Page, pathFile: string, label: string): Promise<ViewerTiming[]> {
  await page.locator('body').click({ position: { x: 2, y: 2 } });
  await page.keyboard.press('s');
  await page.getByTestId('import-path-file').setInputFiles(pathFile);
  await page.getByTestId('path-summary').waitFor();
  await page.keyboard.press('t');
  await page.getByTestId('flythrough-workspace').waitFor();
  // The contrast lumen's wall. Lumen usually detects it by itself, and the wall may then be
  // built already; a click changes the lumen at once, so the air lumen's wall is gone (the
  // status shows instead) by the time the wait below starts.
  await page.getByTestId('fly-lumen-bright').click();
  await page.waitForFunction(() => document.querySelector('[data-testid=endoscopic-surface]') && !document.querySelector('[data-testid=endoscopic-status]'), null, { timeout: 60_000 });
  const figures = await page.evaluate(async () => {
    const perf = window.__lumenPerf!;
    const steps = await (perf['flythroughSteps'] as (n: number) => Promise<unknown>)(60);
    const stepping = await (perf['flythroughStepping'] as (n: number) => Promise<unknown>)(60);
    const playback = await (perf['flythroughPlayback'] as (s: number) => Promise<unknown>)(5);
    const rebuild = await (perf['flythroughRebuild'] as () => Promise<unknown>)();
    return { steps, stepping, playback, rebuild };
  }) as FlythroughFigures;
  const { mean: m, p95: p } = figures.steps;
  const { surface, longestTaskMs, totalMs } = figures.rebuild;
  const quality = figures.steps.quality;
  const step = (component: string, ms: number, p95Ms: number, note: string): ViewerTiming => ({ task: `${label}: flythrough step · ${component}`, ms, note: `p95 ${p95Ms.toFixed(1)} ms; ${note}` });
  return [
    step('endoscopic frame, paused', m.endoscopyMs, p.endoscopyMs, `fine wall, ${Math.round(m.triangles)} triangles drawn, render + GPU finish (${quality})`),
    step('endoscopic frame, playing', m.endoscopyMovingMs, p.endoscopyMovingMs, `coarse wall, ${Math.round(m.movingTriangles)} triangles drawn`),
    step('endoscopic submit', m.endoscopySubmitMs, p.endoscopySubmitMs, 'vtk.js on the main thread within the step'),
    step('cross-section cut', m.crossSectionMs, p.crossSectionMs, `CPR cut once per plan ${figures.steps.cprCutMs.toFixed(1)} ms`),
    step('three slice views', m.sliceViewsMs, p.sliceViewsMs, 'reslice + draw, at screen resolution while stepping'),
    step('2D panes (React)', m.panesMs, p.panesMs, 'cross-section image, CPR cursor, controls'),
    step('synchronous step', m.stepMs, p.stepMs, 'store + every reaction above, main thread'),
    step('to next frame', m.frameMs, p.frameMs, 'the whole linked update as the page shows it (stepping: coarse wall)'),
    {
      task: `${label}: flythrough, arrow key held`,
      ms: 1000 / figures.stepping.stepsPerSecond,
      note: `${figures.stepping.stepsPerSecond.toFixed(1)} steps/s, a step every animation frame (coarse wall and 3-up at screen resolution until the steps stop)`,
    },
    {
      task: `${label}: flythrough playback`,
      ms: 1000 / figures.playback.framesPerSecond,
      note: `${figures.playback.framesPerSecond.toFixed(1)} endoscopic frames/s (${figures.playback.animationFramesPerSecond.toFixed(1)} animation frames/s, ${figures.playback.linkedUpdatesPerSecond.toFixed(1)} linked updates/s, ${Math.round(figures.playback.triangles)} triangles a frame) at ${figures.playback.speedMmPerS} mm/s (WebGL on SwiftShader, no GPU; target 30)`,
    },
    {
      task: `${label}: flythrough wall rebuild (threshold change)`,
      ms: longestTaskMs,
      note: `longest main-thread task (target < 16 ms); change → new wall drawn ${totalMs.toFixed(0)} ms${surface ? `: crop ${surface.cropMs.toFixed(1)} ms and pieces' actors ${surface.actorsMs.toFixed(1)} ms on main, grid ${surface.gridMs.toFixed(0)} + surfaces ${surface.workerMs.toFixed(0)} ms in the worker (${surface.triangles} triangles, ${surface.coarseTriangles} coarse)` : ''}`,
    },
  ];
}

export async function measureViewer(volumeFolder: string, label: string, pathFile?: string): Promise<ViewerTiming[] | string> {
  if (!harnessBuilt) return 'needs `npm run build`';
  if (!chromiumInstalled) return 'needs /usr/bin/chromium';
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'lumen-bench-viewer-'));
  // A small phantom whose patient sorts first, so Lumen opens it by itself and the
  // measured volume is loaded only on the timed click.
  const phantom = writeVolumePhantom({ dir: path.join(root, 'phantom'), size: [64, 64, 40], patientName: 'Aaa^Bench' });
  fs.symlinkSync(volumeFolder, path.join(root, 'volume'));
  const [harness, browser] = await Promise.all([startHarness({ folder: root }), launchChromium()]);
  const timings: ViewerTiming[] = [];
  try {
    const page = await browser.newPage({ viewport: { width: 1366, height: 768 } });
    // tsx keeps function names with a `__name` helper that page.evaluate's serialised functions lack.
    await page.addInitScript('window.__name = (f) => f');
    await page.goto(harness.url);
    await page.getByTestId('volume-workspace').waitFor({ timeout: 60_000 });
    const uid = await page.locator('[data-testid=series-card]').evaluateAll(
      (cards, phantomUid) => cards.map((c) => c.getAttribute('data-series-uid')).find((u) => u !== phantomUid)!,
      phantom.seriesInstanceUid,
    );
    const phases = async (): Promise<string> => {
      const t = await page.evaluate(() => (window.__lumenPerf?.volumeTimings as (() => { loadedInMainMs: number; voxelsInRendererMs: number } | null) | undefined)?.());
      return t ? `in main after ${t.loadedInMainMs.toFixed(0)} ms, voxels in the renderer after ${t.voxelsInRendererMs.toFixed(0)} ms` : '';
    };
    // Let the first series' 3D view finish its first (software) render, so the timed click competes with nothing.
    const settle = () => page.waitForTimeout(4000);
    await settle();
    const cold = await clickToFirstImage(page, uid);
    timings.push({ task: `${label}: series click → first image`, ms: cold, note: `cold (decoded on click): ${await phases()}` });
    await clickToFirstImage(page, phantom.seriesInstanceUid);
    await settle();
    const warm = await clickToFirstImage(page, uid);
    timings.push({ task: `${label}: series click → first image`, ms: warm, note: `already decoded in main: ${await phases()}` });
    for (const view of ['axial', 'coronal', 'sagittal']) {
      const { syncMs, frameMs } = await sliceChange(page, view, 60);
      timings.push({ task: `${label}: slice change, ${view}`, ms: mean(syncMs), note: `key → image drawn; p95 ${p95(syncMs).toFixed(1)} ms; to next frame ${mean(frameMs).toFixed(1)} ms` });
    }
    const fps = await page.evaluate(async () => {
      const probe = window.__lumenPerf?.view3dFps as ((frames: number) => Promise<number>) | undefined;
      return probe ? probe(60) : null;
    });
    if (fps !== null) timings.push({ task: `${label}: 3D rotation`, ms: 1000 / fps, note: `${fps.toFixed(1)} frames/s (SwiftShader, no GPU)` });
    else timings.push({ task: `${label}: 3D rotation`, ms: NaN, note: 'no 3D view probe registered' });
    if (pathFile) timings.push(...(await flythrough(page, pathFile, `${label}, compositor on SwiftShader`)));
  } finally {
    await browser.close();
    await harness.stop();
    fs.rmSync(root, { recursive: true, force: true });
  }
  return timings;
}

/**
 * The flythrough alone, in a Chromium that composites on the CPU as it does by itself where
 * there is no GPU (WebGL still on SwiftShader): the volume folder is the only series, so
 * Lumen opens it by itself.
 */
export async function measureFlythroughSoftwareCompositing(volumeFolder: string, label: string, pathFile: string): Promise<ViewerTiming[] | string> {
  if (!harnessBuilt) return 'needs `npm run build`';
  if (!chromiumInstalled) return 'needs /usr/bin/chromium';
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'lumen-bench-flythrough-'));
  fs.symlinkSync(volumeFolder, path.join(root, 'volume'));
  const [harness, browser] = await Promise.all([startHarness({ folder: root }), launchChromium({ softwareCompositing: true })]);
  try {
    const page = await browser.newPage({ viewport: { width: 1366, height: 768 } });
    await page.addInitScript('window.__name = (f) => f');
    await page.goto(harness.url);
    await page.getByTestId('volume-workspace').waitFor({ timeout: 60_000 });
    await page.waitForTimeout(3000); // the first software render of the 3D view competes with nothing timed
    return await flythrough(page, pathFile, `${label}, compositor on the CPU`);
  } finally {
    await browser.close();
    await harness.stop();
    fs.rmSync(root, { recursive: true, force: true });
  }
}
