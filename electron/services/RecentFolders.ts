/**
 * The folders the user opened most recently, newest first, at most ten, persisted as
 * JSON in the app's state folder (never a source folder) and written atomically.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { RecentFolder } from '../../shared/contracts/ipc';
import { writeFileAtomic } from './writeFileAtomic';

export const MAX_RECENT_FOLDERS = 10;

export class RecentFolders {
  private readonly file: string;
  private writing: Promise<void> = Promise.resolve();

  constructor(stateDir: string) {
    this.file = path.join(stateDir, 'recent-folders.json');
  }

  async list(): Promise<RecentFolder[]> {
    await this.writing;
    try {
      const parsed: unknown = JSON.parse(await fs.promises.readFile(this.file, 'utf8'));
      if (!Array.isArray(parsed)) return [];
      return parsed
        .filter((f): f is RecentFolder => typeof f?.folder === 'string' && typeof f?.openedAt === 'string')
        .slice(0, MAX_RECENT_FOLDERS);
    } catch {
      return []; // Missing or damaged: start afresh rather than fail the app.
    }
  }

  /** Moves (or adds) `folder` to the top. Writes are serialised so none is lost. */
  add(folder: string, openedAt = new Date()): Promise<void> {
    const next = this.writing.then(async () => {
      const current = await this.readRaw();
      const folders = [{ folder, openedAt: openedAt.toISOString() }, ...current.filter((f) => f.folder !== folder)].slice(0, MAX_RECENT_FOLDERS);
      await fs.promises.mkdir(path.dirname(this.file), { recursive: true });
      await writeFileAtomic(this.file, JSON.stringify(folders, null, 2));
    });
    this.writing = next.catch(() => {});
    return next;
  }

  private async readRaw(): Promise<RecentFolder[]> {
    try {
      const parsed: unknown = JSON.parse(await fs.promises.readFile(this.file, 'utf8'));
      return Array.isArray(parsed) ? parsed.filter((f): f is RecentFolder => typeof f?.folder === 'string' && typeof f?.openedAt === 'string') : [];
    } catch {
      return [];
    }
  }
}
