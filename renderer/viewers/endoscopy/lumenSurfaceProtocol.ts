/** Messages between LumenSurfaceComputer (main thread) and lumenSurfaceWorker. */
import type { Vec3 } from '../../../shared/math/vec3';
import type { VoxelGrid } from '../volume3d/downsampleVolume';
import type { LumenShapeOptions } from './lumenGrid';
import type { MeshChunk } from './meshChunks';

/** The crop around the path (cropAroundPath's, transferred) and how to make the wall of it. */
export interface LumenSurfaceRequest extends LumenShapeOptions {
  id: number;
  cropped: VoxelGrid;
  /** Side of the cubes the surface is cut into, mm (meshChunks). */
  chunkMm: number;
  /** Voxel size of the coarse wall drawn while the flight moves, mm. */
  coarseVoxelMm: number;
}

export interface LumenSurface {
  /** The wall in pieces, in the order of the path point nearest each (orderAlongPath). */
  chunks: MeshChunk[];
  triangles: number;
  /** The same wall from voxels of about coarseVoxelMm: what a moving camera draws, cut the same way. */
  coarseChunks: MeshChunk[];
  coarseTriangles: number;
  /** The grid marching cubes ran on, and its block sizes relative to the volume. */
  dimensions: Vec3;
  factors: Vec3;
  /** In the worker: preparing the grid (lumenGridOfCrop), and marching cubes with cutting, ms. */
  gridMs: number;
  surfaceMs: number;
}

export type LumenSurfaceResponse = ({ type: 'surface'; id: number } & LumenSurface) | { type: 'error'; id: number; message: string };
