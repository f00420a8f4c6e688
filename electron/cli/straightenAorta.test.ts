/**
 * `lumen straighten` on the real chest CT along the aorta: ascending aorta, arch and
 * descending aorta, found by test/fixtures/chestAorta.ts (round contrast lumens tracked
 * slice to slice, the arch as the widest blood channel joining them). A straightened
 * aorta is a contrast-filled disc centred in every slice, walled by tissue or lung.
 * Skips without ../shared/data.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeMarkups } from '../../shared/io/markups';
import { readNrrd } from '../../shared/io/nrrd';
import type { VolumeImage } from '../../shared/io/VolumeImage';
import { findAortaCentreline, type AortaCentreline } from '../../test/fixtures/chestAorta';
import { ctChestDir, hasSharedData } from '../../test/support/referenceTools';
import { DicomIndexService } from '../services/DicomIndexService';
import { VolumeService } from '../services/VolumeService';
import { WorkerPool } from '../services/WorkerPool';
import { runCli } from './runCli';

/** Contrast blood in this series reads ≈140 HU; soft tissue ≈40, fat ≈ −100, lung ≈ −850. */
const CONTRAST_HU = 100;
/** Half-way between blood and soft tissue: where the lumen ends. */
const WALL_HU = 90;
const SPACING = 0.564453125;
/** Slice step along the path, mm. */
const STEP = 2;

describe.skipIf(!hasSharedData)('lumen straighten on the chest CT along the aorta (needs ../shared/data)', () => {
  let tmp: string;
  let aorta: AortaCentreline;
  beforeAll(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lumen-aorta-straighten-'));
    const pool = new WorkerPool({ size: 2 });
    try {
      const index = new DicomIndexService(pool);
      const result = await index.index(ctChestDir);
      const volume = await new VolumeService(pool).load(index.requirePlan(result.series[0]!.uid));
      const started = performance.now();
      aorta = findAortaCentreline(volume);
      console.log(
        `[measure] aorta centre line found in ${((performance.now() - started) / 1000).toFixed(2)} s: ${aorta.lengthMm.toFixed(0)} mm ` +
          `(ascending ${aorta.parts.ascendingMm.toFixed(0)}, arch ${aorta.parts.archMm.toFixed(0)}, descending ${aorta.parts.descendingMm.toFixed(0)}), ` +
          `${aorta.points.length} control points, arch channel radius ${aorta.archBottleneckMm.toFixed(1)} mm`,
      );
    } finally {
      await pool.destroy();
    }
  }, 60_000);
  afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('finds the aorta from the ascending aorta over the arch down the descending aorta', () => {
    const pts = aorta.points.map((p) => p.lps);
    expect(aorta.lengthMm).toBeGreaterThan(300);
    expect(aorta.parts.descendingMm).toBeGreaterThan(150);
    expect(aorta.parts.ascendingMm).toBeGreaterThan(30);
    // Every control point sits in contrast blood, in a lumen of aortic calibre (the aortic
    // root, where valve cusps cut the lumen, and the abdominal aorta are the narrowest).
    for (const p of aorta.points) {
      expect(p.hu).toBeGreaterThan(CONTRAST_HU);
      expect(p.radiusMm).toBeGreaterThan(5);
      expect(p.radiusMm).toBeLessThan(20);
    }
    const radii = aorta.points.map((p) => p.radiusMm).sort((a, b) => a - b);
    expect(radii[Math.floor(radii.length / 2)]).toBeGreaterThan(8);
    // Continuous: evenly spaced control points, no sharp turns.
    for (let i = 1; i < pts.length; i++) {
      const d = Math.hypot(...pts[i]!.map((x, c) => x - pts[i - 1]![c]!));
      expect(d).toBeGreaterThan(10);
      expect(d).toBeLessThan(20);
      if (i >= 2) {
        const a = pts[i - 1]!.map((x, c) => x - pts[i - 2]![c]!);
        const b = pts[i]!.map((x, c) => x - pts[i - 1]![c]!);
        const cos = a.reduce((s, x, c) => s + x * b[c]!, 0) / (Math.hypot(...a) * Math.hypot(...b));
        expect(Math.acos(cos) * (180 / Math.PI)).toBeLessThan(60);
      }
    }
    // A candy cane: the arch top is the highest point, well inside the path; the aorta rises
    // from the heart in front (LPS y is posterior) and descends behind.
    const z = pts.map((p) => p[2]);
    const top = z.indexOf(Math.max(...z));
    expect(top).toBeGreaterThan(2);
    expect(top).toBeLessThan(pts.length - 3);
    expect(z[top]! - z[0]!).toBeGreaterThan(40);
    expect(z[top]! - z[pts.length - 1]!).toBeGreaterThan(150);
    expect(pts[1]![1]).toBeLessThan(pts[top + 3]![1] - 30);
  });

  it('straightens the aorta into a centred contrast-filled lumen with walls around it', async () => {
    const curve = path.join(tmp, 'aorta.mrk.json');
    fs.writeFileSync(curve, writeMarkups([{ name: 'Aorta', closed: false, points: aorta.points.map((p) => p.lps) }], 'RAS'));
    const out = path.join(tmp, 'out');
    let stdout = '';
    let stderr = '';
    const code = await runCli(
      ['straighten', ctChestDir, '--path', curve, '--out', out, '--size', '128x128', '--step', String(STEP), '--projection', 'mip,minip', '--json'],
      { stdout: { write: (s: string) => (stdout += s) }, stderr: { write: (s: string) => (stderr += s) }, isTTY: false },
      { pool: { size: 2 } },
    );
    expect(code, stderr).toBe(0);
    const summary = JSON.parse(stdout) as { path: { length: number }; timings: Record<string, number> };
    const v = readNrrd(fs.readFileSync(path.join(out, 'straightened.nrrd')));
    const [c, r, k] = v.dimensions;
    expect([c, r]).toEqual([128, 128]);
    expect(k).toBe(Math.floor(summary.path.length / STEP) + 1);

    const stats = sliceStats(v);
    const frac = (f: (s: SliceStats) => boolean) => stats.filter(f).length / k;
    const centreContrast = frac((s) => s.centreMean > CONTRAST_HU);
    // 25 mm out, most directions leave the lumen: wall, fat, lung, spine. Not all: the pulmonary
    // artery and the heart hug the ascending aorta, enhancing kidneys and bone the abdominal one.
    const walled = frac((s) => s.notContrastAt25 >= 9);
    const centred = frac((s) => s.offsetMm < 3);
    const aorticRadius = frac((s) => s.radiusMm >= 7 && s.radiusMm <= 20);
    console.log(
      `[measure] aorta straightened ${c}×${r}×${k} (${summary.path.length.toFixed(0)} mm) in ${JSON.stringify(summary.timings)}: ` +
        `centre contrast ${pct(centreContrast)}, most directions not contrast at 25 mm ${pct(walled)}, centred within 3 mm ${pct(centred)}, ` +
        `lumen radius 7–20 mm ${pct(aorticRadius)} (median ${median(stats.map((s) => s.radiusMm)).toFixed(1)} mm), ` +
        `lumen centre offset median ${median(stats.map((s) => s.offsetMm)).toFixed(1)} mm, 90th percentile ${quantile(stats.map((s) => s.offsetMm), 0.9).toFixed(1)} mm`,
    );
    expect(centreContrast).toBeGreaterThan(0.95);
    expect(walled).toBeGreaterThan(0.9);
    expect(centred).toBeGreaterThan(0.8);
    // A path 3 mm off the lumen's axis measures a median offset of 2.9 mm here.
    expect(median(stats.map((s) => s.offsetMm))).toBeLessThan(1.5);
    expect(aorticRadius).toBeGreaterThan(0.9);

    // Projections along the rows (across the path), image columns × slices: each pixel is the
    // max / min over its row line of the valid straightened voxels (NaN where none is valid).
    // Beside the thoracic aorta the MinIP finds lung.
    const mask = readNrrd(fs.readFileSync(path.join(out, 'straightened-mask.nrrd'))).voxels;
    const mip = readNrrd(fs.readFileSync(path.join(out, 'projection-mip.nrrd')));
    const minip = readNrrd(fs.readFileSync(path.join(out, 'projection-minip.nrrd')));
    expect(fs.existsSync(path.join(out, 'projection-mip.png'))).toBe(true);
    expect(fs.existsSync(path.join(out, 'projection-minip.png'))).toBe(true);
    expect(mip.dimensions).toEqual([c, k, 1]);
    expect(minip.dimensions).toEqual([c, k, 1]);
    let worst = 0;
    let lung = 0;
    for (let s = 0; s < k; s++) {
      let lowest = Infinity;
      for (let i = 0; i < c; i++) {
        let hi = -Infinity;
        let lo = Infinity;
        for (let j = 0; j < r; j++) {
          const n = i + c * (j + r * s);
          if (!mask[n]) continue;
          hi = Math.max(hi, v.voxels[n]!);
          lo = Math.min(lo, v.voxels[n]!);
        }
        const gotHi = mip.voxels[i + c * s]!;
        const gotLo = minip.voxels[i + c * s]!;
        if (hi === -Infinity) {
          expect(Number.isNaN(gotHi) && Number.isNaN(gotLo)).toBe(true);
          continue;
        }
        worst = Math.max(worst, Math.abs(gotHi - hi), Math.abs(gotLo - lo));
        lowest = Math.min(lowest, gotLo);
      }
      if (lowest < -500) lung++;
    }
    console.log(`[measure] aorta MIP/MinIP vs the straightened voxels: max |difference| ${worst} HU; MinIP reaches lung in ${pct(lung / k)} of rows`);
    expect(worst).toBeLessThan(1e-3);
    expect(lung / k).toBeGreaterThan(0.5);
  }, 60_000);
});

interface SliceStats {
  /** Mean HU within 5 mm of the path point. */
  centreMean: number;
  /** Of 16 directions, how many read below contrast 23–27 mm out. */
  notContrastAt25: number;
  /** Median distance from the centre to the lumen edge over 16 directions, mm. */
  radiusMm: number;
  /**
   * How far the lumen's centre lies from the path point, mm. Rays from a point d off the centre
   * of a circle meet its edge at r(θ) with r(θ) − r(θ + π) = 2d·cos(θ − φ), so the mean of the
   * edge vectors over equally spaced rays is d/2 towards the centre: twice it is d.
   */
  offsetMm: number;
}

const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
const quantile = (xs: number[], q: number) => [...xs].sort((a, b) => a - b)[Math.floor(q * (xs.length - 1))]!;
const median = (xs: number[]) => quantile(xs, 0.5);

/**
 * Per straightened slice. Values away from the centre are means over 5×5 pixels and three
 * neighbouring slices (±STEP mm), which brings this sharp kernel's ±80 HU noise to about ±10 HU,
 * far below the 50 HU between blood and the lumen-edge threshold.
 */
function sliceStats(v: VolumeImage): SliceStats[] {
  const [c, r, k] = v.dimensions;
  const cu = (c - 1) / 2;
  const cv = (r - 1) / 2;
  const at = (i: number, j: number, s: number) => v.voxels[i + c * (j + r * s)]!;
  const smooth = (du: number, dv: number, s: number) => {
    const i0 = Math.round(cu + du / SPACING);
    const j0 = Math.round(cv + dv / SPACING);
    let sum = 0;
    let n = 0;
    for (let ss = Math.max(0, s - 1); ss <= Math.min(k - 1, s + 1); ss++) {
      for (let j = Math.max(0, j0 - 2); j <= Math.min(r - 1, j0 + 2); j++) {
        for (let i = Math.max(0, i0 - 2); i <= Math.min(c - 1, i0 + 2); i++) {
          sum += at(i, j, ss);
          n++;
        }
      }
    }
    return sum / n;
  };
  const dirs = Array.from({ length: 16 }, (_, n) => [Math.cos((n * Math.PI) / 8), Math.sin((n * Math.PI) / 8)] as const);
  const out: SliceStats[] = [];
  for (let s = 0; s < k; s++) {
    let sum = 0;
    let n = 0;
    const reach = Math.ceil(5 / SPACING);
    for (let j = Math.floor(cv) - reach; j <= Math.ceil(cv) + reach; j++) {
      for (let i = Math.floor(cu) - reach; i <= Math.ceil(cu) + reach; i++) {
        if (Math.hypot(i - cu, j - cv) * SPACING < 5) {
          sum += at(i, j, s);
          n++;
        }
      }
    }
    let notContrast = 0;
    let ex = 0;
    let ey = 0;
    const edges: number[] = [];
    for (const [dx, dy] of dirs) {
      let ring = 0;
      for (let d = 23; d <= 27; d += 1) ring += smooth(d * dx, d * dy, s) / 5;
      if (ring < CONTRAST_HU) notContrast++;
      let edge = 30;
      for (let d = 0; d <= 30; d += 0.5) {
        if (smooth(d * dx, d * dy, s) < WALL_HU) {
          edge = d;
          break;
        }
      }
      edges.push(edge);
      ex += (edge * dx) / dirs.length;
      ey += (edge * dy) / dirs.length;
    }
    edges.sort((a, b) => a - b);
    out.push({ centreMean: sum / n, notContrastAt25: notContrast, radiusMm: (edges[7]! + edges[8]!) / 2, offsetMm: 2 * Math.hypot(ex, ey) });
  }
  return out;
}
