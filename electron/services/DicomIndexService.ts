/**
 * Indexes a folder of DICOM files: scan, read headers in the worker pool in batches
 * (a 64 KiB prefix each), group into series, and keep the result and the per-series
 * plans for loading later. Reads only; never writes anywhere near the source folder.
 */
import fs from 'node:fs';
import path from 'node:path';
import { UserError } from '../../shared/contracts/UserError';
import { buildIndex } from '../../shared/dicom/buildIndex';
import type { DicomHeader } from '../../shared/dicom/DicomHeader';
import type { SeriesPlan } from '../../shared/dicom/SeriesPlan';
import type { IndexResult, SkippedFile } from '../../shared/dicom/SeriesSummary';
import { scanFolder } from './scanFolder';
import type { WorkerPool } from './WorkerPool';

export const HEADER_PREFIX_BYTES = 64 * 1024;

export interface IndexProgress {
  done: number;
  total: number;
  stage: 'scanning' | 'reading headers' | 'grouping';
}

export interface IndexOptions {
  signal?: AbortSignal;
  onProgress?: (p: IndexProgress) => void;
}

export interface IndexedFolder {
  result: IndexResult;
  plans: Map<string, SeriesPlan>;
}

export class DicomIndexService {
  private readonly byFolder = new Map<string, IndexedFolder>();
  private readonly seriesFolder = new Map<string, string>();

  constructor(private readonly pool: WorkerPool) {}

  async index(folder: string, options: IndexOptions = {}): Promise<IndexResult> {
    const { signal, onProgress } = options;
    const root = path.resolve(folder);
    await assertFolder(root);
    const started = performance.now();

    onProgress?.({ done: 0, total: 0, stage: 'scanning' });
    const scan = await scanFolder(root, signal, (n) => onProgress?.({ done: n, total: 0, stage: 'scanning' }));
    const skipped: SkippedFile[] = [...scan.skipped];
    const headers = await this.readHeaders(scan.files, skipped, options);

    const missing = await this.dicomDirMissingFiles(headers, new Set(scan.files), signal);
    skipped.push(...missing);

    onProgress?.({ done: scan.files.length, total: scan.files.length, stage: 'grouping' });
    headers.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
    skipped.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
    const elapsedSeconds = (performance.now() - started) / 1000;
    const { result, plans } = buildIndex({ folder: root, headers, skipped, elapsedSeconds });
    this.remember(root, { result, plans });
    return result;
  }

  /** The latest index of a folder, if it has been indexed in this session. */
  indexed(folder: string): IndexedFolder | undefined {
    return this.byFolder.get(path.resolve(folder));
  }

  /** The plan of a series from the latest index that contains it. */
  plan(seriesUid: string): SeriesPlan | undefined {
    const folder = this.seriesFolder.get(seriesUid);
    return folder === undefined ? undefined : this.byFolder.get(folder)?.plans.get(seriesUid);
  }

  /** Same as `plan`, but a missing series is a UserError telling the user what to do. */
  requirePlan(seriesUid: string): SeriesPlan {
    const plan = this.plan(seriesUid);
    if (!plan) {
      throw new UserError('not-found', 'This series is no longer in Lumen\'s index. Re-open its folder to index it again.', seriesUid);
    }
    return plan;
  }

  /** Folders indexed in this session: sources Lumen must never write into. */
  sourceFolders(): string[] {
    return [...this.byFolder.keys()];
  }

  private remember(folder: string, indexed: IndexedFolder): void {
    const previous = this.byFolder.get(folder);
    if (previous) {
      for (const uid of previous.plans.keys()) if (this.seriesFolder.get(uid) === folder) this.seriesFolder.delete(uid);
    }
    this.byFolder.set(folder, indexed);
    for (const uid of indexed.plans.keys()) this.seriesFolder.set(uid, folder);
  }

  private async readHeaders(files: string[], skipped: SkippedFile[], options: IndexOptions): Promise<DicomHeader[]> {
    const { signal, onProgress } = options;
    const total = files.length;
    const headers: DicomHeader[] = [];
    let done = 0;
    onProgress?.({ done, total, stage: 'reading headers' });
    // Enough batches to keep every worker busy and progress lively, few enough that
    // message overhead stays negligible.
    const batchSize = Math.max(8, Math.min(256, Math.ceil(total / (this.pool.size * 8))));
    const batches: string[][] = [];
    for (let i = 0; i < total; i += batchSize) batches.push(files.slice(i, i + batchSize));

    const readBatch = async (batch: string[]) => {
      const out = await this.readBatchIsolatingCrashes(batch, signal);
      headers.push(...out.headers);
      skipped.push(...out.skipped);
      done += batch.length;
      onProgress?.({ done, total, stage: 'reading headers' });
    };
    await runAll(batches, readBatch, signal);
    return headers;
  }

  /**
   * Reads a batch; if a file crashes or hangs the reader, re-reads the batch one file
   * at a time so only the culprit is skipped, with a reason.
   */
  private async readBatchIsolatingCrashes(batch: string[], signal?: AbortSignal): Promise<{ headers: DicomHeader[]; skipped: SkippedFile[] }> {
    const timeoutMs = 20_000 + 100 * batch.length;
    try {
      return await this.pool.run('dicom:readHeaders', { files: batch, prefixBytes: HEADER_PREFIX_BYTES }, signal ? { signal, timeoutMs } : { timeoutMs });
    } catch (err) {
      if (!(err instanceof UserError) || err.code !== 'worker-crashed' || batch.length === 1) {
        if (err instanceof UserError && err.code === 'worker-crashed') {
          return { headers: [], skipped: [{ file: batch[0], reason: `could not be read: ${err.message}` }] };
        }
        throw err;
      }
    }
    const parts = await Promise.all(batch.map((file) => this.readBatchIsolatingCrashes([file], signal)));
    return { headers: parts.flatMap((p) => p.headers), skipped: parts.flatMap((p) => p.skipped) };
  }

  /**
   * DICOMDIRs list the files of a media set; a listed file missing on disk means an
   * incomplete copy, which the user should hear about. Files on disk that a DICOMDIR
   * does not list were read anyway.
   */
  private async dicomDirMissingFiles(headers: DicomHeader[], onDisk: Set<string>, signal?: AbortSignal): Promise<SkippedFile[]> {
    const dirs = headers.filter((h) => h.isDicomDir);
    if (dirs.length === 0) return [];
    const lowerOnDisk = new Set([...onDisk].map((f) => f.toLowerCase()));
    const missing = new Map<string, SkippedFile>();
    for (const dir of dirs) {
      let listed: string[];
      try {
        listed = (await this.pool.run('dicom:readDicomDir', { file: dir.file }, signal ? { signal } : {})).referencedFiles;
      } catch (err) {
        if (err instanceof UserError && err.code === 'cancelled') throw err;
        continue; // The DICOMDIR itself is already reported in the index; it is optional.
      }
      for (const file of listed) {
        // Media sets are written in upper case; copies may be lower-cased.
        if (onDisk.has(file) || lowerOnDisk.has(file.toLowerCase())) continue;
        missing.set(file, { file, reason: `listed in ${path.basename(dir.file)} but missing from the folder` });
      }
    }
    return [...missing.values()];
  }
}

async function assertFolder(folder: string): Promise<void> {
  let stat: fs.Stats;
  try {
    stat = await fs.promises.stat(folder);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EACCES' || code === 'EPERM') throw new UserError('unreadable', `Lumen is not allowed to read the folder ${folder} (permission denied).`);
    throw new UserError('not-found', `The folder ${folder} does not exist.`, folder);
  }
  if (!stat.isDirectory()) throw new UserError('not-found', `${folder} is a file, not a folder. Choose the folder that holds the DICOM files.`, folder);
}

/** Runs every item through `work`, all submitted at once (the pool queues them); the first failure wins. */
async function runAll<T>(items: T[], work: (item: T) => Promise<void>, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted) throw new UserError('cancelled', 'Indexing was cancelled.');
  const results = await Promise.allSettled(items.map(work));
  const failure = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failure) throw failure.reason;
}
