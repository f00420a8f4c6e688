/**
 * Reference tools used as test oracles and benchmark peers (never runtime dependencies).
 * Debian's pydicom lives under the system python, which may not be the first `python3`
 * on PATH (pyenv shims), so look for an interpreter that can actually import it.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = path.resolve(fileURLToPath(new URL('../..', import.meta.url)));
/** `../shared/data` beside the checkout: real data nobody on the team wrote. */
export const sharedDataDir = path.resolve(repoRoot, '../shared/data');
export const hasSharedData = fs.existsSync(sharedDataDir);

let cachedPython: string | null | undefined;

/** A python3 that imports pydicom and numpy, or null. */
export function pydicomPython(): string | null {
  if (cachedPython !== undefined) return cachedPython;
  cachedPython = null;
  for (const candidate of ['/usr/bin/python3', 'python3']) {
    const probe = spawnSync(candidate, ['-c', 'import pydicom, numpy'], { encoding: 'utf8' });
    if (probe.status === 0) {
      cachedPython = candidate;
      break;
    }
  }
  return cachedPython;
}

/** True when `tool` runs from PATH (e.g. dcmdump, gdcmconv). */
export function hasTool(tool: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${tool}`], { encoding: 'utf8' }).status === 0;
}

/** Runs a python snippet under the pydicom interpreter and parses its JSON stdout. */
export function runPython<T>(script: string, args: string[] = []): T {
  const python = pydicomPython();
  if (!python) throw new Error('No python3 with pydicom and numpy (apt-get install python3-pydicom python3-numpy).');
  const run = spawnSync(python, ['-c', script, ...args], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  if (run.status !== 0) throw new Error(`python failed: ${run.stderr}`);
  return JSON.parse(run.stdout) as T;
}
