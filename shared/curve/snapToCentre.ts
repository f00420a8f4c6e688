/**
 * "Snap to centre": moves a path point to the centroid of the lumen around it, in the plane
 * perpendicular to the path there, so a roughly placed point lands on the vessel's or airway's
 * axis and stays at the same place along the path.
 *
 * The plane is resampled (reslicePlane, trilinear) at half the finest voxel spacing so the
 * centroid is sub-voxel. The lumen's level is read near the point (a high percentile for a
 * bright, contrast-filled lumen; a low one for a dark, air-filled one); its wall's level is the
 * most opposite value met on rays cast out from the point (for an airway: the soft-tissue wall,
 * not the lung beyond it). The threshold lies halfway between, unless the caller gives one. The
 * connected region over the threshold that holds the point (or lies nearest to it) is the lumen;
 * it must close within `maxRadiusMm`, else it leaks into its surroundings and the snap is refused.
 */
import { invertAffine, multiply, type Mat4 } from '../math/mat4';
import { addScaled, distance, type Vec3 } from '../math/vec3';
import { reslicePlane, type VoxelGrid } from '../reformat/reslicePlane';
import { interpolateCurve, DUPLICATE_POINT_TOLERANCE_MM } from './interpolateCurve';
import { unitTangentAt } from './cubicSegment';
import { binormalOf, initialNormal } from './rotationMinimizingFrames';

/** Bright: contrast-filled vessel (above its wall). Dark: air (below its wall). */
export type LumenContrast = 'bright' | 'dark';

export interface SnapVolume extends VoxelGrid {
  /** (i, j, k, 1) → LPS mm, row-major 4x4. */
  ijkToLps: Mat4;
}

export interface SnapRequest {
  volume: SnapVolume;
  /** LPS mm. */
  point: Vec3;
  /** Path direction at the point (any length > 0). */
  tangent: Vec3;
  lumen: LumenContrast;
  /** A fixed threshold in volume units (HU for CT); default halfway between lumen and wall. */
  threshold?: number;
  /** The lumen must close within this distance of the point, mm. Default 15. */
  maxRadiusMm?: number;
  /** Least difference between lumen and wall, volume units, for a lumen to count. Default 100 (HU). */
  minContrast?: number;
}

export type SnapResult =
  | {
      ok: true;
      /** The lumen's centroid, LPS mm, in the plane through the point ⟂ the tangent. */
      point: Vec3;
      movedMm: number;
      /** Cross-section area of the lumen, mm², and the diameter of a circle of that area. */
      areaMm2: number;
      diameterMm: number;
      threshold: number;
    }
  | { ok: false; reason: string };

export const DEFAULT_SNAP_RADIUS_MM = 15;
const DEFAULT_MIN_CONTRAST = 100;
/** The lumen level is read within this fraction of the search radius around the point. */
const LEVEL_RADIUS_FRACTION = 1 / 3;
/** Percentile (from the lumen side) that stands for the lumen's level: robust to a few noisy pixels. */
const LEVEL_PERCENTILE = 0.9;
const RAYS = 32;
/** Keeps one snap cheap (≤ 401² samples) however large the radius or fine the voxels. */
const MAX_SIDE_PIXELS = 401;

export function snapToCentre(request: SnapRequest): SnapResult {
  const { volume, point, lumen } = request;
  const radius = request.maxRadiusMm ?? DEFAULT_SNAP_RADIUS_MM;
  if (!(radius > 0)) return { ok: false, reason: 'the search radius must be a positive number of mm' };
  const tangentLength = Math.hypot(...request.tangent);
  if (!(tangentLength > 0) || !point.every(Number.isFinite)) return { ok: false, reason: 'the path has no direction at this point' };
  const tangent: Vec3 = [request.tangent[0] / tangentLength, request.tangent[1] / tangentLength, request.tangent[2] / tangentLength];

  const plane = samplePlane(volume, point, tangent, radius);
  const { size, pixelMm, values, inside } = plane;
  const centre = (size - 1) / 2;
  const sign = lumen === 'bright' ? 1 : -1;
  const radiusPx = radius / pixelMm;
  const distPx = (n: number): number => Math.hypot((n % size) - centre, Math.floor(n / size) - centre);

  const near: number[] = [];
  for (let n = 0; n < values.length; n++) if (inside[n] && distPx(n) <= radiusPx * LEVEL_RADIUS_FRACTION) near.push(sign * values[n]!);
  if (near.length === 0) return { ok: false, reason: 'the point lies outside the volume' };
  near.sort((a, b) => a - b);
  const lumenLevel = sign * near[Math.min(near.length - 1, Math.floor(LEVEL_PERCENTILE * near.length))]!;
  const wallLevel = wallLevelAround(plane, sign, radiusPx);
  const contrast = sign * (lumenLevel - wallLevel);
  const minContrast = request.minContrast ?? DEFAULT_MIN_CONTRAST;
  if (request.threshold === undefined && !(contrast >= minContrast)) {
    return { ok: false, reason: `no ${lumen} lumen within ${formatMm(radius * LEVEL_RADIUS_FRACTION)} mm of the point (it differs from its surroundings by ${Math.max(0, contrast).toFixed(0)}, less than ${minContrast})` };
  }
  const threshold = request.threshold ?? (lumenLevel + wallLevel) / 2;
  const isLumen = (n: number): boolean => inside[n] === 1 && sign * (values[n]! - threshold) > 0;

  const seed = nearestLumenPixel(size, radiusPx, isLumen);
  if (seed < 0) return { ok: false, reason: `no ${lumen} lumen (${lumen === 'bright' ? 'above' : 'below'} ${threshold.toFixed(0)}) within ${formatMm(radius)} mm of the point` };
  const region = floodFill(size, seed, isLumen);
  let sumC = 0;
  let sumR = 0;
  for (const n of region) {
    if (distPx(n) > radiusPx) return { ok: false, reason: `the lumen does not close within ${formatMm(radius)} mm of the point: it leaks into its surroundings (try a ${lumen === 'bright' ? 'higher' : 'lower'} threshold, or place the point by hand)` };
    sumC += n % size;
    sumR += Math.floor(n / size);
  }
  const centroid: Vec3 = pixelToWorld(plane, sumC / region.length, sumR / region.length);
  const areaMm2 = region.length * pixelMm * pixelMm;
  return { ok: true, point: centroid, movedMm: distance(point, centroid), areaMm2, diameterMm: 2 * Math.sqrt(areaMm2 / Math.PI), threshold };
}

/**
 * Unit tangent of the path's centripetal Catmull-Rom curve at control point `index` (the curve
 * the slice views draw), or null when the path has fewer than two distinct points.
 */
export function controlPointTangent(points: readonly Vec3[], index: number, closed: boolean): Vec3 | null {
  // interpolateCurve drops repeated points: find which distinct point `index` is.
  let distinctIndex = -1;
  for (let i = 0; i <= index && i < points.length; i++) {
    if (i === 0 || distance(points[i - 1]!, points[i]!) > DUPLICATE_POINT_TOLERANCE_MM) distinctIndex++;
  }
  try {
    const segments = interpolateCurve(points, { interpolation: 'catmull-rom', closed });
    if (distinctIndex >= segments.length) return unitTangentAt(segments[segments.length - 1]!, 1);
    return unitTangentAt(segments[Math.max(0, distinctIndex)]!, 0);
  } catch {
    return null;
  }
}

interface SampledPlane {
  size: number;
  pixelMm: number;
  values: Float32Array;
  inside: Uint8Array;
  sliceToWorld: Mat4;
}

/** A square of the plane ⟂ `tangent`, centred on `point` (the centre pixel is the point), reaching a little past `radius`. */
function samplePlane(volume: SnapVolume, point: Vec3, tangent: Vec3, radius: number): SampledPlane {
  const m = volume.ijkToLps;
  const finest = Math.min(Math.hypot(m[0]!, m[4]!, m[8]!), Math.hypot(m[1]!, m[5]!, m[9]!), Math.hypot(m[2]!, m[6]!, m[10]!));
  let pixelMm = finest / 2;
  let half = Math.ceil(radius / pixelMm) + 2;
  if (2 * half + 1 > MAX_SIDE_PIXELS) {
    half = (MAX_SIDE_PIXELS - 1) / 2;
    pixelMm = radius / (half - 2);
  }
  const size = 2 * half + 1;
  const u = initialNormal(tangent);
  const v = binormalOf(tangent, u);
  const origin = addScaled(addScaled(point, u, -half * pixelMm), v, -half * pixelMm);
  const sliceToWorld: Mat4 = [
    u[0] * pixelMm, v[0] * pixelMm, tangent[0], origin[0],
    u[1] * pixelMm, v[1] * pixelMm, tangent[1], origin[1],
    u[2] * pixelMm, v[2] * pixelMm, tangent[2], origin[2],
    0, 0, 0, 1,
  ];
  const inside = new Uint8Array(size * size);
  const { pixels } = reslicePlane(volume, { columns: size, rows: size, sliceToIjk: multiply(invertAffine(m), sliceToWorld), interpolation: 'linear', background: 0, mask: inside });
  return { size, pixelMm, values: pixels, inside, sliceToWorld };
}

function pixelToWorld(plane: SampledPlane, column: number, row: number): Vec3 {
  const m = plane.sliceToWorld;
  return [m[0]! * column + m[1]! * row + m[3]!, m[4]! * column + m[5]! * row + m[7]!, m[8]! * column + m[9]! * row + m[11]!];
}

/**
 * The wall's level: on each ray from the point out to the radius, the value furthest from the
 * lumen side (the minimum for a bright lumen); the median over the rays.
 */
function wallLevelAround(plane: SampledPlane, sign: number, radiusPx: number): number {
  const { size, values, inside } = plane;
  const centre = (size - 1) / 2;
  const extremes: number[] = [];
  for (let r = 0; r < RAYS; r++) {
    const angle = (2 * Math.PI * r) / RAYS;
    let extreme = Infinity;
    for (let t = 0; t <= radiusPx; t += 0.5) {
      const n = Math.round(centre + t * Math.cos(angle)) + size * Math.round(centre + t * Math.sin(angle));
      if (inside[n]) extreme = Math.min(extreme, sign * values[n]!);
    }
    if (extreme < Infinity) extremes.push(extreme);
  }
  extremes.sort((a, b) => a - b);
  return sign * (extremes[Math.floor(extremes.length / 2)] ?? 0);
}

/** The lumen pixel nearest the centre within the radius, or −1. */
function nearestLumenPixel(size: number, radiusPx: number, isLumen: (n: number) => boolean): number {
  const centre = (size - 1) / 2;
  let best = -1;
  let bestDistance = Infinity;
  for (let n = 0; n < size * size; n++) {
    const d = Math.hypot((n % size) - centre, Math.floor(n / size) - centre);
    if (d <= radiusPx && d < bestDistance && isLumen(n)) {
      best = n;
      bestDistance = d;
    }
  }
  return best;
}

/** The 4-connected region of `isLumen` pixels holding `seed`. */
function floodFill(size: number, seed: number, isLumen: (n: number) => boolean): number[] {
  const seen = new Uint8Array(size * size);
  const region: number[] = [];
  const stack = [seed];
  seen[seed] = 1;
  while (stack.length > 0) {
    const n = stack.pop()!;
    region.push(n);
    const c = n % size;
    const neighbours = [c > 0 ? n - 1 : -1, c < size - 1 ? n + 1 : -1, n - size, n + size];
    for (const q of neighbours) {
      if (q >= 0 && q < size * size && !seen[q] && isLumen(q)) {
        seen[q] = 1;
        stack.push(q);
      }
    }
  }
  return region;
}

function formatMm(mm: number): string {
  return Number.isInteger(mm) ? String(mm) : mm.toFixed(1);
}
