/**
 * Exports of the endoscopic view: a WebM video of the flight (MediaRecorder over the canvas's
 * captureStream while the path plays once from the start at the chosen speed), or one PNG per
 * path sample in an uncompressed ZIP with every frame's camera pose. Both drive the store the
 * way the controls do, so what is saved is what the view shows.
 */
import { reaction, when } from 'mobx';
import { zipStore, type ZipEntry } from '../../../shared/io/zipStore';
import type { FlythroughStore } from '../../stores/FlythroughStore';
import type { EndoscopicRenderer } from '../../viewers/endoscopy/EndoscopicRenderer';

export interface ExportProgress {
  done: number;
  total: number;
}

export interface FlythroughExportOptions {
  flythrough: FlythroughStore;
  renderer: EndoscopicRenderer;
  signal: AbortSignal;
  onProgress(progress: ExportProgress): void;
}

export class ExportCancelledError extends Error {
  constructor() {
    super('Export cancelled');
    this.name = 'ExportCancelledError';
  }
}

/** The recorder samples the canvas at most this often; playback sets how often it changes. */
const VIDEO_FPS = 30;
const VIDEO_TYPES = ['video/webm;codecs=vp9', 'video/webm;codecs=vp8', 'video/webm'];

/** Plays the path once from its start (a loop or closed path stops where it would wrap) while recording. */
export async function recordFlythroughVideo({ flythrough, renderer, signal, onProgress }: FlythroughExportOptions): Promise<Blob> {
  const mimeType = typeof MediaRecorder === 'undefined' ? undefined : VIDEO_TYPES.find((t) => MediaRecorder.isTypeSupported(t));
  if (!mimeType) throw new Error('This browser cannot record WebM video; export PNG frames instead.');
  flythrough.pause();
  flythrough.jumpToStart();
  const stream = renderer.canvas.captureStream(VIDEO_FPS);
  const recorder = new MediaRecorder(stream, { mimeType });
  const chunks: Blob[] = [];
  recorder.ondataavailable = (event) => {
    if (event.data.size > 0) chunks.push(event.data);
  };
  const stopped = new Promise<void>((resolve, reject) => {
    recorder.onstop = () => resolve();
    recorder.onerror = () => reject(new Error('The video recorder failed.'));
  });
  const total = flythrough.length;
  const stopAtWrap = reaction(
    () => flythrough.arcLength,
    (mm, previous) => {
      if (mm < previous) flythrough.pause();
      else onProgress({ done: mm, total });
    },
  );
  const cancel = (): void => flythrough.pause();
  signal.addEventListener('abort', cancel);
  // The video is the export: the fine wall, not the coarse one live playback draws.
  renderer.setRecording(true);
  try {
    recorder.start();
    flythrough.play();
    await when(() => !flythrough.playing);
  } finally {
    renderer.setRecording(false);
    stopAtWrap();
    signal.removeEventListener('abort', cancel);
    if (recorder.state !== 'inactive') recorder.stop();
    await stopped;
    stream.getTracks().forEach((track) => track.stop());
  }
  if (signal.aborted) throw new ExportCancelledError();
  return new Blob(chunks, { type: 'video/webm' });
}

/** One PNG per path sample at the view's full resolution, named in order, with frames.json giving each frame's camera in LPS mm. */
export async function renderFlythroughFrames({ flythrough, renderer, signal, onProgress }: FlythroughExportOptions): Promise<Uint8Array> {
  const samples = flythrough.samples;
  if (!samples) throw new Error('There is no path to fly through.');
  flythrough.pause();
  const digits = String(samples.length - 1).length;
  const entries: ZipEntry[] = [];
  const frames: { file: string; arcLength: number; position: number[]; direction: number[]; up: number[] }[] = [];
  renderer.setFullResolution(true);
  try {
    for (let k = 0; k < samples.length; k++) {
      if (signal.aborted) throw new ExportCancelledError();
      flythrough.jumpTo(samples[k]!.arcLength);
      const pose = flythrough.pose!;
      const file = `frame-${String(k).padStart(digits, '0')}.png`;
      entries.push({ name: file, bytes: new Uint8Array(await (await renderer.capturePng()).arrayBuffer()) });
      frames.push({ file, arcLength: pose.arcLength, position: pose.position, direction: pose.direction, up: pose.up });
      onProgress({ done: k + 1, total: samples.length });
    }
  } finally {
    renderer.setFullResolution(false);
  }
  const info = {
    description: 'Endoscopic flythrough frames: camera at position looking along direction, screen up = up, screen right = direction × up.',
    coordinateSystem: 'LPS',
    units: 'mm',
    viewAngleDeg: flythrough.viewAngleDeg,
    lumen: flythrough.lumen,
    pathLengthMm: flythrough.length,
    frames,
  };
  entries.push({ name: 'frames.json', bytes: new TextEncoder().encode(JSON.stringify(info, null, 1)) });
  return zipStore(entries);
}

/** Hands a file to the browser's downloads (the harness) or save dialog (Electron). */
export function downloadFile(data: Blob, fileName: string): void {
  const link = document.createElement('a');
  link.href = URL.createObjectURL(data);
  link.download = fileName;
  link.click();
  URL.revokeObjectURL(link.href);
}

/** A path name made safe as a file name. */
export function fileStem(name: string): string {
  return name.replace(/[^\w.-]+/g, '_') || 'path';
}
