#!/usr/bin/env node
// `npm run web -- --port <P> --folder <F>`: build if needed, then start the real
// main-process services behind the loopback WebSocket transport and serve the renderer.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildAll } from './build.mjs';

const root = path.resolve(fileURLToPath(new URL('..', import.meta.url)));
const args = process.argv.slice(2).filter((a) => a !== '--dev');
await buildAll({ ifNeeded: true });
const child = spawn(process.execPath, [path.join(root, 'out/node/webMain.js'), ...args], { stdio: 'inherit' });
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
