/** Messages between IsosurfaceComputer (main thread) and isosurfaceWorker. */
import type { Vec3 } from '../../../shared/math/vec3';
import type { VoxelGrid } from './downsampleVolume';

export type IsosurfaceRequest =
  /** Sent once per worker: the full-resolution grid (copied), downsampled in the worker. */
  | { type: 'volume'; grid: VoxelGrid; maxVoxels: number }
  | { type: 'surface'; id: number; isoValue: number };

export interface IsosurfaceStats {
  /** Block size per index axis used before marching cubes ([1, 1, 1]: full resolution). */
  factors: Vec3;
  /** Grid that went into marching cubes. */
  dimensions: Vec3;
  triangles: number;
  /** Milliseconds inside the worker: downsampling (first job only) plus marching cubes. */
  ms: number;
}

export type IsosurfaceResponse =
  | ({ type: 'surface'; id: number; points: Float32Array; normals: Float32Array; polys: Uint32Array } & IsosurfaceStats)
  | { type: 'error'; id: number; message: string };
