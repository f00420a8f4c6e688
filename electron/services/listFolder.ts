/**
 * Sub-folders of a folder, for the browser harness's folder picker: sorted, hidden
 * ones left out, links to folders included.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { FolderListing } from '../../shared/contracts/ipc';
import { UserError } from '../../shared/contracts/UserError';

export async function listFolder(folder?: string): Promise<FolderListing> {
  const dir = path.resolve(folder ?? os.homedir());
  let entries: fs.Dirent[];
  try {
    entries = await fs.promises.readdir(dir, { withFileTypes: true });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new UserError('not-found', `The folder ${dir} does not exist.`, dir);
    if (code === 'ENOTDIR') throw new UserError('not-found', `${dir} is a file, not a folder.`, dir);
    if (code === 'EACCES' || code === 'EPERM') throw new UserError('unreadable', `Lumen is not allowed to open the folder ${dir} (permission denied).`, dir);
    throw err;
  }
  const names: string[] = [];
  for (const entry of entries) {
    if (entry.name.startsWith('.')) continue;
    if (entry.isDirectory()) names.push(entry.name);
    else if (entry.isSymbolicLink()) {
      const target = await fs.promises.stat(path.join(dir, entry.name)).catch(() => null);
      if (target?.isDirectory()) names.push(entry.name);
    }
  }
  names.sort((a, b) => a.localeCompare(b, undefined, { sensitivity: 'base', numeric: true }));
  const parent = path.dirname(dir);
  return { folder: dir, parent: parent === dir ? null : parent, entries: names.map((name) => ({ name, path: path.join(dir, name) })) };
}
