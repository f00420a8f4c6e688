import { describe, expect, it } from 'vitest';
import { fakeWorkers } from '../workerTestSetup';
import type { VoxelGrid } from './downsampleVolume';
import { IsosurfaceCancelledError, IsosurfaceComputer } from './IsosurfaceComputer';
import type { IsosurfaceRequest, IsosurfaceResponse } from './isosurfaceProtocol';

/** Stands in for the module worker: records what it was sent and answers on demand. */
class FakeWorker {
  readonly received: IsosurfaceRequest[] = [];
  terminated = false;
  onmessage: ((event: MessageEvent<IsosurfaceResponse>) => void) | null = null;
  onerror: ((event: ErrorEvent) => void) | null = null;
  onmessageerror: (() => void) | null = null;
  postMessage(message: IsosurfaceRequest): void {
    this.received.push(message);
  }
  terminate(): void {
    this.terminated = true;
  }
  answer(id: number, triangles = 1): void {
    const response: IsosurfaceResponse = {
      type: 'surface',
      id,
      points: new Float32Array(9),
      normals: new Float32Array(9),
      polys: new Uint32Array([3, 0, 1, 2]),
      factors: [2, 2, 1],
      dimensions: [4, 4, 4],
      triangles,
      ms: 5,
    };
    this.onmessage?.({ data: response } as MessageEvent<IsosurfaceResponse>);
  }
  fail(message: string): void {
    this.onerror?.({ message, preventDefault: () => undefined } as ErrorEvent);
  }
}

const grid: VoxelGrid = { dimensions: [4, 4, 4], ijkToLps: [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1], voxels: new Int16Array(64) };

function setUp(): { computer: IsosurfaceComputer; workers: FakeWorker[] } {
  const { createWorker, workers } = fakeWorkers(() => new FakeWorker());
  const computer = new IsosurfaceComputer(createWorker, 1234);
  computer.setVolume(grid);
  return { computer, workers };
}

function surfaceId(worker: FakeWorker): number {
  const request = worker.received.find((r) => r.type === 'surface');
  if (!request || request.type !== 'surface') throw new Error('no surface request');
  return request.id;
}

describe('IsosurfaceComputer', () => {
  it('sends the volume once, then one request per computation, reusing an idle worker', async () => {
    const { computer, workers } = setUp();
    const first = computer.compute(300);
    expect(workers).toHaveLength(1);
    expect(workers[0]!.received[0]).toMatchObject({ type: 'volume', maxVoxels: 1234 });
    workers[0]!.answer(surfaceId(workers[0]!), 7);
    await expect(first).resolves.toMatchObject({ triangles: 7, factors: [2, 2, 1] });
    const second = computer.compute(500);
    expect(workers).toHaveLength(1);
    const last = workers[0]!.received.at(-1)!;
    expect(last).toMatchObject({ type: 'surface', isoValue: 500 });
    workers[0]!.answer((last as { id: number }).id, 9);
    await expect(second).resolves.toMatchObject({ triangles: 9 });
    expect(workers[0]!.received.filter((r) => r.type === 'volume')).toHaveLength(1);
  });

  it('a newer request terminates the running worker and starts a fresh one with the volume', async () => {
    const { computer, workers } = setUp();
    const old = computer.compute(300);
    const newer = computer.compute(400);
    await expect(old).rejects.toBeInstanceOf(IsosurfaceCancelledError);
    expect(workers).toHaveLength(2);
    expect(workers[0]!.terminated).toBe(true);
    expect(workers[1]!.received.map((r) => r.type)).toEqual(['volume', 'surface']);
    workers[1]!.answer(surfaceId(workers[1]!), 3);
    await expect(newer).resolves.toMatchObject({ triangles: 3 });
  });

  it('cancel() terminates and rejects; an answer arriving afterwards is ignored', async () => {
    const { computer, workers } = setUp();
    const job = computer.compute(300);
    computer.cancel();
    await expect(job).rejects.toBeInstanceOf(IsosurfaceCancelledError);
    expect(workers[0]!.terminated).toBe(true);
    expect(computer.busy).toBe(false);
    expect(() => workers[0]!.answer(surfaceId(workers[0]!))).not.toThrow();
  });

  it('a worker that fails to start rejects with a readable error and is replaced next time', async () => {
    const { computer, workers } = setUp();
    const job = computer.compute(300);
    workers[0]!.fail('module script failed');
    await expect(job).rejects.toThrow(/Isosurface worker failed: module script failed/);
    const retry = computer.compute(300);
    expect(workers).toHaveLength(2);
    workers[1]!.answer(surfaceId(workers[1]!));
    await expect(retry).resolves.toBeTruthy();
  });

  it('refuses to compute without a volume and disposes its worker', async () => {
    const computer = new IsosurfaceComputer(() => new FakeWorker() as unknown as Worker);
    await expect(computer.compute(1)).rejects.toThrow(/No volume/);
    const { computer: c2, workers } = setUp();
    const job = c2.compute(1);
    c2.dispose();
    await expect(job).rejects.toBeInstanceOf(IsosurfaceCancelledError);
    expect(workers[0]!.terminated).toBe(true);
  });
});
