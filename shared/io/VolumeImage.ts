/**
 * A volume as the file writers and readers see it: voxels slice-major with the column
 * index fastest (i, then j, then k), and the affine from voxel indices to LPS mm.
 * Every format converts to and from this LPS form explicitly.
 */
export type VoxelArray = Uint8Array | Int8Array | Uint16Array | Int16Array | Uint32Array | Int32Array | Float32Array | Float64Array;

export interface VolumeImage {
  /** [columns (i), rows (j), slices (k)]. */
  dimensions: [number, number, number];
  /** (i, j, k, 1) → LPS mm, row-major 4x4. */
  ijkToLps: number[];
  voxels: VoxelArray;
}

export type VoxelTypeName = 'uint8' | 'int8' | 'uint16' | 'int16' | 'uint32' | 'int32' | 'float32' | 'float64';

export const voxelConstructors = {
  uint8: Uint8Array,
  int8: Int8Array,
  uint16: Uint16Array,
  int16: Int16Array,
  uint32: Uint32Array,
  int32: Int32Array,
  float32: Float32Array,
  float64: Float64Array,
} as const;

export function voxelTypeOf(voxels: VoxelArray): VoxelTypeName {
  if (voxels instanceof Uint8Array) return 'uint8';
  if (voxels instanceof Int8Array) return 'int8';
  if (voxels instanceof Uint16Array) return 'uint16';
  if (voxels instanceof Int16Array) return 'int16';
  if (voxels instanceof Uint32Array) return 'uint32';
  if (voxels instanceof Int32Array) return 'int32';
  if (voxels instanceof Float32Array) return 'float32';
  return 'float64';
}

/** Thrown by the readers for a file they cannot interpret. */
export class VolumeFileError extends Error {
  override readonly name = 'VolumeFileError';
}
