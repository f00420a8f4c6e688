/**
 * Module Web Worker: builds the endoscopic wall from the crop around the path (buildLumenSurface),
 * off the main thread, and moves the pieces back. Cancellation is the owner terminating it.
 */
import { buildLumenSurface, surfaceTransferables } from './lumenSurface';
import type { LumenSurfaceRequest, LumenSurfaceResponse } from './lumenSurfaceProtocol';

interface WorkerScope {
  onmessage: ((event: MessageEvent<LumenSurfaceRequest>) => void) | null;
  postMessage(message: LumenSurfaceResponse, transfer: Transferable[]): void;
}

const scope = self as unknown as WorkerScope;

scope.onmessage = ({ data: { id, ...request } }) => {
  try {
    const surface = buildLumenSurface(request);
    scope.postMessage({ type: 'surface', id, ...surface }, surfaceTransferables(surface));
  } catch (err) {
    scope.postMessage({ type: 'error', id, message: err instanceof Error ? err.message : String(err) }, []);
  }
};
