/**
 * The paths of each volume's session, kept in the app's state folder (never a source folder):
 * one small versioned JSON file per series, named by a hash of its SeriesInstanceUID, written
 * atomically. A file that cannot be read is set aside (renamed, never deleted) and reported,
 * so the user loses nothing and the next save starts afresh.
 */
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { SessionPath } from '../../shared/contracts/ipc';
import { sessionPaths } from '../../shared/contracts/schemas';
import { UserError } from '../../shared/contracts/UserError';
import { writeFileAtomic } from './writeFileAtomic';

const FORMAT = 'lumen-paths';
const VERSION = 1;

interface SessionFile {
  format: typeof FORMAT;
  version: typeof VERSION;
  seriesUid: string;
  savedAt: string;
  paths: SessionPath[];
}

export class PathSessions {
  readonly dir: string;
  /** Writes of one series are serialised, so an older save never lands after a newer one. */
  private readonly writing = new Map<string, Promise<unknown>>();

  constructor(stateDir: string) {
    this.dir = path.join(stateDir, 'paths');
  }

  /** The file a series' paths live in: UIDs may hold any character, a hash never does. */
  fileFor(seriesUid: string): string {
    return path.join(this.dir, `${createHash('sha256').update(seriesUid).digest('hex').slice(0, 32)}.json`);
  }

  async load(seriesUid: string): Promise<SessionPath[]> {
    await this.writing.get(seriesUid);
    const file = this.fileFor(seriesUid);
    let text: string;
    try {
      text = await fs.promises.readFile(file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw new UserError('unreadable', `Lumen could not read the paths saved for this series (${(err as Error).message}).`, file);
    }
    const session = parseSession(text, seriesUid);
    if (typeof session !== 'string') return session.paths;
    // Time and a random tag: two damaged files never take the same name.
    const kept = `${file.slice(0, -'.json'.length)}.unreadable-${new Date().toISOString().replace(/[:.]/g, '-')}-${randomBytes(3).toString('hex')}.json`;
    await fs.promises.rename(file, kept);
    throw new UserError(
      'unreadable',
      `The paths saved for this series could not be read (${session}). The file was kept as ${path.basename(kept)} in ${this.dir}; paths drawn from now on are saved afresh.`,
      kept,
    );
  }

  save(seriesUid: string, paths: readonly SessionPath[], savedAt = new Date()): Promise<{ savedAt: string }> {
    const content: SessionFile = { format: FORMAT, version: VERSION, seriesUid, savedAt: savedAt.toISOString(), paths: [...paths] };
    const next = (this.writing.get(seriesUid) ?? Promise.resolve()).then(async () => {
      await fs.promises.mkdir(this.dir, { recursive: true });
      await writeFileAtomic(this.fileFor(seriesUid), `${JSON.stringify(content)}\n`);
      return { savedAt: content.savedAt };
    });
    const settled = next.catch(() => undefined);
    this.writing.set(seriesUid, settled);
    void settled.then(() => this.writing.get(seriesUid) === settled && this.writing.delete(seriesUid));
    return next;
  }
}

/** The session in `text`, or what is wrong with it. */
function parseSession(text: string, seriesUid: string): SessionFile | string {
  let root: unknown;
  try {
    root = JSON.parse(text);
  } catch {
    return 'it is not valid JSON';
  }
  if (typeof root !== 'object' || root === null || (root as SessionFile).format !== FORMAT) return 'it is not a Lumen paths file';
  const file = root as SessionFile;
  if (file.version !== VERSION) return `it is version ${String(file.version)}, this Lumen reads version ${VERSION}`;
  if (file.seriesUid !== seriesUid) return 'it belongs to another series';
  const parsed = sessionPaths.safeParse(file.paths);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return `path data is invalid${issue?.path.length ? ` at ${issue.path.join('.')}` : ''}: ${issue?.message ?? 'bad data'}`;
  }
  return { ...file, paths: parsed.data };
}
