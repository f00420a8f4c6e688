/**
 * Module Web Worker: downsamples the volume once, then runs marching cubes per
 * request. Cancellation is the owner terminating the worker, so there is no
 * cooperative checking here.
 */
import { chooseDownsampleFactors, downsampleBlocks, axisSpacing, type VoxelGrid } from './downsampleVolume';
import { extractIsosurface } from './isosurfaceMesh';
import type { IsosurfaceRequest, IsosurfaceResponse } from './isosurfaceProtocol';
import type { Vec3 } from '../../../shared/math/vec3';

interface WorkerScope {
  onmessage: ((event: MessageEvent<IsosurfaceRequest>) => void) | null;
  postMessage(message: IsosurfaceResponse, transfer: Transferable[]): void;
}

const scope = self as unknown as WorkerScope;

let source: VoxelGrid | null = null;
let maxVoxels = 0;
let prepared: { grid: VoxelGrid; factors: Vec3 } | null = null;

scope.onmessage = (event) => {
  const request = event.data;
  if (request.type === 'volume') {
    source = request.grid;
    maxVoxels = request.maxVoxels;
    prepared = null;
    return;
  }
  const started = performance.now();
  try {
    if (!source) throw new Error('no volume was sent to the isosurface worker');
    if (!prepared) {
      const factors = chooseDownsampleFactors(source.dimensions, axisSpacing(source.ijkToLps), maxVoxels);
      prepared = { grid: downsampleBlocks(source, factors), factors };
      // The full-resolution copy is no longer needed: free it for the marching-cubes buffers.
      source = { ...source, voxels: new Int16Array(0) };
    }
    const mesh = extractIsosurface(prepared.grid, request.isoValue);
    const response: IsosurfaceResponse = {
      type: 'surface',
      id: request.id,
      ...mesh,
      factors: prepared.factors,
      dimensions: prepared.grid.dimensions,
      triangles: mesh.polys.length / 4,
      ms: performance.now() - started,
    };
    scope.postMessage(response, [mesh.points.buffer, mesh.normals.buffer, mesh.polys.buffer]);
  } catch (err) {
    scope.postMessage({ type: 'error', id: request.id, message: err instanceof Error ? err.message : String(err) }, []);
  }
};
