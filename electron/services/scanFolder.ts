/**
 * Lists every regular file under a folder, recursively, for indexing. Symlinks are
 * followed but each real folder is visited once (no loops); unreadable folders and
 * files, and empty files, come back as skipped with a reason instead of failing the scan.
 */
import fs from 'node:fs';
import path from 'node:path';
import { UserError } from '../../shared/contracts/UserError';
import type { SkippedFile } from '../../shared/dicom/SeriesSummary';
import { fileErrorReason } from '../workers/fileErrorReason';

export interface FolderScan {
  files: string[];
  skipped: SkippedFile[];
}

export async function scanFolder(folder: string, signal?: AbortSignal, onFound?: (count: number) => void): Promise<FolderScan> {
  const files: string[] = [];
  const skipped: SkippedFile[] = [];
  const visited = new Set<string>();
  const seenFiles = new Set<string>();
  const pending: string[] = [folder];

  while (pending.length > 0) {
    if (signal?.aborted) throw new UserError('cancelled', 'Indexing was cancelled.');
    const dir = pending.pop()!;
    let entries: fs.Dirent[];
    try {
      const stat = await fs.promises.stat(dir);
      const key = `${stat.dev}:${stat.ino}`;
      if (visited.has(key)) continue;
      visited.add(key);
      entries = await fs.promises.readdir(dir, { withFileTypes: true });
    } catch (err) {
      if (dir === folder) throw err;
      skipped.push({ file: dir, reason: `folder ${fileErrorReason(err)}` });
      continue;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      const full = path.join(dir, entry.name);
      let isDir = entry.isDirectory();
      let isFile = entry.isFile();
      let size = -1;
      if (entry.isSymbolicLink() || isFile) {
        try {
          const stat = await fs.promises.stat(full);
          isDir = stat.isDirectory();
          isFile = stat.isFile();
          size = stat.size;
          if (isFile) {
            // A file reached twice through symlinks is read once.
            const key = `${stat.dev}:${stat.ino}`;
            if (seenFiles.has(key)) continue;
            seenFiles.add(key);
          }
        } catch (err) {
          skipped.push({ file: full, reason: entry.isSymbolicLink() ? 'broken link' : fileErrorReason(err) });
          continue;
        }
      }
      if (isDir) pending.push(full);
      else if (!isFile) continue; // sockets, pipes, devices: not files anyone imaged
      else if (size === 0) skipped.push({ file: full, reason: 'empty file' });
      else {
        files.push(full);
        if (onFound && files.length % 500 === 0) onFound(files.length);
      }
    }
  }
  return { files, skipped };
}
