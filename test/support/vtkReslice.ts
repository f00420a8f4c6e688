/**
 * VTK's vtkImageReslice (python3-vtk9, C++) as an oracle and benchmark peer for
 * Lumen's plane reslicer. The volume goes over as raw float32 with unit spacing and a
 * zero origin, so VTK's world coordinates are voxel indices and each `sliceToIjk` can be
 * its reslice axes unchanged. Null where python3-vtk9 is not installed.
 */
import fs from 'node:fs';
import { runVtkScript } from './vtkPython';


const SCRIPT = String.raw`
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
        total += median_update(r)
        if n % p['keepEvery'] == 0:
            out.write(numpy_support.vtk_to_numpy(r.GetOutput().GetPointData().GetScalars()).astype('<f4').tobytes())
print(json.dumps({'seconds': total, 'version': vtk.vtkVersion.GetVTKVersion()}))
`;

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
  const params = {
    dims: req.dimensions,
    planes: req.planes,
    columns: req.columns,
    rows: req.rows,
    interpolation: req.interpolation,
    background: req.background,
    repeats: req.repeats ?? 1,
    keepEvery: req.keepEvery ?? 1,
  };
  return runVtkScript('vtkImageReslice', SCRIPT, req.voxels, params, (stdout, output) => {
    const { seconds, version } = JSON.parse(stdout) as { seconds: number; version: string };
    const bytes = fs.readFileSync(output);
    return { pixels: new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4).slice(), seconds, version };
  });
}

/** One plane (see vtkReslicePlanes). */
export function vtkReslice(req: Omit<VtkReslicePlanesRequest, 'planes' | 'keepEvery'> & { sliceToIjk: readonly number[] }): { pixels: Float32Array; seconds: number; version: string } | null {
  const { sliceToIjk, ...rest } = req;
  return vtkReslicePlanes({ ...rest, planes: [sliceToIjk] });
}
