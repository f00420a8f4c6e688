/**
 * The endoscopic wall from the crop around the path: the lumen grid (lumenGridOfCrop), its
 * marching-cubes surface cut into pieces ordered along the path, and a coarser copy of it for
 * the flight in motion. Everything after the crop, as one pure function, so the worker runs it
 * and tests run it without one.
 */
import type { Vec3 } from '../../../shared/math/vec3';
import { axisSpacing, chooseDownsampleFactors, downsampleBlocks, MAX_SURFACE_VOXELS, type VoxelGrid } from '../volume3d/downsampleVolume';
import { extractIsosurface } from '../volume3d/isosurfaceMesh';
import { lumenGridOfCrop } from './lumenGrid';
import type { LumenSurface, LumenSurfaceRequest } from './lumenSurfaceProtocol';
import { chunkMesh, orderAlongPath, type MeshChunk } from './meshChunks';

export function buildLumenSurface({ cropped, chunkMm, coarseVoxelMm, ...shape }: Omit<LumenSurfaceRequest, 'id'>): LumenSurface {
  const started = performance.now();
  const lumen = lumenGridOfCrop(cropped, shape);
  // A long path's box at ~1 mm can outgrow what marching cubes does in about a second: the 3D view's budget.
  const grid = downsampleBlocks(lumen, chooseDownsampleFactors(lumen.dimensions, axisSpacing(lumen.ijkToLps), MAX_SURFACE_VOXELS));
  const gridDone = performance.now();
  const fine = wallPieces(grid, shape.surface.isoValue, chunkMm, shape.path);
  // Block means of the prepared grid: the same wall with a quarter of the triangles at twice the voxel size.
  const coarse = wallPieces(mergeTo(grid, coarseVoxelMm), shape.surface.isoValue, chunkMm, shape.path);
  const croppedMm = axisSpacing(cropped.ijkToLps);
  const factors = axisSpacing(grid.ijkToLps).map((mm, a) => Math.round(mm / croppedMm[a]!)) as Vec3;
  return {
    chunks: fine.chunks,
    triangles: fine.triangles,
    coarseChunks: coarse.chunks,
    coarseTriangles: coarse.triangles,
    dimensions: grid.dimensions,
    factors,
    gridMs: gridDone - started,
    surfaceMs: performance.now() - gridDone,
  };
}

/** Block means of about `voxelMm`; axes already that coarse (or too short to merge) are kept. */
function mergeTo(grid: VoxelGrid, voxelMm: number): VoxelGrid {
  return downsampleBlocks(grid, axisSpacing(grid.ijkToLps).map((mm, a) => Math.max(1, Math.min(Math.round(voxelMm / mm), Math.floor(grid.dimensions[a]! / 2)))));
}

function wallPieces(grid: VoxelGrid, isoValue: number, chunkMm: number, path: readonly Vec3[]): { chunks: MeshChunk[]; triangles: number } {
  const mesh = extractIsosurface(grid, isoValue);
  return { chunks: orderAlongPath(chunkMesh(mesh, chunkMm), path), triangles: mesh.polys.length / 4 };
}

/** The buffers a surface message moves instead of copying. */
export function surfaceTransferables(surface: LumenSurface): ArrayBuffer[] {
  return [...surface.chunks, ...surface.coarseChunks].flatMap((c) => [c.points.buffer, c.normals.buffer, c.polys.buffer] as ArrayBuffer[]);
}
