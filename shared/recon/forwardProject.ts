/**
 * The ray-driven projector pair of the iterative reconstructions: A, Joseph's method
 * (Joseph 1982), and its exact transpose Aᵀ.
 *
 * A ray runs from the source to a detector pixel centre. In voxel-index space it is
 * clipped to the box of voxel centres (outside it the volume counts as 0) and sampled
 * where it crosses each integer plane of its dominant index axis, bilinearly in the two
 * other axes; each sample stands for the ray's length between two planes (mm). So a row
 * of A holds, per plane crossed, four bilinear weights × that length, and its sum is the
 * ray's length through the box: `rayLengths` gives it, SART's row sums, for nothing.
 *
 * backprojectRays visits the very same samples with the very same weights and scatters
 * into them (⟨Ax, y⟩ = ⟨x, Aᵀy⟩ up to float rounding), restricted to a slab of slices so
 * workers can each own one. It also accumulates Aᵀ1, SART's column sums, on request.
 */
import { invertAffine } from '../math/mat4';
import { cArmFrame, detectorPixel, type CArmView, type DetectorGeometry } from './cArmGeometry';
import { cellBelow } from './cellBelow';
import type { ReconGrid } from './fdk';

/** One view's rays in voxel-index space: ray (column, row) = source → corner + column·alongColumn + row·alongRow. */
interface ViewRays {
  source: Float64Array;
  corner: Float64Array;
  alongColumn: Float64Array;
  alongRow: Float64Array;
  /** ijkToLps' linear part, row-major: index steps → mm. */
  toMm: Float64Array;
  dimensions: [number, number, number];
}

function viewRays(view: CArmView, detector: DetectorGeometry, grid: ReconGrid): ViewRays {
  const [nx, ny, nz] = grid.dimensions;
  if (nx < 2 || ny < 2 || nz < 2) throw new RangeError('the ray-driven projector needs at least 2 voxels along each axis');
  const m = invertAffine(grid.ijkToLps);
  const point = (p: readonly number[]) => Float64Array.of(0, 1, 2).map((r) => m[4 * r] * p[0] + m[4 * r + 1] * p[1] + m[4 * r + 2] * p[2] + m[4 * r + 3]);
  const direction = (p: readonly number[], s: number) => Float64Array.of(0, 1, 2).map((r) => s * (m[4 * r] * p[0] + m[4 * r + 1] * p[1] + m[4 * r + 2] * p[2]));
  const frame = cArmFrame(view);
  const a = grid.ijkToLps;
  return {
    source: point(frame.source),
    corner: point(detectorPixel(view, detector, frame, 0, 0)),
    alongColumn: direction(frame.u, detector.pixelMm[0]),
    alongRow: direction(frame.v, detector.pixelMm[1]),
    toMm: Float64Array.of(a[0], a[1], a[2], a[4], a[5], a[6], a[8], a[9], a[10]),
    dimensions: [nx, ny, nz],
  };
}

/** What traceRay leaves in its scratch array. */
const AXIS = 0;
const FIRST = 1;
const LAST = 2;
/** Along the ray, at plane n of the dominant axis: b = B0 + n·DB, c = C0 + n·DC (b < c, the other two axes). */
const B0 = 3;
const DB = 4;
const C0 = 5;
const DC = 6;
const STEP_MM = 7;
const RAY_FIELDS = 8;

/**
 * The samples of ray (column, row): planes FIRST..LAST of axis AXIS (none when LAST <
 * FIRST), where the other coordinates lie in the box of voxel centres.
 */
function traceRay(rays: ViewRays, column: number, row: number, ray: Float64Array): void {
  const { source: s, corner, alongColumn: cu, alongRow: rv, dimensions } = rays;
  const d0 = corner[0] + column * cu[0] + row * rv[0] - s[0];
  const d1 = corner[1] + column * cu[1] + row * rv[1] - s[1];
  const d2 = corner[2] + column * cu[2] + row * rv[2] - s[2];
  ray[FIRST] = 0;
  ray[LAST] = -1;
  let t0 = 0;
  let t1 = 1;
  for (let axis = 0; axis < 3; axis++) {
    const d = axis === 0 ? d0 : axis === 1 ? d1 : d2;
    const upper = dimensions[axis] - 1;
    if (Math.abs(d) < 1e-12) {
      if (s[axis] < 0 || s[axis] > upper) return;
      continue;
    }
    const ta = -s[axis] / d;
    const tb = (upper - s[axis]) / d;
    t0 = Math.max(t0, Math.min(ta, tb));
    t1 = Math.min(t1, Math.max(ta, tb));
  }
  if (t1 <= t0) return;
  const ad0 = Math.abs(d0);
  const ad1 = Math.abs(d1);
  const ad2 = Math.abs(d2);
  const axis = ad0 >= ad1 && ad0 >= ad2 ? 0 : ad1 >= ad2 ? 1 : 2;
  const da = axis === 0 ? d0 : axis === 1 ? d1 : d2;
  const db = axis === 0 ? d1 : d0;
  const dc = axis === 2 ? d1 : d2;
  const sa = s[axis];
  const sb = axis === 0 ? s[1] : s[0];
  const sc = axis === 2 ? s[1] : s[2];
  const enter = sa + t0 * da;
  const leave = sa + t1 * da;
  ray[AXIS] = axis;
  ray[FIRST] = Math.max(0, Math.ceil(Math.min(enter, leave)));
  ray[LAST] = Math.min(dimensions[axis] - 1, Math.floor(Math.max(enter, leave)));
  ray[DB] = db / da;
  ray[B0] = sb - sa * ray[DB];
  ray[DC] = dc / da;
  ray[C0] = sc - sa * ray[DC];
  const m = rays.toMm;
  ray[STEP_MM] = Math.hypot(m[0] * d0 + m[1] * d1 + m[2] * d2, m[3] * d0 + m[4] * d1 + m[5] * d2, m[6] * d0 + m[7] * d1 + m[8] * d2) / Math.abs(da);
}

/**
 * Strides of the samples of a ray whose dominant index axis is `axis`: plane n, and the other
 * two axes b < c; `lanes` floats per voxel. bMax, cMax: the last interpolation cell along b, c.
 */
interface PlaneLayout {
  sa: number;
  sb: number;
  sc: number;
  bMax: number;
  cMax: number;
}

/** The PlaneLayout of each dominant axis 0, 1, 2. */
function planeLayouts([nx, ny, nz]: readonly [number, number, number], lanes: number): PlaneLayout[] {
  const slice = nx * ny;
  return [
    { sa: lanes, sb: nx * lanes, sc: slice * lanes, bMax: ny - 2, cMax: nz - 2 },
    { sa: nx * lanes, sb: lanes, sc: slice * lanes, bMax: nx - 2, cMax: nz - 2 },
    { sa: slice * lanes, sb: lanes, sc: nx * lanes, bMax: nx - 2, cMax: ny - 2 },
  ];
}

/**
 * Line integrals of one view through `volume` (grid.dimensions, column fastest) into
 * `out` (rows × columns, column fastest); the length of each ray inside the grid's box
 * of voxel centres into `rayLengths`, when given.
 */
export function forwardProjectView(
  volume: Float32Array,
  grid: ReconGrid,
  view: CArmView,
  detector: DetectorGeometry,
  out: Float32Array,
  rayLengths?: Float32Array,
  rowFirst = 0,
  rowLast = detector.rows,
): void {
  const rays = viewRays(view, detector, grid);
  const layouts = planeLayouts(grid.dimensions, 1);
  const { columns } = detector;
  const ray = new Float64Array(RAY_FIELDS);
  for (let row = rowFirst; row < rowLast; row++) {
    for (let column = 0; column < columns; column++) {
      traceRay(rays, column, row, ray);
      const first = ray[FIRST] | 0;
      const last = ray[LAST] | 0;
      const p = row * columns + column;
      if (last < first) {
        out[p] = 0;
        if (rayLengths) rayLengths[p] = 0;
        continue;
      }
      const { sa, sb, sc, bMax, cMax } = layouts[ray[AXIS]];
      const b0 = ray[B0];
      const db = ray[DB];
      const c0 = ray[C0];
      const dc = ray[DC];
      let sum = 0;
      for (let n = first; n <= last; n++) {
        const y = b0 + n * db;
        const z = c0 + n * dc;
        const j = cellBelow(y, bMax);
        const k = cellBelow(z, cMax);
        const fy = y - j;
        const q = n * sa + j * sb + k * sc;
        const near = volume[q] + fy * (volume[q + sb] - volume[q]);
        const far = volume[q + sc] + fy * (volume[q + sc + sb] - volume[q + sc]);
        sum += near + (z - k) * (far - near);
      }
      out[p] = sum * ray[STEP_MM];
      if (rayLengths) rayLengths[p] = (last - first + 1) * ray[STEP_MM];
    }
  }
}

/**
 * Aᵀ of one view into slices kFirst ≤ k < kLast: adds each ray's value along its samples
 * into `out`, which holds the slab only (slice k at (k − kFirst)·nx·ny). With `weights`,
 * `out` holds two floats per voxel, Aᵀy then Aᵀ1 (SART's column sums): side by side, the
 * second scatter hits the cache lines of the first.
 */
export function backprojectRays(
  projection: Float32Array,
  grid: ReconGrid,
  view: CArmView,
  detector: DetectorGeometry,
  kFirst: number,
  kLast: number,
  out: Float32Array,
  weights = false,
): void {
  const rays = viewRays(view, detector, grid);
  const [nx, ny] = grid.dimensions;
  const lanes = weights ? 2 : 1;
  const layouts = planeLayouts(grid.dimensions, lanes);
  const slab = kFirst * nx * ny * lanes;
  const { columns, rows } = detector;
  const ray = new Float64Array(RAY_FIELDS);
  for (let row = 0; row < rows; row++) {
    for (let column = 0; column < columns; column++) {
      const value = projection[row * columns + column];
      if (value === 0 && !weights) continue;
      traceRay(rays, column, row, ray);
      const axis = ray[AXIS];
      let first = ray[FIRST] | 0;
      let last = ray[LAST] | 0;
      const b0 = ray[B0];
      const db = ray[DB];
      const c0 = ray[C0];
      const dc = ray[DC];
      // Only the samples whose taps reach the slab: along the slice axis k the ray is affine in n.
      if (axis === 2) {
        first = Math.max(first, kFirst);
        last = Math.min(last, kLast - 1);
      } else if (dc !== 0) {
        const enter = (kFirst - 1 - c0) / dc;
        const leave = (kLast - c0) / dc;
        first = Math.max(first, Math.floor(Math.min(enter, leave)) - 1) | 0;
        last = Math.min(last, Math.ceil(Math.max(enter, leave)) + 1) | 0;
      }
      if (last < first) continue;
      const { sa, sb, sc, bMax, cMax } = layouts[axis];
      const step = ray[STEP_MM];
      const amount = value * step;
      for (let n = first; n <= last; n++) {
        const y = b0 + n * db;
        const z = c0 + n * dc;
        const j = cellBelow(y, bMax);
        const k = cellBelow(z, cMax);
        const q = n * sa + j * sb + k * sc - slab;
        const fy = y - j;
        const fz = z - k;
        // The slice of each tap: k and k + 1 along c when the slice axis is c, else plane n.
        const nearIn = axis === 2 || (k >= kFirst && k < kLast);
        const farIn = axis === 2 ? nearIn : k + 1 >= kFirst && k + 1 < kLast;
        const w00 = (1 - fy) * (1 - fz);
        const w10 = fy * (1 - fz);
        const w01 = (1 - fy) * fz;
        const w11 = fy * fz;
        if (nearIn) {
          out[q] += amount * w00;
          out[q + sb] += amount * w10;
          if (weights) {
            out[q + 1] += step * w00;
            out[q + sb + 1] += step * w10;
          }
        }
        if (farIn) {
          out[q + sc] += amount * w01;
          out[q + sc + sb] += amount * w11;
          if (weights) {
            out[q + sc + 1] += step * w01;
            out[q + sc + sb + 1] += step * w11;
          }
        }
      }
    }
  }
}
