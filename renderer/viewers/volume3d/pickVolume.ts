/**
 * Where a ray from the 3D view's camera first meets what the view shows: marched through the
 * voxels in LPS mm with trilinear samples, so a click on the rendering lands on the structure
 * under the cursor. The two visibility rules mirror the two render modes:
 *
 * - 'opacity' (volume rendering): front-to-back compositing with the transfer function's
 *   opacity per mm, corrected for the step exactly as vtk.js does (α = 1 − (1 − o)^(step/1 mm)).
 *   The hit is where the accumulated opacity reaches `threshold` (default 0.5): the depth by which
 *   the ray has delivered half of the pixel's colour. Faint fog that is seen through is not hit;
 *   a translucent structure is hit a little inside its boundary (≈ ln 0.5 / ln(1 − o) mm).
 * - 'iso' (isosurface): the first crossing of the iso value in either direction (a ray entering
 *   the grid inside the object meets the surface on its way out, as marching cubes leaves the
 *   grid boundary open), refined by linear interpolation between the two samples.
 *
 * The ray is clipped to the box of voxel centres, [0, n − 1] on each axis: the extent vtk.js
 * renders and marching cubes meshes.
 */
import { invertAffine, transformPoint } from '../../../shared/math/mat4';
import { addScaled, sub, type Vec3 } from '../../../shared/math/vec3';
import { sampleVolume } from '../../../shared/reformat/reslicePlane';

export interface PickGrid {
  /** [columns, rows, slices]. */
  dimensions: readonly [number, number, number];
  /** Column fastest, then row, then slice. */
  voxels: ArrayLike<number>;
  /** Row-major 4x4, (i, j, k, 1) → LPS mm. */
  ijkToLps: readonly number[];
}

export interface PickRay {
  /** LPS mm. */
  origin: Vec3;
  /** Unit vector, LPS. */
  direction: Vec3;
}

export type PickVisibility =
  | {
      kind: 'opacity';
      /** Opacity per mm of ray at a voxel value (the preset's scalar opacity). */
      opacityAt: (value: number) => number;
      /** Accumulated opacity that counts as a hit; default 0.5. */
      threshold?: number;
    }
  | { kind: 'iso'; isoValue: number };

export interface PickOptions {
  /** Ray step in mm; default half the finest voxel spacing. */
  stepMm?: number;
}

const DEFAULT_OPACITY_THRESHOLD = 0.5;

/** The first visible point along the ray, LPS mm, or null when the ray meets nothing visible. */
export function pickVolume(grid: PickGrid, ray: PickRay, visibility: PickVisibility, options: PickOptions = {}): Vec3 | null {
  const step = options.stepMm ?? finestSpacing(grid.ijkToLps) / 2;
  if (!(step > 0)) throw new Error(`pick step must be a positive number of mm (got ${String(step)})`);
  const lpsToIjk = invertAffine([...grid.ijkToLps]);
  const originIjk = transformPoint(lpsToIjk, ray.origin);
  const directionIjk = sub(transformPoint(lpsToIjk, addScaled(ray.origin, ray.direction, 1)), originIjk);
  const span = rayBoxSpan(grid.dimensions, originIjk, directionIjk);
  if (!span) return null;
  const ijk: [number, number, number] = [0, 0, 0];
  const sampleAt = (t: number): number => {
    for (let a = 0; a < 3; a++) ijk[a] = originIjk[a]! + t * directionIjk[a]!;
    return sampleVolume(grid, ijk, 'linear');
  };
  const [tEnter, tExit] = span;
  const count = Math.floor((tExit - tEnter) / step) + 1;
  const at = (t: number): Vec3 => addScaled(ray.origin, ray.direction, t);

  if (visibility.kind === 'iso') {
    const iso = visibility.isoValue;
    let previousT = tEnter;
    let previous = sampleAt(tEnter);
    for (let n = 1; n < count; n++) {
      const t = tEnter + n * step;
      const value = sampleAt(t);
      // NaN (a Float32 volume's missing data) never crosses: the comparison is false.
      if ((previous >= iso) !== (value >= iso) && Number.isFinite(previous) && Number.isFinite(value)) {
        return at(previousT + ((iso - previous) / (value - previous)) * (t - previousT));
      }
      if (Number.isFinite(value)) {
        previous = value;
        previousT = t;
      }
    }
    return null;
  }

  const threshold = visibility.threshold ?? DEFAULT_OPACITY_THRESHOLD;
  let transmitted = 1;
  for (let n = 0; n < count; n++) {
    const t = tEnter + n * step;
    const value = sampleAt(t);
    if (!Number.isFinite(value)) continue;
    const opacity = Math.min(1, Math.max(0, visibility.opacityAt(value)));
    if (opacity === 0) continue;
    // This sample stands for the slab [t − step/2, t + step/2]; within it the light left falls as (1 − o)^mm.
    const after = transmitted * (1 - opacity) ** step;
    if (1 - after >= threshold) {
      const depth = opacity >= 1 ? 0 : Math.log((1 - threshold) / transmitted) / Math.log(1 - opacity);
      return at(Math.max(tEnter, t - step / 2 + depth));
    }
    transmitted = after;
  }
  return null;
}

/** The ray's parameter range (mm, ≥ 0) inside the box of voxel centres, or null when it misses. */
function rayBoxSpan(dimensions: readonly [number, number, number], o: Vec3, d: Vec3): [number, number] | null {
  let tEnter = 0;
  let tExit = Infinity;
  for (let a = 0; a < 3; a++) {
    const high = dimensions[a]! - 1;
    if (Math.abs(d[a]!) < 1e-12) {
      if (o[a]! < 0 || o[a]! > high) return null;
      continue;
    }
    const t0 = -o[a]! / d[a]!;
    const t1 = (high - o[a]!) / d[a]!;
    tEnter = Math.max(tEnter, Math.min(t0, t1));
    tExit = Math.min(tExit, Math.max(t0, t1));
  }
  if (!(tEnter <= tExit && Number.isFinite(tExit))) return null;
  // A hair inside both faces, so rounding never puts a sample just outside the grid.
  const guard = 1e-9 * Math.max(1, tExit);
  return [tEnter + guard, Math.max(tEnter + guard, tExit - guard)];
}

function finestSpacing(m: readonly number[]): number {
  return Math.min(Math.hypot(m[0]!, m[4]!, m[8]!), Math.hypot(m[1]!, m[5]!, m[9]!), Math.hypot(m[2]!, m[6]!, m[10]!));
}
