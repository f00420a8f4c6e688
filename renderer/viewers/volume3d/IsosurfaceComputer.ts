/**
 * Runs isosurface extraction in a module Web Worker so the UI thread stays responsive.
 * One worker holds the (downsampled) volume between requests; a request that arrives
 * while another runs terminates that worker — the only way to stop marching cubes
 * mid-flight — and starts a fresh one.
 */
import type { VoxelGrid } from './downsampleVolume';
import { MAX_SURFACE_VOXELS } from './downsampleVolume';
import type { IsosurfaceMesh } from './isosurfaceMesh';
import type { IsosurfaceRequest, IsosurfaceResponse, IsosurfaceStats } from './isosurfaceProtocol';

export type IsosurfaceResult = IsosurfaceMesh & IsosurfaceStats;

export class IsosurfaceCancelledError extends Error {
  constructor() {
    super('Isosurface computation cancelled');
    this.name = 'IsosurfaceCancelledError';
  }
}

export type WorkerFactory = () => Worker;

function createIsosurfaceWorker(): Worker {
  // Written inline so Vite recognises the pattern and bundles the worker.
  return new Worker(new URL('./isosurfaceWorker.ts', import.meta.url), { type: 'module' });
}

interface Pending {
  id: number;
  resolve: (result: IsosurfaceResult) => void;
  reject: (error: Error) => void;
}

export class IsosurfaceComputer {
  private worker: Worker | null = null;
  private grid: VoxelGrid | null = null;
  private pending: Pending | null = null;
  private nextId = 1;

  constructor(
    private readonly createWorker: WorkerFactory = createIsosurfaceWorker,
    private readonly maxVoxels = MAX_SURFACE_VOXELS,
  ) {}

  get busy(): boolean {
    return this.pending !== null;
  }

  /** A new volume: the next computation starts a worker that receives a copy of it. */
  setVolume(grid: VoxelGrid | null): void {
    this.cancel();
    this.stopWorker();
    this.grid = grid;
  }

  /** Rejects with IsosurfaceCancelledError when superseded or cancelled. */
  compute(isoValue: number): Promise<IsosurfaceResult> {
    if (!this.grid) return Promise.reject(new Error('No volume loaded'));
    if (this.pending) {
      this.cancel();
    }
    const worker = this.ensureWorker();
    const id = this.nextId++;
    return new Promise<IsosurfaceResult>((resolve, reject) => {
      this.pending = { id, resolve, reject };
      const request: IsosurfaceRequest = { type: 'surface', id, isoValue };
      worker.postMessage(request);
    });
  }

  /** Stops a running computation (terminating its worker); no-op when idle. */
  cancel(): void {
    const pending = this.pending;
    if (!pending) return;
    this.pending = null;
    this.stopWorker();
    pending.reject(new IsosurfaceCancelledError());
  }

  dispose(): void {
    this.cancel();
    this.stopWorker();
    this.grid = null;
  }

  private ensureWorker(): Worker {
    if (this.worker) return this.worker;
    const worker = this.createWorker();
    worker.onmessage = (event: MessageEvent<IsosurfaceResponse>) => this.onResponse(event.data);
    worker.onerror = (event: ErrorEvent) => {
      event.preventDefault();
      this.fail(`Isosurface worker failed: ${event.message || 'could not start'}`);
    };
    worker.onmessageerror = () => this.fail('Isosurface worker sent an unreadable message');
    const grid = this.grid!;
    // Structured clone copies the voxels: the renderer keeps its own array for volume rendering.
    const request: IsosurfaceRequest = { type: 'volume', grid: { dimensions: grid.dimensions, ijkToLps: grid.ijkToLps, voxels: grid.voxels }, maxVoxels: this.maxVoxels };
    worker.postMessage(request);
    this.worker = worker;
    return worker;
  }

  private stopWorker(): void {
    this.worker?.terminate();
    this.worker = null;
  }

  private fail(message: string): void {
    const pending = this.pending;
    this.pending = null;
    this.stopWorker();
    pending?.reject(new Error(message));
  }

  private onResponse(response: IsosurfaceResponse): void {
    const pending = this.pending;
    if (!pending || pending.id !== response.id) return;
    this.pending = null;
    if (response.type === 'error') {
      pending.reject(new Error(response.message));
      return;
    }
    const { points, normals, polys, factors, dimensions, triangles, ms } = response;
    pending.resolve({ points, normals, polys, factors, dimensions, triangles, ms });
  }
}
