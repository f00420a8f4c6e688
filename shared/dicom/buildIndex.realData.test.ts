/** buildIndex over real scans in ../shared/data (skipped when the data is absent). */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { DicomHeader } from './DicomHeader';
import type { SkippedFile } from './SeriesSummary';
import { buildIndex } from './buildIndex';
import { readDicomHeader } from './readDicomHeader';

const dataDir = path.resolve(fileURLToPath(new URL('.', import.meta.url)), '../..', '../shared/data');
const ctChest = path.join(dataDir, 'ct-chest/dicom');
const robustness = path.join(dataDir, 'dicom-robustness');

function scan(dir: string): { headers: DicomHeader[]; skipped: SkippedFile[] } {
  const headers: DicomHeader[] = [];
  const skipped: SkippedFile[] = [];
  for (const e of fs.readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!e.isFile()) continue;
    const file = path.join(e.parentPath, e.name);
    const bytes = new Uint8Array(fs.readFileSync(file));
    try {
      headers.push(readDicomHeader(bytes, file, bytes.length));
    } catch (error) {
      skipped.push({ file, reason: String(error) });
    }
  }
  return { headers, skipped };
}

describe.skipIf(!fs.existsSync(ctChest))('buildIndex on the real chest CT (needs ../shared/data)', () => {
  it('is one 99-slice volume with 3 mm spacing, axial, no warnings', () => {
    const { headers } = scan(ctChest);
    const { result, plans } = buildIndex({ folder: ctChest, headers, skipped: [], elapsedSeconds: 0 });
    expect(result.series).toHaveLength(1);
    const s = result.series[0];
    expect(s.kind).toBe('volume');
    expect(s.dimensions).toEqual([512, 512, 99]);
    expect(s.spacing[0]).toBeCloseTo(0.564, 2);
    expect(s.spacing[2]).toBeCloseTo(3, 2);
    expect(s.warnings).toEqual([]);
    const plan = plans.get(s.uid)!;
    const zs = plan.frames.map((f) => f.position![2]);
    expect(zs).toEqual([...zs].sort((a, b) => a - b));
    // The volume's last slice sits exactly at the last IPP.
    expect(s.ijkToLps![11] + 98 * s.ijkToLps![10]).toBeCloseTo(zs[98], 3);
  });
});

describe.skipIf(!fs.existsSync(robustness))('buildIndex on the robustness corpus (needs ../shared/data)', () => {
  it('indexes every readable header into some series without throwing', () => {
    const { headers, skipped } = scan(robustness);
    const { result, plans } = buildIndex({ folder: robustness, headers, skipped, elapsedSeconds: 0 });
    const filesInSeries = result.series.reduce((n, s) => n + s.files, 0);
    expect(filesInSeries).toBe(headers.length);
    expect(plans.size).toBe(result.series.length);
    const kinds = new Set(result.series.map((s) => s.kind));
    expect(kinds.has('non-image')).toBe(true);
    expect(kinds.has('image') || kinds.has('volume')).toBe(true);
    // Lossy variants of the chest slice say so.
    expect(result.series.some((s) => s.warnings.some((w) => w.startsWith('Lossy compressed')))).toBe(true);
    for (const s of result.series) {
      expect(s.warnings.every((w) => w.length > 10 && !/undefined|NaN/.test(w))).toBe(true);
    }
  });
});
