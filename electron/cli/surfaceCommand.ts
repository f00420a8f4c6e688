/**
 * `lumen surface <volume file or dicom folder> --threshold <value> --out model.stl`
 * (the exact contract), plus --series, --smooth, --decimate, --largest, --ras and --json.
 * One code path with the app: exportSurfaceReport.
 */
import fs from 'node:fs';
import path from 'node:path';
import { UserError } from '../../shared/contracts/UserError';
import { decodeVolume, VOLUME_EXTENSIONS, volumeFormatOf } from '../../shared/io/volumeFormats';
import { checkSurfaceTarget, exportSurfaceReport, type SurfaceVolume } from '../services/exportSurface';
import { parseArgs, UsageError } from './cliArgs';
import { chooseVolumeSeries, indexFolder, oneFolder, type CliIo, type Services } from './cliCommon';
import { progressBar } from './progressBar';

const SPEC = {
  '--series': true,
  '--threshold': true,
  '--out': true,
  '--smooth': true,
  '--decimate': true,
  '--largest': false,
  '--ras': false,
  '--json': false,
} as const;

export async function surfaceCommand(args: string[], io: CliIo, services: Services): Promise<number> {
  const startedAt = performance.now();
  const { positionals, flags } = parseArgs(args, SPEC, 'surface');
  const input = path.resolve(oneFolder(positionals, 'surface'));
  const text = (name: keyof typeof SPEC): string | undefined => {
    const v = flags.get(name);
    return typeof v === 'string' ? v : undefined;
  };
  const thresholdText = text('--threshold');
  if (thresholdText === undefined) throw new UsageError('missing --threshold <value> (in the volume\'s units: HU for CT)', 'surface');
  const threshold = Number(thresholdText);
  if (!Number.isFinite(threshold)) throw new UsageError(`--threshold must be a number, got "${thresholdText}"`, 'surface');
  const out = text('--out');
  if (!out) throw new UsageError('missing --out <model.stl>', 'surface');
  if (!out.toLowerCase().endsWith('.stl')) throw new UsageError(`--out must name an .stl file, got "${out}"`, 'surface');
  const smoothIterations = text('--smooth') === undefined ? 0 : wholeNumber(text('--smooth')!, '--smooth');
  const decimate = text('--decimate') === undefined ? 1 : fraction(text('--decimate')!, '--decimate');

  const stat = fs.statSync(input, { throwIfNoEntry: false });
  if (!stat) throw new UserError('not-found', `${input} does not exist.`, input);
  const isFolder = stat.isDirectory();
  if (!isFolder && text('--series') !== undefined) throw new UsageError('--series applies to a DICOM folder, not to a volume file', 'surface');
  // A volume file's own folder is no DICOM source; the file itself must survive.
  const sourceFolders = isFolder ? [input] : [];
  checkSurfaceTarget(out, sourceFolders);
  if (!isFolder && path.resolve(out) === input) throw new UserError('invalid-request', 'The output would overwrite the input volume.');

  const bar = progressBar(io.stderr, io.isTTY);
  let load_s: number;
  let report;
  let source: { kind: 'dicom'; seriesUid: string; description: string } | { kind: 'file'; file: string };
  try {
    const started = performance.now();
    let volume: SurfaceVolume;
    let folders: readonly string[] = sourceFolders;
    if (isFolder) {
      const result = await indexFolder(input, io, services);
      const series = chooseVolumeSeries(result, text('--series'), 'turned into a surface');
      const loaded = await services.volumes.load(services.index.requirePlan(series.uid), { onProgress: (p) => bar.update('Loading slices', p.done, p.total) });
      volume = { dimensions: loaded.dimensions, ijkToLps: loaded.ijkToLps, voxels: loaded.voxels };
      folders = services.index.sourceFolders();
      source = { kind: 'dicom', seriesUid: series.uid, description: series.description };
    } else {
      bar.update('Reading volume', 0, 1);
      volume = readVolumeFile(input);
      source = { kind: 'file', file: input };
    }
    load_s = (performance.now() - started) / 1000;
    report = await exportSurfaceReport(volume, { threshold, smoothIterations, decimate, largestOnly: flags.has('--largest'), ras: flags.has('--ras') }, out, folders, (stage) =>
      bar.update(stage, 0, 1),
    );
  } finally {
    bar.clear();
  }
  const total_s = (performance.now() - startedAt) / 1000;
  if (flags.has('--json')) {
    const summary = {
      source,
      threshold,
      smoothIterations,
      decimate,
      largestOnly: flags.has('--largest'),
      output: { file: report.file, bytes: report.bytes, format: 'binary STL', units: 'mm', frame: report.frame },
      frame: report.frame,
      triangles: report.triangles,
      vertices: report.vertices,
      components: report.components,
      areaMm2: report.areaMm2,
      volumeMl: report.volumeMl,
      timings: { load_s, ...report.timings, total_s },
    };
    io.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
  } else {
    io.stderr.write(
      `Surface at ${threshold}: ${report.triangles} triangles, ${report.areaMm2.toFixed(0)} mm², ${report.volumeMl.toFixed(1)} mL enclosed, ${report.frame} mm: ${report.file} (${total_s.toFixed(1)} s)\n`,
    );
  }
  return 0;
}

function readVolumeFile(file: string): SurfaceVolume {
  const format = volumeFormatOf(file);
  if (!format) throw new UserError('invalid-request', `Cannot tell the format of ${path.basename(file)}: give a DICOM folder or a ${VOLUME_EXTENSIONS.join(', ')} file.`, file);
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(fs.readFileSync(file));
  } catch {
    throw new UserError('unreadable', `Cannot read ${file}.`, file);
  }
  try {
    const image = decodeVolume(bytes, format);
    const voxels = image.voxels instanceof Float32Array ? image.voxels : Float32Array.from(image.voxels);
    return { dimensions: image.dimensions, ijkToLps: image.ijkToLps, voxels };
  } catch (err) {
    throw new UserError('unreadable', `${path.basename(file)} is not a readable ${format} volume: ${err instanceof Error ? err.message : String(err)}`, file);
  }
}

function wholeNumber(value: string, flag: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 1000) throw new UsageError(`${flag} must be a whole number of iterations from 0 to 1000, got "${value}"`, 'surface');
  return n;
}

function fraction(value: string, flag: string): number {
  const n = Number(value);
  if (!(n > 0 && n <= 1)) throw new UsageError(`${flag} must be the fraction of triangles to keep, in (0, 1], got "${value}"`, 'surface');
  return n;
}
