/**
 * The `lumen` command line: the same services as the app, without a window.
 * Exit codes: 0 success, 2 usage error (usage printed), 3 input error (one clear line),
 * 1 only for a bug. Machine output (--json) goes to stdout; progress to stderr, and
 * only on a terminal.
 */
import packageJson from '../../package.json';
import { UserError } from '../../shared/contracts/UserError';
import { DicomIndexService } from '../services/DicomIndexService';
import { checkExportTarget, exportVolume } from '../services/exportVolume';
import { formatBytes } from '../../shared/formatBytes';
import { VolumeService } from '../services/VolumeService';
import { WorkerPool, type WorkerPoolOptions } from '../services/WorkerPool';
import { parseArgs, UsageError } from './cliArgs';
import { chooseVolumeSeries, indexFolder, oneFolder, type CliIo, type Services } from './cliCommon';
import { progressBar } from './progressBar';
import { formatIndexTable } from './formatIndexTable';
import { COMMAND_USAGE, isCommand, MAIN_USAGE, type CommandName } from './usage';

export type { CliIo } from './cliCommon';

export interface CliOptions {
  pool?: WorkerPoolOptions;
  volumeBudgetBytes?: number;
}

export const EXIT_OK = 0;
export const EXIT_BUG = 1;
export const EXIT_USAGE = 2;
export const EXIT_INPUT = 3;

export async function runCli(argv: string[], io: CliIo, options: CliOptions = {}): Promise<number> {
  try {
    return await dispatch(argv, io, options);
  } catch (err) {
    if (err instanceof UsageError) {
      io.stderr.write(`lumen: ${err.message}\n\n${err.command && isCommand(err.command) ? COMMAND_USAGE[err.command] : MAIN_USAGE}`);
      return EXIT_USAGE;
    }
    if (err instanceof UserError) {
      io.stderr.write(`lumen: ${err.message}\n`);
      return EXIT_INPUT;
    }
    io.stderr.write(`lumen: internal error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    return EXIT_BUG;
  }
}

async function dispatch(argv: string[], io: CliIo, options: CliOptions): Promise<number> {
  const [first, ...rest] = argv;
  if (first === undefined) throw new UsageError('no command given');
  if (first === '--help' || first === '-h') return print(io, MAIN_USAGE);
  if (first === '--version' || first === '-v') return print(io, `${packageJson.version}\n`);
  if (!isCommand(first)) throw new UsageError(first.startsWith('-') ? `unknown option ${first}` : `unknown command "${first}"`);
  if (rest.includes('--help') || rest.includes('-h')) return print(io, COMMAND_USAGE[first]);

  switch (first) {
    case 'help':
      return help(rest, io);
    case 'index':
      return withServices(options, (s) => indexCommand(rest, io, s));
    case 'export-volume':
      return withServices(options, (s) => exportCommand(rest, io, s));
    // A command's own modules load while the workers start (withServices).
    case 'map-back':
      return withServices(options, async (s) => (await import('./mapBackCommand')).mapBackCommand(rest, io, s));
    case 'straighten':
      return withServices(options, async (s) => (await import('./straightenCommand')).straightenCommand(rest, io, s, s.volumes.budgetBytes));
    case 'reconstruct':
      return withServices({ ...options, pool: { ...options.pool, preloadReconstruction: true } }, async (s) =>
        (await import('./reconstructCommand')).reconstructCommand(rest, io, s, s.volumes.budgetBytes),
      );
    case 'surface':
      return withServices(options, async (s) => (await import('./surfaceCommand')).surfaceCommand(rest, io, s));
  }
}

function print(io: CliIo, text: string): number {
  io.stdout.write(text);
  return EXIT_OK;
}

function help(args: string[], io: CliIo): number {
  const { positionals } = parseArgs(args, {}, 'help');
  if (positionals.length === 0) return print(io, MAIN_USAGE);
  const [name] = positionals;
  if (!isCommand(name)) throw new UsageError(`unknown command "${name}"`);
  return print(io, COMMAND_USAGE[name as CommandName]);
}

async function withServices(options: CliOptions, run: (s: Services) => Promise<number>): Promise<number> {
  const pool = new WorkerPool(options.pool);
  // Every command reads DICOM in the workers: their start-up overlaps the command's own.
  pool.prestart();
  try {
    const volumes = new VolumeService(pool, options.volumeBudgetBytes === undefined ? {} : { budgetBytes: options.volumeBudgetBytes });
    return await run({ pool, index: new DicomIndexService(pool), volumes });
  } finally {
    await pool.destroy();
  }
}

async function indexCommand(args: string[], io: CliIo, services: Services): Promise<number> {
  const { positionals, flags } = parseArgs(args, { '--json': false }, 'index');
  const folder = oneFolder(positionals, 'index');
  const result = await indexFolder(folder, io, services);
  if (flags.has('--json')) {
    io.stdout.write(`${JSON.stringify({ series: result.series, skipped: result.skipped.map(({ file, reason }) => ({ file, reason })) }, null, 2)}\n`);
  } else {
    io.stdout.write(formatIndexTable(result));
  }
  return EXIT_OK;
}

async function exportCommand(args: string[], io: CliIo, services: Services): Promise<number> {
  const { positionals, flags } = parseArgs(args, { '--series': true, '--out': true }, 'export-volume');
  const folder = oneFolder(positionals, 'export-volume');
  const out = flags.get('--out');
  if (typeof out !== 'string') throw new UsageError('missing --out <file>', 'export-volume');
  const wanted = flags.get('--series');
  checkExportTarget(out, [folder]);

  const result = await indexFolder(folder, io, services);
  const series = chooseVolumeSeries(result, typeof wanted === 'string' ? wanted : undefined, 'exported as one');
  const plan = services.index.requirePlan(series.uid);
  const bar = progressBar(io.stderr, io.isTTY);
  let written;
  try {
    const volume = await services.volumes.load(plan, { onProgress: (p) => bar.update('Loading slices', p.done, p.total) });
    bar.update('Writing', 0, 1);
    written = await exportVolume(volume, out, services.index.sourceFolders());
  } finally {
    bar.clear();
  }
  const [c, r, s] = series.dimensions;
  io.stderr.write(`Wrote ${written.file} (${c}×${r}×${s}, ${written.voxelType}, ${formatBytes(written.bytes)})\n`);
  return EXIT_OK;
}
