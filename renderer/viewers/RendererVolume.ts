/**
 * A volume as the renderer holds it: uploaded once from main, then resliced for the
 * slice views and handed to vtk.js for the 3D view. Never made observable: stores
 * keep it with `observable.ref`.
 */
export interface RendererVolume {
  seriesUid: string;
  modality: string;
  /** [columns, rows, slices]. */
  dimensions: [number, number, number];
  /** [col mm, row mm, slice mm]. */
  spacing: [number, number, number];
  /** (i, j, k, 1) → LPS mm, row-major 4x4. */
  ijkToLps: number[];
  /** Modality values (HU for CT), column fastest, then row, then slice. */
  voxels: Int16Array | Float32Array;
  /** [min, max] of the voxel values. */
  range: [number, number];
}
