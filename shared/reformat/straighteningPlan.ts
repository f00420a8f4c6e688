/**
 * From a path and the user's parameters to the planes of a straightened volume: the one place
 * that samples the path and builds every slice's sliceToWorld, so the CLI, the export job and the
 * Reformat panel's live preview cut exactly the same planes.
 */
import { UserError } from '../contracts/UserError';
import { samplePath, type CurveInterpolation, type SampledPath } from '../curve/samplePath';
import type { Mat4 } from '../math/mat4';
import { normalize, type Vec3 } from '../math/vec3';
import type { ProjectionChoice } from './projectVolume';
import type { Interpolation } from './reslicePlane';
import { sliceToWorldOf, stretchedScanDirection, stretchedSliceToWorld } from './straighten';

/** A path as the engine takes it: control points in LPS mm. */
export interface StraighteningPath {
  name: string;
  closed: boolean;
  points: Vec3[];
}

export interface StraightenParameters {
  /** 'straight': planes perpendicular to the path; 'stretch': stretched CPR with parallel scan lines. */
  mode: 'straight' | 'stretch';
  /** Stretched CPR only: the viewing (projection) direction, LPS; its rows run along it. */
  viewDirection: Vec3;
  columns: number;
  rows: number;
  /** In-plane pixel size, mm. */
  spacing: number;
  /** Arc length between slices, mm. */
  step: number;
  interpolation: Interpolation;
  curveInterpolation: CurveInterpolation;
  rollDeg: number;
  /** 'panoramic' is the dental panoramic preset: it chooses its own axis (across the arch) and, without slabMm, a 15 mm slab. */
  projections: ProjectionChoice[];
  /** 0 = along columns, 1 = along rows (across the path), 2 = along the path; not used by 'panoramic'. */
  projectionAxis: 0 | 1 | 2;
  slabMm?: number;
}

export type PlaneParameters = Pick<StraightenParameters, 'mode' | 'viewDirection' | 'columns' | 'rows' | 'spacing' | 'step' | 'curveInterpolation' | 'rollDeg'>;

export interface StraighteningPlan {
  sampled: SampledPath;
  /** One (column, row, 0, 1) → LPS matrix per slice. */
  sliceToWorld: Mat4[];
  /** Stretched CPR: its fixed scan-line and viewing directions; null for a straightened volume. */
  stretch: { across: Vec3; through: Vec3 } | null;
}

/** Samples the path and cuts its planes; a path that cannot give two slices is a UserError. */
export function planStraightening(path: StraighteningPath, params: PlaneParameters): StraighteningPlan {
  let sampled: SampledPath;
  try {
    sampled = samplePath(path.points, { interpolation: params.curveInterpolation, closed: path.closed, step: params.step, rollDeg: params.rollDeg });
  } catch (err) {
    throw new UserError('invalid-request', `The path "${path.name}" cannot be followed: ${err instanceof Error ? err.message : String(err)}`);
  }
  if (sampled.samples.length < 2) {
    throw new UserError('invalid-request', `The path is ${sampled.length.toFixed(1)} mm long: too short for even two slices ${params.step} mm apart.`);
  }
  const geometry = { columns: params.columns, rows: params.rows, spacing: params.spacing };
  if (params.mode === 'stretch') {
    const through = normalize(params.viewDirection);
    const across = stretchedScanDirection(sampled.samples, through);
    return { sampled, sliceToWorld: sampled.samples.map((s) => stretchedSliceToWorld(s, geometry, across, through)), stretch: { across, through } };
  }
  return { sampled, sliceToWorld: sampled.samples.map((s) => sliceToWorldOf(s, geometry)), stretch: null };
}
