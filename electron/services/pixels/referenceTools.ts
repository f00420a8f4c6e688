/**
 * Test oracles: decompress a file to native Explicit VR Little Endian with GDCM
 * (gdcmconv --raw) or DCMTK (dcmdjpeg), so Lumen's decoders can be compared with
 * independent implementations. Each returns undefined when the tool is missing or fails.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export function hasTool(name: string): boolean {
  return spawnSync('which', [name]).status === 0;
}

function toNative(tool: string, args: (input: string, output: string) => string[], input: string): Uint8Array | undefined {
  if (!hasTool(tool)) return undefined;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lumen-ref-'));
  try {
    const out = path.join(dir, 'native.dcm');
    const r = spawnSync(tool, args(input, out), { encoding: 'utf8' });
    if (r.status !== 0 || !fs.existsSync(out)) return undefined;
    return new Uint8Array(fs.readFileSync(out));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

export const gdcmRaw = (input: string): Uint8Array | undefined => toNative('gdcmconv', (i, o) => ['--raw', i, o], input);
export const dcmtkDecompressJpeg = (input: string): Uint8Array | undefined => toNative('dcmdjpeg', (i, o) => [i, o], input);
