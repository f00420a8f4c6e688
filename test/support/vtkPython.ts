/**
 * Running a VTK script (python3-vtk9, C++) on a float32 volume, for the tests and benches
 * that use VTK as an oracle or peer. Null where python3-vtk9 is not installed.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * What every script starts with: its parameters `p` from stdin, the volume (raw
 * little-endian float32, dimensions p['dims'], column fastest) as vtkImageData `img`, and
 * median_update, the median time of p['repeats'] runs of a filter.
 */
const PREAMBLE = String.raw`
import json, sys, time
import numpy as np
import vtk
from vtk.util import numpy_support
p = json.load(sys.stdin)
nx, ny, nz = p['dims']
vol = np.fromfile(p['input'], dtype='<f4')
img = vtk.vtkImageData()
img.SetDimensions(nx, ny, nz)
img.GetPointData().SetScalars(numpy_support.numpy_to_vtk(vol, deep=1))

def median_update(f):
    times = []
    for _ in range(p['repeats']):
        f.Modified()
        t = time.perf_counter()
        f.Update()
        times.append(time.perf_counter() - t)
    times.sort()
    return times[len(times) // 2]
`;

let python: string | null | undefined;

/** A Python that imports vtk and numpy, or null. */
export function vtkPython(): string | null {
  if (python !== undefined) return python;
  python = null;
  for (const candidate of ['/usr/bin/python3', 'python3']) {
    if (spawnSync(candidate, ['-c', 'import vtk, numpy'], { encoding: 'utf8' }).status === 0) {
      python = candidate;
      break;
    }
  }
  return python;
}

/**
 * Runs `script` after the preamble with `params` plus p['input'] (the voxels) and
 * p['output'] (a file it may write), in a scratch folder removed afterwards; `read` turns
 * its stdout and output file into the answer. Throws, naming `label`, when the script fails.
 */
export function runVtkScript<T>(
  label: string,
  script: string,
  voxels: Float32Array,
  params: Record<string, unknown>,
  read: (stdout: string, output: string) => T,
): T | null {
  const py = vtkPython();
  if (!py) return null;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lumen-vtk-'));
  try {
    const input = path.join(dir, 'volume.f32');
    const output = path.join(dir, 'output.f32');
    fs.writeFileSync(input, new Uint8Array(voxels.buffer, voxels.byteOffset, voxels.byteLength));
    const run = spawnSync(py, ['-c', PREAMBLE + script], { input: JSON.stringify({ ...params, input, output }), encoding: 'utf8', maxBuffer: 1 << 24 });
    if (run.status !== 0) throw new Error(`${label} failed: ${run.stderr}`);
    return read(run.stdout, output);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
