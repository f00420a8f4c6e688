/**
 * The Reconstruct panel's work in main: describing a rotational run (geometry report,
 * default and preview grids, the memory a grid needs) and reconstructing it into a new
 * volume under a fresh UID, held by VolumeService under the one budget of every volume, so
 * `volume:load`, `volume:getVoxels` and `volume:export` serve it like a loaded series.
 *
 * Algorithms: FDK (reconstructRun) or SART (reconstructIterative).
 *
 * Values: linear attenuation μ in mm⁻¹ as the engine makes it (as RTK; vendor log units
 * per mm for LOG runs), modality 'XA' (a 3D X-ray angiography volume, as DICOM's X-Ray 3D
 * Angiographic IOD has it); or Hounsfield units (shared/recon/huScale.ts: μ water given,
 * or estimated from the volume), modality 'CT', so the slice and 3D views' CT windows and
 * presets apply. The viewers' window/level follows the DICOM VOI LUT, made for
 * integer-scale values: μ of a few hundredths per mm cannot be windowed there, which is
 * why the panel starts in HU.
 */
import type { ReconAlgorithm, ReconGridChoice, ReconstructionInfo, ReconstructionParams, ReconstructionPlan, VolumeInfo } from '../../shared/contracts/ipc';
import { UserError } from '../../shared/contracts/UserError';
import type { SeriesPlan } from '../../shared/dicom/SeriesPlan';
import { newUid } from '../../shared/dicom/uid';
import { valueRange } from '../../shared/math/valueRange';
import type { VolumeSeriesMeta } from '../../shared/dicom/writeVolumeSeries';
import { formatBytes } from '../../shared/formatBytes';
import { geometryReport } from '../../shared/recon/cArmGeometry';
import { fieldOfViewMask, type ReconGrid } from '../../shared/recon/fdk';
import { applyHounsfieldScale } from '../../shared/recon/huScale';
import { reconstructionUnits, rotationalRunOf, type RotationalRun } from '../../shared/recon/rotationalRun';
import { orderedSubsets } from '../../shared/recon/sart';
import { iterativeMemoryBytes, reconstructIterative } from './IterativeReconstruction';
import type { JobContext } from './JobService';
import { batchViewsFor, reconGridFor, reconstructRun, runMemoryBytes, type Reconstruction, type ReconstructionParameters } from './ReconstructionService';
import type { LoadedVolume, VolumeService } from './VolumeService';
import type { WorkerPool } from './WorkerPool';

/** Voxels along the longest axis of the automatic preview: a few seconds on two cores. */
export const PREVIEW_VOXELS = 96;
/** Full reconstructions kept at once (besides the one preview): the least recently used go first; memory may drop more. */
const KEEP_RESULTS = 4;

export interface ReconstructionJobsDeps {
  pool: WorkerPool;
  volumes: VolumeService;
  planOf: (seriesUid: string) => SeriesPlan;
  /** What main says about a volume it holds (voxel type included), the same for every volume. */
  describeVolume: (volume: LoadedVolume) => VolumeInfo;
}

/** What is known of a reconstruction besides its voxels, which VolumeService holds under its one budget. */
interface HeldReconstruction {
  info: ReconstructionInfo;
  run: RotationalRun;
}

export class ReconstructionJobs {
  private readonly held = new Map<string, HeldReconstruction>();
  /** Full reconstructions dropped to make room: asking for one is answered with why it is gone. */
  private readonly dropped = new Set<string>();

  constructor(private readonly deps: ReconstructionJobsDeps) {}

  describe(req: { seriesUid: string; size?: [number, number, number]; spacing?: number; algorithm?: ReconAlgorithm; subsets?: number }): ReconstructionPlan {
    const run = this.runOf(req.seriesUid);
    const g = run.geometry;
    const report = geometryReport(g, run.notes);
    const grid = reconGridFor(g, { ...(req.size ? { size: req.size } : {}), ...(req.spacing !== undefined ? { spacing: req.spacing } : {}) });
    return {
      seriesUid: run.seriesUid,
      description: run.description,
      report,
      warnings: [...run.warnings, ...report.warnings],
      intensity: run.intensity,
      units: reconstructionUnits(run.intensity, false),
      defaultScale: 'hu',
      grid: choiceOf(grid),
      defaultGrid: choiceOf(reconGridFor(g, {})),
      previewGrid: choiceOf(previewGridFor(run)),
      memoryBytes: this.memoryFor(run, grid, req.algorithm ?? 'fdk', req.subsets),
      budgetBytes: this.deps.volumes.budgetBytes,
    };
  }

  async reconstruct(req: { seriesUid: string; params: ReconstructionParams }, ctx: JobContext): Promise<ReconstructionInfo> {
    const started = performance.now();
    const run = this.runOf(req.seriesUid);
    const params = req.params;
    const preview = params.preview === true;
    const grid = reconGridFor(run.geometry, { size: params.size, spacing: params.spacing });
    const needed = this.memoryFor(run, grid, params.algorithm, params.subsets);
    // A new preview replaces the old; the least recently used volumes make room for a new one before it is refused.
    const { volumes } = this.deps;
    if (preview) this.dropPreviews();
    volumes.makeRoom(needed);
    const heldBytes = volumes.heldBytes;
    const budgetBytes = volumes.budgetBytes - heldBytes;
    if (needed > budgetBytes) {
      const [nx, ny, nz] = grid.dimensions;
      const held = heldBytes > 0 ? ` (${formatBytes(heldBytes)} of it holds open volumes)` : '';
      throw new UserError(
        'too-large',
        `Reconstructing ${nx}×${ny}×${nz} voxels needs ${formatBytes(needed)}, more than the ${formatBytes(budgetBytes)} Lumen may use here${held}. Choose fewer voxels or a larger spacing.`,
      );
    }
    ctx.progress(0, 2 * run.views.length, 'Starting');
    const hu = params.scale === 'hu';
    const engineParams: ReconstructionParameters = {
      size: params.size,
      spacing: params.spacing,
      window: params.window,
      cutoff: params.cutoff,
      ...(hu ? { hu: params.muWater === undefined ? {} : { muWater: params.muWater } } : {}),
    };
    const engineRun = { pool: this.deps.pool, budgetBytes, signal: ctx.signal, onProgress: (p: { done: number; total: number; stage: string }) => ctx.progress(p.done, p.total, p.stage) };
    const recon: Reconstruction =
      params.algorithm === 'sart'
        ? await reconstructIterative(engineRun, run, { ...engineParams, iterations: params.iterations ?? 1, ...(params.subsets !== undefined ? { subsets: params.subsets } : {}) })
        : await reconstructRun(engineRun, run, engineParams);
    if (ctx.signal.aborted) throw new UserError('cancelled', 'Reconstruction was cancelled.');
    // An engine that does not scale to HU itself: the same scale, over its field of view.
    const huCalibration = hu ? (recon.hu ?? applyHounsfieldScale(recon.voxels, fieldOfViewMask(run.geometry, grid), params.muWater)) : undefined;
    const volume: LoadedVolume = {
      seriesUid: newUid(),
      modality: hu ? 'CT' : 'XA',
      dimensions: [...recon.grid.dimensions],
      spacing: [...recon.grid.spacing],
      ijkToLps: [...recon.grid.ijkToLps],
      voxels: recon.voxels,
      range: valueRange(recon.voxels),
    };
    const name = run.description || 'rotational run';
    const info: ReconstructionInfo = {
      ...this.deps.describeVolume(volume),
      description: `${preview ? 'Preview of' : 'Reconstruction of'} ${name}`,
      sourceSeriesUid: run.seriesUid,
      preview,
      units: reconstructionUnits(run.intensity, hu),
      ...(huCalibration ? { huCalibration } : {}),
      params,
      elapsed_s: (performance.now() - started) / 1000,
    };
    this.held.set(volume.seriesUid, { info, run });
    volumes.add(volume);
    this.trim();
    return info;
  }

  /** Whether `seriesUid` names a reconstruction made here (still in memory or not). */
  made(seriesUid: string): boolean {
    return this.held.has(seriesUid) || this.dropped.has(seriesUid);
  }

  /** VolumeService dropped a volume to make room: a reconstruction cannot be loaded again, so say so when asked. */
  evicted(seriesUid: string): void {
    const held = this.held.get(seriesUid);
    if (!held) return;
    this.held.delete(seriesUid);
    if (!held.info.preview) this.dropped.add(seriesUid);
  }

  /** Throws the reason when `seriesUid` names a reconstruction that was dropped from memory. */
  assertNotDropped(seriesUid: string): void {
    if (this.dropped.has(seriesUid)) {
      throw new UserError('not-found', 'This reconstruction was dropped from memory to make room for newer ones. Reconstruct it again from its run; export the ones to keep (Ctrl+E).');
    }
  }

  /** How a reconstruction is named as a DICOM series: the run's patient and study, its own new frame of reference. */
  seriesMeta(seriesUid: string): VolumeSeriesMeta | undefined {
    const held = this.held.get(seriesUid);
    if (!held) return undefined;
    const { patient } = held.run;
    const { algorithm, window, cutoff, iterations } = held.info.params;
    const method = algorithm === 'sart' ? `SART, ${iterations} iterations` : `FDK ${window}${cutoff < 1 ? `, cut-off ${cutoff}` : ''}`;
    return {
      patientName: patient.name,
      patientId: patient.id,
      studyInstanceUid: patient.studyUid,
      studyDate: patient.studyDate,
      seriesDescription: `${held.info.description} (${method}), ${held.info.units}`,
      // Linear attenuation in 1/mm is not one of CT's defined rescale types.
      rescaleType: held.info.params.scale === 'hu' ? 'HU' : 'US',
    };
  }

  clear(): void {
    this.held.clear();
    this.dropped.clear();
  }

  private runOf(seriesUid: string): RotationalRun {
    return rotationalRunOf(this.deps.planOf(seriesUid));
  }

  /** What the engine holds at most for this grid: the same batches, subsets and tasks it will choose. */
  private memoryFor(run: RotationalRun, grid: ReconGrid, algorithm: ReconAlgorithm, subsets: number | undefined): number {
    const g = run.geometry;
    const poolSize = this.deps.pool.size;
    const views = g.views.length;
    if (algorithm === 'sart') {
      const largestSubset = Math.max(...orderedSubsets(views, subsets ?? views).map((s) => s.length));
      const [nx, ny, nz] = grid.dimensions;
      return iterativeMemoryBytes(g, nx * ny * nz, largestSubset, Math.min(poolSize, views) * run.fileBytes);
    }
    return runMemoryBytes(run, grid, Math.max(1, Math.min(views, batchViewsFor(g, poolSize))), poolSize);
  }

  private dropPreviews(): void {
    for (const [uid, held] of this.held) {
      if (!held.info.preview) continue;
      this.held.delete(uid);
      this.deps.volumes.remove(uid);
    }
  }

  /** At most KEEP_RESULTS full reconstructions: the least recently used go first. */
  private trim(): void {
    const results = this.deps.volumes.leastRecentlyUsedFirst().filter((uid) => this.held.get(uid)?.info.preview === false);
    for (const uid of results.slice(0, Math.max(0, results.length - KEEP_RESULTS))) this.drop(uid);
  }

  private drop(uid: string): void {
    this.deps.volumes.remove(uid);
    this.evicted(uid);
  }
}

/** The default grid made coarser so its longest axis has at most PREVIEW_VOXELS voxels: the same field of view. */
export function previewGridFor(run: RotationalRun): ReconGrid {
  const full = reconGridFor(run.geometry, {});
  const longest = Math.max(...full.dimensions);
  if (longest <= PREVIEW_VOXELS) return full;
  return reconGridFor(run.geometry, { spacing: (full.spacing[0] * longest) / PREVIEW_VOXELS });
}

function choiceOf(grid: ReconGrid): ReconGridChoice {
  return { size: [...grid.dimensions], spacing: grid.spacing[0] };
}
