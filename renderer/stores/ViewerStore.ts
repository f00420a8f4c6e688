/**
 * UI state of the 3-up viewer: the crosshair every view follows, window/level, the
 * active tool and view, measurements, the probe and the layout. The voxels stay in
 * the RendererVolume (held by reference); only the geometry is derived here.
 */
import { makeAutoObservable, observableRef } from 'mobx';
import { distance, type Vec3 } from '../../shared/math/vec3';
import { invertAffine, transformPoint, type Mat4 } from '../../shared/math/mat4';
import { sampleVolume } from '../../shared/reformat/reslicePlane';
import type { RendererVolume } from '../viewers/RendererVolume';
import { centreVoxelLps, SLICE_ORIENTATIONS, type SliceOrientation, type VolumeGeometry } from '../viewers/slice/sliceGeometry';
import { INTEGER_SCALE, isHounsfield, minWindowWidth, valueScaleOf, windowDragStep, type ValueScale } from '../viewers/windowLevel';
import { SliceViewState } from './SliceViewState';
import { defaultWindow, WINDOW_PRESETS, type WindowPreset } from './windowPresets';

/** 'path' places control points of the active path (PathStore). */
export type ToolId = 'crosshair' | 'windowLevel' | 'ruler' | 'pan' | 'zoom' | 'path';
export type ViewId = SliceOrientation | '3d';

export interface Ruler {
  id: number;
  view: SliceOrientation;
  start: Vec3;
  end: Vec3;
}

export interface ProbeSample {
  view: SliceOrientation;
  lps: Vec3;
  /** Nearest voxel, or null outside the volume. */
  ijk: [number, number, number] | null;
  value: number | null;
}

/** Labels on the volume's own grid (0 = none), drawn tinted over the slice views. */
export interface LabelOverlay {
  dimensions: [number, number, number];
  voxels: Uint8Array;
}

const MIN_SPLIT = 0.15;

export class ViewerStore {
  volume: RendererVolume | null = null;
  crosshair: Vec3 = [0, 0, 0];
  windowCenter = 40;
  windowWidth = 400;
  presetId: WindowPreset['id'] | null = null;
  tool: ToolId = 'crosshair';
  activeView: ViewId = 'axial';
  maximised: ViewId | null = null;
  rulers: Ruler[] = [];
  draftRuler: Ruler | null = null;
  probe: ProbeSample | null = null;
  labelOverlay: LabelOverlay | null = null;
  /** Something is moving the views every frame (a flythrough playing): they may draw at screen resolution until it stops. */
  inMotion = false;
  /** Fractions of the grid given to the left column and the top row. */
  splitColumn = 0.5;
  splitRow = 0.5;
  readonly views: Record<SliceOrientation, SliceViewState>;

  private nextRulerId = 1;
  private lpsToIjk: Mat4 = invertAffine([1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1]);

  constructor() {
    this.views = Object.fromEntries(SLICE_ORIENTATIONS.map((o) => [o, new SliceViewState(o, this)])) as Record<SliceOrientation, SliceViewState>;
    makeAutoObservable<ViewerStore, 'nextRulerId' | 'lpsToIjk'>(
      this,
      { volume: observableRef, crosshair: observableRef, rulers: observableRef, draftRuler: observableRef, probe: observableRef, labelOverlay: observableRef, views: false, nextRulerId: false, lpsToIjk: false },
      { autoBind: true },
    );
  }

  get geometry(): VolumeGeometry | null {
    const v = this.volume;
    return v ? { dimensions: v.dimensions, spacing: v.spacing, ijkToLps: v.ijkToLps } : null;
  }

  /** A new volume: crosshair at its centre voxel, its default window, views fitted, measurements cleared. */
  setVolume(volume: RendererVolume | null): void {
    this.volume = volume;
    this.rulers = [];
    this.draftRuler = null;
    this.probe = null;
    this.labelOverlay = null;
    if (!volume) return;
    this.lpsToIjk = invertAffine(volume.ijkToLps);
    this.crosshair = centreVoxelLps(volume);
    this.resetWindow();
    for (const o of SLICE_ORIENTATIONS) this.views[o].resetCamera();
  }

  setCrosshair(p: Vec3): void {
    this.crosshair = p;
  }

  setLabelOverlay(overlay: LabelOverlay | null): void {
    this.labelOverlay = overlay;
  }

  /** How the volume's values scale, for windowing and for printing them. */
  get valueScale(): ValueScale {
    return this.volume ? valueScaleOf(this.volume.voxels, this.volume.range) : INTEGER_SCALE;
  }

  setInMotion(inMotion: boolean): void {
    this.inMotion = inMotion;
  }

  setWindow(center: number, width: number): void {
    this.windowCenter = center;
    this.windowWidth = Math.max(minWindowWidth(this.valueScale), width);
    this.presetId = null;
  }

  /** Right-drag by (dx, dy) screen pixels: horizontal widens the window, vertical moves the level. */
  dragWindow(dx: number, dy: number): void {
    const step = windowDragStep(this.windowWidth, this.valueScale);
    this.setWindow(this.windowCenter + dy * step, this.windowWidth + dx * step);
  }

  /** The CT presets are windows in HU: on other values (μ, XA counts) they would show one grey. */
  get presetsApply(): boolean {
    return this.volume !== null && isHounsfield(this.volume.modality, this.volume.range);
  }

  applyPreset(id: WindowPreset['id']): void {
    const preset = WINDOW_PRESETS.find((p) => p.id === id);
    if (!preset || !this.presetsApply) return;
    this.windowCenter = preset.center;
    this.windowWidth = preset.width;
    this.presetId = id;
  }

  resetWindow(): void {
    if (!this.volume) return;
    const w = defaultWindow(this.volume);
    this.windowCenter = w.center;
    this.windowWidth = w.width;
    this.presetId = w.presetId;
  }

  /** Reset (R): crosshair to the centre, cameras fitted, default window. */
  resetViews(): void {
    if (!this.volume) return;
    this.crosshair = centreVoxelLps(this.volume);
    for (const o of SLICE_ORIENTATIONS) this.views[o].resetCamera();
    this.resetWindow();
  }

  setTool(tool: ToolId): void {
    this.tool = tool;
    this.draftRuler = null;
  }

  setActiveView(view: ViewId): void {
    this.activeView = view;
  }

  toggleMaximised(view: ViewId = this.activeView): void {
    this.maximised = this.maximised === view ? null : view;
    this.activeView = view;
  }

  setSplit(column: number, row: number): void {
    const clamp = (f: number): number => Math.min(1 - MIN_SPLIT, Math.max(MIN_SPLIT, f));
    this.splitColumn = clamp(column);
    this.splitRow = clamp(row);
  }

  /** The voxel value nearest a patient point (what a radiologist reads as "the HU here"). */
  sampleAt(p: Vec3): { ijk: [number, number, number] | null; value: number | null } {
    const v = this.volume;
    if (!v) return { ijk: null, value: null };
    const ijk = transformPoint(this.lpsToIjk, p);
    const value = sampleVolume(v, ijk, 'nearest');
    if (Number.isNaN(value)) return { ijk: null, value: null };
    return { ijk: ijk.map(Math.round) as [number, number, number], value };
  }

  setProbe(view: SliceOrientation, lps: Vec3 | null): void {
    this.probe = lps ? { view, lps, ...this.sampleAt(lps) } : null;
  }

  beginRuler(view: SliceOrientation, start: Vec3): void {
    this.draftRuler = { id: this.nextRulerId++, view, start, end: start };
  }

  dragRuler(end: Vec3): void {
    if (this.draftRuler) this.draftRuler = { ...this.draftRuler, end };
  }

  /** Keeps the ruler unless it is a click without a drag. */
  endRuler(): void {
    const draft = this.draftRuler;
    this.draftRuler = null;
    if (draft && distance(draft.start, draft.end) > 0.01) this.rulers = [...this.rulers, draft];
  }

  cancelRuler(): void {
    this.draftRuler = null;
  }

  removeLastRuler(): void {
    this.rulers = this.rulers.slice(0, -1);
  }

  clearRulers(): void {
    this.rulers = [];
  }
}

export function rulerLengthMm(r: Ruler): number {
  return distance(r.start, r.end);
}
