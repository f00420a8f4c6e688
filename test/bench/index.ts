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
import { invertAffine, multiply, transformPoint } from '../../shared/math/mat4';
import { reslicePlane } from '../../shared/reformat/reslicePlane';
import { slicePlane, VIEW_BASES, centreVoxelLps } from '../../renderer/viewers/slice/sliceGeometry';
import { vtkReslice, vtkReslicePlanes } from '../support/vtkReslice';
import { samplePath } from '../../shared/curve/samplePath';
import { sliceToWorldOf } from '../../shared/reformat/straighten';
import { straightenVolume } from '../../electron/services/ReformatService';
import { resliceModule } from '../../shared/reformat/wasm/wasmVolume';
import { collectGarbage } from '../../electron/services/collectGarbage';
import { measureDecodeTimes } from './decodeTimes';
import { measureFlythroughSoftwareCompositing, measureViewer, type ViewerTiming } from './viewerTimes';
import { benchReconstruct, type ReconBenchRow } from './reconBench';
import { benchSurface } from './surfaceBench';
import { findAortaCentreline } from '../fixtures/chestAorta';
import { writeMarkups } from '../../shared/io/markups';
import { dcmdumpHeaderScan, pydicomHeaderScan, pydicomVolumeLoad, type PeerTiming } from './peers';
import { repoRoot, sharedDataDir } from '../support/referenceTools';

type Row = ReconBenchRow;

const rows: Row[] = [];
/** A renderer timing (ms, measured in the page) as a row of the table. */
const viewerRow = (v: ViewerTiming): Row => ({ task: v.task, tool: 'Lumen renderer (Chromium)', seconds: Number.isNaN(v.ms) ? null : v.ms / 1000, perSecond: Number.isNaN(v.ms) ? '' : `${v.ms.toFixed(1)} ms`, note: v.note });
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

/** One 512² plane through the chest volume, as the slice views cut it, beside vtkImageReslice (VTK 9, C++). */
async function benchReslice(pool: WorkerPool, folder: string): Promise<void> {
  const index = new DicomIndexService(pool);
  const series = (await index.index(folder)).series.find((s) => s.kind === 'volume')!;
  const volume = await new VolumeService(pool).load(index.requirePlan(series.uid));
  const voxels = new Float32Array(volume.voxels);
  const grid = { dimensions: volume.dimensions, voxels };
  const centre = centreVoxelLps(volume);
  const tilt = Math.SQRT1_2;
  const oblique = { right: [tilt, tilt, 0] as [number, number, number], down: [0, 0, -1] as [number, number, number], normal: [-tilt, tilt, 0] as [number, number, number] };
  for (const [name, basis] of [['coronal', VIEW_BASES.coronal], ['oblique 45°', oblique]] as const) {
    const plane = slicePlane(volume, basis, centre[0] * basis.normal[0] + centre[1] * basis.normal[1] + centre[2] * basis.normal[2]);
    const sliceToIjk = multiply(invertAffine(volume.ijkToLps), plane.sliceToWorld);
    const options = { columns: plane.columns, rows: plane.rows, sliceToIjk, interpolation: 'linear' as const, background: -3024 };
    const runs: number[] = [];
    for (let r = 0; r < 25; r++) runs.push((await timed(async () => reslicePlane(grid, options))).seconds);
    const lumen = median(runs.slice(5));
    const task = `reslice ${plane.columns}×${plane.rows} ${name} plane (chest), trilinear`;
    rows.push({ task, tool: 'Lumen reslicePlane (TS)', seconds: lumen, perSecond: `${(1000 * lumen).toFixed(1)} ms` });
    const vtk = vtkReslice({ dimensions: volume.dimensions, voxels, ...options, repeats: 20 });
    if (!vtk) rows.push({ task, tool: 'vtkImageReslice', seconds: null, note: 'python3-vtk9 not installed' });
    else rows.push({ task, tool: `vtkImageReslice (VTK ${vtk.version}, C++)`, seconds: vtk.seconds, perSecond: `${(1000 * vtk.seconds).toFixed(1)} ms`, ratio: `${(vtk.seconds / lumen).toFixed(2)}×`, note: 'multi-threaded' });
  }
}

/**
 * Issue 4's benchmark: 512×512 slices every 0.5 mm along a curved path of more than
 * 300 mm through the chest CT, beside vtkImageReslice cutting the same planes from the
 * same volume (linear), and the median difference between the two outputs. Lumen's time
 * is the whole straightenVolume call, first into fresh memory (the volume's int16 copy for
 * the SIMD sampler, the 935 MB output's allocation with its first-touch page faults, the
 * reslicing), then repeated into the memory the previous call released (as a re-export in
 * the app does); VTK's is the sum of its Update() calls into a reused one-plane output.
 * Module loading is excluded on both sides (VTK's import, the workers' first task).
 */
async function benchStraighten(pool: WorkerPool, folder: string): Promise<void> {
  const index = new DicomIndexService(pool);
  const series = (await index.index(folder)).series.find((s) => s.kind === 'volume')!;
  const volume = await new VolumeService(pool).load(index.requirePlan(series.uid));
  const [nx, ny, nz] = volume.dimensions;
  const centre = transformPoint(volume.ijkToLps, [(nx - 1) / 2, (ny - 1) / 2, (nz - 1) / 2]);
  const zHalf = ((nz - 1) * volume.spacing[2]) / 2 - 8;
  // A wavy path from the bottom of the chest to the top: curved in both x and y.
  const points = Array.from({ length: 12 }, (_, n) => {
    const t = n / 11;
    return [centre[0] + 35 * Math.sin(2 * Math.PI * t), centre[1] + 25 * Math.cos(3 * Math.PI * t), centre[2] - zHalf + 2 * zHalf * t] as [number, number, number];
  });
  const step = 0.5;
  const { samples, length } = samplePath(points, { step });
  const geometry = { columns: 512, rows: 512, spacing: Math.min(volume.spacing[0], volume.spacing[1]) };
  const sliceToWorld = samples.map((s) => sliceToWorldOf(s, geometry));
  const task = `straighten 512×512 × ${samples.length} slices, every ${step} mm along ${length.toFixed(0)} mm (chest)`;
  // The workers load the reformat task's modules on first use: do that outside the timing.
  const tiny = { ...volume, dimensions: [2, 2, 2] as [number, number, number], voxels: new Float32Array(new SharedArrayBuffer(32)) };
  await straightenVolume(pool, tiny, sliceToWorld.slice(0, 2 * pool.size), 2 ** 20, { columns: 2, rows: 2, spacing: 1, interpolation: 'linear', background: -3024 });
  // A first straightening into fresh memory, then three repeats as a user re-exporting makes
  // them: each releases its output, whose memory (pages backed, volume copied) the next one
  // reuses (ReformatService's spare). Resident memory must not grow from run to run.
  const runs: { seconds: number; cpu: NodeJS.CpuUsage; rssAfter: number }[] = [];
  let ours: Awaited<ReturnType<typeof straightenVolume>> | null = null;
  for (let r = 0; r < 4; r++) {
    ours?.release();
    ours = null;
    collectGarbage();
    const started = performance.now();
    const cpuBefore = process.cpuUsage();
    ours = await straightenVolume(pool, volume, sliceToWorld, 4 * 2 ** 30, { ...geometry, interpolation: 'linear', background: -3024 });
    runs.push({ seconds: (performance.now() - started) / 1000, cpu: process.cpuUsage(cpuBefore), rssAfter: process.memoryUsage.rss() });
  }
  const first = runs[0]!;
  const repeats = runs.slice(1);
  const middle = [...repeats].sort((a, b) => a.seconds - b.seconds)[1]!;
  const lumen = middle.seconds;
  const straightened = ours!;
  const samplesTotal = 512 * 512 * samples.length;
  const lpsToIjk = invertAffine(volume.ijkToLps);
  // The SIMD sampler blends in float32: how far that is from the float64 TypeScript kernel, every 20th plane.
  let fromTs = 0;
  for (let k = 0; k < samples.length; k += 20) {
    const plane = 512 * 512;
    const ts = reslicePlane({ dimensions: volume.dimensions, voxels: volume.voxels }, { columns: 512, rows: 512, sliceToIjk: multiply(lpsToIjk, sliceToWorld[k]!), interpolation: 'linear', background: -3024 }).pixels;
    for (let p = 0; p < plane; p++) fromTs = Math.max(fromTs, Math.abs(ts[p]! - straightened.voxels[k * plane + p]!));
  }
  const cpuNote = (c: NodeJS.CpuUsage): string => `CPU ${(c.user / 1e6).toFixed(2)} s user + ${(c.system / 1e6).toFixed(2)} s system`;
  const sampler = resliceModule() ? 'WebAssembly SIMD sampler' : 'TypeScript sampler (no WebAssembly SIMD)';
  rows.push({
    task,
    tool: `Lumen (${pool.size} workers), first`,
    seconds: first.seconds,
    perSecond: `${(samplesTotal / first.seconds / 1e6).toFixed(1)} M samples/s`,
    // System time is mostly the fresh output's first-touch page faults: on this VM it varies threefold from run to run.
    note: `fresh memory: volume copy, 935 MB output allocated and page-faulted; ${cpuNote(first.cpu)}; ${sampler}`,
  });
  rows.push({
    task,
    tool: `Lumen (${pool.size} workers), repeated`,
    seconds: lumen,
    perSecond: `${(samplesTotal / lumen / 1e6).toFixed(1)} M samples/s`,
    note: `median of 3 (${repeats.map((r) => r.seconds.toFixed(2)).join(', ')} s) reusing the released memory; RSS after each run ${runs.map((r) => (r.rssAfter / 2 ** 30).toFixed(2)).join(', ')} GiB; ${cpuNote(middle.cpu)}; max |this − TypeScript kernel| ${fromTs.toExponential(1)} HU`,
  });
  const keepEvery = 20;
  const vtk = vtkReslicePlanes({ dimensions: volume.dimensions, voxels: new Float32Array(volume.voxels), planes: sliceToWorld.map((m) => multiply(lpsToIjk, m)), columns: 512, rows: 512, interpolation: 'linear', background: -3024, keepEvery });
  if (!vtk) {
    rows.push({ task, tool: 'vtkImageReslice', seconds: null, note: 'python3-vtk9 not installed' });
    return;
  }
  const diffs: number[] = [];
  const plane = 512 * 512;
  for (let kept = 0; kept * keepEvery < samples.length; kept++) {
    const k = kept * keepEvery;
    for (let p = 0; p < plane; p += 7) {
      const theirs = vtk.pixels[kept * plane + p]!;
      if (straightened.mask[k * plane + p] && theirs !== -3024) diffs.push(Math.abs(straightened.voxels[k * plane + p]! - theirs));
    }
  }
  const medianDiff = median(diffs)!;
  rows.push({
    task,
    tool: `vtkImageReslice (VTK ${vtk.version}, C++)`,
    seconds: vtk.seconds,
    perSecond: `${(samplesTotal / vtk.seconds / 1e6).toFixed(1)} M samples/s`,
    ratio: `${(vtk.seconds / lumen).toFixed(2)}×`,
    note: `Lumen/VTK time ${(lumen / vtk.seconds).toFixed(2)} repeated (VTK too reslices into a reused output), ${(first.seconds / vtk.seconds).toFixed(2)} first; median |Lumen − VTK| ${medianDiff.toFixed(4)} HU over ${diffs.length} samples`,
  });
}

/** The chest CT's aorta (found in the CT itself, see chestAorta.ts) as a markups file for the flythrough figures. */
async function writeAortaPath(pool: WorkerPool, folder: string, dir: string): Promise<string> {
  const index = new DicomIndexService(pool);
  const series = (await index.index(folder)).series.find((s) => s.kind === 'volume')!;
  const volume = await new VolumeService(pool).load(index.requirePlan(series.uid));
  const aorta = findAortaCentreline(volume);
  const file = path.join(dir, 'aorta.mrk.json');
  fs.writeFileSync(file, writeMarkups([{ name: 'Aorta', closed: false, points: aorta.points.map((p) => p.lps) }]));
  return file;
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
    if (fs.existsSync(chest)) await benchReslice(pool, chest);
    if (fs.existsSync(chest)) await benchStraighten(pool, chest);
    rows.push(...(await benchReconstruct(scratch)));
    rows.push(...(await benchSurface()));

    const aortaFile = fs.existsSync(chest) ? await writeAortaPath(pool, chest, scratch) : undefined;
    const viewer = await measureViewer(fs.existsSync(chest) ? chest : sample, fs.existsSync(chest) ? 'chest CT' : 'sample', aortaFile);
    if (typeof viewer === 'string') rows.push({ task: 'viewer in Chromium', tool: '—', seconds: null, note: viewer });
    else rows.push(...viewer.map(viewerRow));
    if (aortaFile) {
      const flight = await measureFlythroughSoftwareCompositing(chest, 'chest CT', aortaFile);
      if (typeof flight === 'string') rows.push({ task: 'flythrough, compositor on the CPU', tool: '—', seconds: null, note: flight });
      else rows.push(...flight.map(viewerRow));
    }

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
