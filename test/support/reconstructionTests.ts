/** What the pooled reconstruction tests share: a worker pool and scratch folder, reading a run back, comparing volumes. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll } from 'vitest';
import { buildIndex } from '../../shared/dicom/buildIndex';
import { readDicomHeader } from '../../shared/dicom/readDicomHeader';
import { rotationalRunOf, type RotationalRun } from '../../shared/recon/rotationalRun';
import { WorkerPool } from '../../electron/services/WorkerPool';

/** A two-worker pool and a scratch folder named `prefix…`, both gone after the file's tests. */
export function poolAndTmpDir(prefix: string): { pool: WorkerPool; tmp: string } {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  const pool = new WorkerPool({ size: 2 });
  afterAll(async () => {
    await pool.destroy();
    fs.rmSync(tmp, { recursive: true, force: true });
  });
  return { pool, tmp };
}

/** The rotational run of a single-file series, indexed as the app indexes it. */
export function rotationalRunOfFile(file: string): RotationalRun {
  const bytes = new Uint8Array(fs.readFileSync(file));
  const { result, plans } = buildIndex({ folder: path.dirname(file), headers: [readDicomHeader(bytes, file, bytes.length)], skipped: [], elapsedSeconds: 0 });
  return rotationalRunOf(plans.get(result.series[0].uid)!);
}

/** The reference's largest magnitude and the largest difference from it, voxel by voxel. */
export function peakAndWorst(actual: ArrayLike<number>, reference: ArrayLike<number>): { peak: number; worst: number } {
  let peak = 0;
  let worst = 0;
  for (let n = 0; n < reference.length; n++) {
    peak = Math.max(peak, Math.abs(reference[n]));
    worst = Math.max(worst, Math.abs(actual[n] - reference[n]));
  }
  return { peak, worst };
}
