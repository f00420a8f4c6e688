import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { unzipSync } from 'fflate';
import { zipStore, type ZipEntry } from './zipStore';

const hasPython = spawnSync('python3', ['-c', 'import zipfile'], { encoding: 'utf8' }).status === 0;
const hasUnzip = spawnSync('sh', ['-c', 'command -v unzip'], { encoding: 'utf8' }).status === 0;

/** Deterministic bytes that do not compress, so a deflated entry would stand out by size too. */
function noise(length: number, seed: number): Uint8Array {
  const out = new Uint8Array(length);
  let s = seed >>> 0;
  for (let i = 0; i < length; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = s >>> 24;
  }
  return out;
}

const entries: ZipEntry[] = [
  { name: 'frame-0000.png', bytes: noise(1000, 1) },
  { name: 'frames/frame-0001.png', bytes: noise(70_000, 2) },
  { name: 'empty.txt', bytes: new Uint8Array(0) },
  { name: 'constructor', bytes: new TextEncoder().encode('a name that an object prototype also has') },
];
const modified = new Date(2024, 0, 2, 3, 4, 6);
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lumen-zip-'));
const file = path.join(dir, 'frames.zip');
fs.writeFileSync(file, zipStore(entries, modified));

afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('zipStore', () => {
  it('stores every entry uncompressed: the archive is the entries plus headers', () => {
    const size = fs.statSync(file).size;
    const payload = entries.reduce((n, e) => n + e.bytes.length, 0);
    // Local header 30 + name, central header 46 + name, end record 22; fflate adds no extra fields.
    const headers = entries.reduce((n, e) => n + 76 + 2 * e.name.length, 22);
    expect(size).toBe(payload + headers);
  });

  it('round-trips through an independent reader (fflate unzip)', () => {
    const read = unzipSync(new Uint8Array(fs.readFileSync(file)));
    expect(Object.keys(read).sort()).toEqual(entries.map((e) => e.name).sort());
    for (const e of entries) expect(read[e.name]).toEqual(e.bytes);
  });

  it.skipIf(!hasPython)('Python zipfile reads it: names, bytes, CRCs, method stored, timestamp (needs python3)', () => {
    const script = [
      'import json, sys, zipfile',
      'z = zipfile.ZipFile(sys.argv[1])',
      'bad = z.testzip()',
      'print(json.dumps({"bad": bad, "entries": [{"name": i.filename, "method": i.compress_type, "size": i.file_size, "date": list(i.date_time), "hex": z.read(i).hex()} for i in z.infolist()]}))',
    ].join('\n');
    const r = spawnSync('python3', ['-c', script, file], { encoding: 'utf8', maxBuffer: 64 * 2 ** 20 });
    expect(r.stderr).toBe('');
    const out = JSON.parse(r.stdout) as { bad: string | null; entries: { name: string; method: number; size: number; date: number[]; hex: string }[] };
    expect(out.bad).toBeNull(); // every CRC-32 matches
    expect(out.entries.map((e) => e.name)).toEqual(entries.map((e) => e.name));
    for (const [n, e] of out.entries.entries()) {
      expect(e.method).toBe(0); // ZIP_STORED
      expect(e.size).toBe(entries[n]!.bytes.length);
      expect(e.hex).toBe(Buffer.from(entries[n]!.bytes).toString('hex'));
      expect(e.date).toEqual([2024, 1, 2, 3, 4, 6]); // DOS time has 2 s resolution: 6 s survives
    }
  });

  it.skipIf(!hasUnzip)('Info-ZIP unzip -t finds no errors (needs unzip)', () => {
    const r = spawnSync('unzip', ['-t', file], { encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('No errors detected');
  });

  it('refuses duplicate, absolute and backslash names', () => {
    const bytes = new Uint8Array(1);
    expect(() => zipStore([{ name: 'a.png', bytes }, { name: 'a.png', bytes }])).toThrow(/twice/);
    expect(() => zipStore([{ name: '/etc/a.png', bytes }])).toThrow(/relative/);
    expect(() => zipStore([{ name: 'a\\b.png', bytes }])).toThrow(/relative/);
    expect(() => zipStore([{ name: '', bytes }])).toThrow(/relative/);
  });
});
