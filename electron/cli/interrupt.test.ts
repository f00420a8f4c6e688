/**
 * Ctrl+C on `lumen`: the process stops at once with exit code 130 and a plain message,
 * and leaves no half-written output (no temp file) behind. Runs the real command (bin/lumen.mjs).
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { writeRotationalRun } from '../../test/fixtures/rotationalRun';
import { repoRoot } from '../../test/support/referenceTools';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lumen-interrupt-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe('lumen interrupted (SIGINT)', () => {
  it('stops a long reconstruction with exit code 130, a message, and nothing written', async () => {
    const run = writeRotationalRun({ dir: path.join(tmp, 'run'), frames: 60, detector: [128, 128] });
    const outDir = path.join(tmp, 'out');
    fs.mkdirSync(outDir);
    // 512³ voxels: seconds of backprojection, so the interrupt lands while it works.
    const child = spawn(process.execPath, [path.join(repoRoot, 'bin/lumen.mjs'), 'reconstruct', run.file, '--out', path.join(outDir, 'volume.nrrd'), '--size', '512x512x512', '--spacing', '0.5'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    setTimeout(() => child.kill('SIGINT'), 1500);
    const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
    expect(code, stderr).toBe(130);
    expect(stderr).toMatch(/lumen: interrupted/);
    expect(fs.readdirSync(outDir)).toEqual([]);
  }, 60_000);
});
