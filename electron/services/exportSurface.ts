/**
 * A volume's iso-surface as an STL file: marching cubes (closed at the grid's borders,
 * so the file is watertight for printing), then optionally the largest component only,
 * Taubin smoothing and quadric decimation, written atomically and never inside a DICOM
 * source folder. Coordinates are LPS mm, or RAS mm when asked (x and y negated: a
 * rotation, so the winding stays outward).
 */
import path from 'node:path';
import { UserError } from '../../shared/contracts/UserError';
import { valueRange } from '../../shared/math/valueRange';
import { largestComponent, meshComponents } from '../../shared/mesh/components';
import { decimateMesh } from '../../shared/mesh/decimateMesh';
import { marchingCubes } from '../../shared/mesh/marchingCubes';
import { enclosedVolume, surfaceArea } from '../../shared/mesh/meshMeasures';
import { writeStl } from '../../shared/io/stl';
import { taubinSmooth } from '../../shared/mesh/taubinSmooth';
import type { TriangleMesh } from '../../shared/mesh/TriangleMesh';
import type { SurfaceStl } from '../../shared/contracts/workerTasks';
import { assertOutsideSources, writeFileAtomic } from './writeFileAtomic';

export interface SurfaceVolume {
  dimensions: [number, number, number];
  ijkToLps: number[];
  voxels: Float32Array;
}

export interface SurfaceOptions {
  /** Iso-value in the volume's units (HU for CT); voxels above it are inside. */
  threshold: number;
  /** Taubin λ/μ pairs (default 0: none). */
  smoothIterations?: number;
  /** Fraction of the triangles to keep, in (0, 1] (default 1: no decimation). */
  decimate?: number;
  /** Keep only the component with the most triangles. */
  largestOnly?: boolean;
  /** Write RAS instead of LPS coordinates. */
  ras?: boolean;
}

/** Stage, and done of total over the whole export. */
export type SurfaceProgress = (stage: string, done: number, total: number) => void;

export interface SurfaceExport {
  file: string;
  triangles: number;
  vertices: number;
  bytes: number;
}

/** What the command line reports besides the file. */
export interface SurfaceReport extends SurfaceExport {
  frame: 'LPS' | 'RAS';
  areaMm2: number;
  /** Enclosed volume in mL (cm³); the mesh is closed, so this is the volume inside the surface. */
  volumeMl: number;
  /** Components of the marching-cubes surface, before --largest. */
  components: number;
  timings: { marchingCubes_s: number; largest_s: number; smooth_s: number; decimate_s: number; write_s: number };
}

/** exportSurfaceReport, keeping only the file and its size. */
export async function exportSurface(...args: Parameters<typeof exportSurfaceReport>): Promise<SurfaceExport> {
  const { file, triangles, vertices, bytes } = await exportSurfaceReport(...args);
  return { file, triangles, vertices, bytes };
}

/** Checks an STL destination before any work is done. */
export function checkSurfaceTarget(out: string, sourceFolders: readonly string[]): string {
  const file = path.resolve(out);
  if (!file.toLowerCase().endsWith('.stl')) throw new UserError('invalid-request', `${path.basename(file)} is not an .stl file name.`);
  assertOutsideSources(file, sourceFolders);
  return file;
}

/** The whole export in this thread (the command line); the app runs surfaceStl in a worker, then writeSurface. */
export async function exportSurfaceReport(
  volume: SurfaceVolume,
  options: SurfaceOptions,
  out: string,
  sourceFolders: readonly string[],
  onProgress?: SurfaceProgress,
  signal?: AbortSignal,
): Promise<SurfaceReport> {
  const file = checkSurfaceTarget(out, sourceFolders);
  const surface = surfaceStl(volume, options, onProgress, signal);
  return writeSurface(file, surface, sourceFolders, onProgress);
}

/**
 * The surface as STL bytes with its measures: the CPU-heavy part, a pure function of the
 * voxels. Progress is one bar over every stage (each weighted by its usual share of the
 * time), so it only ever grows; `signal` is checked per slice pair, smoothing pass and
 * few thousand collapses.
 */
export function surfaceStl(volume: SurfaceVolume, options: SurfaceOptions, onProgress?: SurfaceProgress, signal?: AbortSignal): SurfaceStl {
  const { threshold, smoothIterations = 0, decimate = 1, largestOnly = false, ras = false } = options;
  if (!Number.isFinite(threshold)) throw new UserError('invalid-request', 'The threshold must be a number.');
  if (!(decimate > 0 && decimate <= 1)) throw new UserError('invalid-request', `The decimation target must be a fraction in (0, 1], got ${decimate}.`);
  if (!(Number.isInteger(smoothIterations) && smoothIterations >= 0)) throw new UserError('invalid-request', `Smoothing iterations must be a whole number ≥ 0, got ${smoothIterations}.`);

  const bar = progressBar(
    { extract: STAGE_WEIGHTS.extract, smooth: smoothIterations > 0 ? STAGE_WEIGHTS.smooth : 0, decimate: decimate < 1 ? STAGE_WEIGHTS.decimate : 0, write: STAGE_WEIGHTS.write },
    onProgress,
  );
  const timed = <T>(run: () => T): [T, number] => {
    const started = performance.now();
    const value = run();
    return [value, (performance.now() - started) / 1000];
  };
  const extracting = bar('extract', 'Extracting surface');
  const [surface, marchingCubes_s] = timed(() => marchingCubes(volume, { threshold, signal, onProgress: extracting }));
  let mesh = surface;
  if (mesh.triangles.length === 0) throw new UserError('invalid-request', emptySurfaceMessage(volume.voxels, threshold));
  const [components, count_s] = timed(() => meshComponents(mesh));
  let largest_s = count_s;
  if (largestOnly) {
    let seconds: number;
    [mesh, seconds] = timed(() => largestComponent(surface, components));
    largest_s += seconds;
  }
  let smooth_s = 0;
  if (smoothIterations > 0) [mesh, smooth_s] = timed(() => taubinSmooth(mesh, { iterations: smoothIterations, signal, onProgress: bar('smooth', 'Smoothing') }));
  let decimate_s = 0;
  if (decimate < 1) [mesh, decimate_s] = timed(() => decimateMesh(mesh, { keep: decimate, signal, onProgress: bar('decimate', 'Decimating') }));
  const areaMm2 = surfaceArea(mesh);
  const volumeMl = enclosedVolume(mesh) / 1000;
  const frame = ras ? 'RAS' : 'LPS';
  bar('write', 'Writing')(0, 1);
  const [stl, encode_s] = timed(() => writeStl(ras ? toRas(mesh) : mesh, `Lumen surface at ${threshold}, ${frame} mm`));
  return {
    stl,
    triangles: mesh.triangles.length / 3,
    vertices: mesh.positions.length / 3,
    frame,
    areaMm2,
    volumeMl,
    components: components.sizes.length,
    timings: { marchingCubes_s, largest_s, smooth_s, decimate_s, write_s: encode_s },
  };
}

/** Writes surfaceStl's bytes to `file` (checked by checkSurfaceTarget) atomically: a cancelled or failed write leaves nothing. */
export async function writeSurface(file: string, surface: SurfaceStl, sourceFolders: readonly string[], onProgress?: SurfaceProgress): Promise<SurfaceReport> {
  const { stl, timings, ...measures } = surface;
  const started = performance.now();
  await writeFileAtomic(file, stl, { sourceFolders });
  onProgress?.('Writing', PROGRESS_TOTAL, PROGRESS_TOTAL);
  return { file, bytes: stl.length, ...measures, timings: { ...timings, write_s: timings.write_s + (performance.now() - started) / 1000 } };
}

/** Shares of a typical export's time (chest CT bone, 15 passes, keep 25%): progress moves at a steady pace across stages. */
const STAGE_WEIGHTS = { extract: 30, smooth: 15, decimate: 50, write: 5 } as const;
type SurfaceStage = keyof typeof STAGE_WEIGHTS;
/** The bar's length: per mille. */
const PROGRESS_TOTAL = 1000;

/** Per stage, a (done, total) callback that moves one overall bar of PROGRESS_TOTAL through that stage's share. */
function progressBar(weights: Record<SurfaceStage, number>, onProgress: SurfaceProgress | undefined): (stage: SurfaceStage, label: string) => (done: number, total: number) => void {
  const order: SurfaceStage[] = ['extract', 'smooth', 'decimate', 'write'];
  const sum = order.reduce((s, k) => s + weights[k], 0);
  return (stage, label) => {
    const before = order.slice(0, order.indexOf(stage)).reduce((s, k) => s + weights[k], 0);
    return (done, total) => onProgress?.(label, Math.floor((PROGRESS_TOTAL * (before + (weights[stage] * done) / Math.max(1, total))) / sum), PROGRESS_TOTAL);
  };
}

/** LPS → RAS: x and y negated (a half-turn about z, so triangles keep their outward winding). */
function toRas(mesh: TriangleMesh): TriangleMesh {
  const positions = Float64Array.from(mesh.positions);
  for (let n = 0; n < positions.length; n += 3) {
    positions[n] = -positions[n];
    positions[n + 1] = -positions[n + 1];
  }
  return { positions, triangles: mesh.triangles };
}

function emptySurfaceMessage(voxels: Float32Array, threshold: number): string {
  const [min, max] = valueRange(voxels);
  return `No surface at ${threshold}: the volume's values run from ${min} to ${max}, so no voxel is on both sides of it. Choose a threshold in that range.`;
}
