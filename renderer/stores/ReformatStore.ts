/**
 * The Reformat panel: parameters of a straightened (or stretched) reformat along the active
 * path, the live preview's slice cursor and cut angle, the export job, the label painted on
 * the straightened images and its map-back onto the volume. The planes come from the same
 * planStraightening the exporter runs, so what the preview shows is what the export writes.
 */
import { computedStruct, makeAutoObservable, observableRef, reaction, runInAction, type IReactionDisposer } from 'mobx';
import type { MappedLabelsInfo, ReformatExportResult } from '../../shared/contracts/ipc';
import { isCancellation } from '../../shared/contracts/UserError';
import type { CurveInterpolation } from '../../shared/curve/samplePath';
import type { Vec3 } from '../../shared/math/vec3';
import type { ProjectionChoice } from '../../shared/reformat/projectVolume';
import type { Interpolation } from '../../shared/reformat/reslicePlane';
import { frameCurvatures } from '../../shared/reformat/jacobian';
import { slicesToFrames, straightenedTransforms, type StraightenedTransforms } from '../../shared/reformat/straightenedFrames';
import { planStraightening, type PlaneParameters, type StraightenParameters, type StraighteningPlan } from '../../shared/reformat/straighteningPlan';
import { straighteningMemoryBytes } from '../../shared/reformat/straighteningMemory';
import { messageOf, type LumenClient } from '../ipc/LumenClient';
import { runJob, type JobProgress } from '../ipc/runJob';
import { StraightenedLabels } from '../viewers/straightened/StraightenedLabels';
import type { PathStore, VolumePath } from './PathStore';
import type { ViewerStore } from './ViewerStore';

export type ViewDirectionName = 'anterior' | 'posterior' | 'left' | 'right' | 'superior' | 'inferior';
export const VIEW_DIRECTIONS: Record<ViewDirectionName, Vec3> = {
  anterior: [0, -1, 0],
  posterior: [0, 1, 0],
  left: [1, 0, 0],
  right: [-1, 0, 0],
  superior: [0, 0, 1],
  inferior: [0, 0, -1],
};

export interface ReformatSettings {
  mode: 'straight' | 'stretch';
  /** Stretched CPR: the direction it is seen from (the projection direction is its opposite). */
  viewFrom: ViewDirectionName;
  columns: number;
  rows: number;
  /** mm; null = the volume's finest in-plane spacing (the CLI's default). */
  spacing: number | null;
  /** mm; null = the pixel spacing. */
  step: number | null;
  interpolation: Interpolation;
  curveInterpolation: CurveInterpolation;
  rollDeg: number;
  projections: ProjectionChoice[];
  projectionAxis: 0 | 1 | 2;
  slabMm: number | null;
}

export type LabelTool = 'off' | 'brush' | 'eraser';
export type JobState = 'idle' | 'running' | 'done' | 'error' | 'cancelled';

/** Beyond this the export would hold more than ~2 GB of floats and masks in main. */
const WARN_OUTPUT_BYTES = 2 * 2 ** 30;

export class ReformatStore {
  open = false;
  settings: ReformatSettings = {
    mode: 'straight',
    viewFrom: 'anterior',
    columns: 512,
    rows: 512,
    spacing: null,
    step: null,
    interpolation: 'linear',
    curveInterpolation: 'catmull-rom',
    rollDeg: 0,
    projections: ['mip'],
    projectionAxis: 1,
    slabMm: null,
  };
  /** The cross-section shown, and the cursor on the long-axis cut. */
  slice = 0;
  /** Angle of the long-axis cut about the path, degrees from the slice's column axis. */
  cutAngleDeg = 0;

  labelTool: LabelTool = 'off';
  brushRadiusMm = 3;
  /** Bumped on every stroke: the label planes themselves are not observable. */
  labelsVersion = 0;
  labels: StraightenedLabels | null = null;

  outDir = '';
  exportState: JobState = 'idle';
  exportProgress: JobProgress = { done: 0, total: 0, stage: '' };
  exportResult: ReformatExportResult | null = null;
  exportError: string | null = null;

  mapBackState: JobState = 'idle';
  mapped: MappedLabelsInfo | null = null;
  mapBackError: string | null = null;
  savedLabelsFile: string | null = null;

  private exporting: AbortController | null = null;
  private readonly disposers: IReactionDisposer[];

  constructor(
    private readonly client: LumenClient,
    private readonly viewer: ViewerStore,
    private readonly paths: PathStore,
  ) {
    makeAutoObservable<ReformatStore, 'client' | 'viewer' | 'paths' | 'exporting' | 'disposers'>(
      this,
      { client: false, viewer: false, paths: false, exporting: false, disposers: false, planeParameters: computedStruct, settings: observableRef, labels: observableRef, exportResult: observableRef, mapped: observableRef, exportProgress: observableRef },
      { autoBind: true },
    );
    this.disposers = [
      // New planes invalidate a label drawn on the old ones, and keep the cursor in range.
      reaction(
        () => this.plan,
        (plan) => {
          const count = plan?.sliceToWorld.length ?? 0;
          this.labels = plan ? new StraightenedLabels(this.settings.columns, this.settings.rows, count) : null;
          this.slice = Math.min(this.slice, Math.max(0, count - 1));
        },
        { fireImmediately: true },
      ),
    ];
  }

  dispose(): void {
    this.disposers.forEach((d) => d());
    this.exporting?.abort();
  }

  get path(): VolumePath | null {
    return this.paths.active;
  }

  /** The parameters the engine gets: defaults resolved from the volume. */
  get parameters(): StraightenParameters | null {
    const volume = this.viewer.volume;
    if (!volume) return null;
    const s = this.settings;
    const spacing = s.spacing ?? Math.min(volume.spacing[0], volume.spacing[1]);
    const from = VIEW_DIRECTIONS[s.viewFrom];
    return {
      mode: s.mode,
      // The CLI's --direction is the way the viewer looks: from anterior means looking posteriorly.
      viewDirection: [0 - from[0], 0 - from[1], 0 - from[2]],
      columns: s.columns,
      rows: s.rows,
      spacing,
      step: s.step ?? spacing,
      interpolation: s.interpolation,
      curveInterpolation: s.curveInterpolation,
      rollDeg: s.rollDeg,
      projections: s.projections,
      projectionAxis: s.projectionAxis,
      ...(s.slabMm ? { slabMm: s.slabMm } : {}),
    };
  }

  /**
   * Only what decides the planes, compared by value: choosing projections or sampling must not
   * re-cut the planes (which would also discard a painted label).
   */
  get planeParameters(): PlaneParameters | null {
    const p = this.parameters;
    if (!p) return null;
    const { mode, viewDirection, columns, rows, spacing, step, curveInterpolation, rollDeg } = p;
    return { mode, viewDirection, columns, rows, spacing, step, curveInterpolation, rollDeg };
  }

  /** The planes, or why there are none (no path yet, too short…). */
  get planResult(): { plan: StraighteningPlan } | { error: string } {
    const path = this.path;
    const params = this.planeParameters;
    if (!params) return { error: 'No volume is open.' };
    if (!path || path.points.length < 2) return { error: 'Place at least two path points (path tool, A) or import a Slicer .mrk.json curve.' };
    try {
      return { plan: planStraightening({ name: path.name, closed: path.closed, points: path.points }, params) };
    } catch (err) {
      return { error: messageOf(err) };
    }
  }

  get plan(): StraighteningPlan | null {
    const r = this.planResult;
    return 'plan' in r ? r.plan : null;
  }

  get transforms(): StraightenedTransforms | null {
    const plan = this.plan;
    const params = this.planeParameters;
    if (!plan || !params) return null;
    return straightenedTransforms(plan.sliceToWorld, plan.sampled.samples.map((s) => s.arcLength), [params.columns, params.rows], params.spacing, params.step);
  }

  /**
   * Runs of slices whose planes fold over (the mapping's Jacobian 1 − k1·u − k2·v reaches 0
   * inside the slice rectangle: the slice is wider than the path's radius of curvature there).
   * Stretched CPR planes are not perpendicular to the path and never fold this way.
   */
  get foldedRuns(): { first: number; last: number; arcStart: number; arcEnd: number; minRadiusMm: number }[] {
    const t = this.transforms;
    if (!t || this.settings.mode !== 'straight') return [];
    const { k1, k2 } = frameCurvatures(slicesToFrames(t));
    const halfW = ((t.size[0] - 1) / 2) * t.pixelSpacing[0];
    const halfH = ((t.size[1] - 1) / 2) * t.pixelSpacing[1];
    const runs: { first: number; last: number; arcStart: number; arcEnd: number; minRadiusMm: number }[] = [];
    for (let k = 0; k < t.slices.length; k++) {
      if (Math.abs(k1[k]!) * halfW + Math.abs(k2[k]!) * halfH < 1) continue;
      const radius = 1 / Math.hypot(k1[k]!, k2[k]!);
      const last = runs.at(-1);
      if (last && last.last === k - 1) {
        last.last = k;
        last.arcEnd = t.slices[k]!.arcLength;
        last.minRadiusMm = Math.min(last.minRadiusMm, radius);
      } else runs.push({ first: k, last: k, arcStart: t.slices[k]!.arcLength, arcEnd: t.slices[k]!.arcLength, minRadiusMm: radius });
    }
    return runs;
  }

  /** Memory the export needs in main (see straighteningMemory). */
  get outputBytes(): number {
    const plan = this.plan;
    const volume = this.viewer.volume;
    if (!plan || !volume) return 0;
    const [nx, ny, nz] = volume.dimensions;
    const { columns, rows, interpolation } = this.settings;
    return straighteningMemoryBytes({ columns, rows, slices: plan.sliceToWorld.length, volumeVoxels: nx * ny * nz, interpolation });
  }

  get outputTooLarge(): boolean {
    return this.outputBytes > WARN_OUTPUT_BYTES;
  }

  toggleOpen(): void {
    this.open = !this.open;
  }

  setOpen(open: boolean): void {
    this.open = open;
  }

  update(patch: Partial<ReformatSettings>): void {
    this.settings = { ...this.settings, ...patch };
  }

  toggleProjection(kind: ProjectionChoice): void {
    const list = this.settings.projections;
    this.update({ projections: list.includes(kind) ? list.filter((k) => k !== kind) : [...list, kind] });
  }

  setSlice(k: number): void {
    const count = this.plan?.sliceToWorld.length ?? 0;
    this.slice = Math.min(Math.max(0, Math.round(k)), Math.max(0, count - 1));
    // The 3-up views follow the cursor to the path point.
    const sample = this.plan?.sampled.samples[this.slice];
    if (sample) this.viewer.setCrosshair(sample.point);
  }

  stepSlice(delta: number): void {
    this.setSlice(this.slice + delta);
  }

  rotateCut(deltaDeg: number): void {
    this.cutAngleDeg = (((this.cutAngleDeg + deltaDeg) % 360) + 360) % 360;
  }

  setLabelTool(tool: LabelTool): void {
    this.labelTool = this.labelTool === tool ? 'off' : tool;
  }

  setBrushRadius(mm: number): void {
    this.brushRadiusMm = Math.min(50, Math.max(0.5, mm));
  }

  /** Called after a stroke changed the label planes. */
  touchLabels(): void {
    this.labelsVersion++;
  }

  clearLabels(): void {
    this.labels?.clear();
    this.labelsVersion++;
  }

  setOutDir(dir: string): void {
    this.outDir = dir;
  }

  async chooseOutDir(): Promise<void> {
    try {
      const { folder } = await this.client.invoke('dialog:pickFolder', {});
      if (folder) runInAction(() => (this.outDir = folder));
    } catch (err) {
      runInAction(() => (this.exportError = messageOf(err)));
    }
  }

  async exportStraightened(): Promise<void> {
    const path = this.path;
    const params = this.parameters;
    const volume = this.viewer.volume;
    if (!path || !params || !volume || !this.plan || this.exportState === 'running') return;
    if (!this.outDir.trim()) {
      this.exportState = 'error';
      this.exportError = 'Choose the folder to export into.';
      return;
    }
    const controller = new AbortController();
    this.exporting = controller;
    this.exportState = 'running';
    this.exportError = null;
    this.exportResult = null;
    this.exportProgress = { done: 0, total: this.plan.sliceToWorld.length, stage: 'Starting' };
    try {
      const result = await runJob(
        this.client,
        'reformat:export',
        () => this.client.invoke('reformat:export', { seriesUid: volume.seriesUid, path: { name: path.name, closed: path.closed, points: path.points }, params, outDir: this.outDir.trim() }),
        { signal: controller.signal, onProgress: (p) => runInAction(() => (this.exportProgress = p)) },
      );
      runInAction(() => {
        this.exportResult = result;
        this.exportState = 'done';
      });
    } catch (err) {
      runInAction(() => {
        this.exportState = isCancellation(err) ? 'cancelled' : 'error';
        this.exportError = isCancellation(err) ? null : messageOf(err);
      });
    } finally {
      if (this.exporting === controller) this.exporting = null;
    }
  }

  cancelExport(): void {
    this.exporting?.abort();
  }

  /** Carries the painted label onto the volume and shows it on the 3-up views. */
  async mapBack(): Promise<void> {
    const transforms = this.transforms;
    const volume = this.viewer.volume;
    const labels = this.labels;
    if (!transforms || !volume || !labels || this.mapBackState === 'running') return;
    const slices = labels.toSlices();
    if (slices.length === 0) {
      this.mapBackState = 'error';
      this.mapBackError = 'Paint a label on the straightened images first (brush, D).';
      return;
    }
    this.mapBackState = 'running';
    this.mapBackError = null;
    this.savedLabelsFile = null;
    try {
      const info = await runJob(this.client, 'reformat:mapBack', () => this.client.invoke('reformat:mapBack', { seriesUid: volume.seriesUid, transforms, labels: slices }));
      const { voxels } = await this.client.invoke('labels:getVoxels', { labelsId: info.labelsId });
      runInAction(() => {
        this.mapped = info;
        this.mapBackState = 'done';
        if (this.viewer.volume?.seriesUid === info.seriesUid) this.viewer.setLabelOverlay({ dimensions: info.dimensions, voxels });
      });
    } catch (err) {
      runInAction(() => {
        this.mapBackState = 'error';
        this.mapBackError = messageOf(err);
      });
    }
  }

  /** Saves the mapped labels; the format follows the file name (.nrrd, .nii, .nii.gz, .mha). */
  async saveMappedLabels(file: string): Promise<void> {
    const mapped = this.mapped;
    if (!mapped) return;
    try {
      const saved = await this.client.invoke('labels:save', { labelsId: mapped.labelsId, out: file });
      runInAction(() => {
        this.savedLabelsFile = saved.file;
        this.mapBackError = null;
      });
    } catch (err) {
      runInAction(() => (this.mapBackError = messageOf(err)));
    }
  }

  /** A new volume: nothing of the old one's export or labels applies. */
  reset(): void {
    this.exporting?.abort();
    this.exportState = 'idle';
    this.exportResult = null;
    this.exportError = null;
    this.mapBackState = 'idle';
    this.mapped = null;
    this.mapBackError = null;
    this.savedLabelsFile = null;
    this.slice = 0;
    this.labelTool = 'off';
  }
}
