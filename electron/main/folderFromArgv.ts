/**
 * The folder named on a command line (`npm start -- <folder>`, `lumen-app <folder>`,
 * or a second instance's argv). Chromium and Electron add their own switches, so
 * flags are skipped and only an existing directory counts.
 */
import fs from 'node:fs';
import path from 'node:path';

export interface FolderFromArgvOptions {
  /** Leading entries that are the executable (and the app path when unpackaged). */
  skip: number;
  /** Relative paths resolve against the directory the command ran in. */
  cwd: string;
  isDirectory?: (p: string) => boolean;
}

const defaultIsDirectory = (p: string): boolean => {
  try {
    return fs.statSync(p).isDirectory();
  } catch {
    return false;
  }
};

export function folderFromArgv(argv: readonly string[], { skip, cwd, isDirectory = defaultIsDirectory }: FolderFromArgvOptions): string | null {
  for (const arg of argv.slice(skip)) {
    if (arg.startsWith('-')) continue;
    const candidate = path.resolve(cwd, arg);
    if (isDirectory(candidate)) return candidate;
  }
  return null;
}
