/**
 * VTK's vtkFlyingEdges3D and vtkMarchingCubes (python3-vtk9, C++; flying edges is
 * multi-threaded) as an oracle and benchmark peer for Lumen's marching cubes.
 */
import { runVtkScript } from './vtkPython';

const SCRIPT = String.raw`
img.SetSpacing(*p['spacing'])
img.SetOrigin(0, 0, 0)
f = vtk.vtkFlyingEdges3D() if p['method'] == 'flying-edges' else vtk.vtkMarchingCubes()
f.SetInputData(img)
f.SetValue(0, p['threshold'])
f.ComputeNormalsOff()
f.ComputeGradientsOff()
f.ComputeScalarsOff()
seconds = median_update(f)
out = f.GetOutput()
mass = vtk.vtkMassProperties()
mass.SetInputData(out)
mass.Update()
print(json.dumps({'seconds': seconds, 'triangles': out.GetNumberOfPolys(), 'points': out.GetNumberOfPoints(),
                  'area': mass.GetSurfaceArea(), 'volume': mass.GetVolume(), 'version': vtk.vtkVersion.GetVTKVersion(),
                  'threads': vtk.vtkSMPTools.GetEstimatedNumberOfThreads(), 'backend': vtk.vtkSMPTools.GetBackend()}))
`;

export interface VtkSurface {
  seconds: number;
  triangles: number;
  points: number;
  /** mm², by vtkMassProperties. */
  area: number;
  /** mm³, by vtkMassProperties (meaningful for a closed surface only). */
  volume: number;
  version: string;
  threads: number;
  backend: string;
}

/**
 * VTK's iso-surface of a grid with axis-aligned `spacing` (VTK's image data has no
 * direction: pass a grid whose ijkToLps is diagonal, or compare frame-free measures).
 * Null where python3-vtk9 is not installed.
 */
export function vtkIsosurface(req: {
  dimensions: readonly [number, number, number];
  spacing: readonly [number, number, number];
  voxels: Float32Array;
  threshold: number;
  method: 'flying-edges' | 'marching-cubes';
  repeats?: number;
}): VtkSurface | null {
  const params = { dims: req.dimensions, spacing: req.spacing, threshold: req.threshold, method: req.method, repeats: req.repeats ?? 1 };
  return runVtkScript(`VTK ${req.method}`, SCRIPT, req.voxels, params, (stdout) => JSON.parse(stdout) as VtkSurface);
}
