/**
 * The temp files and folders of writes in flight, before they are renamed into place. A
 * process interrupted mid-write (Ctrl+C on the `lumen` command) removes them, so nothing
 * half-written is left beside the user's outputs.
 */
import fs from 'node:fs';

const inFlight = new Set<string>();

/** Registers a temp path; the returned function forgets it (renamed or removed). */
export function trackTempOutput(tempPath: string): () => void {
  inFlight.add(tempPath);
  return () => inFlight.delete(tempPath);
}

/** Removes every temp path still in flight, synchronously (from a signal handler); returns how many. */
export function removeTempOutputsNow(): number {
  let removed = 0;
  for (const tempPath of inFlight) {
    try {
      fs.rmSync(tempPath, { recursive: true, force: true });
      removed++;
    } catch {
      // Best effort: the process is going down.
    }
  }
  inFlight.clear();
  return removed;
}
