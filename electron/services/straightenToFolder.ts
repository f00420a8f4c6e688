/**
 * `lumen straighten` (and later the Reformat panel's export): samples the path, reslices
 * the volume along it in the worker pool, and writes everything into one folder,
 * atomically file by file, never inside a DICOM source folder:
 *
 *   straightened.nrrd        raw values (int16 when lossless, else float32); spacings, no
 *                            LPS geometry: voxel (i, j, k) lies at sliceToWorld[k]·(i, j, 0, 1)
 *   straightened-mask.nrrd   1 where the sample lay inside the source volume
 *   jacobian.nrrd            determinant of d(LPS)/d(u, v, arc length) per voxel: ≤ 0 where slices fold
 *   displacement-straightened-to-LPS.mha
 *                            ITK displacement field: the straightened volume on a nominal LPS grid
 *                            (origin 0, spacings) plus this field lands on the original volume
 *   transforms.json          { from: "straightened-pixel", to: "LPS", size, pixelSpacing,
 *                            sliceSpacing, slices: [{ sliceToWorld, arcLength }] }
 *   projection-<kind>.nrrd   projections of the straightened volume (line integrals for xray)
 *   projection-<kind>.png    the same for viewing (xray shown as a radiograph)
 *   provenance.json          every parameter, the input series and path, Lumen's version, timings
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import packageJson from '../../package.json';
import { UserError } from '../../shared/contracts/UserError';
import { samplePath, type CurveInterpolation, type SampledPath } from '../../shared/curve/samplePath';
import type { Mat4 } from '../../shared/math/mat4';
import { normalize, type Vec3 } from '../../shared/math/vec3';
import { writeNrrd } from '../../shared/io/nrrd';
import { encodeGreyPng, percentileWindow, windowToGrey } from '../../shared/io/png';
import { radiographFromLineIntegral } from '../../shared/reformat/attenuation';
import { projectVolume, type ProjectionKind } from '../../shared/reformat/projectVolume';
import type { Interpolation } from '../../shared/reformat/reslicePlane';
import { writeMetaImage } from '../../shared/io/metaImage';
import { straightenedDisplacementField } from '../../shared/reformat/displacementField';
import { foldReport, jacobianMap, type FoldReport } from '../../shared/reformat/jacobian';
import { sliceToWorldOf, stretchedScanDirection, stretchedSliceToWorld } from '../../shared/reformat/straighten';
import { slicesToFrames, straightenedTransforms } from '../../shared/reformat/straightenedFrames';
import { narrowIfLossless } from './exportVolume';
import { straightenVolume } from './ReformatService';
import type { LoadedVolume } from './VolumeService';
import type { WorkerPool } from './WorkerPool';
import { assertOutsideSources, writeFileAtomic } from './writeFileAtomic';

export interface StraightenParameters {
  /** 'straight': planes perpendicular to the path; 'stretch': stretched CPR with parallel scan lines. */
  mode: 'straight' | 'stretch';
  /** Stretched CPR only: the viewing (projection) direction, LPS; its rows run along it. */
  viewDirection: Vec3;
  columns: number;
  rows: number;
  /** In-plane pixel size, mm. */
  spacing: number;
  /** Arc length between slices, mm. */
  step: number;
  interpolation: Interpolation;
  curveInterpolation: CurveInterpolation;
  rollDeg: number;
  projections: ProjectionKind[];
  /** 0 = along columns, 1 = along rows (across the path, e.g. a dental panoramic), 2 = along the path. */
  projectionAxis: 0 | 1 | 2;
  slabMm?: number;
}

export interface PathInput {
  file: string;
  name: string;
  closed: boolean;
  points: Vec3[];
}

export interface StraightenSummary {
  outDir: string;
  files: string[];
  seriesInstanceUid: string;
  path: { name: string; closed: boolean; length: number; remainder: number };
  size: [number, number, number];
  pixelSpacing: [number, number];
  sliceSpacing: number;
  background: number;
  /** Fraction of output voxels that lay inside the source volume. */
  insideFraction: number;
  /** Where the straightened→LPS mapping folds (Jacobian determinant ≤ 0; see jacobian.nrrd); null for stretched CPR. */
  folds: FoldReport | null;
  timings: { reslice_s: number; write_s: number };
}

export interface StraightenRun {
  pool: WorkerPool;
  budgetBytes: number;
  volume: LoadedVolume;
  sourceFolders: readonly string[];
  signal?: AbortSignal;
  onProgress?: (stage: string, done: number, total: number) => void;
}

const AXIS_NAMES = ['columns', 'rows', 'slices'] as const;
/** ITK displacement field (straightened nominal grid → LPS); see displacementField.ts. */
export const DISPLACEMENT_FILE = 'displacement-straightened-to-LPS.mha';

/** Outside the volume CT reads as air; other modalities get their lowest value. */
export function backgroundFor(volume: LoadedVolume): number {
  return volume.modality === 'CT' ? -1024 : volume.range[0];
}

export async function straightenToFolder(run: StraightenRun, pathInput: PathInput, params: StraightenParameters, outDir: string): Promise<StraightenSummary> {
  const dir = path.resolve(outDir);
  assertOutsideSources(dir, run.sourceFolders);
  const { volume } = run;
  let sampled: SampledPath;
  try {
    sampled = samplePath(pathInput.points, { interpolation: params.curveInterpolation, closed: pathInput.closed, step: params.step, rollDeg: params.rollDeg });
  } catch (err) {
    throw new UserError('invalid-request', `The path "${pathInput.name}" cannot be followed: ${err instanceof Error ? err.message : String(err)}`);
  }
  if (sampled.samples.length < 2) {
    throw new UserError('invalid-request', `The path is ${sampled.length.toFixed(1)} mm long: too short for even two slices ${params.step} mm apart.`);
  }
  const geometry = { columns: params.columns, rows: params.rows, spacing: params.spacing };
  let sliceToWorld: Mat4[];
  let stretch: { across: Vec3; through: Vec3 } | null = null;
  if (params.mode === 'stretch') {
    const through = normalize(params.viewDirection);
    const across = stretchedScanDirection(sampled.samples, through);
    stretch = { across, through };
    sliceToWorld = sampled.samples.map((s) => stretchedSliceToWorld(s, geometry, across, through));
  } else {
    sliceToWorld = sampled.samples.map((s) => sliceToWorldOf(s, geometry));
  }
  const background = backgroundFor(volume);

  let started = performance.now();
  const straightened = await straightenVolume(run.pool, volume, sliceToWorld, run.budgetBytes, {
    ...geometry,
    interpolation: params.interpolation,
    background,
    ...(run.signal ? { signal: run.signal } : {}),
    onProgress: (p) => run.onProgress?.('Straightening', p.done, p.total),
  });
  const reslice_s = (performance.now() - started) / 1000;

  started = performance.now();
  await fs.promises.mkdir(dir, { recursive: true });
  const slices = sliceToWorld.length;
  const size: [number, number, number] = [params.columns, params.rows, slices];
  const spacings: [number, number, number] = [params.spacing, params.spacing, params.step];
  const files: string[] = [];
  const write = async (name: string, data: Uint8Array | string): Promise<void> => {
    await writeFileAtomic(path.join(dir, name), data, { sourceFolders: run.sourceFolders });
    files.push(name);
  };
  const identity = [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1];
  run.onProgress?.('Writing', 0, 3 + params.projections.length);
  await write('straightened.nrrd', writeNrrd({ dimensions: size, ijkToLps: identity, voxels: narrowIfLossless(straightened.voxels) }, { gzip: true, spacings }));
  await write('straightened-mask.nrrd', writeNrrd({ dimensions: size, ijkToLps: identity, voxels: straightened.mask }, { gzip: true, spacings }));
  const transforms = straightenedTransforms(sliceToWorld, sampled.samples.map((s) => s.arcLength), [params.columns, params.rows], params.spacing, params.step);
  await write('transforms.json', `${JSON.stringify({ from: 'straightened-pixel', to: 'LPS', ...transforms }, null, 1)}\n`);
  // Where slices are wider than the path's radius of curvature the mapping folds: say where.
  // (Stretched CPR scan lines are parallel, not perpendicular to the path: no such frames.)
  let folds: FoldReport | null = null;
  if (!stretch) {
    const frames = slicesToFrames(transforms);
    const jacobian = jacobianMap(frames, transforms.size, params.spacing);
    folds = foldReport(jacobian, frames, transforms.size);
    await write('jacobian.nrrd', writeNrrd({ dimensions: size, ijkToLps: identity, voxels: jacobian }, { gzip: true, spacings }));
  }
  const field = straightenedDisplacementField(sliceToWorld, transforms.size, transforms.pixelSpacing, params.step);
  await write(DISPLACEMENT_FILE, writeMetaImage({ dimensions: field.dimensions, ijkToLps: field.ijkToLps, voxels: field.vectors }, { compress: true, channels: 3 }));
  const projectionInfo = [];
  for (const [n, kind] of params.projections.entries()) {
    run.onProgress?.('Writing', 3 + n, 3 + params.projections.length);
    const axis = params.projectionAxis;
    const projection = projectVolume({ dimensions: size, voxels: straightened.voxels, mask: straightened.mask, axis, stepMm: spacings[axis], ...(params.slabMm ? { slabMm: params.slabMm } : {}), kind });
    const keep = [0, 1, 2].filter((a) => a !== axis) as [number, number];
    await write(`projection-${kind}.nrrd`, writeNrrd({ dimensions: [projection.width, projection.height, 1], ijkToLps: identity, voxels: projection.pixels }, { gzip: true, spacings: [spacings[keep[0]], spacings[keep[1]], spacings[axis]] }));
    const display = kind === 'xray' ? radiographFromLineIntegral(projection.pixels) : projection.pixels;
    const window = percentileWindow(display);
    await write(`projection-${kind}.png`, encodeGreyPng(projection.width, projection.height, windowToGrey(display, window.center, window.width)));
    projectionInfo.push({ kind, along: AXIS_NAMES[axis], slab: projection.slab, image: [AXIS_NAMES[keep[0]], AXIS_NAMES[keep[1]]] });
  }
  const write_s = (performance.now() - started) / 1000;

  const pathBytes = await fs.promises.readFile(pathInput.file);
  const summary: StraightenSummary = {
    outDir: dir,
    files: [...files, 'provenance.json'],
    seriesInstanceUid: volume.seriesUid,
    path: { name: pathInput.name, closed: pathInput.closed, length: sampled.length, remainder: sampled.remainder },
    size,
    pixelSpacing: [params.spacing, params.spacing],
    sliceSpacing: params.step,
    background,
    insideFraction: straightened.inside / straightened.voxels.length,
    folds,
    timings: { reslice_s, write_s },
  };
  await write(
    'provenance.json',
    `${JSON.stringify(
      {
        software: { name: 'Lumen', version: packageJson.version },
        createdAt: new Date().toISOString(),
        input: { seriesInstanceUid: volume.seriesUid, modality: volume.modality, dimensions: volume.dimensions, spacing: volume.spacing, ijkToLps: volume.ijkToLps },
        path: {
          file: path.resolve(pathInput.file),
          sha256: createHash('sha256').update(pathBytes).digest('hex'),
          name: pathInput.name,
          closed: pathInput.closed,
          controlPoints: pathInput.points,
          coordinateSystem: 'LPS',
          length: sampled.length,
          samples: slices,
          unsampledEnd: sampled.remainder,
          ...(sampled.closureTwistDeg !== undefined ? { closureTwistDeg: sampled.closureTwistDeg } : {}),
        },
        parameters: params,
        ...(stretch ? { stretchedCpr: { scanLineDirection: stretch.across, viewDirection: stretch.through } } : {}),
        background: { value: background, meaning: 'samples outside the source volume; see straightened-mask.nrrd' },
        projections: projectionInfo,
        folds,
        displacementField: {
          file: DISPLACEMENT_FILE,
          from: 'straightened nominal grid (LPS, origin 0, identity directions, spacings [pixel, pixel, step])',
          to: 'LPS',
          convention: 'ITK displacement: x + d(x)',
          decimation: field.decimation,
        },
        outputs: summary.files,
        timings: summary.timings,
      },
      null,
      2,
    )}\n`,
  );
  return summary;
}
