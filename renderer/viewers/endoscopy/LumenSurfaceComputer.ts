/**
 * Builds the endoscopic wall in a module Web Worker, so a path or threshold change costs the
 * main thread only the crop around the path (a row copy, cropAroundPath) and posting it. One
 * worker is kept between requests; a request that arrives while another runs terminates that
 * worker (the only way to stop marching cubes mid-flight) and starts a fresh one, as the 3D
 * view's IsosurfaceComputer does.
 */
import { CancellableWorker, type WorkerFactory } from '../cancellableWorker';
import type { VoxelGrid } from '../volume3d/downsampleVolume';
import type { LumenSurface, LumenSurfaceRequest, LumenSurfaceResponse } from './lumenSurfaceProtocol';

function createLumenSurfaceWorker(): Worker {
  // Written inline so Vite recognises the pattern and bundles the worker.
  return new Worker(new URL('./lumenSurfaceWorker.ts', import.meta.url), { type: 'module' });
}

export class LumenSurfaceComputer {
  private readonly worker: CancellableWorker<LumenSurfaceResponse, LumenSurface>;

  constructor(createWorker: WorkerFactory = createLumenSurfaceWorker) {
    this.worker = new CancellableWorker({
      createWorker,
      name: 'Lumen wall worker',
      toResult: ({ type: _type, id: _id, ...surface }) => surface,
    });
  }

  /**
   * The wall of `cropped`, whose voxels are moved to the worker (the caller's array is emptied).
   * Rejects with IsosurfaceCancelledError when superseded or cancelled.
   */
  compute(request: Omit<LumenSurfaceRequest, 'id'> & { cropped: VoxelGrid }): Promise<LumenSurface> {
    return this.worker.run((worker, id) => {
      const message: LumenSurfaceRequest = { ...request, id };
      worker.postMessage(message, [request.cropped.voxels.buffer as ArrayBuffer]);
    });
  }

  /** Stops a running computation (terminating its worker); no-op when idle. */
  cancel(): void {
    this.worker.cancel();
  }

  dispose(): void {
    this.worker.stop();
  }
}
