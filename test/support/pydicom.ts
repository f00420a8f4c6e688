/**
 * pydicom as an independent reader for tests and benchmarks. Debian's pydicom lives under
 * the system python, which may not be the first `python3` on PATH (pyenv shims), so look
 * for an interpreter that can actually import it; tests skip when there is none.
 */
import { spawnSync } from 'node:child_process';

let cached: string | null | undefined;

/** A python that imports pydicom and numpy, or null. */
export function pydicomPython(): string | null {
  if (cached !== undefined) return cached;
  cached = null;
  for (const candidate of ['/usr/bin/python3', 'python3']) {
    const probe = spawnSync(candidate, ['-c', 'import pydicom, numpy'], { encoding: 'utf8' });
    if (probe.status === 0) {
      cached = candidate;
      break;
    }
  }
  return cached;
}

/** Runs a python script with pydicom available and parses its JSON stdout. */
export function runPydicom<T>(script: string, args: string[] = [], input?: string): T {
  const python = pydicomPython();
  if (!python) throw new Error('No python3 with pydicom and numpy (apt-get install python3-pydicom python3-numpy).');
  const run = spawnSync(python, ['-c', script, ...args], { input, encoding: 'utf8', maxBuffer: 1 << 28 });
  if (run.status !== 0) throw new Error(`pydicom script failed: ${run.stderr}`);
  return JSON.parse(run.stdout) as T;
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

export interface PydicomFile {
  file: string;
  /** Keyword → value as pydicom reads it (numbers, strings, lists), for the requested keywords. */
  values: Record<string, unknown>;
  transferSyntax: string;
  /** numpy pixel_array shape and statistics, when pixels were requested. */
  pixels?: { shape: number[]; min: number; max: number; sum: number };
}

const READ_SCRIPT = String.raw`
import json, sys
import pydicom
req = json.load(sys.stdin)
out = []
def plain(v):
    if isinstance(v, pydicom.multival.MultiValue) or isinstance(v, (list, tuple)):
        return [plain(x) for x in v]
    if isinstance(v, (int, float, str)):
        return v
    if isinstance(v, pydicom.tag.BaseTag):
        return int(v)
    try:
        return float(v)
    except Exception:
        return str(v)
for f in req['files']:
    ds = pydicom.dcmread(f)
    rec = {'file': f, 'transferSyntax': str(ds.file_meta.TransferSyntaxUID), 'values': {}}
    for k in req['keywords']:
        if k in ds:
            rec['values'][k] = plain(ds.data_element(k).value)
    if req['pixels']:
        a = ds.pixel_array
        rec['pixels'] = {'shape': list(a.shape), 'min': float(a.min()), 'max': float(a.max()), 'sum': float(a.astype('float64').sum())}
    out.append(rec)
json.dump(out, sys.stdout)
`;

/** Reads files with pydicom.dcmread (strict, no force) and returns the requested values. */
export function readWithPydicom(files: readonly string[], keywords: readonly string[], pixels = false): PydicomFile[] {
  return runPydicom<PydicomFile[]>(READ_SCRIPT, [], JSON.stringify({ files, keywords, pixels }));
}
