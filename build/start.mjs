#!/usr/bin/env node
// `npm start [-- <folder>]`: the desktop app. Where the Electron binary could not be
// downloaded it says so in one line and points to the browser harness.
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildAll } from './build.mjs';

const root = path.resolve(fileURLToPath(new URL('..', import.meta.url)));

function electronBinary() {
  try {
    const binary = createRequire(import.meta.url)('electron');
    return typeof binary === 'string' && fs.existsSync(binary) ? binary : null;
  } catch {
    return null;
  }
}

const binary = electronBinary();
if (!binary) {
  console.error('Lumen: the Electron binary is not installed on this machine (it could not be downloaded); run `npm run web` to use Lumen in your browser instead.');
  process.exit(1);
}
await buildAll({ ifNeeded: true });
const child = spawn(binary, [root, ...process.argv.slice(2)], { stdio: 'inherit' });
child.on('exit', (code) => process.exit(code ?? 0));
