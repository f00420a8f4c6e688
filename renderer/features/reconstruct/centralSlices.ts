/**
 * The three orthogonal slices through a volume's centre voxel, as the 3-up views orient
 * them (axial: patient's left on the right, anterior up; coronal and sagittal: head up),
 * sampled with the slice views' own geometry and reslicer, raw values for W/L.
 */
import { invertAffine, multiply, type Mat4 } from '../../../shared/math/mat4';
import { reslicePlane } from '../../../shared/reformat/reslicePlane';
import type { RendererVolume } from '../../viewers/RendererVolume';
import { centreVoxelLps, SLICE_ORIENTATIONS, slicePlane, VIEW_BASES, worldToPlane, type SliceOrientation } from '../../viewers/slice/sliceGeometry';
import type { PlaneImage } from '../reformat/PlaneImageView';

export interface CentralSlice extends PlaneImage {
  /** (column, row, 0, 1) → LPS mm. */
  sliceToWorld: Mat4;
}

export function centralSlices(volume: RendererVolume): Record<SliceOrientation, CentralSlice> {
  const lpsToIjk = invertAffine(volume.ijkToLps);
  const centre = centreVoxelLps(volume);
  const slice = (orientation: SliceOrientation): CentralSlice => {
    const basis = VIEW_BASES[orientation];
    const plane = slicePlane(volume, basis, worldToPlane(basis, centre).depth);
    const { pixels } = reslicePlane(volume, { columns: plane.columns, rows: plane.rows, sliceToIjk: multiply(lpsToIjk, plane.sliceToWorld), interpolation: 'linear', background: NaN });
    return { width: plane.columns, height: plane.rows, pixels, pixelMm: [plane.pixelMm, plane.pixelMm], sliceToWorld: plane.sliceToWorld };
  };
  return Object.fromEntries(SLICE_ORIENTATIONS.map((o) => [o, slice(o)])) as Record<SliceOrientation, CentralSlice>;
}
