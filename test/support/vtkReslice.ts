/**
 * VTK's vtkImageReslice (python3-vtk9, C++) as an oracle and benchmark peer for
 * Lumen's plane reslicer. The volume goes over as raw float32 with unit spacing and a
 * zero origin, so VTK's world coordinates are voxel indices and `sliceToIjk` can be its
 * reslice axes unchanged. Null where python3-vtk9 is not installed.
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
axes = vtk.vtkMatrix4x4()
for i in range(4):
    for j in range(4):
        axes.SetElement(i, j, p['sliceToIjk'][4 * i + j])
r = vtk.vtkImageReslice()
r.SetInputData(img)
r.SetResliceAxes(axes)
r.SetOutputSpacing(1, 1, 1)
r.SetOutputOrigin(0, 0, 0)
r.SetOutputExtent(0, p['columns'] - 1, 0, p['rows'] - 1, 0, 0)
{'nearest': r.SetInterpolationModeToNearestNeighbor, 'linear': r.SetInterpolationModeToLinear, 'cubic': r.SetInterpolationModeToCubic}[p['interpolation']]()
r.SetBackgroundLevel(p['background'])
times = []
for _ in range(p['repeats']):
    r.Modified()
    t = time.perf_counter()
    r.Update()
    times.append(time.perf_counter() - t)
out = numpy_support.vtk_to_numpy(r.GetOutput().GetPointData().GetScalars()).astype('<f4')
out.tofile(p['output'])
times.sort()
print(json.dumps({'seconds': times[len(times) // 2], 'version': vtk.vtkVersion.GetVTKVersion()}))
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

export interface VtkResliceRequest {
  dimensions: readonly [number, number, number];
  voxels: Float32Array;
  sliceToIjk: readonly number[];
  columns: number;
  rows: number;
  interpolation: 'nearest' | 'linear' | 'cubic';
  background: number;
  /** Runs of Update() to time; the median is reported. */
  repeats?: number;
}

export function vtkReslice(req: VtkResliceRequest): { pixels: Float32Array; seconds: number; version: string } | null {
  const py = vtkPython();
  if (!py) return null;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lumen-vtk-'));
  try {
    const input = path.join(dir, 'volume.f32');
    const output = path.join(dir, 'plane.f32');
    fs.writeFileSync(input, new Uint8Array(req.voxels.buffer, req.voxels.byteOffset, req.voxels.byteLength));
    const params = { dims: req.dimensions, sliceToIjk: req.sliceToIjk, columns: req.columns, rows: req.rows, interpolation: req.interpolation, background: req.background, repeats: req.repeats ?? 1, input, output };
    const run = spawnSync(py, ['-c', SCRIPT], { input: JSON.stringify(params), encoding: 'utf8', maxBuffer: 1 << 24 });
    if (run.status !== 0) throw new Error(`vtkImageReslice failed: ${run.stderr}`);
    const { seconds, version } = JSON.parse(run.stdout) as { seconds: number; version: string };
    const bytes = fs.readFileSync(output);
    return { pixels: new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4).slice(), seconds, version };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
