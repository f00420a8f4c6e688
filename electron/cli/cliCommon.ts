/** What the `lumen` commands share: their I/O, the services, and finding the series to work on. */
import { UserError } from '../../shared/contracts/UserError';
import type { IndexResult, SeriesSummary } from '../../shared/dicom/SeriesSummary';
import type { DicomIndexService } from '../services/DicomIndexService';
import type { VolumeService } from '../services/VolumeService';
import type { WorkerPool } from '../services/WorkerPool';
import { UsageError } from './cliArgs';
import { progressBar, type TextSink } from './progressBar';
import type { CommandName } from './usage';

export interface CliIo {
  stdout: TextSink;
  stderr: TextSink;
  /** Whether stderr is a terminal (progress bars are drawn only then). */
  isTTY: boolean;
}

export interface Services {
  pool: WorkerPool;
  index: DicomIndexService;
  volumes: VolumeService;
}

export function oneFolder(positionals: string[], command: CommandName): string {
  if (positionals.length === 0) throw new UsageError('missing <folder>', command);
  if (positionals.length > 1) throw new UsageError(`unexpected argument "${positionals[1]}"`, command);
  return positionals[0];
}

export async function indexFolder(folder: string, io: CliIo, services: Services): Promise<IndexResult> {
  const bar = progressBar(io.stderr, io.isTTY);
  try {
    return await services.index.index(folder, {
      onProgress: (p) => bar.update(p.stage === 'scanning' ? 'Scanning' : p.stage === 'grouping' ? 'Grouping' : 'Reading headers', p.done, p.total),
    });
  } finally {
    bar.clear();
  }
}

function describeSeries(s: SeriesSummary): string {
  return `  ${s.uid}  ${s.kind}, ${s.modality || '?'}, ${s.frames} frames${s.description ? `, "${s.description}"` : ''}`;
}

/** The volume series to use: the one named, or the folder's only series. */
export function chooseVolumeSeries(result: IndexResult, uid: string | undefined, purpose: string): SeriesSummary {
  const list = () => result.series.map(describeSeries).join('\n');
  if (uid !== undefined) {
    const found = result.series.find((s) => s.uid === uid);
    if (!found) throw new UserError('not-found', `No series ${uid} in ${result.folder}. Series found:\n${list()}`);
    if (found.kind !== 'volume') throw new UserError('unsupported', `Series ${uid} is ${found.kind}, not a volume, so it cannot be ${purpose}.`);
    return found;
  }
  if (result.series.length === 0) throw new UserError('not-found', `No DICOM series found in ${result.folder}.`);
  if (result.series.length > 1) {
    throw new UserError('invalid-request', `${result.folder} holds ${result.series.length} series; name one with --series UID:\n${list()}`);
  }
  const [only] = result.series;
  if (only.kind !== 'volume') throw new UserError('unsupported', `The only series in ${result.folder} is ${only.kind}, not a volume, so it cannot be ${purpose}.`);
  return only;
}
