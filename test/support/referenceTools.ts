/**
 * Where the real test data lives, and the reference tools used as test oracles and
 * benchmark peers (never runtime dependencies): dcmtk, GDCM, pydicom.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = path.resolve(fileURLToPath(new URL('../..', import.meta.url)));
/** `../shared/data` beside the checkout: real data nobody on the team wrote. */
export const sharedDataDir = path.resolve(repoRoot, '../shared/data');
export const hasSharedData = fs.existsSync(sharedDataDir);
export const ctChestDir = path.join(sharedDataDir, 'ct-chest/dicom');
export const ctChestSlice = path.join(ctChestDir, '000050.dcm');
export const robustnessDir = path.join(sharedDataDir, 'dicom-robustness');
export const generatedDir = path.join(robustnessDir, 'generated');
export const pydicomDir = path.join(robustnessDir, 'pydicom-testfiles');

export function walkFiles(dir: string): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? walkFiles(path.join(dir, e.name)) : [path.join(dir, e.name)]))
    .sort();
}

export function readBytes(file: string): Uint8Array {
  const b = fs.readFileSync(file);
  return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
}

/** True when `tool` runs from PATH (e.g. dcmdump, gdcmconv). */
export function hasTool(tool: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${tool}`], { encoding: 'utf8' }).status === 0;
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

/** The file decompressed to native Explicit VR Little Endian by GDCM, or undefined. */
export const gdcmRaw = (input: string): Uint8Array | undefined => toNative('gdcmconv', (i, o) => ['--raw', i, o], input);
/** The file decompressed by DCMTK's dcmdjpeg, or undefined. */
export const dcmtkDecompressJpeg = (input: string): Uint8Array | undefined => toNative('dcmdjpeg', (i, o) => [i, o], input);
