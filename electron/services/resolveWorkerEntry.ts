/**
 * Where the worker entry lives. Bundled (out/node/) it is lumenWorker.js beside the
 * running chunk, unpacked from asar inside a packaged app; in source mode (vitest,
 * tsx) it is a small .mjs bootstrap that loads the .ts entry through tsx.
 */
import fs from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';

export interface WorkerEntry {
  url: URL;
  execArgv: string[];
}

// Names in variables keep bundlers from rewriting `new URL(literal, import.meta.url)`.
const BUNDLED_NAME = './lumenWorker.js';
const SOURCE_BOOTSTRAP = '../workers/tsxWorkerBootstrap.mjs';

export function resolveWorkerEntry(): WorkerEntry {
  const here = import.meta.url;
  const bundled = fileURLToPath(new URL(BUNDLED_NAME, here)).replace(/app\.asar(?=[\\/])/, 'app.asar.unpacked');
  if (fs.existsSync(bundled)) return { url: pathToFileURL(bundled), execArgv: [] };
  return { url: new URL(SOURCE_BOOTSTRAP, here), execArgv: [] };
}
