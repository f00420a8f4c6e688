/**
 * Which kind of lumen a path runs through, read from the volume around its centre line: dark
 * (air: airway, colon) or bright (contrast-filled vessel), so the flythrough and "snap to centre"
 * can start on the right kind without asking. A drawn path sits near the lumen's axis, so the
 * values within a millimetre or two of it are lumen; their median is robust to the few samples
 * that graze a wall and to a sharp kernel's noise. CT only: the thresholds are Hounsfield units
 * (air ≈ −1000, lung ≈ −850, fat ≈ −100, soft tissue ≈ 40, contrast blood ≈ 150–400).
 */
import { invertAffine, transformPoint } from '../math/mat4';
import { addScaled, type Vec3 } from '../math/vec3';
import { sampleVolume, type VoxelGrid } from '../reformat/reslicePlane';
import type { CurveInterpolation } from './interpolateCurve';
import { samplePath } from './samplePath';
import type { LumenContrast } from './snapToCentre';

export interface LumenVolume extends VoxelGrid {
  /** (i, j, k, 1) → LPS mm, row-major 4x4. */
  ijkToLps: readonly number[];
}

export interface DetectLumenRequest {
  volume: LumenVolume;
  /** The path's control points, LPS mm. */
  points: readonly Vec3[];
  closed?: boolean;
  /** Default 'catmull-rom', as the path is drawn. */
  interpolation?: CurveInterpolation;
  /** Values are read out to this distance from the centre line, mm. Default 1.5. */
  radiusMm?: number;
  /** Between stations along the path, mm. Default 1. */
  stepMm?: number;
  /** A median below this is a dark lumen. Default −400 HU: air and lung, not fat. */
  darkBelow?: number;
  /** A median above this is a bright lumen. Default 100 HU: contrast blood, not soft tissue. */
  brightAbove?: number;
}

export interface LumenDetection {
  /** 'unknown' when the median lies between the thresholds, or nothing along the path lies inside the volume. */
  kind: LumenContrast | 'unknown';
  /** Median of the values read (volume units); NaN when none was read. */
  median: number;
  /** Share of the values on the detected kind's side of its threshold, 0.5–1; 0 when unknown. */
  confidence: number;
  /** Values read inside the volume. */
  samples: number;
}

export const DARK_LUMEN_BELOW_HU = -400;
export const BRIGHT_LUMEN_ABOVE_HU = 100;
/** Directions around each ring; with the centre and two rings, 17 values per station. */
const RING_DIRECTIONS = 8;
/** Keeps a long path at a fine step cheap. */
const MAX_STATIONS = 4000;

/**
 * Dark, bright or unknown, from the values within `radiusMm` of the path's centre line. Throws,
 * as samplePath does, for a path that is no curve (fewer than two distinct points).
 */
export function detectLumenKind(request: DetectLumenRequest): LumenDetection {
  const { volume, points } = request;
  const radius = request.radiusMm ?? 1.5;
  const darkBelow = request.darkBelow ?? DARK_LUMEN_BELOW_HU;
  const brightAbove = request.brightAbove ?? BRIGHT_LUMEN_ABOVE_HU;
  if (!(radius >= 0) || !(darkBelow < brightAbove)) throw new Error(`lumen detection needs a radius ≥ 0 and darkBelow < brightAbove (got ${radius}, ${darkBelow}, ${brightAbove})`);
  const values = centrelineValues(volume, points, request, radius);
  const unknown: LumenDetection = { kind: 'unknown', median: NaN, confidence: 0, samples: values.length };
  if (values.length === 0) return unknown;
  values.sort((a, b) => a - b);
  const middle = values.length >> 1;
  const median = values.length % 2 ? values[middle]! : (values[middle - 1]! + values[middle]!) / 2;
  const share = (inside: (v: number) => boolean): number => values.filter(inside).length / values.length;
  if (median < darkBelow) return { kind: 'dark', median, confidence: share((v) => v < darkBelow), samples: values.length };
  if (median > brightAbove) return { kind: 'bright', median, confidence: share((v) => v > brightAbove), samples: values.length };
  return { ...unknown, median };
}

/**
 * Trilinear values at each station of the curve: on the centre line and on two rings (half and full
 * radius) in the plane across the path. Outside the volume nothing is read.
 */
function centrelineValues(volume: LumenVolume, points: readonly Vec3[], request: DetectLumenRequest, radius: number): number[] {
  const lpsToIjk = invertAffine([...volume.ijkToLps]);
  const values: number[] = [];
  const read = (p: Vec3): void => {
    const [i, j, k] = transformPoint(lpsToIjk, p);
    const value = sampleVolume(volume, [i, j, k], 'linear');
    if (Number.isFinite(value)) values.push(value);
  };
  const shape = { closed: request.closed, interpolation: request.interpolation };
  const step = request.stepMm ?? 1;
  let sampled = samplePath(points, { ...shape, step });
  if (sampled.samples.length > MAX_STATIONS) sampled = samplePath(points, { ...shape, step: sampled.length / MAX_STATIONS });
  for (const { point, normal, binormal } of sampled.samples) {
    read(point);
    for (const r of radius > 0 ? [radius / 2, radius] : []) {
      for (let n = 0; n < RING_DIRECTIONS; n++) {
        const angle = (2 * Math.PI * n) / RING_DIRECTIONS;
        read(addScaled(addScaled(point, normal, r * Math.cos(angle)), binormal, r * Math.sin(angle)));
      }
    }
  }
  return values;
}
