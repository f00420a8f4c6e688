import { beforeAll, describe, expect, it } from 'vitest';
import type { Vec3 } from '../../../shared/math/vec3';
import type { VoxelGrid } from '../volume3d/downsampleVolume';
import { IsosurfaceCancelledError } from '../volume3d/IsosurfaceComputer';
import { extractIsosurface } from '../volume3d/isosurfaceMesh';
import { fakeWorkers } from '../workerTestSetup';
import { cropAroundPath, lumenGrid } from './lumenGrid';
import { LumenSurfaceComputer } from './LumenSurfaceComputer';
import type { LumenSurfaceRequest, LumenSurfaceResponse } from './lumenSurfaceProtocol';
import { chunkMesh, orderAlongPath, type MeshChunk } from './meshChunks';

/** What the worker module registers on `self`; the tests load the real module against it. */
interface WorkerScope {
  onmessage: ((event: { data: LumenSurfaceRequest }) => void) | null;
  postMessage(message: LumenSurfaceResponse, transfer: Transferable[]): void;
}
const scope: WorkerScope = { onmessage: null, postMessage: () => undefined };

/**
 * Stands in for the browser's module worker: messages cross by structured clone with their
 * transfer lists, as they do between threads, and are delivered when the test says so.
 */
class CloningWorker {
  onmessage: ((event: MessageEvent<LumenSurfaceResponse>) => void) | null = null;
  onerror: ((event: ErrorEvent) => void) | null = null;
  onmessageerror: (() => void) | null = null;
  terminated = false;
  private readonly inbox: LumenSurfaceRequest[] = [];
  postMessage(message: LumenSurfaceRequest, transfer: Transferable[]): void {
    this.inbox.push(structuredClone(message, { transfer }));
  }
  terminate(): void {
    this.terminated = true;
  }
  /** Runs the worker module on every message sent so far and answers (unless terminated). */
  deliver(): void {
    for (const data of this.inbox.splice(0)) {
      scope.postMessage = (response, transfer) => {
        const copy = structuredClone(response, { transfer });
        if (!this.terminated) this.onmessage?.({ data: copy } as MessageEvent<LumenSurfaceResponse>);
      };
      scope.onmessage!({ data });
    }
  }
}

beforeAll(async () => {
  (globalThis as unknown as { self: WorkerScope }).self = scope;
  await import('./lumenSurfaceWorker');
});

/** 1 mm voxels, soft tissue (40 HU) with an air tube of radius TUBE_MM along z through (AXIS, AXIS). */
const TUBE_MM = 6;
const AXIS = 23.5;
const dims: Vec3 = [48, 48, 40];
const ijkToLps = [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1];
function tubeVolume(): VoxelGrid {
  const voxels = new Int16Array(dims[0] * dims[1] * dims[2]);
  for (let k = 0; k < dims[2]; k++) {
    for (let j = 0; j < dims[1]; j++) {
      for (let i = 0; i < dims[0]; i++) voxels[i + dims[0] * (j + dims[1] * k)] = Math.hypot(i - AXIS, j - AXIS) < TUBE_MM ? -1000 : 40;
    }
  }
  return { dimensions: dims, ijkToLps, voxels };
}
const path: Vec3[] = Array.from({ length: 31 }, (_, n) => [AXIS, AXIS, 5 + n]);
const shape = { path, radiusMm: 12, surface: { isoValue: -600, fill: -100 }, sigmaMm: 1, voxelMm: 1 };
const CHUNK_MM = 24;

function setUp(): { computer: LumenSurfaceComputer; workers: CloningWorker[] } {
  const { createWorker, workers } = fakeWorkers(() => new CloningWorker());
  return { computer: new LumenSurfaceComputer(createWorker), workers };
}

const pieces = (chunks: readonly MeshChunk[]): unknown[] => chunks.map(({ points, normals, polys, centre, radius }) => ({ points: [...points], normals: [...normals], polys: [...polys], centre, radius }));

/** Distances of a wall's vertices from the tube's axis, mm. */
const radii = (chunks: readonly MeshChunk[]): number[] => chunks.flatMap((c) => Array.from({ length: c.points.length / 3 }, (_, n) => Math.hypot(c.points[3 * n]! - AXIS, c.points[3 * n + 1]! - AXIS)));

describe('LumenSurfaceComputer', () => {
  it('the worker builds from the crop the same wall as the main thread builds from the volume, and the crop is moved, not copied', async () => {
    const volume = tubeVolume();
    const { computer, workers } = setUp();
    const cropped = cropAroundPath({ volume, path, radiusMm: shape.radiusMm })!;
    expect(cropped.voxels).toBeInstanceOf(Int16Array);
    const result = computer.compute({ cropped, ...shape, chunkMm: CHUNK_MM, coarseVoxelMm: 2 });
    expect(cropped.voxels.byteLength).toBe(0);
    workers[0]!.deliver();
    const surface = await result;

    // The main-thread pipeline this replaces: lumenGrid on the whole volume, marching cubes, pieces.
    const grid = lumenGrid({ volume, ...shape })!;
    const mesh = extractIsosurface(grid, shape.surface.isoValue);
    expect(surface.dimensions).toEqual(grid.dimensions);
    expect(surface.factors).toEqual([1, 1, 1]);
    expect(surface.triangles).toBe(mesh.polys.length / 4);
    expect(surface.triangles).toBeGreaterThan(1000);
    expect(pieces(surface.chunks)).toEqual(pieces(orderAlongPath(chunkMesh(mesh, CHUNK_MM), path)));
    computer.dispose();
  });

  it('the coarse wall lies on the same tube with about a quarter of the triangles', async () => {
    const { computer, workers } = setUp();
    const result = computer.compute({ cropped: cropAroundPath({ volume: tubeVolume(), path, radiusMm: shape.radiusMm })!, ...shape, chunkMm: CHUNK_MM, coarseVoxelMm: 2 });
    workers[0]!.deliver();
    const surface = await result;
    expect(surface.coarseTriangles).toBeGreaterThan(0.15 * surface.triangles);
    expect(surface.coarseTriangles).toBeLessThan(0.4 * surface.triangles);
    expect(surface.coarseChunks.reduce((n, c) => n + c.polys.length / 4, 0)).toBe(surface.coarseTriangles);
    // The air disc is 6 mm across the 1 mm grid; smoothing moves the −600 HU crossing inwards by ~0.3 σ.
    for (const [chunks, tolerance] of [[surface.chunks, 0.8], [surface.coarseChunks, 1.2]] as const) {
      const r = radii(chunks);
      const mean = r.reduce((a, b) => a + b, 0) / r.length;
      expect(Math.abs(mean - TUBE_MM)).toBeLessThan(0.6);
      expect(Math.max(...r.map((x) => Math.abs(x - mean)))).toBeLessThan(tolerance);
    }
    computer.dispose();
  });

  it('a new request cancels the running one (its worker is terminated) and is answered by a fresh worker', async () => {
    const { computer, workers } = setUp();
    const crop = (): VoxelGrid => cropAroundPath({ volume: tubeVolume(), path, radiusMm: shape.radiusMm })!;
    const first = computer.compute({ cropped: crop(), ...shape, chunkMm: CHUNK_MM, coarseVoxelMm: 2 });
    const second = computer.compute({ cropped: crop(), ...shape, surface: { isoValue: -500, fill: 0 }, chunkMm: CHUNK_MM, coarseVoxelMm: 2 });
    await expect(first).rejects.toBeInstanceOf(IsosurfaceCancelledError);
    expect(workers).toHaveLength(2);
    expect(workers[0]!.terminated).toBe(true);
    workers[0]!.deliver(); // too late: a terminated worker never answers
    workers[1]!.deliver();
    expect((await second).triangles).toBeGreaterThan(1000);
    computer.dispose();
    expect(workers[1]!.terminated).toBe(true);
  });
});
