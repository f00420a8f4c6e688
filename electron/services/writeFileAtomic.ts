/**
 * Writes a file so readers see the old content or the new, never half of it: a temp
 * file in the destination folder (same file system, so rename is atomic), fsynced,
 * then renamed over the target.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { UserError } from '../../shared/contracts/UserError';
import { trackTempOutput } from './tempOutputs';

export interface AtomicWriteOptions {
  /** Folders Lumen reads DICOM from; writing inside any of them is refused. */
  sourceFolders?: readonly string[];
}

export async function writeFileAtomic(target: string, data: Uint8Array | string, options: AtomicWriteOptions = {}): Promise<void> {
  const destination = path.resolve(target);
  assertOutsideSources(destination, options.sourceFolders ?? []);
  const dir = path.dirname(destination);
  const temp = path.join(dir, `.${path.basename(destination)}.${randomBytes(6).toString('hex')}.tmp`);
  const untrack = trackTempOutput(temp);
  let handle: fs.promises.FileHandle | undefined;
  try {
    handle = await fs.promises.open(temp, 'wx');
    await handle.writeFile(data);
    await handle.sync();
    await handle.close();
    handle = undefined;
    await fs.promises.rename(temp, destination);
  } catch (err) {
    await handle?.close().catch(() => {});
    await fs.promises.rm(temp, { force: true }).catch(() => {});
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new UserError('not-found', `The folder ${dir} does not exist.`, dir);
    if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS') {
      throw new UserError('unreadable', `Lumen is not allowed to write to ${dir} (permission denied).`, dir);
    }
    throw err;
  } finally {
    untrack();
  }
}

/** Refuses (UserError) a destination inside any DICOM source folder. */
export function assertOutsideSources(target: string, sourceFolders: readonly string[]): void {
  const destination = path.resolve(target);
  for (const source of sourceFolders) {
    if (isInside(destination, path.resolve(source))) {
      throw new UserError(
        'invalid-request',
        `Lumen does not write into a DICOM source folder (${source}). Choose another place for ${path.basename(destination)}.`,
      );
    }
  }
}

function isInside(file: string, folder: string): boolean {
  const rel = path.relative(folder, file);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}
