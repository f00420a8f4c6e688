/**
 * Runs isosurface extraction in a module Web Worker so the UI thread stays responsive.
 * One worker holds the (downsampled) volume between requests; a request that arrives
 * while another runs terminates that worker — the only way to stop marching cubes
 * mid-flight — and starts a fresh one.
 */
import { CancellableWorker, type WorkerFactory } from '../cancellableWorker';
import type { VoxelGrid } from './downsampleVolume';
import { MAX_SURFACE_VOXELS } from './downsampleVolume';
import type { IsosurfaceMesh } from './isosurfaceMesh';
import type { IsosurfaceRequest, IsosurfaceResponse, IsosurfaceStats } from './isosurfaceProtocol';

export { IsosurfaceCancelledError, type WorkerFactory } from '../cancellableWorker';

export type IsosurfaceResult = IsosurfaceMesh & IsosurfaceStats;

function createIsosurfaceWorker(): Worker {
  // Written inline so Vite recognises the pattern and bundles the worker.
  return new Worker(new URL('./isosurfaceWorker.ts', import.meta.url), { type: 'module' });
}

export class IsosurfaceComputer {
  private grid: VoxelGrid | null = null;
  private readonly worker: CancellableWorker<IsosurfaceResponse, IsosurfaceResult>;

  constructor(createWorker: WorkerFactory = createIsosurfaceWorker, maxVoxels = MAX_SURFACE_VOXELS) {
    this.worker = new CancellableWorker({
      createWorker,
      name: 'Isosurface worker',
      onStart: (worker) => {
        const grid = this.grid!;
        // Structured clone copies the voxels: the renderer keeps its own array for volume rendering.
        const request: IsosurfaceRequest = { type: 'volume', grid: { dimensions: grid.dimensions, ijkToLps: grid.ijkToLps, voxels: grid.voxels }, maxVoxels };
        worker.postMessage(request);
      },
      toResult: ({ points, normals, polys, factors, dimensions, triangles, ms }) => ({ points, normals, polys, factors, dimensions, triangles, ms }),
    });
  }

  get busy(): boolean {
    return this.worker.busy;
  }

  /** A new volume: the next computation starts a worker that receives a copy of it. */
  setVolume(grid: VoxelGrid | null): void {
    this.worker.stop();
    this.grid = grid;
  }

  /** Rejects with IsosurfaceCancelledError when superseded or cancelled. */
  compute(isoValue: number): Promise<IsosurfaceResult> {
    if (!this.grid) return Promise.reject(new Error('No volume loaded'));
    return this.worker.run((worker, id) => {
      const request: IsosurfaceRequest = { type: 'surface', id, isoValue };
      worker.postMessage(request);
    });
  }

  /** Stops a running computation (terminating its worker); no-op when idle. */
  cancel(): void {
    this.worker.cancel();
  }

  dispose(): void {
    this.worker.stop();
    this.grid = null;
  }
}
