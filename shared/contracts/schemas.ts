/**
 * One request schema per invoke channel. Main validates every payload against these
 * before a handler sees it, whichever transport it came over.
 */
import { z } from 'zod';
import type { InvokeChannel, InvokeRequest } from './ipc';

const empty = z.object({}).strict();
const folderPath = z.string().min(1, 'A folder path is required.').max(4096);
const seriesUid = z.string().min(1).max(256);

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
  'job:cancel': z.object({ jobId: z.string().min(1).max(128) }).strict(),
} satisfies { [C in InvokeChannel]: z.ZodType<InvokeRequest<C>> };
