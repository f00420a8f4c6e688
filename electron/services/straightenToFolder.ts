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
 *   displacement-LPS-to-straightened.mha
 *                            its inverse where defined (straight mode): on the original voxel grid
 *                            (cropped to the slices' reach, decimated when large), LPS + this field
 *                            = the position on that nominal straightened grid; 0 where undefined
 *   displacement-LPS-to-straightened-mask.nrrd
 *                            on the same grid: 1 where the inverse is defined (the closest path point
 *                            not past an end, inside its slice, Jacobian > 0), 0 elsewhere
 *   transforms.json          { from: "straightened-pixel", to: "LPS", size, pixelSpacing,
 *                            sliceSpacing, slices: [{ sliceToWorld, arcLength }] }
 *   projection-<kind>.nrrd   projections of the straightened volume (line integrals for xray);
 *                            projection-panoramic: the dental panoramic preset (mean across the arch,
 *                            path left to right, superior up), whatever the projection axis
 *   projection-<kind>.png    the same for viewing (xray shown as a radiograph)
 *   provenance.json          every parameter, the input series and path, Lumen's version, timings
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import packageJson from '../../package.json';
import type { Vec3 } from '../../shared/math/vec3';
import { writeNrrd } from '../../shared/io/nrrd';
import { encodeGreyPng, percentileWindow, windowToGrey } from '../../shared/io/png';
import { radiographFromLineIntegral } from '../../shared/reformat/attenuation';
import { PANORAMIC_SLAB_MM, panoramicLayout, panoramicProjection, projectVolume, type PanoramicLayout } from '../../shared/reformat/projectVolume';
import { writeMetaImage } from '../../shared/io/metaImage';
import { straightenedDisplacementField } from '../../shared/reformat/displacementField';
import { foldReport, jacobianMap, type FoldReport } from '../../shared/reformat/jacobian';
import { planStraightening, type StraightenParameters } from '../../shared/reformat/straighteningPlan';
import { slicesToFrames, straightenedTransforms } from '../../shared/reformat/straightenedFrames';
import { narrowIfLossless } from './exportVolume';
import { straightenVolume } from './ReformatService';
import type { LoadedVolume } from './VolumeService';
import type { WorkerPool } from './WorkerPool';
import { assertOutsideSources, writeFileAtomic } from './writeFileAtomic';

export type { StraightenParameters } from '../../shared/reformat/straighteningPlan';

export interface PathInput {
  /** The markups file the path came from; absent for a path drawn in the app. */
  file?: string;
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
/** Its inverse where defined (original grid → straightened nominal grid) and validity mask; see inverseDisplacementField.ts. */
export const INVERSE_DISPLACEMENT_FILE = 'displacement-LPS-to-straightened.mha';
export const INVERSE_DISPLACEMENT_MASK_FILE = 'displacement-LPS-to-straightened-mask.nrrd';

/** Outside the volume CT reads as air; other modalities get their lowest value. */
export function backgroundFor(volume: LoadedVolume): number {
  return volume.modality === 'CT' ? -1024 : volume.range[0];
}

export async function straightenToFolder(run: StraightenRun, pathInput: PathInput, params: StraightenParameters, outDir: string): Promise<StraightenSummary> {
  const dir = path.resolve(outDir);
  assertOutsideSources(dir, run.sourceFolders);
  const { volume } = run;
  const { sampled, sliceToWorld, stretch } = planStraightening(pathInput, params);
  const geometry = { columns: params.columns, rows: params.rows, spacing: params.spacing };
  const background = backgroundFor(volume);
  const transforms = straightenedTransforms(sliceToWorld, sampled.samples.map((s) => s.arcLength), [params.columns, params.rows], params.spacing, params.step);

  let started = performance.now();
  const straightened = await straightenVolume(run.pool, volume, sliceToWorld, run.budgetBytes, {
    ...geometry,
    interpolation: params.interpolation,
    background,
    ...(run.signal ? { signal: run.signal } : {}),
    onProgress: (p) => run.onProgress?.('Straightening', p.done, p.total),
  });
  const reslice_s = (performance.now() - started) / 1000;
  // The inverse field (straight mode) needs only the planes: a worker makes it while the files below are written.
  const inverseField = stretch ? null : run.pool.run('reformat:inverseField', { transforms, reference: { dimensions: volume.dimensions, ijkToLps: [...volume.ijkToLps] } }, run.signal ? { signal: run.signal } : {});
  inverseField?.catch(() => {});

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
  await write('transforms.json', `${JSON.stringify({ from: 'straightened-pixel', to: 'LPS', ...transforms }, null, 1)}\n`);
  // Where slices are wider than the path's radius of curvature the mapping folds: say where.
  // (Stretched CPR scan lines are parallel, not perpendicular to the path: no such frames.)
  let folds: FoldReport | null = null;
  // Straight mode: the frames' own across-the-arch axis; stretched CPR: along its viewing direction (rows).
  let panoramic: PanoramicLayout = { acrossAxis: 1, flipVertical: stretch ? stretch.across[2] > 0 : false };
  if (!stretch) {
    const frames = slicesToFrames(transforms);
    const jacobian = jacobianMap(frames, transforms.size, params.spacing);
    folds = foldReport(jacobian, frames, transforms.size);
    await write('jacobian.nrrd', writeNrrd({ dimensions: size, ijkToLps: identity, voxels: jacobian }, { gzip: true, spacings }));
    if (params.projections.includes('panoramic')) panoramic = panoramicLayout(frames);
  }
  const field = straightenedDisplacementField(sliceToWorld, transforms.size, transforms.pixelSpacing, params.step);
  await write(DISPLACEMENT_FILE, writeMetaImage({ dimensions: field.dimensions, ijkToLps: field.ijkToLps, voxels: field.vectors }, { compress: true, channels: 3 }));
  // The inverse is the per-slice one of map-back: stretched CPR scan lines are not slice frames.
  let inverseInfo: Record<string, unknown> | null = null;
  if (inverseField) {
    const inverse = await inverseField;
    await write(INVERSE_DISPLACEMENT_FILE, writeMetaImage({ dimensions: inverse.dimensions, ijkToLps: inverse.ijkToLps, voxels: inverse.vectors }, { compress: true, channels: 3 }));
    await write(INVERSE_DISPLACEMENT_MASK_FILE, writeNrrd({ dimensions: inverse.dimensions, ijkToLps: inverse.ijkToLps, voxels: inverse.mask }, { gzip: true }));
    inverseInfo = {
      file: INVERSE_DISPLACEMENT_FILE,
      mask: INVERSE_DISPLACEMENT_MASK_FILE,
      from: 'LPS: the input volume\'s voxel grid, cropped to the voxels the slices reach, every decimation-th voxel per axis',
      to: 'straightened nominal grid (LPS, origin 0, identity directions, spacings [pixel, pixel, step])',
      convention: 'ITK displacement: x + d(x); zero vector where undefined',
      definedWhere: 'the closest path point is not past an end, the point lies inside that slice (pixel-centre rectangle), and the Jacobian determinant there is > 0; see the mask',
      decimation: inverse.decimation,
      originVoxel: inverse.originVoxel,
      dimensions: inverse.dimensions,
      definedPoints: inverse.defined,
    };
  }
  const projectionInfo = [];
  for (const [n, kind] of params.projections.entries()) {
    run.onProgress?.('Writing', 3 + n, 3 + params.projections.length);
    if (kind === 'panoramic') {
      const across = panoramic.acrossAxis;
      const vertical = across === 0 ? 1 : 0;
      const pano = panoramicProjection({ dimensions: size, voxels: straightened.voxels, mask: straightened.mask }, panoramic, spacings[across], params.slabMm ?? PANORAMIC_SLAB_MM);
      await write('projection-panoramic.nrrd', writeNrrd({ dimensions: [pano.width, pano.height, 1], ijkToLps: identity, voxels: pano.pixels }, { gzip: true, spacings: [spacings[2], spacings[vertical], spacings[across]] }));
      const window = percentileWindow(pano.pixels);
      await write('projection-panoramic.png', encodeGreyPng(pano.width, pano.height, windowToGrey(pano.pixels, window.center, window.width)));
      projectionInfo.push({ kind, reduction: 'mean', along: AXIS_NAMES[across], slab: pano.slab, image: [AXIS_NAMES[2], AXIS_NAMES[vertical]], flippedVertically: panoramic.flipVertical });
      continue;
    }
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
  const insideFraction = straightened.inside / straightened.voxels.length;
  // Every voxel is written: the memory can serve the next straightening.
  straightened.release();

  // A drawn path has no file: its fingerprint is that of its control points.
  const pathBytes = pathInput.file ? await fs.promises.readFile(pathInput.file) : JSON.stringify(pathInput.points);
  const summary: StraightenSummary = {
    outDir: dir,
    files: [...files, 'provenance.json'],
    seriesInstanceUid: volume.seriesUid,
    path: { name: pathInput.name, closed: pathInput.closed, length: sampled.length, remainder: sampled.remainder },
    size,
    pixelSpacing: [params.spacing, params.spacing],
    sliceSpacing: params.step,
    background,
    insideFraction,
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
          file: pathInput.file ? path.resolve(pathInput.file) : null,
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
        inverseDisplacementField: inverseInfo,
        outputs: summary.files,
        timings: summary.timings,
      },
      null,
      2,
    )}\n`,
  );
  return summary;
}
