/** Test helper: the shared real-data folder (../shared/data from the repo root) and file walking. */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = path.resolve(fileURLToPath(new URL('.', import.meta.url)), '../../..');
export const dataDir = path.resolve(repoRoot, '../shared/data');
export const robustnessDir = path.join(dataDir, 'dicom-robustness');
export const generatedDir = path.join(robustnessDir, 'generated');
export const pydicomDir = path.join(robustnessDir, 'pydicom-testfiles');
export const ctChestSlice = path.join(dataDir, 'ct-chest/dicom/000050.dcm');

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
