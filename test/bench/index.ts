/**
 * `npm run bench`: Lumen's indexing and volume loading beside dcmtk and pydicom, on the
 * chest CT, the bundled JPEG-LS sample and a generated 10,000-file folder. Prints one
 * table; "ratio" is peer time / Lumen time (above 1: Lumen is faster).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DicomIndexService } from '../../electron/services/DicomIndexService';
import { VolumeService } from '../../electron/services/VolumeService';
import { WorkerPool } from '../../electron/services/WorkerPool';
import { writeManyFiles } from '../fixtures/manyFiles';
import { measureDecodeTimes } from './decodeTimes';
import { dcmdumpHeaderScan, pydicomHeaderScan, pydicomVolumeLoad, type PeerTiming } from './peers';
import { repoRoot, sharedDataDir } from '../support/referenceTools';

interface Row {
  task: string;
  tool: string;
  seconds: number | null;
  perSecond?: string;
  ratio?: string;
  note?: string;
}

const rows: Row[] = [];
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function timed<T>(fn: () => Promise<T>): Promise<{ seconds: number; value: T }> {
  const started = performance.now();
  const value = await fn();
  return { seconds: (performance.now() - started) / 1000, value };
}

function addPeer(task: string, tool: string, lumenSeconds: number, peer: PeerTiming | null, unit = 'files/s') {
  if (!peer) {
    rows.push({ task, tool, seconds: null, note: 'not installed' });
    return;
  }
  rows.push({
    task,
    tool,
    seconds: peer.seconds,
    perSecond: `${(peer.files / peer.seconds).toFixed(0)} ${unit}`,
    ratio: `${(peer.seconds / lumenSeconds).toFixed(2)}×`,
  });
}

async function benchIndex(pool: WorkerPool, task: string, folder: string, repeats: number): Promise<void> {
  const index = new DicomIndexService(pool);
  const runs: number[] = [];
  let files = 0;
  for (let r = 0; r < repeats; r++) {
    const { seconds, value } = await timed(() => index.index(folder));
    runs.push(seconds);
    files = value.series.reduce((n, s) => n + s.files, 0) + value.skipped.length;
  }
  const lumen = median(runs);
  rows.push({ task, tool: 'Lumen', seconds: lumen, perSecond: `${(files / lumen).toFixed(0)} files/s`, note: `median of ${repeats}` });
  addPeer(task, 'dcmdump -M (dcmtk)', lumen, dcmdumpHeaderScan(folder, files));
  addPeer(task, 'pydicom stop_before_pixels', lumen, pydicomHeaderScan(folder));
}

async function benchVolumeLoad(pool: WorkerPool, task: string, folder: string, withPeer: boolean): Promise<void> {
  const index = new DicomIndexService(pool);
  const result = await index.index(folder);
  const series = result.series.find((s) => s.kind === 'volume');
  if (!series) throw new Error(`no volume in ${folder}`);
  const runs: number[] = [];
  let megabytes = 0;
  for (let r = 0; r < 3; r++) {
    const volumes = new VolumeService(pool); // fresh cache: measure decoding, not the cache
    const { seconds, value } = await timed(() => volumes.load(index.requirePlan(series.uid)));
    runs.push(seconds);
    megabytes = value.voxels.byteLength / 1e6;
  }
  const lumen = median(runs);
  rows.push({ task, tool: 'Lumen', seconds: lumen, perSecond: `${(series.files / lumen).toFixed(0)} slices/s`, note: `${megabytes.toFixed(0)} MB float32 volume` });
  if (withPeer) addPeer(task, 'pydicom + numpy', lumen, pydicomVolumeLoad(folder), 'slices/s');
  else rows.push({ task, tool: 'pydicom + numpy', seconds: null, note: 'no JPEG-LS decoder in Debian pydicom' });
}

function printTable(): void {
  const header = ['task', 'tool', 'seconds', 'throughput', 'peer/Lumen', 'note'];
  const body = rows.map((r) => [r.task, r.tool, r.seconds === null ? '—' : r.seconds.toFixed(3), r.perSecond ?? '', r.ratio ?? '', r.note ?? '']);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
  console.log(line(header));
  console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
  for (const b of body) console.log(line(b));
}

async function main(): Promise<void> {
  const pool = new WorkerPool();
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'lumen-bench-'));
  try {
    const chest = path.join(sharedDataDir, 'ct-chest/dicom');
    const sample = path.join(repoRoot, 'assets/sample/ct-chest');
    const { seconds: coldSeconds } = await timed(() => new DicomIndexService(pool).index(fs.existsSync(chest) ? chest : sample));
    rows.push({ task: 'worker pool start + first index', tool: 'Lumen', seconds: coldSeconds, note: `${pool.size} workers, cold` });

    if (fs.existsSync(chest)) {
      await benchIndex(pool, 'index chest CT (99 files)', chest, 5);
      await benchVolumeLoad(pool, 'load chest CT volume', chest, true);
    } else {
      rows.push({ task: 'chest CT', tool: '—', seconds: null, note: '../shared/data absent' });
    }
    if (fs.existsSync(sample)) await benchVolumeLoad(pool, 'load bundled sample (JPEG-LS)', sample, false);

    const many = path.join(scratch, 'many');
    const generated = await timed(async () => writeManyFiles({ dir: many, count: 10_000 }));
    rows.push({ task: 'generate 10,000-file folder', tool: 'Lumen fixtures', seconds: generated.seconds });
    await benchIndex(pool, 'index 10,000 files', many, 3);

    for (const d of await measureDecodeTimes()) {
      rows.push({ task: `decode 512² slice: ${d.file.replace(/^ct_|\.dcm$/g, '')}`, tool: 'Lumen', seconds: d.medianMs / 1000, perSecond: `${d.medianMs.toFixed(1)} ms`, note: d.transferSyntax });
    }
  } finally {
    await pool.destroy();
    fs.rmSync(scratch, { recursive: true, force: true });
  }
  console.log(`\nLumen benchmark, ${os.cpus().length} cores, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}\n`);
  printTable();
  console.log(`\npeak RSS of this process: ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB`);
}

await main();
