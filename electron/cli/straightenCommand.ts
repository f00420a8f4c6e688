/**
 * `lumen straighten <dicomFolder> [--series UID] --path <curve.mrk.json> --out <dir>
 *   [--size 512x512] [--spacing mm] [--step mm] [--mode straight|stretch]
 *   [--interp nearest|linear|cubic] [--projection mip,minip,mean,xray] [--slab mm] [--json]`
 * (the exact contract), plus --projection-axis, --curve, --roll and --direction, and the
 * 'panoramic' projection preset.
 */
import fs from 'node:fs';
import { UserError } from '../../shared/contracts/UserError';
import type { CurveInterpolation } from '../../shared/curve/samplePath';
import { readMarkups } from '../../shared/io/markups';
import { projectionChoices } from '../../shared/reformat/projectVolume';
import type { Interpolation } from '../../shared/reformat/reslicePlane';
import { straightenToFolder, type PathInput, type StraightenParameters } from '../services/straightenToFolder';
import { assertOutsideSources } from '../services/writeFileAtomic';
import { parseArgs, UsageError } from './cliArgs';
import { chooseVolumeSeries, indexFolder, oneFolder, type CliIo, type Services } from './cliCommon';
import { progressBar } from './progressBar';

const SPEC = {
  '--series': true,
  '--path': true,
  '--out': true,
  '--size': true,
  '--spacing': true,
  '--step': true,
  '--mode': true,
  '--interp': true,
  '--projection': true,
  '--projection-axis': true,
  '--slab': true,
  '--curve': true,
  '--roll': true,
  '--direction': true,
  '--json': false,
} as const;

const AXES = { column: 0, row: 1, slice: 2 } as const;

export async function straightenCommand(args: string[], io: CliIo, services: Services, budgetBytes: number): Promise<number> {
  const { positionals, flags } = parseArgs(args, SPEC, 'straighten');
  const folder = oneFolder(positionals, 'straighten');
  const text = (name: keyof typeof SPEC): string | undefined => {
    const v = flags.get(name);
    return typeof v === 'string' ? v : undefined;
  };
  const pathFile = text('--path');
  const out = text('--out');
  if (!pathFile) throw new UsageError('missing --path <curve.mrk.json>', 'straighten');
  if (!out) throw new UsageError('missing --out <dir>', 'straighten');
  const mode = oneOf(text('--mode') ?? 'straight', ['straight', 'stretch'], '--mode') as StraightenParameters['mode'];
  const viewDirection = parseDirection(text('--direction') ?? '0,1,0');
  assertOutsideSources(out, [folder]);
  const pathInput = readPath(pathFile);
  const size = parseSize(text('--size') ?? '512x512');
  const projections = projectionChoices(text('--projection') ?? 'mip');
  const interpolation = oneOf(text('--interp') ?? 'linear', ['nearest', 'linear', 'cubic'], '--interp') as Interpolation;
  const curveInterpolation = oneOf(text('--curve') ?? 'catmull-rom', ['catmull-rom', 'natural-cubic', 'linear'], '--curve') as CurveInterpolation;
  const projectionAxis = AXES[oneOf(text('--projection-axis') ?? 'row', ['column', 'row', 'slice'], '--projection-axis') as keyof typeof AXES];
  const slab = text('--slab');
  const roll = text('--roll');

  const result = await indexFolder(folder, io, services);
  const series = chooseVolumeSeries(result, text('--series'), 'straightened');
  const bar = progressBar(io.stderr, io.isTTY);
  try {
    let started = performance.now();
    const volume = await services.volumes.load(services.index.requirePlan(series.uid), { onProgress: (p) => bar.update('Loading slices', p.done, p.total) });
    const load_s = (performance.now() - started) / 1000;
    // Defaults of the contract: the volume's finest in-plane spacing, and a step equal to it.
    const spacing = text('--spacing') ? positive(text('--spacing')!, '--spacing') : Math.min(volume.spacing[0], volume.spacing[1]);
    const params: StraightenParameters = {
      mode,
      viewDirection,
      columns: size[0],
      rows: size[1],
      spacing,
      step: text('--step') ? positive(text('--step')!, '--step') : spacing,
      interpolation,
      curveInterpolation,
      rollDeg: roll ? finite(roll, '--roll') : 0,
      projections,
      projectionAxis,
      ...(slab ? { slabMm: positive(slab, '--slab') } : {}),
    };
    started = performance.now();
    const summary = await straightenToFolder(
      { pool: services.pool, budgetBytes, volume, sourceFolders: services.index.sourceFolders(), onProgress: (stage, done, total) => bar.update(stage, done, total) },
      pathInput,
      params,
      out,
    );
    bar.clear();
    if (flags.has('--json')) {
      io.stdout.write(`${JSON.stringify({ ...summary, seriesDescription: series.description, timings: { load_s, ...summary.timings } }, null, 2)}\n`);
    } else {
      const [c, r, k] = summary.size;
      io.stderr.write(
        `Straightened "${series.description || series.uid}" along "${summary.path.name}" (${summary.path.length.toFixed(1)} mm): ${c}×${r}×${k} at ${params.spacing} mm, slices every ${params.step} mm, into ${summary.outDir} (${((performance.now() - started) / 1000).toFixed(1)} s)\n`,
      );
    }
    return 0;
  } finally {
    bar.clear();
  }
}

function readPath(file: string): PathInput {
  let json: string;
  try {
    json = fs.readFileSync(file, 'utf8');
  } catch {
    throw new UserError('not-found', `Cannot read the path file ${file}.`, file);
  }
  let curves;
  try {
    curves = readMarkups(json);
  } catch (err) {
    throw new UserError('invalid-request', `${file} is not a usable Slicer markups file: ${err instanceof Error ? err.message : String(err)}`, file);
  }
  const curve = curves.find((c) => c.points.length >= 2 && (c.type === 'Curve' || c.type === 'ClosedCurve')) ?? curves.find((c) => c.points.length >= 2);
  if (!curve) throw new UserError('invalid-request', `${file} holds no curve with at least two control points.`, file);
  return { file, name: curve.name, closed: curve.closed, points: curve.points };
}

function parseSize(value: string): [number, number] {
  const match = /^(\d+)x(\d+)$/i.exec(value);
  const [c, r] = match ? [Number(match[1]), Number(match[2])] : [0, 0];
  if (!(c >= 1 && r >= 1 && c <= 8192 && r <= 8192)) throw new UsageError(`--size must be COLUMNSxROWS between 1 and 8192, got "${value}"`, 'straighten');
  return [c, r];
}

/** "x,y,z" in LPS, or a patient direction: anterior, posterior, left, right, superior, inferior. */
function parseDirection(value: string): [number, number, number] {
  const named: Record<string, [number, number, number]> = { left: [1, 0, 0], right: [-1, 0, 0], posterior: [0, 1, 0], anterior: [0, -1, 0], superior: [0, 0, 1], inferior: [0, 0, -1] };
  const v = named[value.toLowerCase()] ?? (value.split(',').map(Number) as [number, number, number]);
  if (v.length !== 3 || !v.every(Number.isFinite) || Math.hypot(...v) === 0) {
    throw new UsageError(`--direction must be x,y,z in LPS or one of ${Object.keys(named).join(', ')}, got "${value}"`, 'straighten');
  }
  return v;
}

function positive(value: string, flag: string): number {
  const n = Number(value);
  if (!(n > 0) || !Number.isFinite(n)) throw new UsageError(`${flag} must be a positive number of mm, got "${value}"`, 'straighten');
  return n;
}

function finite(value: string, flag: string): number {
  const n = Number(value);
  if (!Number.isFinite(n)) throw new UsageError(`${flag} must be a number, got "${value}"`, 'straighten');
  return n;
}

function oneOf(value: string, allowed: readonly string[], flag: string): string {
  if (!allowed.includes(value)) throw new UsageError(`${flag} must be one of ${allowed.join(', ')}, got "${value}"`, 'straighten');
  return value;
}
