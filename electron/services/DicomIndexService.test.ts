import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UserError } from '../../shared/contracts/UserError';
import { writeManyFiles } from '../../test/fixtures/manyFiles';
import { writeRotationalRun } from '../../test/fixtures/rotationalRun';
import { DicomIndexService } from './DicomIndexService';
import { WorkerPool } from './WorkerPool';
import { hasSharedData, sharedDataDir } from '../../test/support/referenceTools';

const chestDir = path.join(sharedDataDir, 'ct-chest/dicom');
const corpusDir = path.join(sharedDataDir, 'dicom-robustness/pydicom-testfiles');

function filesOnDisk(dir: string): string[] {
  const out: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) out.push(path.join(entry.parentPath, entry.name));
  }
  return out.sort();
}

describe('DicomIndexService', () => {
  const pool = new WorkerPool({ size: 2, enableTestTasks: true });
  const service = new DicomIndexService(pool);
  let tmp: string;
  beforeAll(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lumen-index-'));
  });
  afterAll(async () => {
    await pool.destroy();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  describe.skipIf(!hasSharedData)('on real data (needs ../shared/data)', () => {
    it('indexes the chest CT as one 512×512×99 volume', async () => {
      const progress: number[] = [];
      const started = performance.now();
      const result = await service.index(chestDir, { onProgress: (p) => p.stage === 'reading headers' && progress.push(p.done) });
      console.log(`[measure] chest CT index: ${((performance.now() - started) / 1000).toFixed(2)} s for 99 files`);
      expect(result.series).toHaveLength(1);
      const [s] = result.series;
      expect(s.kind).toBe('volume');
      expect(s.dimensions).toEqual([512, 512, 99]);
      expect(s.spacing).toEqual([0.564453125, 0.564453125, 3]);
      expect(result.skipped).toEqual([]);
      expect(progress.at(-1)).toBe(99);
      expect(service.plan(s.uid)?.frames).toHaveLength(99);
    });

    it('accounts for every file of the pydicom corpus, without crash or hang', async () => {
      const result = await service.index(corpusDir);
      const indexed = service.indexed(corpusDir)!;
      const inSeries = [...indexed.plans.values()].flatMap((p) => [...new Set(p.frames.map((f) => f.file))]);
      const nonImage = [...indexed.plans.values()].filter((p) => p.frames.length === 0).reduce((n, p) => n + p.summary.files, 0);
      const onDisk = filesOnDisk(corpusDir);
      const skippedOnDisk = result.skipped.filter((s) => fs.existsSync(s.file));
      // Files a DICOMDIR lists but the folder lacks are reported too, as such.
      for (const s of result.skipped.filter((x) => !fs.existsSync(x.file))) expect(s.reason).toMatch(/DICOMDIR/);
      expect(inSeries.length + nonImage + skippedOnDisk.length).toBe(onDisk.length);
      expect(result.series.reduce((n, s) => n + s.files, 0) + skippedOnDisk.length).toBe(onDisk.length);
      for (const s of result.skipped) expect(s.reason.length).toBeGreaterThan(3);
      // Every skipped file is named once, and no file is both skipped and in a series.
      const skippedSet = new Set(skippedOnDisk.map((s) => s.file));
      expect(skippedSet.size).toBe(skippedOnDisk.length);
      for (const f of inSeries) expect(skippedSet.has(f)).toBe(false);
    });
  });

  it('indexes a generated rotational run as rotational projections with its frame count', async () => {
    const dir = path.join(tmp, 'rotational');
    fs.mkdirSync(dir);
    writeRotationalRun({ dir, frames: 24, detector: [64, 64], pixelMm: 4.8 });
    const result = await service.index(dir);
    expect(result.series).toHaveLength(1);
    expect(result.series[0].kind).toBe('rotational-projections');
    expect(result.series[0].frames).toBe(24);
  });

  it('skips empty and unreadable files with reasons, follows no symlink loop, and writes nothing', async () => {
    const dir = path.join(tmp, 'odd');
    fs.mkdirSync(path.join(dir, 'sub'), { recursive: true });
    writeManyFiles({ dir: path.join(dir, 'sub'), count: 5, slicesPerSeries: 5 });
    fs.writeFileSync(path.join(dir, 'empty.dcm'), '');
    fs.writeFileSync(path.join(dir, 'notes.txt'), 'not dicom at all');
    fs.symlinkSync(dir, path.join(dir, 'sub', 'loop'));
    const locked = path.join(dir, 'locked');
    fs.mkdirSync(locked);
    fs.chmodSync(locked, 0);
    const before = filesOnDisk(dir).map((f) => `${f}:${fs.statSync(f).mtimeMs}`);
    try {
      const result = await service.index(dir);
      expect(result.series).toHaveLength(1);
      expect(result.series[0].files).toBe(5);
      const reasons = Object.fromEntries(result.skipped.map((s) => [path.relative(dir, s.file), s.reason]));
      expect(reasons['empty.dcm']).toBe('empty file');
      expect(reasons['notes.txt']).toBeTruthy();
      // root ignores permissions; otherwise the locked folder is reported.
      if (process.getuid?.() !== 0) expect(reasons['locked']).toMatch(/permission denied/);
    } finally {
      fs.chmodSync(locked, 0o755);
    }
    expect(filesOnDisk(dir).map((f) => `${f}:${fs.statSync(f).mtimeMs}`)).toEqual(before);
  });

  it('rejects a folder that does not exist', async () => {
    const missing = path.join(tmp, 'nope');
    await expect(service.index(missing)).rejects.toMatchObject({ code: 'not-found', message: expect.stringContaining(missing) });
  });

  it('skips only the file that crashes the reader, and keeps working', async () => {
    const dir = path.join(tmp, 'crashy');
    writeManyFiles({ dir, count: 20, slicesPerSeries: 20 });
    fs.writeFileSync(path.join(dir, 'lumen-test-crash.dcm'), 'the test worker exits when it reads this name');
    const result = await service.index(dir);
    expect(result.skipped).toHaveLength(1);
    expect(result.skipped[0].file).toMatch(/lumen-test-crash/);
    expect(result.skipped[0].reason).toMatch(/crashed/);
    expect(result.series.reduce((n, s) => n + s.files, 0)).toBe(20);
  });

  describe('a folder of 10,000 files', () => {
    let dir: string;
    beforeAll(() => {
      dir = path.join(tmp, 'many');
      writeManyFiles({ dir, count: 10_000 });
    }, 120_000);

    it('can be cancelled mid-way', async () => {
      const controller = new AbortController();
      const task = service.index(dir, {
        signal: controller.signal,
        onProgress: (p) => p.stage === 'reading headers' && p.done >= 1000 && controller.abort(),
      });
      await expect(task).rejects.toSatisfy((e) => e instanceof UserError && e.code === 'cancelled');
      // The pool is still usable afterwards.
      const again = await service.index(path.join(tmp, 'crashy'));
      expect(again.series.length).toBeGreaterThan(0);
    });

    it('indexes completely, well under 10 s', async () => {
      const started = performance.now();
      const result = await service.index(dir);
      const seconds = (performance.now() - started) / 1000;
      console.log(`[measure] 10,000-file index: ${seconds.toFixed(2)} s, ${Math.round(10_000 / seconds)} files/s on ${pool.size} workers`);
      expect(result.skipped).toEqual([]);
      expect(result.series).toHaveLength(100);
      expect(result.series.reduce((n, s) => n + s.files, 0)).toBe(10_000);
      expect(seconds).toBeLessThan(10);
    }, 120_000);
  });
});
