/**
 * The Reconstruct panel of a rotational run: main's geometry report and grids
 * (`recon:describe`, asked again as the grid changes so the memory figure follows it),
 * the parameters, a fast low-resolution preview started as the panel opens, then the full
 * reconstruction with progress, an ETA and cancel. A finished reconstruction is handed to
 * `onResult`, which lists and opens it like any volume. Voxels are held by reference.
 */
import { makeAutoObservable, observableRef, runInAction } from 'mobx';
import type { ReconAlgorithm, ReconstructionInfo, ReconstructionParams, ReconstructionPlan, ReconValueScale } from '../../shared/contracts/ipc';
import { isCancellation } from '../../shared/contracts/UserError';
import type { SeriesSummary } from '../../shared/dicom/SeriesSummary';
import type { RampWindow } from '../../shared/recon/rampFilter';
import { messageOf, type LumenClient } from '../ipc/LumenClient';
import { runJob, type JobProgress } from '../ipc/runJob';
import type { RendererVolume } from '../viewers/RendererVolume';

export type ReconPhase = 'idle' | 'running' | 'done' | 'cancelled' | 'error';

export interface ReconJobState {
  phase: ReconPhase;
  progress: JobProgress;
  /** Seconds left, from the rate so far; null until there is a rate. */
  etaSeconds: number | null;
  error: string | null;
}

export interface ReconstructStoreOptions {
  /** Grid edits are described to main this long after the last one. */
  describeDelayMs?: number;
  now?: () => number;
}

const IDLE: ReconJobState = { phase: 'idle', progress: { done: 0, total: 0, stage: '' }, etaSeconds: null, error: null };
/** The CLI's default filter: the panel and `lumen reconstruct` give the same volume unless told otherwise. */
export const DEFAULT_WINDOW: RampWindow = 'ramlak';
const MAX_VOXELS_PER_AXIS = 4096;
/** SART passes offered at first: a few already reach FDK's accuracy with fewer streaks on sparse runs. */
export const DEFAULT_ITERATIONS = 3;
/** μ water offered when the user switches estimation off before any reconstruction estimated one: water at about 60 keV, mm⁻¹. */
const FALLBACK_MU_WATER = 0.0206;
/** The preview's window in HU: air black, soft tissue grey, contrast and bone bright. */
const PREVIEW_HU_WINDOW = { center: 200, width: 1200 };

export class ReconstructStore {
  open = false;
  series: SeriesSummary | null = null;
  plan: ReconstructionPlan | null = null;
  planError: string | null = null;
  /** The grid and memory main described last (it may trail the fields while the user types). */
  described: ReconstructionPlan | null = null;
  /** The describeRequest `described` answers. */
  describedKey = '';
  size: [number, number, number] = [256, 256, 256];
  spacing = 1;
  window: RampWindow = DEFAULT_WINDOW;
  cutoff = 1;
  scale: ReconValueScale = 'hu';
  /** μ of water for the HU scale, in the run's units; null: estimated from the volume. */
  muWater: number | null = null;
  algorithm: ReconAlgorithm = 'fdk';
  iterations = DEFAULT_ITERATIONS;
  /** SART's ordered subsets; null: one view per subset (plain SART, as RTK). */
  subsets: number | null = null;
  preview: ReconJobState = IDLE;
  previewVolume: RendererVolume | null = null;
  previewWindow = { center: 0, width: 1 };
  /** The μ water the preview estimated (HU scale), to start a calibration from. */
  previewMuWater: number | null = null;
  full: ReconJobState = IDLE;
  /** The reconstruction made last from this panel. */
  result: ReconstructionInfo | null = null;
  onResult: ((info: ReconstructionInfo, source: SeriesSummary) => void) | null = null;

  private previewJob: AbortController | null = null;
  private fullJob: AbortController | null = null;
  private describeTimer: ReturnType<typeof setTimeout> | undefined;
  /** Bumped per panel opened, so answers for an earlier one are dropped. */
  private session = 0;
  private describeSeq = 0;
  private readonly describeDelayMs: number;
  private readonly now: () => number;

  constructor(
    private readonly client: LumenClient,
    options: ReconstructStoreOptions = {},
  ) {
    this.describeDelayMs = options.describeDelayMs ?? 250;
    this.now = options.now ?? (() => performance.now());
    makeAutoObservable<ReconstructStore, 'client' | 'previewJob' | 'fullJob' | 'describeTimer' | 'session' | 'describeSeq' | 'describeDelayMs' | 'now'>(
      this,
      {
        client: false,
        series: observableRef,
        plan: observableRef,
        described: observableRef,
        preview: observableRef,
        previewVolume: observableRef,
        previewWindow: observableRef,
        full: observableRef,
        result: observableRef,
        onResult: false,
        previewJob: false,
        fullJob: false,
        describeTimer: false,
        session: false,
        describeSeq: false,
        describeDelayMs: false,
        now: false,
      },
      { autoBind: true },
    );
  }

  get running(): boolean {
    return this.full.phase === 'running';
  }

  get params(): ReconstructionParams {
    return {
      algorithm: this.algorithm,
      size: [...this.size],
      spacing: this.spacing,
      window: this.window,
      cutoff: this.cutoff,
      scale: this.scale,
      ...(this.scale === 'hu' && this.muWater !== null ? { muWater: this.muWater } : {}),
      ...(this.algorithm === 'sart' ? { iterations: this.iterations, ...(this.subsets !== null ? { subsets: this.subsets } : {}) } : {}),
    };
  }

  /** What `recon:describe` is asked about the grid on screen (memory depends on the algorithm too). */
  private get describeRequest(): { size: [number, number, number]; spacing: number; algorithm: ReconAlgorithm; subsets?: number } {
    return { size: [...this.size], spacing: this.spacing, algorithm: this.algorithm, ...(this.algorithm === 'sart' && this.subsets !== null ? { subsets: this.subsets } : {}) };
  }

  /** Memory for the grid and algorithm on screen, once main has described them. */
  get memory(): { bytes: number; budgetBytes: number; fits: boolean } | null {
    const d = this.described;
    if (!d || this.describedKey !== JSON.stringify(this.describeRequest)) return null;
    return { bytes: d.memoryBytes, budgetBytes: d.budgetBytes, fits: d.memoryBytes <= d.budgetBytes };
  }

  /** Why the parameters cannot be used, as a sentence; null when they can. */
  get paramsError(): string | null {
    if (!this.size.every((n) => Number.isInteger(n) && n >= 1 && n <= MAX_VOXELS_PER_AXIS)) return `The grid takes 1 to ${MAX_VOXELS_PER_AXIS} voxels per axis.`;
    if (!(this.spacing > 0 && this.spacing <= 1000)) return 'The voxel size is a positive number of mm.';
    if (!(this.cutoff > 0 && this.cutoff <= 1)) return 'The cut-off is a fraction of the Nyquist frequency, above 0 and at most 1.';
    if (this.scale === 'hu' && this.muWater !== null && !(this.muWater > 0)) return 'The attenuation of water is a positive number.';
    if (this.algorithm === 'sart' && !(Number.isInteger(this.iterations) && this.iterations >= 1 && this.iterations <= 1000)) return 'SART takes 1 to 1000 iterations.';
    if (this.algorithm === 'sart' && this.subsets !== null && !(Number.isInteger(this.subsets) && this.subsets >= 1)) return 'The number of subsets is a whole number from 1.';
    return null;
  }

  get canReconstruct(): boolean {
    return this.plan !== null && !this.running && this.paramsError === null && this.memory?.fits !== false;
  }

  /** Opens the panel for a run: its report, default parameters, and the preview at once. */
  async openFor(series: SeriesSummary): Promise<void> {
    if (series.kind !== 'rotational-projections') return;
    this.close();
    const session = ++this.session;
    this.open = true;
    this.series = series;
    try {
      const plan = await this.client.invoke('recon:describe', { seriesUid: series.uid });
      if (session !== this.session) return;
      runInAction(() => {
        this.plan = plan;
        this.size = [...plan.defaultGrid.size];
        this.spacing = plan.defaultGrid.spacing;
        this.scale = plan.defaultScale;
        this.described = plan;
        this.describedKey = JSON.stringify(this.describeRequest);
      });
      void this.startPreview();
    } catch (err) {
      if (session !== this.session) return;
      runInAction(() => (this.planError = messageOf(err)));
    }
  }

  setSize(axis: 0 | 1 | 2, voxels: number): void {
    const size: [number, number, number] = [...this.size];
    size[axis] = voxels;
    this.size = size;
    this.scheduleDescribe();
  }

  /** A new voxel size keeps the field of view: the voxel counts follow. */
  setSpacing(mm: number): void {
    const fov = this.size.map((n) => n * this.spacing);
    this.spacing = mm;
    if (mm > 0) this.size = fov.map((f) => Math.min(MAX_VOXELS_PER_AXIS, Math.max(1, Math.round(f / mm)))) as [number, number, number];
    this.scheduleDescribe();
  }

  /** Back to the grid covering the field of view at the detector's resolution. */
  resetGrid(): void {
    if (!this.plan) return;
    this.size = [...this.plan.defaultGrid.size];
    this.spacing = this.plan.defaultGrid.spacing;
    this.scheduleDescribe();
  }

  setWindow(window: RampWindow): void {
    this.window = window;
  }

  setCutoff(cutoff: number): void {
    this.cutoff = cutoff;
  }

  setScale(scale: ReconValueScale): void {
    this.scale = scale;
  }

  /** A given μ water (null: estimate it from the volume); switching estimation off starts from the last estimate. */
  setMuWater(muWater: number | null): void {
    this.muWater = muWater;
  }

  setEstimateMuWater(estimate: boolean): void {
    this.muWater = estimate ? null : (this.result?.huCalibration?.muWater ?? this.previewMuWater ?? FALLBACK_MU_WATER);
  }

  setAlgorithm(algorithm: ReconAlgorithm): void {
    this.algorithm = algorithm;
    this.scheduleDescribe();
  }

  setIterations(iterations: number): void {
    this.iterations = iterations;
  }

  setSubsets(subsets: number | null): void {
    this.subsets = subsets;
    this.scheduleDescribe();
  }

  setPreviewWindow(center: number, width: number): void {
    this.previewWindow = { center, width: Math.max(Number.MIN_VALUE, width) };
  }

  /** The low-resolution preview, with the filter chosen; replaces the previous one. */
  async startPreview(): Promise<void> {
    const plan = this.plan;
    if (!plan || this.running) return;
    this.previewJob?.abort();
    const job = new AbortController();
    this.previewJob = job;
    const current = () => this.previewJob === job;
    const started = this.now();
    this.preview = { ...IDLE, phase: 'running', progress: { done: 0, total: 0, stage: 'Starting' } };
    // The preview is always FDK: a few seconds whatever the algorithm chosen for the result.
    const params: ReconstructionParams = {
      algorithm: 'fdk',
      size: [...plan.previewGrid.size],
      spacing: plan.previewGrid.spacing,
      window: this.window,
      cutoff: this.cutoff,
      scale: this.scale,
      ...(this.scale === 'hu' && this.muWater !== null ? { muWater: this.muWater } : {}),
      preview: true,
    };
    try {
      const info = await runJob(this.client, 'recon:reconstruct', () => this.client.invoke('recon:reconstruct', { seriesUid: plan.seriesUid, params }), {
        signal: job.signal,
        onProgress: (p) => current() && runInAction(() => (this.preview = this.progressed(this.preview, p, started))),
      });
      if (!current()) return;
      const { voxels } = await this.client.invoke('volume:getVoxels', { seriesUid: info.seriesUid });
      if (!current()) return;
      runInAction(() => {
        const { seriesUid, modality, dimensions, spacing, ijkToLps, range } = info;
        this.previewVolume = { seriesUid, modality, dimensions, spacing, ijkToLps, range, voxels };
        // μ: air (0) to the densest voxel; FDK's small negative undershoot is not worth grey levels.
        const top = Math.max(range[1], Number.MIN_VALUE);
        this.previewWindow = params.scale === 'hu' ? PREVIEW_HU_WINDOW : { center: top / 2, width: top };
        this.previewMuWater = info.huCalibration?.muWater ?? null;
        this.preview = { ...this.preview, phase: 'done', etaSeconds: 0 };
      });
    } catch (err) {
      if (!current()) return;
      runInAction(() => (this.preview = { ...this.preview, phase: isCancellation(err) ? 'cancelled' : 'error', error: isCancellation(err) ? null : messageOf(err) }));
    } finally {
      if (current()) this.previewJob = null;
    }
  }

  /** The full reconstruction; when it is done, `onResult` opens it. */
  async reconstruct(): Promise<void> {
    const plan = this.plan;
    const source = this.series;
    if (!plan || !source || !this.canReconstruct) return;
    // One job at a time: the workers go to what the user asked for last.
    this.stopPreview();
    const job = new AbortController();
    this.fullJob = job;
    const started = this.now();
    this.full = { ...IDLE, phase: 'running', progress: { done: 0, total: 0, stage: 'Starting' } };
    this.result = null;
    try {
      const info = await runJob(this.client, 'recon:reconstruct', () => this.client.invoke('recon:reconstruct', { seriesUid: plan.seriesUid, params: this.params }), {
        signal: job.signal,
        onProgress: (p) => this.fullJob === job && runInAction(() => (this.full = this.progressed(this.full, p, started))),
      });
      if (this.fullJob !== job) return;
      runInAction(() => {
        this.full = { ...this.full, phase: 'done', etaSeconds: 0 };
        this.result = info;
      });
      this.onResult?.(info, source);
    } catch (err) {
      if (this.fullJob !== job) return;
      runInAction(() => (this.full = { ...this.full, phase: isCancellation(err) ? 'cancelled' : 'error', error: isCancellation(err) ? null : messageOf(err) }));
    } finally {
      if (this.fullJob === job) this.fullJob = null;
    }
  }

  /** Stops the job in flight: the full reconstruction, else the preview. */
  cancel(): void {
    if (this.fullJob) this.fullJob.abort();
    else this.stopPreview();
  }

  /** Esc: cancels what runs, else closes the panel. */
  escape(): void {
    if (this.fullJob || this.previewJob) this.cancel();
    else this.close();
  }

  /** Asks main to stop the preview and stops listening to it: its late answer is dropped. */
  private stopPreview(): void {
    if (!this.previewJob) return;
    this.previewJob.abort();
    this.previewJob = null;
    this.preview = { ...this.preview, phase: 'cancelled', etaSeconds: null };
  }

  close(): void {
    this.session++;
    this.previewJob?.abort();
    this.fullJob?.abort();
    this.previewJob = null;
    this.fullJob = null;
    clearTimeout(this.describeTimer);
    this.open = false;
    this.series = null;
    this.plan = null;
    this.described = null;
    this.planError = null;
    this.preview = IDLE;
    this.previewVolume = null;
    this.full = IDLE;
    this.window = DEFAULT_WINDOW;
    this.cutoff = 1;
    this.muWater = null;
    this.previewMuWater = null;
    this.algorithm = 'fdk';
    this.iterations = DEFAULT_ITERATIONS;
    this.subsets = null;
  }

  dispose(): void {
    this.close();
  }

  private progressed(state: ReconJobState, p: JobProgress, started: number): ReconJobState {
    const fraction = p.total > 0 ? p.done / p.total : 0;
    const elapsed = (this.now() - started) / 1000;
    // The first few percent include start-up (reading the run, estimating air): no rate yet.
    const etaSeconds = fraction >= 0.05 && fraction < 1 ? (elapsed * (1 - fraction)) / fraction : fraction >= 1 ? 0 : null;
    return { ...state, progress: p, etaSeconds };
  }

  private scheduleDescribe(): void {
    clearTimeout(this.describeTimer);
    if (this.paramsError !== null || !this.plan) return;
    this.describeTimer = setTimeout(() => void this.describeGrid(), this.describeDelayMs);
  }

  private async describeGrid(): Promise<void> {
    const plan = this.plan;
    if (!plan) return;
    const seq = ++this.describeSeq;
    const session = this.session;
    const request = this.describeRequest;
    try {
      const described = await this.client.invoke('recon:describe', { seriesUid: plan.seriesUid, ...request });
      if (seq === this.describeSeq && session === this.session) {
        runInAction(() => {
          this.described = described;
          this.describedKey = JSON.stringify(request);
        });
      }
    } catch (err) {
      if (seq === this.describeSeq && session === this.session) runInAction(() => (this.planError = messageOf(err)));
    }
  }
}

/** A reconstruction as the study browser lists it: a volume of the run's patient and study. */
export function reconstructionSeries(info: ReconstructionInfo, source: SeriesSummary): SeriesSummary {
  return {
    uid: info.seriesUid,
    kind: 'volume',
    modality: info.modality,
    description: info.description,
    files: 0,
    frames: info.dimensions[2],
    dimensions: [...info.dimensions],
    spacing: [...info.spacing],
    warnings: [],
    uidSynthesised: false,
    patientId: source.patientId,
    patientName: source.patientName,
    studyUid: source.studyUid,
    studyDescription: source.studyDescription,
    studyDate: source.studyDate,
    ijkToLps: [...info.ijkToLps],
  };
}
