/**
 * RendererVolume → vtkImageData in LPS mm. vtk.js describes an image by origin, spacing
 * and a 3x3 direction matrix whose columns (stored consecutively: i axis, j axis, k axis)
 * are unit axis directions; `ijkToLps` packs the same as columns scaled by spacing.
 */
import vtkDataArray from '@kitware/vtk.js/Common/Core/DataArray';
import vtkImageData from '@kitware/vtk.js/Common/DataModel/ImageData';
import type { Vec3 } from '../../../shared/math/vec3';
import type { RendererVolume } from '../RendererVolume';

export interface VtkImageGeometry {
  origin: Vec3;
  spacing: Vec3;
  /** Column-major 3x3: [iAxis, jAxis, kAxis] as unit LPS vectors. */
  direction: number[];
}

/** Splits a row-major (i, j, k, 1) → LPS affine into vtk.js origin, spacing and direction. */
export function vtkGeometryFromIjkToLps(ijkToLps: readonly number[]): VtkImageGeometry {
  if (ijkToLps.length !== 16) throw new Error(`ijkToLps needs 16 numbers, got ${ijkToLps.length}`);
  const m = ijkToLps;
  const spacing: Vec3 = [0, 0, 0];
  const direction: number[] = [];
  for (let c = 0; c < 3; c++) {
    const axis: Vec3 = [m[c]!, m[4 + c]!, m[8 + c]!];
    const len = Math.hypot(axis[0], axis[1], axis[2]);
    // A zero-length axis (single-slice series without a slice step) would make the
    // direction NaN; vtk.js then renders nothing, so fail loudly instead.
    if (!(len > 0)) throw new Error(`ijkToLps axis ${c} has zero length`);
    spacing[c] = len;
    direction.push(axis[0] / len, axis[1] / len, axis[2] / len);
  }
  return { origin: [m[3]!, m[7]!, m[11]!], spacing, direction };
}

/**
 * Wraps the voxels without copying: vtk.js keeps a reference to the typed array, so
 * the caller must not mutate it while the image is in use.
 */
export function toVtkImageData(volume: Pick<RendererVolume, 'dimensions' | 'ijkToLps' | 'voxels'>): vtkImageData {
  const [nx, ny, nz] = volume.dimensions;
  if (volume.voxels.length !== nx * ny * nz) {
    throw new Error(`volume has ${volume.voxels.length} voxels, dimensions say ${nx}×${ny}×${nz}`);
  }
  const { origin, spacing, direction } = vtkGeometryFromIjkToLps(volume.ijkToLps);
  const image = vtkImageData.newInstance();
  image.setDimensions(nx, ny, nz);
  image.setOrigin(origin);
  image.setSpacing(spacing);
  image.setDirection(...(direction as [number, number, number, number, number, number, number, number, number]));
  const scalars = vtkDataArray.newInstance({ name: 'Scalars', numberOfComponents: 1, values: volume.voxels });
  image.getPointData().setScalars(scalars);
  return image;
}
