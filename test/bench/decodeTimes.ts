/**
 * Median decode time of the 512×512 chest slice in each transfer syntax of
 * ../shared/data/dicom-robustness/generated (after one warm-up, which also initialises
 * the WASM codecs), in this process, without the worker pool.
 */
import fs from 'node:fs';
import path from 'node:path';
import { readDicomHeader } from '../../shared/dicom/readDicomHeader';
import { decodeFrame } from '../../electron/services/pixels/decodeFrame';
import { generatedDir, readBytes } from '../support/referenceTools';

const RUNS = 15;

export async function measureDecodeTimes(): Promise<{ file: string; transferSyntax: string; medianMs: number }[]> {
  if (!fs.existsSync(generatedDir)) return [];
  const files = fs.readdirSync(generatedDir).filter((f) => f.endsWith('.dcm') && !/truncated|missing|no_meta/.test(f)).sort();
  const out: { file: string; transferSyntax: string; medianMs: number }[] = [];
  for (const name of files) {
    const bytes = readBytes(path.join(generatedDir, name));
    const header = readDicomHeader(bytes, name, bytes.length);
    await decodeFrame(bytes, header, 0);
    const times: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const t0 = performance.now();
      await decodeFrame(bytes, header, 0);
      times.push(performance.now() - t0);
    }
    times.sort((a, b) => a - b);
    out.push({ file: name, transferSyntax: header.transferSyntaxUid, medianMs: times[RUNS >> 1] });
  }
  return out;
}
