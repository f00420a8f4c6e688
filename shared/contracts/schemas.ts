/**
 * One request schema per invoke channel. Main validates every payload against these
 * before a handler sees it, whichever transport it came over.
 */
import { z } from 'zod';
import { RAMP_WINDOWS } from '../recon/rampFilter';
import type { InvokeChannel, InvokeRequest } from './ipc';

const empty = z.object({}).strict();
const folderPath = z.string().min(1, 'A folder path is required.').max(4096);
const seriesUid = z.string().min(1).max(256);
const finite = z.number().finite();
const vec3 = z.tuple([finite, finite, finite]);
const positiveMm = z.number().finite().positive().max(1000);
const matrix4 = z.array(finite).length(16);
/** Output planes are at most this many pixels along a side (the CLI's --size limit). */
const MAX_PLANE_PIXELS = 8192;
const MAX_SLICES = 1_000_000;

const straighteningPath = z
  .object({
    name: z.string().max(256),
    closed: z.boolean(),
    points: z.array(vec3).min(2, 'A path needs at least two control points.').max(100_000),
  })
  .strict();

const straightenParameters = z
  .object({
    mode: z.enum(['straight', 'stretch']),
    viewDirection: vec3,
    columns: z.number().int().min(1).max(MAX_PLANE_PIXELS),
    rows: z.number().int().min(1).max(MAX_PLANE_PIXELS),
    spacing: positiveMm,
    step: positiveMm,
    interpolation: z.enum(['nearest', 'linear', 'cubic']),
    curveInterpolation: z.enum(['catmull-rom', 'natural-cubic', 'linear']),
    rollDeg: finite,
    projections: z.array(z.enum(['mip', 'minip', 'mean', 'xray', 'panoramic'])).max(5),
    projectionAxis: z.union([z.literal(0), z.literal(1), z.literal(2)]),
    slabMm: positiveMm.optional(),
  })
  .strict();

const straightenedTransforms = z
  .object({
    size: z.tuple([z.number().int().min(1).max(MAX_PLANE_PIXELS), z.number().int().min(1).max(MAX_PLANE_PIXELS)]),
    pixelSpacing: z.tuple([positiveMm, positiveMm]),
    sliceSpacing: positiveMm,
    slices: z.array(z.object({ sliceToWorld: matrix4, arcLength: finite }).strict()).min(2).max(MAX_SLICES),
  })
  .strict();

/** Bounds of a saved session: generous for hand-drawn and imported paths, small enough to refuse garbage. */
export const MAX_SESSION_PATHS = 200;
export const MAX_SESSION_PATH_POINTS = 20_000;
export const MAX_PATH_NAME_LENGTH = 200;

export const sessionPath = z
  .object({
    name: z.string().max(MAX_PATH_NAME_LENGTH),
    colour: z.string().regex(/^#[0-9a-fA-F]{6}$/, 'A path colour is written #rrggbb.'),
    closed: z.boolean(),
    locked: z.boolean(),
    points: z.array(vec3).max(MAX_SESSION_PATH_POINTS, `A path holds at most ${MAX_SESSION_PATH_POINTS} control points.`),
  })
  .strict();
export const sessionPaths = z.array(sessionPath).max(MAX_SESSION_PATHS, `A session holds at most ${MAX_SESSION_PATHS} paths.`);

const labelSlice = z.object({ slice: z.number().int().min(0).max(MAX_SLICES), voxels: z.instanceof(Uint8Array) }).strict();
const labelsId = z.string().min(1).max(128);

/** The CLI's --size limit. */
const MAX_RECON_VOXELS_PER_AXIS = 4096;
const reconSize = z.tuple([1, 2, 3].map(() => z.number().int().min(1).max(MAX_RECON_VOXELS_PER_AXIS)) as [z.ZodNumber, z.ZodNumber, z.ZodNumber]);

const reconstructionParams = z
  .object({
    algorithm: z.enum(['fdk', 'sart']),
    size: reconSize,
    spacing: positiveMm,
    window: z.enum(RAMP_WINDOWS),
    cutoff: z.number().finite().gt(0, 'The cut-off is a fraction of the Nyquist frequency above 0.').max(1, 'The cut-off is at most 1 (the Nyquist frequency).'),
    scale: z.enum(['mu', 'hu']),
    muWater: z.number().finite().positive('The attenuation of water is a positive number.').max(1e6).optional(),
    iterations: z.number().int().min(1).max(1000).optional(),
    subsets: z.number().int().min(1).max(100_000).optional(),
    preview: z.boolean().optional(),
  })
  .strict()
  .refine((p) => p.algorithm !== 'sart' || p.iterations !== undefined, { message: 'SART needs a number of iterations.', path: ['iterations'] });

export const requestSchemas = {
  'app:getInfo': empty,
  'app:listRecentFolders': empty,
  'dialog:pickFolder': empty,
  'fs:listFolder': z.object({ folder: folderPath.optional() }).strict(),
  'dicom:indexFolder': z.object({ folder: folderPath }).strict(),
  'series:getThumbnail': z.object({ seriesUid }).strict(),
  'series:getFrame': z.object({ seriesUid, index: z.number().int().min(0).max(1_000_000) }).strict(),
  'volume:load': z.object({ seriesUid }).strict(),
  'volume:getVoxels': z.object({ seriesUid }).strict(),
  'reformat:export': z.object({ seriesUid, path: straighteningPath, params: straightenParameters, outDir: folderPath }).strict(),
  'reformat:mapBack': z
    .object({ seriesUid, transforms: straightenedTransforms, labels: z.array(labelSlice).max(MAX_SLICES) })
    .strict()
    .superRefine((req, ctx) => {
      const [columns, rows] = req.transforms.size;
      for (const l of req.labels) {
        if (l.slice >= req.transforms.slices.length) ctx.addIssue({ code: 'custom', message: `Label slice ${l.slice} is beyond the ${req.transforms.slices.length} slices.` });
        else if (l.voxels.length !== columns * rows) ctx.addIssue({ code: 'custom', message: `Label slice ${l.slice} holds ${l.voxels.length} voxels, expected ${columns}×${rows}.` });
      }
    }),
  'labels:getVoxels': z.object({ labelsId }).strict(),
  'labels:save': z.object({ labelsId, out: folderPath }).strict(),
  'paths:load': z.object({ seriesUid }).strict(),
  'paths:save': z.object({ seriesUid, paths: sessionPaths }).strict(),
  'recon:describe': z
    .object({ seriesUid, size: reconSize.optional(), spacing: positiveMm.optional(), algorithm: z.enum(['fdk', 'sart']).optional(), subsets: z.number().int().min(1).max(100_000).optional() })
    .strict(),
  'recon:reconstruct': z.object({ seriesUid, params: reconstructionParams }).strict(),
  'volume:export': z.object({ seriesUid, out: folderPath, format: z.enum(['nrrd', 'nifti', 'nifti-gzip', 'metaimage', 'dicom']) }).strict(),
  'volume:exportSurface': z
    .object({
      seriesUid,
      out: folderPath,
      threshold: finite,
      smoothIterations: z.number().int().min(0).max(1000).optional(),
      decimate: z.number().finite().gt(0).max(1).optional(),
      largestOnly: z.boolean().optional(),
    })
    .strict(),
  'job:cancel': z.object({ jobId: z.string().min(1).max(128) }).strict(),
} satisfies { [C in InvokeChannel]: z.ZodType<InvokeRequest<C>> };
