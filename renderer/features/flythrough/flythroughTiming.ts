/**
 * What one flythrough step costs, by linked view, timed from inside the page for the benchmark
 * (registered as perf probes by the workspace). A step runs the store's reactions in one task:
 * the endoscopic frame is submitted (EndoscopicRenderer; the GPU draws it meanwhile), the
 * cross-section is cut (FlythroughImages) and the three slice views reslice and draw
 * (SliceViewport's own timings); React then redraws the 2D panes (the cross-section's grey
 * mapping and canvas, the CPR cursor line, the controls) before the next animation frame. The
 * endoscopic frame's whole cost is measured after the step, drawn again alone and waited for,
 * with the fine wall a paused flight draws and the coarse one a playing or stepping flight draws
 * (a step is timed as stepping draws it: coarse wall, 3-up at screen resolution). Playback
 * counts frames; a surface rebuild is watched for the longest main-thread task it causes.
 */
import type { FlythroughStore } from '../../stores/FlythroughStore';
import type { EndoscopicRenderer, SurfaceTimings } from '../../viewers/endoscopy/EndoscopicRenderer';
import { DEFAULT_WALL_HU } from '../../viewers/endoscopy/endoscopicSurface';
import type { SliceRenderTimings } from '../../viewers/slice/SliceViewport';
import type { FlythroughImages } from './FlythroughImages';

export interface StepTiming {
  /** The endoscopic frame alone: vtk.js render and GPU finish. */
  endoscopyMs: number;
  /** Its submission within the step (main thread only). */
  endoscopySubmitMs: number;
  /** Triangles in the pieces of wall drawn. */
  triangles: number;
  /** The same frame as playback draws it (the coarse wall), and its triangles. */
  endoscopyMovingMs: number;
  movingTriangles: number;
  /** Cutting the cross-section at the new sample. */
  crossSectionMs: number;
  /** The three slice views' reslice + draw. */
  sliceViewsMs: number;
  /** React's redraw of the 2D panes after the step: cross-section image, CPR cursor line, controls. */
  panesMs: number;
  /** The step's synchronous work: the store and every reaction above. */
  stepMs: number;
  /** From the step to the next animation frame: the whole linked update as the page shows it. */
  frameMs: number;
}

export interface StepTimingSummary {
  steps: number;
  mean: StepTiming;
  p95: StepTiming;
  /** The cut of the whole long-axis (CPR) image, once per plan, ms. */
  cprCutMs: number;
  /** Building the wall surface, once per path or threshold. */
  surface: SurfaceTimings | null;
  quality: string;
}

const KEYS: (keyof StepTiming)[] = ['endoscopyMs', 'endoscopySubmitMs', 'triangles', 'endoscopyMovingMs', 'movingTriangles', 'crossSectionMs', 'sliceViewsMs', 'panesMs', 'stepMs', 'frameMs'];
const SLICE_PROBES = ['slice:axial', 'slice:coronal', 'slice:sagittal'];

function sliceViewsMs(): number {
  let sum = 0;
  for (const name of SLICE_PROBES) {
    const timings = window.__lumenPerf?.[name]?.() as SliceRenderTimings | undefined;
    if (timings) sum += timings.resliceMs + timings.drawMs;
  }
  return sum;
}

/** Resolves after the tasks already queued (React's render and effects), without setTimeout's clamping. */
function afterQueuedTasks(): Promise<void> {
  return new Promise((resolve) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => {
      channel.port1.close();
      resolve();
    };
    channel.port2.postMessage(null);
  });
}

const nextFrame = (): Promise<void> => new Promise((resolve) => requestAnimationFrame(() => resolve()));

function summarise(rows: StepTiming[], pick: (values: number[]) => number): StepTiming {
  return Object.fromEntries(KEYS.map((k) => [k, pick(rows.map((r) => r[k]))])) as unknown as StepTiming;
}

const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
const p95 = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(0.95 * (xs.length - 1))] ?? 0;

/** Steps `steps` samples forward from where the flight is (back from the end when it runs out). */
export async function measureSteps(flythrough: FlythroughStore, renderer: EndoscopicRenderer, images: FlythroughImages, steps = 60): Promise<StepTimingSummary> {
  const rows: StepTiming[] = [];
  flythrough.pause();
  await nextFrame();
  for (let n = 0; n < steps; n++) {
    const atEnd = flythrough.sampleIndex >= (flythrough.samples?.length ?? 0) - 1;
    const started = performance.now();
    if (atEnd) flythrough.jumpToStart();
    else flythrough.stepForward();
    const stepped = performance.now();
    await afterQueuedTasks();
    const painted = performance.now();
    await nextFrame();
    const frameMs = performance.now() - started;
    const submitMs = renderer.lastFrameMs;
    // The fine wall, as a pause shows it (stepping draws the coarse one until it settles).
    // Twice, the faster counted: the first may also wait for the page's own frame on a shared GPU thread.
    renderer.setMoving(false);
    const endoscopyMs = Math.min(renderer.measureFrame(), renderer.measureFrame());
    const triangles = renderer.drawnTriangles;
    renderer.setMoving(true);
    // The first coarse frame of a place may also make its pieces' buffers: the second is a frame in flight.
    renderer.measureFrame();
    const endoscopyMovingMs = renderer.measureFrame();
    const movingTriangles = renderer.drawnTriangles;
    renderer.setMoving(flythrough.moving);
    rows.push({
      endoscopyMs,
      endoscopySubmitMs: submitMs,
      triangles,
      endoscopyMovingMs,
      movingTriangles,
      crossSectionMs: images.crossMs,
      sliceViewsMs: sliceViewsMs(),
      panesMs: painted - stepped,
      stepMs: stepped - started,
      frameMs,
    });
  }
  return { steps, mean: summarise(rows, mean), p95: summarise(rows, p95), cprCutMs: images.longMs, surface: renderer.surfaceTimings, quality: renderer.quality };
}

/**
 * A held arrow key: `steps` steps forward one animation frame apart (back from the start when
 * the path runs out), nothing else timed in between. Steps per second, as the page kept up.
 */
export async function measureStepping(flythrough: FlythroughStore, steps = 60): Promise<{ stepsPerSecond: number }> {
  flythrough.pause();
  await nextFrame();
  const started = performance.now();
  for (let n = 0; n < steps; n++) {
    if (flythrough.sampleIndex >= (flythrough.samples?.length ?? 0) - 1) flythrough.jumpToStart();
    flythrough.stepForward();
    await nextFrame();
  }
  return { stepsPerSecond: (1000 * steps) / (performance.now() - started) };
}

export interface PlaybackRate {
  seconds: number;
  /** Endoscopic frames drawn per second while playing. */
  framesPerSecond: number;
  /** Animation frames per second the page ran while playing (each moves the flight once). */
  animationFramesPerSecond: number;
  /** Triangles the endoscopic view drew per frame while playing (mean). */
  triangles: number;
  /** Cross-section cuts per second: the steps on which every linked view moved. */
  linkedUpdatesPerSecond: number;
  speedMmPerS: number;
}

/** Plays from the start for `seconds` at the current speed (looping) and counts what was drawn. */
export async function measurePlayback(flythrough: FlythroughStore, renderer: EndoscopicRenderer, images: FlythroughImages, seconds = 3): Promise<PlaybackRate> {
  const loop = flythrough.loop;
  flythrough.pause();
  flythrough.setLoop(true);
  flythrough.jumpToStart();
  await nextFrame();
  const frames = renderer.frames;
  const cuts = images.crossCuts;
  const started = performance.now();
  flythrough.play();
  const drawn: number[] = [];
  let animationFrames = 0;
  // Counted after the flight's own frame callback (requested first), so it sees that frame's wall.
  const count = (): void => {
    if (!flythrough.playing) return;
    animationFrames++;
    drawn.push(renderer.drawnTriangles);
    requestAnimationFrame(count);
  };
  requestAnimationFrame(count);
  await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
  flythrough.pause();
  flythrough.setLoop(loop);
  const elapsed = (performance.now() - started) / 1000;
  return {
    seconds: elapsed,
    framesPerSecond: (renderer.frames - frames) / elapsed,
    animationFramesPerSecond: animationFrames / elapsed,
    triangles: mean(drawn),
    linkedUpdatesPerSecond: (images.crossCuts - cuts) / elapsed,
    speedMmPerS: flythrough.speedMmPerS,
  };
}

export interface RebuildTiming {
  /** The longest main-thread task from the threshold change until the new wall is drawn, ms. */
  longestTaskMs: number;
  /** From the change (debounce included) until the new wall is drawn, ms. */
  totalMs: number;
  surface: SurfaceTimings | null;
}

/**
 * Moves the wall threshold by 10 HU and back, as the slider does, and watches the main thread
 * while the first rebuild runs: a message posted to itself over and over comes back late by as
 * long as any task in between ran (tasks under 50 ms never show in the Long Tasks API).
 */
export async function measureRebuild(renderer: EndoscopicRenderer): Promise<RebuildTiming> {
  const { lumen, wallHu } = renderer.transfer;
  const before = renderer.surfaceTimings;
  let longestTaskMs = 0;
  let watching = true;
  const channel = new MessageChannel();
  let last = performance.now();
  channel.port1.onmessage = () => {
    const now = performance.now();
    longestTaskMs = Math.max(longestTaskMs, now - last);
    last = now;
    if (watching) channel.port2.postMessage(null);
  };
  channel.port2.postMessage(null);
  const started = performance.now();
  renderer.setTransfer(lumen, (wallHu ?? DEFAULT_WALL_HU[lumen]) + 10);
  while (renderer.surfaceTimings === before) await nextFrame();
  await nextFrame();
  const totalMs = performance.now() - started;
  watching = false;
  channel.port1.close();
  const surface = renderer.surfaceTimings;
  renderer.setTransfer(lumen, wallHu);
  while (renderer.surfaceTimings === surface) await nextFrame();
  return { longestTaskMs, totalMs, surface };
}
