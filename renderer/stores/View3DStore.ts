/**
 * UI state of the 3D view: transfer-function preset, volume vs isosurface, the iso
 * threshold, the surface pipeline's status, the last frame-rate measurement, the last
 * click picked onto the volume and what the last control-point drag cost. The vtk.js objects and the voxels live in VolumeRenderer3D,
 * never here.
 */
import { makeAutoObservable, observableRef } from 'mobx';
import type { EdgeLetters } from '../viewers/volume3d/orientationLetters';
import type { VolumePick } from '../viewers/volume3d/VolumeRenderer3D';
import { defaultPresetId, resolvePreset, type PresetId, type VolumePreset } from '../viewers/volume3d/volumePresets';

export type View3DMode = 'volume' | 'isosurface';

/** 'idle', 'computing-surface', or the text of an error a person can act on. */
export type View3DStatus = 'idle' | 'computing-surface' | (string & Record<never, never>);

export interface SurfaceSummary {
  /** Block size per index axis before marching cubes; [1, 1, 1] means full resolution. */
  factors: [number, number, number];
  triangles: number;
  ms: number;
}

/** What the store needs to know about the volume on screen (not the voxels). */
export interface View3DVolumeContext {
  modality: string;
  range: [number, number];
  /** Data-derived window for the "auto" preset. */
  autoWindow: [number, number];
}

/** One drag of a control point in the 3D view: the surface picks its pointer moves made. */
export interface PointDragSummary {
  moves: number;
  /** Mean and worst time of one move's pick, ms. */
  meanMs: number;
  maxMs: number;
}

const ANTERIOR_LETTERS: EdgeLetters = { left: 'R', right: 'L', top: 'S', bottom: 'I' };
export const NO_SURFACE_NOTICE = 'No surface under the cursor';

export class View3DStore {
  presetId: PresetId = 'ct-bone';
  mode: View3DMode = 'volume';
  isoValue = 300;
  status: View3DStatus = 'idle';
  /** Frames per second from the last measureFps, or null before any measurement. */
  fps: number | null = null;
  surface: SurfaceSummary | null = null;
  /** Why the pane cannot draw at all (no WebGL2, lost context); null when it can. */
  graphicsError: string | null = null;
  /** The renderer's quality profile: 'software' on CPU rasterisers (SwiftShader, llvmpipe). */
  renderQuality: 'full' | 'software' | null = null;
  orientation: EdgeLetters = ANTERIOR_LETTERS;
  volume: View3DVolumeContext | null = null;
  /** The last click picked onto the volume with the path tool; null before any. */
  lastPick: VolumePick | null = null;
  /** A short message about the last pick (it missed, or met a locked path); null when there is nothing to say. */
  pickNotice: string | null = null;
  lastDrag: PointDragSummary | null = null;

  constructor() {
    makeAutoObservable(this, { orientation: observableRef, surface: observableRef, volume: observableRef, lastPick: observableRef, lastDrag: observableRef }, { autoBind: true });
  }

  get preset(): VolumePreset {
    return resolvePreset(this.presetId, { window: this.volume?.autoWindow ?? [0, 1] });
  }

  /** Slider bounds for the iso threshold: the data range, limited to the useful CT span. */
  get isoRange(): [number, number] {
    const range = this.volume?.range ?? [-1000, 3000];
    if (this.volume?.modality.toUpperCase() === 'CT') return [Math.max(range[0], -1000), Math.min(range[1], 3000)];
    return range;
  }

  get isoStep(): number {
    const [low, high] = this.isoRange;
    const span = high - low;
    return span > 400 ? 1 : span > 4 ? span / 400 : span / 1000 || 1;
  }

  get computing(): boolean {
    return this.status === 'computing-surface';
  }

  get errorText(): string | null {
    return this.status === 'idle' || this.status === 'computing-surface' ? null : this.status;
  }

  /** A new volume: default preset for its modality, that preset's iso value, fresh status. */
  adoptVolume(context: View3DVolumeContext | null): void {
    this.volume = context;
    this.surface = null;
    this.status = 'idle';
    this.orientation = ANTERIOR_LETTERS;
    this.lastPick = null;
    this.pickNotice = null;
    this.lastDrag = null;
    if (context) this.setPreset(defaultPresetId(context.modality, context.range));
  }

  setPreset(id: PresetId): void {
    this.presetId = id;
    this.isoValue = this.clampIso(this.preset.defaultIso);
  }

  setMode(mode: View3DMode): void {
    this.mode = mode;
  }

  setIsoValue(value: number): void {
    if (Number.isFinite(value)) this.isoValue = this.clampIso(value);
  }

  setStatus(status: View3DStatus): void {
    this.status = status;
  }

  setSurface(summary: SurfaceSummary | null): void {
    this.surface = summary;
  }

  setPick(pick: VolumePick): void {
    this.lastPick = pick;
    this.pickNotice = pick.point ? null : NO_SURFACE_NOTICE;
  }

  showNotice(text: string): void {
    this.pickNotice = text;
  }

  /** A finished drag, from the pick time of each of its moves (none: the press only selected the point). */
  setDrag(moveMs: readonly number[]): void {
    const moves = moveMs.length;
    this.lastDrag = moves === 0 ? null : { moves, meanMs: moveMs.reduce((sum, ms) => sum + ms, 0) / moves, maxMs: Math.max(...moveMs) };
  }

  dismissPickNotice(): void {
    this.pickNotice = null;
  }

  setFps(fps: number): void {
    this.fps = fps;
  }

  setRenderQuality(quality: 'full' | 'software' | null): void {
    this.renderQuality = quality;
  }

  setGraphicsError(message: string | null): void {
    this.graphicsError = message;
  }

  setOrientation(letters: EdgeLetters): void {
    const o = this.orientation;
    if (o.left !== letters.left || o.right !== letters.right || o.top !== letters.top || o.bottom !== letters.bottom) this.orientation = letters;
  }

  private clampIso(value: number): number {
    const [low, high] = this.isoRange;
    return Math.min(high, Math.max(low, value));
  }
}
