import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const hasClang = spawnSync('clang', ['--version']).status === 0 && spawnSync('wasm-ld', ['--version']).status === 0;

describe('backprojectWasm.ts', () => {
  // CI has no clang: there the committed module is trusted, and WasmBackprojector.test.ts checks its behaviour.
  it.skipIf(!hasClang)('is the build of backproject.c (node build/buildWasm.mjs --check)', () => {
    const run = spawnSync(process.execPath, [path.join(root, 'build/buildWasm.mjs'), '--check'], { encoding: 'utf8' });
    expect(run.stdout).toContain('shared/recon/wasm/backprojectWasm.ts is up to date');
    expect(run.status).toBe(0);
  });
});
