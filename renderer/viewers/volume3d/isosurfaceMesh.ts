/**
 * Marching cubes in LPS mm. vtkImageMarchingCubes ignores the image direction (it
 * places vertices at origin + index·spacing), so it runs in index space (origin 0,
 * spacing 1) and the vertices and normals are mapped to LPS here with the grid's own
 * affine: points by ijkToLps, normals by its inverse transpose.
 */
import vtkDataArray from '@kitware/vtk.js/Common/Core/DataArray';
import vtkImageData from '@kitware/vtk.js/Common/DataModel/ImageData';
import vtkImageMarchingCubes from '@kitware/vtk.js/Filters/General/ImageMarchingCubes';
import type { VoxelGrid } from './downsampleVolume';

export interface IsosurfaceMesh {
  /** x, y, z per vertex, LPS mm. */
  points: Float32Array;
  /** Unit normals per vertex, pointing from high to low values (out of bright objects). */
  normals: Float32Array;
  /** vtk cell array: 3, a, b, c per triangle. */
  polys: Uint32Array;
}

export function extractIsosurface(grid: VoxelGrid, isoValue: number): IsosurfaceMesh {
  const image = vtkImageData.newInstance();
  image.setDimensions(grid.dimensions[0], grid.dimensions[1], grid.dimensions[2]);
  image.getPointData().setScalars(vtkDataArray.newInstance({ name: 'Scalars', numberOfComponents: 1, values: grid.voxels }));
  // Merged points: shared edges give one vertex, halving memory and making smooth shading continuous.
  const filter = vtkImageMarchingCubes.newInstance({ contourValue: isoValue, computeNormals: true, mergePoints: true });
  filter.setInputData(image);
  const poly = filter.getOutputData();
  const points = poly.getPoints().getData() as Float32Array;
  const normals = (poly.getPointData().getNormals()?.getData() as Float32Array | undefined) ?? new Float32Array(points.length);
  const polys = poly.getPolys().getData() as Uint32Array;
  filter.delete();
  image.delete();
  transformMesh(points, normals, polys, grid.ijkToLps);
  return { points, normals, polys };
}

/**
 * In place: index-space points → LPS, index-space normals → LPS unit normals, and for
 * a mirrored grid (negative determinant) reversed triangle winding. Without that the
 * outward side of every triangle would be its back face, and two-sided lighting would
 * flip the (correct) normals inward: a black surface.
 */
export function transformMesh(points: Float32Array, normals: Float32Array, polys: Uint32Array, ijkToLps: readonly number[]): void {
  const [a, b, c, tx, d, e, f, ty, g, h, i, tz] = ijkToLps as number[] as [number, number, number, number, number, number, number, number, number, number, number, number];
  for (let p = 0; p < points.length; p += 3) {
    const x = points[p]!;
    const y = points[p + 1]!;
    const z = points[p + 2]!;
    points[p] = a * x + b * y + c * z + tx;
    points[p + 1] = d * x + e * y + f * z + ty;
    points[p + 2] = g * x + h * y + i * z + tz;
  }
  // Inverse transpose of the linear part = cofactor matrix / det; the 1/det scale
  // drops out in normalisation but its sign must stay, or a mirrored grid flips normals.
  const det = a * (e * i - f * h) - b * (d * i - f * g) + c * (d * h - e * g);
  const s = det < 0 ? -1 : 1;
  const c00 = (e * i - f * h) * s, c01 = (f * g - d * i) * s, c02 = (d * h - e * g) * s;
  const c10 = (c * h - b * i) * s, c11 = (a * i - c * g) * s, c12 = (b * g - a * h) * s;
  const c20 = (b * f - c * e) * s, c21 = (c * d - a * f) * s, c22 = (a * e - b * d) * s;
  for (let p = 0; p < normals.length; p += 3) {
    const x = normals[p]!;
    const y = normals[p + 1]!;
    const z = normals[p + 2]!;
    const nx = c00 * x + c01 * y + c02 * z;
    const ny = c10 * x + c11 * y + c12 * z;
    const nz = c20 * x + c21 * y + c22 * z;
    const len = Math.hypot(nx, ny, nz) || 1;
    normals[p] = nx / len;
    normals[p + 1] = ny / len;
    normals[p + 2] = nz / len;
  }
  if (det < 0) {
    for (let c = 0; c + 3 < polys.length; c += 4) {
      const b = polys[c + 2]!;
      polys[c + 2] = polys[c + 3]!;
      polys[c + 3] = b;
    }
  }
}
