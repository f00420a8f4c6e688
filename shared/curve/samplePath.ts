import type { Vec3 } from '../math/vec3';
import { angleDeg } from '../math/vec3';
import type { CurveLocation } from './arcLength';
import { buildArcLengthTable, locateArcLength } from './arcLength';
import type { CubicSegment } from './cubicSegment';
import { pointAt, unitTangentAt } from './cubicSegment';
import type { CurveInterpolation } from './interpolateCurve';
import { interpolateCurve } from './interpolateCurve';
import type { PathSample } from './PathSample';
import type { CurveStation } from './rotationMinimizingFrames';
import { binormalOf, initialNormal, rolledNormal, signedAngleAboutDeg, transportNormal } from './rotationMinimizingFrames';

export type { CurveInterpolation } from './interpolateCurve';
export type { PathSample } from './PathSample';

export interface SamplePathOptions {
  /** Default 'catmull-rom' (centripetal, alpha = 0.5). */
  interpolation?: CurveInterpolation;
  /** Default false. */
  closed?: boolean;
  /** Arc-length step, mm (> 0). */
  step: number;
  /**
   * Direction the first normal should point to (projected onto the plane ⟂ the first tangent);
   * default patient left [1, 0, 0], falling back to anterior [0, −1, 0] when the tangent is
   * (nearly, within ~5.7°) parallel to it. A requested direction that is nearly parallel to the
   * first tangent falls back the same way.
   */
  initialNormal?: Vec3;
  /** Roll of every frame about its tangent, degrees (positive = right-handed about the tangent). */
  rollDeg?: number;
}

export interface SampledPath {
  /** At arc lengths 0, step, 2·step, …, floor(L/step)·step (+1e-9 mm tolerance); a closed loop stops before returning to its start. */
  samples: PathSample[];
  /** Total curve length L, mm. */
  length: number;
  /**
   * L − the last sample's arc length: the end of the curve shorter than one step, not sampled.
   * In [0, step) for an open curve; in (0, step] for a closed one (the gap back to the start).
   */
  remainder: number;
  /**
   * Closed curves only: how far (degrees, right-handed about the first tangent) the
   * rotation-minimising frame has turned when carried once round the loop. A rotation-minimising
   * frame need not close up; a straightened loop shows this as a roll step at its seam.
   */
  closureTwistDeg?: number;
  /**
   * Arc length at each distinct control point (consecutive duplicates dropped, see
   * distinctControlPoints; a closed curve's start not repeated at its end), mm.
   */
  controlPointArcLengths: number[];
}

/** Arc-length tolerance, mm, for counting a sample that lands on the curve's end. */
const END_TOLERANCE_MM = 1e-9;
/** Guards memory: a PathSample costs a few hundred bytes. */
export const MAX_PATH_SAMPLES = 1_000_000;
/**
 * Frames are carried through extra stations wherever the tangent turns more than this between
 * them, so the double-reflection error (fourth order in the turn) stays far below 0.1° per
 * 100 mm whatever the user's step.
 */
const MAX_TURN_PER_STATION_DEG = 1;
/** Tangent probes per piece to estimate how far it turns. */
const TURN_PROBES = 32;
const MAX_STATIONS_PER_PIECE = 4096;

/**
 * Samples the curve through `controlPoints` (LPS mm) at equal arc-length steps and gives each
 * sample a rotation-minimising frame: the stations along which a curved reformat is straightened.
 */
export function samplePath(controlPoints: readonly Vec3[], options: SamplePathOptions): SampledPath {
  const { step } = options;
  if (!(Number.isFinite(step) && step > 0)) throw new Error(`path step must be a positive number of mm (got ${String(step)})`);
  const rollDeg = options.rollDeg ?? 0;
  if (!Number.isFinite(rollDeg)) throw new Error(`path roll must be a finite number of degrees (got ${String(rollDeg)})`);
  const closed = options.closed ?? false;
  const segments = interpolateCurve(controlPoints, { interpolation: options.interpolation ?? 'catmull-rom', closed });
  const table = buildArcLengthTable(segments);
  const arcLengths = sampleArcLengths(table.length, step, closed);
  const locations = arcLengths.map((s) => locateArcLength(table, segments, s));
  const { normals, closureTwistDeg } = rotationMinimizingNormals(segments, locations, options.initialNormal, closed);
  const roll = (rollDeg * Math.PI) / 180;
  const samples = locations.map((location, i): PathSample => {
    const segment = segments[location.segment];
    const tangent = unitTangentAt(segment, location.u);
    const normal = rolledNormal(tangent, normals[i], roll);
    return { point: pointAt(segment, location.u), tangent, normal, binormal: binormalOf(tangent, normal), arcLength: arcLengths[i] };
  });
  const remainder = Math.max(0, table.length - arcLengths[arcLengths.length - 1]);
  // Each segment starts at a control point; pieces are in order, so the first piece of a segment holds its start.
  const starts = new Array<number>(segments.length);
  for (let k = table.pieces.length - 1; k >= 0; k--) starts[table.pieces[k].segment] = table.pieces[k].s0;
  const controlPointArcLengths = closed ? starts : [...starts, table.length];
  return { samples, length: table.length, remainder, controlPointArcLengths, ...(closed ? { closureTwistDeg } : {}) };
}

/** 0, step, 2·step, … up to the end (open) or short of the start again (closed). */
function sampleArcLengths(length: number, step: number, closed: boolean): number[] {
  const last = closed ? Math.ceil((length - END_TOLERANCE_MM) / step) - 1 : Math.floor((length + END_TOLERANCE_MM) / step);
  const count = Math.max(last, 0) + 1;
  if (count > MAX_PATH_SAMPLES) {
    throw new Error(`path step ${step} mm is too fine for a ${length.toFixed(1)} mm curve: ${count} samples (at most ${MAX_PATH_SAMPLES})`);
  }
  return Array.from({ length: count }, (_, k) => k * step);
}

/** A place to carry the frame through: a sample (index ≥ 0) or an extra station (−1). */
interface FrameStop {
  key: number;
  location: CurveLocation;
  sample: number;
}

/**
 * Rotation-minimising normals at the samples, carried by double reflection through the
 * samples and extra stations merged in curve order (key = piece index + u).
 */
function rotationMinimizingNormals(
  segments: readonly CubicSegment[],
  locations: readonly CurveLocation[],
  requestedNormal: Vec3 | undefined,
  closed: boolean,
): { normals: Vec3[]; closureTwistDeg: number } {
  const stops = mergeStops(extraStations(segments), locations);
  const start = stationAt(segments, { segment: 0, u: 0 });
  const firstNormal = initialNormal(start.tangent, requestedNormal);
  const normals: Vec3[] = new Array<Vec3>(locations.length);
  let previous = start;
  let normal = firstNormal;
  for (const stop of stops) {
    const station = stationAt(segments, stop.location);
    normal = transportNormal(previous, normal, station);
    previous = station;
    if (stop.sample >= 0) normals[stop.sample] = normal;
  }
  let closureTwistDeg = 0;
  if (closed) {
    const aroundAgain = transportNormal(previous, normal, start);
    closureTwistDeg = signedAngleAboutDeg(firstNormal, aroundAgain, start.tangent);
  }
  return { normals, closureTwistDeg };
}

function stationAt(segments: readonly CubicSegment[], { segment, u }: CurveLocation): CurveStation {
  const piece = segments[segment];
  return { point: pointAt(piece, u), tangent: unitTangentAt(piece, u) };
}

/** Stations splitting each piece into parts that turn at most MAX_TURN_PER_STATION_DEG, plus the curve's end. */
function extraStations(segments: readonly CubicSegment[]): FrameStop[] {
  const stops: FrameStop[] = [];
  segments.forEach((segment, index) => {
    const parts = Math.min(MAX_STATIONS_PER_PIECE, Math.max(1, Math.ceil(tangentTurnDeg(segment) / MAX_TURN_PER_STATION_DEG)));
    for (let j = 0; j < parts; j++) stops.push({ key: index + j / parts, location: { segment: index, u: j / parts }, sample: -1 });
  });
  const last = segments.length - 1;
  stops.push({ key: segments.length, location: { segment: last, u: 1 }, sample: -1 });
  return stops;
}

/** Total turn of the tangent along one piece, degrees (a polygon estimate from TURN_PROBES chords). */
function tangentTurnDeg(segment: CubicSegment): number {
  let turn = 0;
  let previous = unitTangentAt(segment, 0);
  for (let k = 1; k <= TURN_PROBES; k++) {
    const tangent = unitTangentAt(segment, k / TURN_PROBES);
    turn += angleDeg(previous, tangent);
    previous = tangent;
  }
  return turn;
}

/** Stations and samples in curve order; both lists are already sorted by key. */
function mergeStops(stations: readonly FrameStop[], locations: readonly CurveLocation[]): FrameStop[] {
  const samples = locations.map((location, i): FrameStop => ({ key: location.segment + location.u, location, sample: i }));
  const merged: FrameStop[] = [];
  let a = 0;
  let b = 0;
  while (a < stations.length || b < samples.length) {
    if (b >= samples.length || (a < stations.length && stations[a].key < samples[b].key)) merged.push(stations[a++]);
    else merged.push(samples[b++]);
  }
  return merged;
}
