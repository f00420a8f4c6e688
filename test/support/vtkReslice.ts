/**
 * VTK's vtkImageReslice (python3-vtk9, C++) as an oracle and benchmark peer for
 * Lumen's plane reslicer. The volume goes over as raw float32 with unit spacing and a
 * zero origin, so VTK's world coordinates are voxel indices and each `sliceToIjk` can be
 * its reslice axes unchanged. Null where python3-vtk9 is not installed.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const SCRIPT = String.raw`
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
r = vtk.vtkImageReslice()
r.SetInputData(img)
r.SetOutputSpacing(1, 1, 1)
r.SetOutputOrigin(0, 0, 0)
r.SetOutputExtent(0, p['columns'] - 1, 0, p['rows'] - 1, 0, 0)
{'nearest': r.SetInterpolationModeToNearestNeighbor, 'linear': r.SetInterpolationModeToLinear, 'cubic': r.SetInterpolationModeToCubic}[p['interpolation']]()
r.SetBackgroundLevel(p['background'])
axes = vtk.vtkMatrix4x4()
total = 0.0
with open(p['output'], 'wb') as out:
    for n, m in enumerate(p['planes']):
        for i in range(4):
            for j in range(4):
                axes.SetElement(i, j, m[4 * i + j])
        r.SetResliceAxes(axes)
        times = []
        for _ in range(p['repeats']):
            r.Modified()
            t = time.perf_counter()
            r.Update()
            times.append(time.perf_counter() - t)
        times.sort()
        total += times[len(times) // 2]
        if n % p['keepEvery'] == 0:
            out.write(numpy_support.vtk_to_numpy(r.GetOutput().GetPointData().GetScalars()).astype('<f4').tobytes())
print(json.dumps({'seconds': total, 'version': vtk.vtkVersion.GetVTKVersion()}))
`;

let python: string | null | undefined;

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

export interface VtkReslicePlanesRequest {
  dimensions: readonly [number, number, number];
  voxels: Float32Array;
  /** One row-major (column, row, 0, 1) → (i, j, k, 1) matrix per plane. */
  planes: readonly (readonly number[])[];
  columns: number;
  rows: number;
  interpolation: 'nearest' | 'linear' | 'cubic';
  background: number;
  /** Update() runs per plane; the median counts. Default 1. */
  repeats?: number;
  /** Return every n-th plane's pixels (all by default). */
  keepEvery?: number;
}

/** The kept planes' pixels, one after another, and the summed Update() time of all planes. */
export function vtkReslicePlanes(req: VtkReslicePlanesRequest): { pixels: Float32Array; seconds: number; version: string } | null {
  const py = vtkPython();
  if (!py) return null;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lumen-vtk-'));
  try {
    const input = path.join(dir, 'volume.f32');
    const output = path.join(dir, 'planes.f32');
    fs.writeFileSync(input, new Uint8Array(req.voxels.buffer, req.voxels.byteOffset, req.voxels.byteLength));
    const params = {
      dims: req.dimensions,
      planes: req.planes,
      columns: req.columns,
      rows: req.rows,
      interpolation: req.interpolation,
      background: req.background,
      repeats: req.repeats ?? 1,
      keepEvery: req.keepEvery ?? 1,
      input,
      output,
    };
    const run = spawnSync(py, ['-c', SCRIPT], { input: JSON.stringify(params), encoding: 'utf8', maxBuffer: 1 << 24 });
    if (run.status !== 0) throw new Error(`vtkImageReslice failed: ${run.stderr}`);
    const { seconds, version } = JSON.parse(run.stdout) as { seconds: number; version: string };
    const bytes = fs.readFileSync(output);
    return { pixels: new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4).slice(), seconds, version };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** One plane (see vtkReslicePlanes). */
export function vtkReslice(req: Omit<VtkReslicePlanesRequest, 'planes' | 'keepEvery'> & { sliceToIjk: readonly number[] }): { pixels: Float32Array; seconds: number; version: string } | null {
  const { sliceToIjk, ...rest } = req;
  return vtkReslicePlanes({ ...rest, planes: [sliceToIjk] });
}
