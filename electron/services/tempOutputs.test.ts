/** Temp outputs in flight are removed on demand (an interrupt), and forgotten once renamed into place. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { removeTempOutputsNow, trackTempOutput } from './tempOutputs';
import { writeFileAtomic } from './writeFileAtomic';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lumen-temp-outputs-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('tempOutputs', () => {
  it('removes tracked temp files and folders, not forgotten ones, and only once', () => {
    const file = path.join(dir, '.a.nrrd.1.tmp');
    const folder = path.join(dir, '.series.2.tmp');
    const done = path.join(dir, '.b.nrrd.3.tmp');
    fs.writeFileSync(file, 'x');
    fs.mkdirSync(folder);
    fs.writeFileSync(path.join(folder, 'slice.dcm'), 'x');
    fs.writeFileSync(done, 'x');
    trackTempOutput(file);
    trackTempOutput(folder);
    trackTempOutput(done)();
    expect(removeTempOutputsNow()).toBe(2);
    expect(fs.existsSync(file)).toBe(false);
    expect(fs.existsSync(folder)).toBe(false);
    expect(fs.existsSync(done)).toBe(true);
    expect(removeTempOutputsNow()).toBe(0);
  });

  it('an atomic write is tracked while in flight and forgotten once in place', async () => {
    const target = path.join(dir, 'out.bin');
    await writeFileAtomic(target, new Uint8Array(1024));
    expect(fs.readFileSync(target).length).toBe(1024);
    expect(removeTempOutputsNow()).toBe(0);
  });
});
