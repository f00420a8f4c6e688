/**
 * Lumen detection against analytic curved tubes (air and contrast, with CT-like noise, in an
 * oblique mirrored grid) and on the real chest CT: the aorta found by test/fixtures/chestAorta.ts
 * is bright, the trachea dark. The chest CT part skips without ../shared/data.
 */
import { CHEST_TRACHEA } from '../../test/fixtures/chestTrachea';
import { beforeAll, describe, expect, it } from 'vitest';
import { DicomIndexService } from '../../electron/services/DicomIndexService';
import { VolumeService } from '../../electron/services/VolumeService';
import { WorkerPool } from '../../electron/services/WorkerPool';
import { findAortaCentreline } from '../../test/fixtures/chestAorta';
import { ctChestDir, hasSharedData } from '../../test/support/referenceTools';
import { fromAxes, transformPoint } from '../math/mat4';
import { add, addScaled, cross, dot, normalize, scale, sub, type Vec3 } from '../math/vec3';
import { detectLumenKind, type LumenVolume } from './detectLumenKind';
import { samplePath } from './samplePath';

/** A tube along an arc of radius R (about the origin, in the plane of e1 and e2) from angle 0 to `sweepDeg`. */
interface ArcTube {
  R: number;
  e1: Vec3;
  e2: Vec3;
  sweepDeg: number;
  radius: number;
  lumenHu: number;
  wallHu: number;
}

const AIRWAY: ArcTube = { R: 25, e1: [1, 0, 0], e2: normalize([0, 1, 1]), sweepDeg: 150, radius: 5, lumenHu: -1000, wallHu: 40 };
/** Contrast blood as in the chest CT (≈140 HU) over soft tissue: only 100 HU apart, with the CT's noise. */
const VESSEL: ArcTube = { ...AIRWAY, lumenHu: 140 };
/** The sharp-kernel noise of the chest CT, HU (one standard deviation per voxel). */
const NOISE_SD = 80;
/** Values per station: the centre and two rings of eight. */
const PER_STATION = 17;

function arcPoint(tube: ArcTube, deg: number, R = tube.R): Vec3 {
  const a = (deg * Math.PI) / 180;
  return add(scale(tube.e1, R * Math.cos(a)), scale(tube.e2, R * Math.sin(a)));
}

/** Distance from p to the arc (the swept part of the circle). */
function distanceToArc(tube: ArcTube, p: Vec3): number {
  const normal = cross(tube.e1, tube.e2);
  const angle = (Math.atan2(dot(p, tube.e2), dot(p, tube.e1)) * 180) / Math.PI;
  const clamped = Math.min(tube.sweepDeg, Math.max(0, angle));
  const inPlane = sub(p, scale(normal, dot(p, normal)));
  const nearest = clamped === angle && Math.hypot(...inPlane) > 0 ? scale(normalize(inPlane), tube.R) : arcPoint(tube, clamped);
  return Math.hypot(...sub(p, nearest));
}

/** Seeded standard normal deviates (Box–Muller over a linear congruential generator). */
function gaussian(seed: number): () => number {
  let state = seed >>> 0;
  const uniform = (): number => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return (state + 0.5) / 2 ** 32;
  };
  return () => Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform());
}

/** The tube in a grid turned 20° about z and mirrored (left-handed), 0.8 × 0.8 × 2 mm voxels, centred on the arc (72 × 72 × 80 mm by default). */
function tubeVolume(tube: ArcTube, noiseSd: number, dimensions: [number, number, number] = [90, 90, 40], seed = 7): LumenVolume {
  const spacing: Vec3 = [0.8, 0.8, 2];
  const c = Math.cos(Math.PI / 9);
  const s = Math.sin(Math.PI / 9);
  const axes: [Vec3, Vec3, Vec3] = [scale([c, s, 0], spacing[0]), scale([s, -c, 0], spacing[1]), scale([0, 0, 1], spacing[2])];
  const centre: Vec3 = [0, 8, 8];
  let origin = centre;
  for (let a = 0; a < 3; a++) origin = addScaled(origin, axes[a]!, -(dimensions[a]! - 1) / 2);
  const ijkToLps = fromAxes(axes[0], axes[1], axes[2], origin);
  const noise = gaussian(seed);
  const voxels = new Float32Array(dimensions[0] * dimensions[1] * dimensions[2]);
  let n = 0;
  for (let k = 0; k < dimensions[2]; k++)
    for (let j = 0; j < dimensions[1]; j++)
      for (let i = 0; i < dimensions[0]; i++) voxels[n++] = (distanceToArc(tube, transformPoint(ijkToLps, [i, j, k])) < tube.radius ? tube.lumenHu : tube.wallHu) + noiseSd * noise();
  return { dimensions, voxels, ijkToLps };
}

/** Control points every 30° along the arc (at radius R, or off the axis at another radius). */
function arcPath(tube: ArcTube, R = tube.R): Vec3[] {
  return Array.from({ length: tube.sweepDeg / 30 + 1 }, (_, n) => arcPoint(tube, 30 * n, R));
}

describe('detectLumenKind on analytic tubes', () => {
  const airway = tubeVolume(AIRWAY, NOISE_SD);
  const vessel = tubeVolume(VESSEL, NOISE_SD);

  it('finds an air-filled tube dark, with the air’s value and near-full agreement, reading every station', () => {
    const detection = detectLumenKind({ volume: airway, points: arcPath(AIRWAY) });
    const stations = samplePath(arcPath(AIRWAY), { step: 1 }).samples.length;
    // The arc is 65.4 mm long (25 mm × 150°): 66 stations 1 mm apart, all inside the grid.
    expect(stations).toBe(66);
    expect(detection.samples).toBe(PER_STATION * stations);
    expect(detection.kind).toBe('dark');
    expect(Math.abs(detection.median - AIRWAY.lumenHu)).toBeLessThan(20);
    expect(detection.confidence).toBeGreaterThan(0.99);
  });

  it('finds a contrast vessel only 100 HU above its wall bright, through ±80 HU noise', () => {
    const detection = detectLumenKind({ volume: vessel, points: arcPath(VESSEL) });
    expect(detection.kind).toBe('bright');
    expect(Math.abs(detection.median - VESSEL.lumenHu)).toBeLessThan(15);
    // Trilinear samples average the noise down; a good share of them still falls under 100 HU.
    expect(detection.confidence).toBeGreaterThan(0.6);
    expect(detection.confidence).toBeLessThan(1);
  });

  it('says unknown beside the lumen (soft tissue), and when the thresholds put the vessel in between', () => {
    // 12 mm off the axis, in the plane of the arc: 7 mm outside the wall, beyond the 1.5 mm read.
    const beside = detectLumenKind({ volume: vessel, points: arcPath(VESSEL, VESSEL.R + 12) });
    expect(beside.kind).toBe('unknown');
    expect(beside.confidence).toBe(0);
    expect(Math.abs(beside.median - VESSEL.wallHu)).toBeLessThan(15);
    const strict = detectLumenKind({ volume: vessel, points: arcPath(VESSEL), brightAbove: 200 });
    expect(strict.kind).toBe('unknown');
    expect(Math.abs(strict.median - VESSEL.lumenHu)).toBeLessThan(15);
  });

  it('reads only inside the volume: a path that leaves it is judged on what is inside, one wholly outside is unknown', () => {
    // A grid 36 mm wide across the arc's 47 mm span: both ends of the path run outside it.
    const cropped = tubeVolume(AIRWAY, NOISE_SD, [45, 90, 40]);
    const detection = detectLumenKind({ volume: cropped, points: arcPath(AIRWAY) });
    expect(detection.samples).toBeGreaterThan(PER_STATION * 20);
    expect(detection.samples).toBeLessThan(PER_STATION * 60);
    expect(detection.kind).toBe('dark');
    expect(detection.confidence).toBeGreaterThan(0.99);
    const outside = detectLumenKind({ volume: airway, points: [[300, 0, 0], [320, 10, 0]] });
    expect(outside).toEqual({ kind: 'unknown', median: NaN, confidence: 0, samples: 0 });
  });

  it('refuses nonsense settings and a path that is no curve', () => {
    expect(() => detectLumenKind({ volume: airway, points: arcPath(AIRWAY), darkBelow: 100, brightAbove: -400 })).toThrow(/darkBelow/);
    expect(() => detectLumenKind({ volume: airway, points: [[0, 0, 0]] })).toThrow(/2 distinct/);
  });
});

const TRACHEA = CHEST_TRACHEA;

describe.skipIf(!hasSharedData)('detectLumenKind on the chest CT (needs ../shared/data)', () => {
  let volume: LumenVolume;
  let aorta: Vec3[];
  beforeAll(async () => {
    const pool = new WorkerPool({ size: 2 });
    try {
      const index = new DicomIndexService(pool);
      const result = await index.index(ctChestDir);
      const loaded = await new VolumeService(pool).load(index.requirePlan(result.series[0]!.uid));
      volume = loaded;
      aorta = findAortaCentreline(loaded).points.map((p) => p.lps);
    } finally {
      await pool.destroy();
    }
  }, 60_000);

  it('finds the contrast-filled aorta bright and the trachea dark', () => {
    for (const [name, points, kind] of [['aorta', aorta, 'bright'], ['trachea', TRACHEA, 'dark']] as const) {
      const started = performance.now();
      const detection = detectLumenKind({ volume, points });
      const ms = performance.now() - started;
      console.log(`[measure] ${name}: ${detection.kind}, median ${detection.median.toFixed(0)} HU, confidence ${detection.confidence.toFixed(2)}, ${detection.samples} values in ${ms.toFixed(1)} ms`);
      expect(detection.kind).toBe(kind);
      expect(detection.confidence).toBeGreaterThan(0.7);
    }
  });
});
