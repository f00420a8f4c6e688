/**
 * Test oracle: pydicom (run in a child python3) reads headers and pixel arrays so the
 * tests compare Lumen against an independent implementation. Returns undefined when
 * no python3 with pydicom + numpy is installed, so callers can skip.
 */
import { spawnSync } from 'node:child_process';

const CANDIDATES = ['python3', '/usr/bin/python3'];
let found: string | null | undefined;

export function pydicomPython(): string | undefined {
  if (found === undefined) {
    found = null;
    for (const exe of CANDIDATES) {
      const r = spawnSync(exe, ['-c', 'import pydicom, numpy'], { encoding: 'utf8' });
      if (r.status === 0) {
        found = exe;
        break;
      }
    }
  }
  return found ?? undefined;
}

/** Runs a python script with pydicom available and parses its JSON stdout. */
export function runPydicom<T>(script: string, args: string[]): T {
  const exe = pydicomPython();
  if (!exe) throw new Error('pydicom is not installed');
  const r = spawnSync(exe, ['-c', script, ...args], { encoding: 'utf8', maxBuffer: 1 << 28 });
  if (r.status !== 0) throw new Error(`pydicom script failed: ${r.stderr}`);
  return JSON.parse(r.stdout) as T;
}

export interface PydicomPixels {
  /** Shape as pydicom reports it, frames first for multi-frame. */
  shape: number[];
  /** Flattened C-order values, or an error message when pydicom could not decode. */
  values?: number[];
  error?: string;
}

/** pydicom's pixel_array per file, YBR_FULL(_422) converted to RGB as Lumen outputs it. */
export function pydicomPixels(files: string[]): Record<string, PydicomPixels> {
  return runPydicom(
    `
import sys, json, pydicom, numpy as np
from pydicom.pixel_data_handlers.util import convert_color_space
out = {}
for f in sys.argv[1:]:
    try:
        ds = pydicom.dcmread(f)
        a = ds.pixel_array
        pi = str(ds.get('PhotometricInterpretation', ''))
        if pi in ('YBR_FULL', 'YBR_FULL_422') and ds.SamplesPerPixel == 3:
            a = convert_color_space(a, pi, 'RGB')
        out[f] = {'shape': list(a.shape), 'values': a.astype(np.float64).ravel().tolist()}
    except Exception as e:
        out[f] = {'shape': [], 'error': str(e)}
print(json.dumps(out))
`,
    files,
  );
}
