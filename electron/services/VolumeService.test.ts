import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { UserError } from '../../shared/contracts/UserError';
import { DicomIndexService } from './DicomIndexService';
import { FrameService } from './FrameService';
import { VolumeService } from './VolumeService';
import { WorkerPool } from './WorkerPool';
import { hasSharedData, sharedDataDir } from '../../test/support/referenceTools';
import { pydicomPython, runPydicom } from '../../test/support/pydicom';

const chestDir = path.join(sharedDataDir, 'ct-chest/dicom');

// pydicom's view of the chest CT: slices sorted along the normal (from IPP and IOP),
// HU = stored · slope + intercept, and each sampled voxel's LPS position.
const PYDICOM_VOXELS = String.raw`
import json, sys, glob, os
import numpy as np
import pydicom
folder, samples = sys.argv[1], json.loads(sys.argv[2])
ds = [pydicom.dcmread(f) for f in glob.glob(os.path.join(folder, '*'))]
iop = np.array(ds[0].ImageOrientationPatient, dtype=float)
normal = np.cross(iop[:3], iop[3:])
ds.sort(key=lambda d: float(np.dot(normal, np.array(d.ImagePositionPatient, dtype=float))))
out = []
for i, j, k in samples:
    d = ds[k]
    hu = float(d.pixel_array[j, i]) * float(d.RescaleSlope) + float(d.RescaleIntercept)
    ps = [float(x) for x in d.PixelSpacing]
    lps = np.array(d.ImagePositionPatient, dtype=float) + i * ps[1] * iop[:3] + j * ps[0] * iop[3:]
    out.append({'hu': hu, 'lps': lps.tolist()})
json.dump(out, sys.stdout)
`;

describe.skipIf(!hasSharedData)('VolumeService on the chest CT (needs ../shared/data)', () => {
  const pool = new WorkerPool({ size: 2 });
  const index = new DicomIndexService(pool);
  afterAll(() => pool.destroy());

  async function chestPlan() {
    const result = await index.index(chestDir);
    return index.requirePlan(result.series[0].uid);
  }

  it.skipIf(!pydicomPython())('loads HU equal to pydicom at sampled voxels, corners included, at the right LPS positions', async () => {
    const plan = await chestPlan();
    const volumes = new VolumeService(pool);
    const progress: number[] = [];
    const started = performance.now();
    const volume = await volumes.load(plan, { onProgress: (p) => progress.push(p.done) });
    console.log(`[measure] chest CT volume load (512×512×99): ${((performance.now() - started) / 1000).toFixed(2)} s`);
    expect(volume.voxels.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(volume.dimensions).toEqual([512, 512, 99]);
    expect(progress.at(-1)).toBe(99);

    const samples: [number, number, number][] = [];
    for (const i of [0, 511]) for (const j of [0, 511]) for (const k of [0, 98]) samples.push([i, j, k]);
    for (let n = 0; n < 16; n++) samples.push([(n * 97 + 13) % 512, (n * 61 + 250) % 512, (n * 7) % 99]);
    samples.push([256, 256, 49], [300, 200, 60], [120, 380, 10], [256, 100, 98]);
    const truth = runPydicom<{ hu: number; lps: number[] }[]>(PYDICOM_VOXELS, [chestDir, JSON.stringify(samples)]);
    const m = volume.ijkToLps;
    samples.forEach(([i, j, k], n) => {
      expect(volume.voxels[i + 512 * (j + 512 * k)]).toBe(truth[n].hu);
      const lps = [0, 1, 2].map((r) => m[4 * r] * i + m[4 * r + 1] * j + m[4 * r + 2] * k + m[4 * r + 3]);
      for (let a = 0; a < 3; a++) expect(lps[a]).toBeCloseTo(truth[n].lps[a], 6);
    });
    expect(volume.range[0]).toBeLessThan(-900);
    expect(volume.range[1]).toBeGreaterThan(1000);
  });

  it('refuses a volume over the memory budget, saying how big it is and the limit', async () => {
    const plan = await chestPlan();
    const small = new VolumeService(pool, { budgetBytes: 50 * 1024 * 1024 });
    const err = await small.load(plan).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UserError);
    expect((err as UserError).code).toBe('too-large');
    expect((err as UserError).message).toMatch(/99 MB.*50 MB/);
  });

  it('cancels a load', async () => {
    const plan = await chestPlan();
    const controller = new AbortController();
    const volumes = new VolumeService(pool);
    const load = volumes.load(plan, { signal: controller.signal, onProgress: (p) => p.done >= 5 && controller.abort() });
    await expect(load).rejects.toMatchObject({ code: 'cancelled' });
    expect(volumes.get(plan.summary.uid)).toBeUndefined();
  });

  it('serves frames in HU with a window, and a small grey thumbnail from the middle slice', async () => {
    const plan = await chestPlan();
    const frames = new FrameService(pool, index);
    const frame = await frames.getFrame(plan.summary.uid, 0);
    expect(frame.width).toBe(512);
    expect(frame.pixels).toHaveLength(512 * 512);
    expect(frame.range[0]).toBeLessThan(-900);
    expect(frame.windowWidth).toBeGreaterThan(0);
    const thumb = await frames.getThumbnail(plan.summary.uid);
    expect([thumb.width, thumb.height]).toEqual([128, 128]);
    expect(thumb.pixels).toHaveLength(128 * 128);
    // Each thumbnail pixel is the file's window applied to the mean of a 4×4 block of the middle frame.
    const middle = await frames.getFrame(plan.summary.uid, 49);
    const lo = middle.windowCenter - middle.windowWidth / 2;
    for (const [x, y] of [[0, 0], [64, 64], [10, 100], [127, 127], [90, 30]]) {
      let sum = 0;
      for (let dy = 0; dy < 4; dy++) for (let dx = 0; dx < 4; dx++) sum += middle.pixels[(4 * y + dy) * 512 + 4 * x + dx];
      const want = Math.min(255, Math.max(0, Math.round(((sum / 16 - lo) * 255) / middle.windowWidth)));
      expect(thumb.pixels[y * 128 + x]).toBe(want);
    }
    await expect(frames.getFrame(plan.summary.uid, 99)).rejects.toMatchObject({ code: 'invalid-request' });
    await expect(frames.getThumbnail('1.2.3.unknown')).rejects.toMatchObject({ code: 'not-found', message: expect.stringMatching(/Re-open/) });
  });
});

describe('VolumeService: made volumes share the one budget', () => {
  const made = (seriesUid: string, voxels: number) => ({
    seriesUid,
    modality: 'CT',
    dimensions: [voxels, 1, 1] as [number, number, number],
    spacing: [1, 1, 1] as [number, number, number],
    ijkToLps: [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1],
    voxels: new Float32Array(voxels),
    range: [0, 0] as [number, number],
  });

  it('drops the least recently used to fit a new one, telling which, and counts what it holds', () => {
    const evicted: string[] = [];
    const volumes = new VolumeService(new WorkerPool({ size: 1 }), { budgetBytes: 4 * 300, onEvict: (uid) => evicted.push(uid) });
    volumes.add(made('a', 100));
    volumes.add(made('b', 100));
    volumes.add(made('c', 100));
    expect(volumes.heldBytes).toBe(1200);
    volumes.get('a'); // a is now the most recently used
    volumes.add(made('d', 100));
    expect(evicted).toEqual(['b']);
    expect(volumes.leastRecentlyUsedFirst()).toEqual(['c', 'a', 'd']);
    volumes.makeRoom(4 * 200);
    expect(evicted).toEqual(['b', 'c', 'a']);
    volumes.remove('d');
    expect(volumes.heldBytes).toBe(0);
    expect(evicted).toEqual(['b', 'c', 'a']); // a removal is not an eviction
  });
});
