/**
 * One-off measurement: median decode time of the 512x512 CT slice in each transfer
 * syntax (after one warm-up, which also initialises the WASM codecs).
 * Run: npx tsx electron/services/pixels/measureDecodeTimes.ts
 */
import fs from 'node:fs';
import path from 'node:path';
import { readDicomHeader } from '../../../shared/dicom/readDicomHeader';
import { decodeFrame } from './decodeFrame';
import { generatedDir, readBytes } from './testData';

const RUNS = 15;

async function main(): Promise<void> {
  const files = fs.readdirSync(generatedDir).filter((f) => f.endsWith('.dcm') && !/truncated|missing|no_meta/.test(f)).sort();
  console.log('file'.padEnd(32), 'transfer syntax'.padEnd(26), 'median ms', ' min ms');
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
    console.log(name.padEnd(32), header.transferSyntaxUid.padEnd(26), times[RUNS >> 1].toFixed(1).padStart(9), times[0].toFixed(1).padStart(7));
  }
}

await main();
