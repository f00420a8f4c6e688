#!/usr/bin/env node
// `lumen` before and after a build: the bundled CLI when out/node/cli.js exists,
// else the TypeScript source through tsx.
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';

const bundled = new URL('../out/node/cli.js', import.meta.url);
if (fs.existsSync(fileURLToPath(bundled))) {
  await import(bundled.href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import(new URL('../electron/cli/index.ts', import.meta.url).href);
}
