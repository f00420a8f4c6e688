/**
 * Labels drawn on a straightened volume, carried back to a reference volume's grid: the exact
 * per-slice inverse of straightening.
 *
 * For a reference voxel centre p: the nearest slice point, then the arc length s on the segments to
 * the neighbouring slices where p lies in the (linearly interpolated, re-orthonormalised) slice
 * plane, i.e. (p − P(s))·T(s) = 0; then u = (p − P(s))·N(s), v = (p − P(s))·B(s). The label is the
 * straightened voxel nearest (u/sx + (cols−1)/2, v/sy + (rows−1)/2, slice index at s). A point whose
 * nearest slice is an end of the path and which lies beyond that end plane is not covered.
 *
 * Speed: reference voxels are taken in small blocks. For a block with centre c and half-diagonal
 * r, any voxel's nearest slice point lies within d(c) + 2r of c (d(c) = c's nearest-point distance),
 * so one pass over the slice points per block gives each voxel a short candidate list. Where no
 * candidate slice reaches its centre of curvature (J > 0 throughout, see jacobian.ts) the squared
 * distance along the path is convex, so each contiguous run of candidates is searched by descent
 * from the previous voxel's answer: O(1) per voxel. Blocks near a tight bend are searched
 * exhaustively over their candidates, and there each voxel is also tested for being the image of
 * a folded straightened voxel.
 */
import { invertAffine, transformPoint, type Mat4 } from '../math/mat4';
import type { Vec3 } from '../math/vec3';
import { frameCurvatures } from './jacobian';
import { slicesToFrames, type SliceFrame, type StraightenedTransforms } from './straightenedFrames';

export type LabelVoxels = Uint8Array | Uint16Array | Int16Array | Int32Array | Float32Array;

export interface MapBackRequest<V extends LabelVoxels = LabelVoxels> {
  transforms: StraightenedTransforms;
  /** cols × rows × slices, column fastest. */
  labels: { dimensions: [number, number, number]; voxels: V };
  /** ijkToLps: LPS 4x4 row-major. */
  reference: { dimensions: [number, number, number]; ijkToLps: number[] };
}

export interface MapBackReport {
  referenceVoxels: number;
  /** Reference voxels inside some slice's extent. */
  covered: number;
  /** Covered reference voxels that received a non-zero label. */
  labelled: number;
  /**
   * Covered voxels where the straightened map is not one-to-one: J ≤ 0 at their mapped position, or
   * the point also lies on a folded (J ≤ 0) part of another slice, so the straightened volume shows
   * it more than once. Such a voxel still takes the label of its closest path point.
   */
  folded: number;
  /** Labelled straightened voxels that no reference voxel mapped to. */
  unmapped: number;
}

export interface MapBackResult<V extends LabelVoxels = LabelVoxels> {
  /** Same type as labels.voxels, on the reference grid (0 = no label). */
  voxels: V;
  report: MapBackReport;
}

/** Where a world point lands in the straightened volume. */
export interface StraightenedLocation {
  /** mm from the path point along the normal / binormal. */
  u: number;
  v: number;
  /** Arc length, mm. */
  s: number;
  /** Fractional slice index (segment index + fraction). */
  slice: number;
  /** Continuous straightened voxel coordinates (column, row, slice). */
  ijk: Vec3;
  /** 1 − k1·u − k2·v at (u, v, s). */
  jacobian: number;
  /** Inside the slice extent (nearest voxel in the grid) and not beyond an end plane. */
  covered: boolean;
}

/** Round-off allowance for points on an end slice's own plane, mm. */
const END_PLANE_TOLERANCE_MM = 1e-9;

/** Packed path arrays and the per-point projection shared by the exact and the fast search. */
class PathInverse {
  readonly n: number;
  readonly P: Float64Array;
  readonly N: Float64Array;
  readonly B: Float64Array;
  readonly T: Float64Array;
  readonly arc: Float64Array;
  readonly k1: Float64Array;
  readonly k2: Float64Array;
  readonly columns: number;
  readonly rows: number;
  readonly sx: number;
  readonly sy: number;
  readonly c0: number;
  readonly r0: number;
  /** Scratch output of project(): u, v, slice, jacobian, i, j. */
  readonly out = new Float64Array(6);

  constructor(frames: readonly SliceFrame[], t: StraightenedTransforms) {
    const n = frames.length;
    this.n = n;
    this.P = new Float64Array(3 * n);
    this.N = new Float64Array(3 * n);
    this.B = new Float64Array(3 * n);
    this.T = new Float64Array(3 * n);
    this.arc = new Float64Array(n);
    frames.forEach((f, k) => {
      this.P.set(f.point, 3 * k);
      this.N.set(f.normal, 3 * k);
      this.B.set(f.binormal, 3 * k);
      this.T.set(f.tangent, 3 * k);
      this.arc[k] = f.arcLength;
    });
    const { k1, k2 } = frameCurvatures(frames);
    this.k1 = k1;
    this.k2 = k2;
    [this.columns, this.rows] = t.size;
    [this.sx, this.sy] = t.pixelSpacing;
    this.c0 = (this.columns - 1) / 2;
    this.r0 = (this.rows - 1) / 2;
  }

  /** (p − P_k)·T_k: signed distance of p in front of slice plane k. */
  planeOffset(px: number, py: number, pz: number, k: number): number {
    const { P, T } = this;
    const o = 3 * k;
    return (px - P[o]!) * T[o]! + (py - P[o + 1]!) * T[o + 1]! + (pz - P[o + 2]!) * T[o + 2]!;
  }

  /** (p − P(t))·T(t) on segment a → a+1, point and tangent interpolated linearly, tangent renormalised. */
  private offsetAt(px: number, py: number, pz: number, a: number, t: number): number {
    const { P, T } = this;
    const o = 3 * a;
    const q = o + 3;
    const w = 1 - t;
    const tx = w * T[o]! + t * T[q]!;
    const ty = w * T[o + 1]! + t * T[q + 1]!;
    const tz = w * T[o + 2]! + t * T[q + 2]!;
    const len = Math.sqrt(tx * tx + ty * ty + tz * tz);
    return ((px - (w * P[o]! + t * P[q]!)) * tx + (py - (w * P[o + 1]! + t * P[q + 1]!)) * ty + (pz - (w * P[o + 2]! + t * P[q + 2]!)) * tz) / len;
  }

  /** Index of the slice point nearest p, over all slices. */
  nearestSlice(px: number, py: number, pz: number): number {
    const { P } = this;
    let best = 0;
    let bestD = Infinity;
    for (let k = 0; k < this.n; k++) {
      const dx = px - P[3 * k]!;
      const dy = py - P[3 * k + 1]!;
      const dz = pz - P[3 * k + 2]!;
      const d = dx * dx + dy * dy + dz * dz;
      if (d < bestD) {
        bestD = d;
        best = k;
      }
    }
    return best;
  }

  /**
   * Refines the foot point from nearest slice m and fills `out` (u, v, slice, jacobian, i, j).
   * Returns false when p lies beyond an end plane.
   */
  project(px: number, py: number, pz: number, m: number, halfSlab: number): boolean {
    const n = this.n;
    const gm = this.planeOffset(px, py, pz, m);
    let a: number;
    let t: number;
    if (n === 1) {
      // A single slice stands for a slab one slice spacing thick.
      if (Math.abs(gm) > halfSlab) return false;
      a = 0;
      t = 0;
    } else {
      let ga: number;
      let gb: number;
      if (gm > END_PLANE_TOLERANCE_MM || (gm > 0 && m < n - 1)) {
        if (m === n - 1) return false;
        a = m;
        ga = gm;
        gb = this.planeOffset(px, py, pz, m + 1);
      } else if (gm < -END_PLANE_TOLERANCE_MM || (gm < 0 && m > 0)) {
        if (m === 0) return false;
        a = m - 1;
        ga = this.planeOffset(px, py, pz, m - 1);
        gb = gm;
      } else {
        // On the plane of slice m (within round-off of an end plane).
        a = Math.min(m, n - 2);
        ga = gb = 0;
      }
      if (ga === 0 && gb === 0) t = m - a;
      else if (ga >= 0 && gb <= 0) t = this.solve(px, py, pz, a, ga, gb);
      // No crossing on this segment (only near a fold): the end closer to one.
      else t = Math.abs(ga) <= Math.abs(gb) ? 0 : 1;
    }
    this.frameAt(px, py, pz, a, t);
    return true;
  }

  /** Root of the plane offset on segment a, bracketed by ga ≥ 0 ≥ gb: secant steps kept in the bracket (Illinois). */
  private solve(px: number, py: number, pz: number, a: number, ga: number, gb: number): number {
    let lo = 0;
    let hi = 1;
    let glo = ga;
    let ghi = gb;
    let side = 0;
    let t = glo / (glo - ghi);
    for (let it = 0; it < 40; it++) {
      const g = this.offsetAt(px, py, pz, a, t);
      if (Math.abs(g) < 1e-9) break;
      if (g > 0) {
        lo = t;
        glo = g;
        if (side === 1) ghi /= 2;
        side = 1;
      } else {
        hi = t;
        ghi = g;
        if (side === -1) glo /= 2;
        side = -1;
      }
      if (hi - lo < 1e-13) break;
      t = lo + (hi - lo) * (glo / (glo - ghi));
    }
    return t;
  }

  /** Interpolated, re-orthonormalised frame at a + t; writes the location of p into `out`. */
  private frameAt(px: number, py: number, pz: number, a: number, t: number): void {
    const { P, N, T, out } = this;
    const o = 3 * a;
    const q = this.n > 1 ? o + 3 : o;
    const w = 1 - t;
    let tx = w * T[o]! + t * T[q]!;
    let ty = w * T[o + 1]! + t * T[q + 1]!;
    let tz = w * T[o + 2]! + t * T[q + 2]!;
    let len = Math.sqrt(tx * tx + ty * ty + tz * tz);
    tx /= len;
    ty /= len;
    tz /= len;
    let nx = w * N[o]! + t * N[q]!;
    let ny = w * N[o + 1]! + t * N[q + 1]!;
    let nz = w * N[o + 2]! + t * N[q + 2]!;
    const nt = nx * tx + ny * ty + nz * tz;
    nx -= nt * tx;
    ny -= nt * ty;
    nz -= nt * tz;
    len = Math.sqrt(nx * nx + ny * ny + nz * nz);
    nx /= len;
    ny /= len;
    nz /= len;
    // B = T × N (so that N × B = T).
    const bx = ty * nz - tz * ny;
    const by = tz * nx - tx * nz;
    const bz = tx * ny - ty * nx;
    const dx = px - (w * P[o]! + t * P[q]!);
    const dy = py - (w * P[o + 1]! + t * P[q + 1]!);
    const dz = pz - (w * P[o + 2]! + t * P[q + 2]!);
    const u = dx * nx + dy * ny + dz * nz;
    const v = dx * bx + dy * by + dz * bz;
    const ka = a + (q === o ? 0 : 1);
    const k1 = w * this.k1[a]! + t * this.k1[ka]!;
    const k2 = w * this.k2[a]! + t * this.k2[ka]!;
    out[0] = u;
    out[1] = v;
    out[2] = a + t;
    out[3] = 1 - k1 * u - k2 * v;
    out[4] = u / this.sx + this.c0;
    out[5] = v / this.sy + this.r0;
  }

  arcAt(slice: number): number {
    const a = Math.min(Math.floor(slice), this.n - 1);
    const t = slice - a;
    return t === 0 ? this.arc[a]! : (1 - t) * this.arc[a]! + t * this.arc[a + 1]!;
  }

  /** The nearest straightened voxel (column, row, slice) for the last project(), or −1 outside the grid. */
  voxelIndex(): number {
    const i = Math.round(this.out[4]!);
    const j = Math.round(this.out[5]!);
    if (i < 0 || i >= this.columns || j < 0 || j >= this.rows) return -1;
    const k = Math.round(this.out[2]!);
    return i + this.columns * (j + this.rows * k);
  }
}

/**
 * The exact inverse for single points (exhaustive nearest-slice search): where `p` (LPS mm) lands
 * in the straightened volume, or undefined when it lies beyond an end plane. A caller that has
 * already found the slice point nearest p (the lowest index among equals, e.g. by a pruned
 * search over a block of points) may pass its index to skip the exhaustive search; the result is
 * then the same.
 */
export function createStraightenedInverse(transforms: StraightenedTransforms): (p: Vec3, nearestSlice?: number) => StraightenedLocation | undefined {
  const path = new PathInverse(slicesToFrames(transforms), transforms);
  return (p, nearestSlice) => {
    const m = nearestSlice ?? path.nearestSlice(p[0], p[1], p[2]);
    if (!path.project(p[0], p[1], p[2], m, transforms.sliceSpacing / 2)) return undefined;
    const o = path.out;
    return {
      u: o[0]!,
      v: o[1]!,
      s: path.arcAt(o[2]!),
      slice: o[2]!,
      ijk: [o[4]!, o[5]!, o[2]!],
      jacobian: o[3]!,
      covered: path.voxelIndex() >= 0,
    };
  };
}

/** Target edge of a reference block, mm: small enough for short candidate lists, large enough to amortise the per-block pass. */
const BLOCK_MM = 6;
const MAX_BLOCK_VOXELS = 16;

/** Carries straightened labels back onto the reference grid (nearest neighbour, exact per-slice inverse). */
export function mapBack<V extends LabelVoxels>(req: MapBackRequest<V>): MapBackResult<V> {
  const { transforms, labels, reference } = req;
  const frames = slicesToFrames(transforms);
  const n = frames.length;
  const [columns, rows] = transforms.size;
  if (labels.dimensions[0] !== columns || labels.dimensions[1] !== rows || labels.dimensions[2] !== n) {
    throw new Error(`labels are ${labels.dimensions.join('×')}, the straightened volume is ${columns}×${rows}×${n}`);
  }
  if (labels.voxels.length !== columns * rows * n) throw new Error(`labels hold ${labels.voxels.length} voxels, expected ${columns * rows * n}`);
  const [ni, nj, nk] = reference.dimensions;
  const M: Mat4 = reference.ijkToLps;
  if (M.length !== 16) throw new Error('reference ijkToLps must be 16 numbers (row-major 4x4)');
  const total = ni * nj * nk;
  const Ctor = labels.voxels.constructor as new (length: number) => V;
  const out = new Ctor(total);
  const hit = new Uint8Array(labels.voxels.length);
  const path = new PathInverse(frames, transforms);
  const { P } = path;
  const src = labels.voxels;
  const o = path.out;
  const halfSlab = transforms.sliceSpacing / 2;

  // Reach of a slice: its half-diagonal (to the outer pixel edges, as nearest-neighbour rounds).
  const halfW = (columns / 2) * path.sx;
  const halfH = (rows / 2) * path.sy;
  const tube = Math.hypot(halfW, halfH);
  let maxStep = transforms.sliceSpacing;
  for (let k = 1; k < n; k++) maxStep = Math.max(maxStep, Math.hypot(P[3 * k]! - P[3 * k - 3]!, P[3 * k + 1]! - P[3 * k - 2]!, P[3 * k + 2]! - P[3 * k - 1]!));
  const reach = tube + maxStep;
  // κ per slice, the larger of its own and its neighbours' (the bend between samples).
  const kappa = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    let m = 0;
    for (let q = Math.max(0, k - 1); q <= Math.min(n - 1, k + 1); q++) m = Math.max(m, Math.hypot(path.k1[q]!, path.k2[q]!));
    kappa[k] = m;
  }

  // Reference index box around the tube's bounding box.
  const lo = [Infinity, Infinity, Infinity];
  const hi = [-Infinity, -Infinity, -Infinity];
  for (let k = 0; k < n; k++) {
    for (let a = 0; a < 3; a++) {
      lo[a] = Math.min(lo[a]!, P[3 * k + a]! - reach);
      hi[a] = Math.max(hi[a]!, P[3 * k + a]! + reach);
    }
  }
  const lpsToIjk = invertAffine(M);
  const ijkLo = [Infinity, Infinity, Infinity];
  const ijkHi = [-Infinity, -Infinity, -Infinity];
  for (let c = 0; c < 8; c++) {
    const corner: Vec3 = [c & 1 ? hi[0]! : lo[0]!, c & 2 ? hi[1]! : lo[1]!, c & 4 ? hi[2]! : lo[2]!];
    const ijk = transformPoint(lpsToIjk, corner);
    for (let a = 0; a < 3; a++) {
      ijkLo[a] = Math.min(ijkLo[a]!, ijk[a]!);
      ijkHi[a] = Math.max(ijkHi[a]!, ijk[a]!);
    }
  }
  const dims = [ni, nj, nk];
  const from = [0, 1, 2].map((a) => Math.max(0, Math.floor(ijkLo[a]!)));
  const to = [0, 1, 2].map((a) => Math.min(dims[a]! - 1, Math.ceil(ijkHi[a]!)));

  const axis = [0, 1, 2].map((c) => [M[c]!, M[4 + c]!, M[8 + c]!]);
  const axisLen = axis.map((v) => Math.hypot(v[0]!, v[1]!, v[2]!));
  const blockSize = axisLen.map((l) => Math.max(1, Math.min(MAX_BLOCK_VOXELS, Math.round(BLOCK_MM / (l || 1)))));

  const dist = new Float64Array(n);
  const near: number[] = [];
  const extent: number[] = [];
  const runStart: number[] = [];
  const runEnd: number[] = [];
  const runHint: number[] = [];
  let covered = 0;
  let labelled = 0;
  let folded = 0;

  for (let k0 = from[2]!; k0 <= to[2]!; k0 += blockSize[2]!) {
    const k1 = Math.min(to[2]!, k0 + blockSize[2]! - 1);
    for (let j0 = from[1]!; j0 <= to[1]!; j0 += blockSize[1]!) {
      const j1 = Math.min(to[1]!, j0 + blockSize[1]! - 1);
      for (let i0 = from[0]!; i0 <= to[0]!; i0 += blockSize[0]!) {
        const i1 = Math.min(to[0]!, i0 + blockSize[0]! - 1);
        const centre = transformPoint(M, [(i0 + i1) / 2, (j0 + j1) / 2, (k0 + k1) / 2]);
        const r = 0.5 * ((i1 - i0) * axisLen[0]! + (j1 - j0) * axisLen[1]! + (k1 - k0) * axisLen[2]!);
        let dc = Infinity;
        for (let q = 0; q < n; q++) {
          const d = Math.sqrt(sq(centre[0], centre[1], centre[2], P, q)); // (Math.hypot is several times slower)
          dist[q] = d;
          if (d < dc) dc = d;
        }
        if (dc - r > reach) continue;
        const nearLimit = dc + 2 * r;
        const extentLimit = reach + r;
        let foldProne = false;
        for (let q = 0; q < n && !foldProne; q++) {
          if (dist[q]! <= Math.max(nearLimit, extentLimit) && (dist[q]! + r + maxStep) * kappa[q]! >= 1) foldProne = true;
        }
        near.length = 0;
        extent.length = 0;
        runStart.length = 0;
        runEnd.length = 0;
        runHint.length = 0;
        for (let q = 0; q < n; q++) {
          if (dist[q]! <= nearLimit) {
            near.push(q);
            if (runEnd.length > 0 && runEnd[runEnd.length - 1] === q - 1) {
              runEnd[runEnd.length - 1] = q;
              if (dist[q]! < dist[runHint[runHint.length - 1]!]!) runHint[runHint.length - 1] = q;
            } else {
              runStart.push(q);
              runEnd.push(q);
              runHint.push(q);
            }
          }
          if (foldProne && dist[q]! <= extentLimit) extent.push(q);
        }
        const runs = runStart.length;

        for (let k = k0; k <= k1; k++) {
          for (let j = j0; j <= j1; j++) {
            let px = M[0]! * i0 + M[1]! * j + M[2]! * k + M[3]!;
            let py = M[4]! * i0 + M[5]! * j + M[6]! * k + M[7]!;
            let pz = M[8]! * i0 + M[9]! * j + M[10]! * k + M[11]!;
            for (let i = i0; i <= i1; i++, px += M[0]!, py += M[4]!, pz += M[8]!) {
              let m = -1;
              let best = Infinity;
              if (!foldProne) {
                // Convex squared distance along each run: descend from the last answer.
                for (let rr = 0; rr < runs; rr++) {
                  const a = runStart[rr]!;
                  const b = runEnd[rr]!;
                  let h = runHint[rr]!;
                  let fh = sq(px, py, pz, P, h);
                  let moved = false;
                  while (h > a) {
                    const f = sq(px, py, pz, P, h - 1);
                    if (!(f < fh)) break;
                    h--;
                    fh = f;
                    moved = true;
                  }
                  if (!moved) {
                    while (h < b) {
                      const f = sq(px, py, pz, P, h + 1);
                      if (!(f < fh)) break;
                      h++;
                      fh = f;
                    }
                  }
                  runHint[rr] = h;
                  if (fh < best) {
                    best = fh;
                    m = h;
                  }
                }
              } else {
                for (const q of near) {
                  const f = sq(px, py, pz, P, q);
                  if (f < best) {
                    best = f;
                    m = q;
                  }
                }
              }
              if (m < 0 || !path.project(px, py, pz, m, halfSlab)) continue;
              const index = path.voxelIndex();
              if (index < 0) continue;
              covered++;
              let isFolded = o[3]! <= 0;
              if (foldProne && !isFolded) isFolded = onFoldedSlice(path, px, py, pz, extent, halfW, halfH);
              if (isFolded) folded++;
              hit[index] = 1;
              const label = src[index]!;
              if (label !== 0) {
                out[i + ni * (j + nj * k)] = label;
                labelled++;
              }
            }
          }
        }
      }
    }
  }

  let unmapped = 0;
  for (let q = 0; q < src.length; q++) if (src[q] !== 0 && hit[q] === 0) unmapped++;
  return { voxels: out, report: { referenceVoxels: total, covered, labelled, folded, unmapped } };
}

function sq(px: number, py: number, pz: number, P: Float64Array, k: number): number {
  const dx = px - P[3 * k]!;
  const dy = py - P[3 * k + 1]!;
  const dz = pz - P[3 * k + 2]!;
  return dx * dx + dy * dy + dz * dz;
}

/**
 * Whether p lies on a folded stretch of another slice: between consecutive slices q, q+1 its plane
 * offset rises through zero (a local maximum of the distance to the path, where J < 0), with p
 * inside that slice's extent.
 */
function onFoldedSlice(path: PathInverse, px: number, py: number, pz: number, extent: readonly number[], halfW: number, halfH: number): boolean {
  const { P, N, B } = path;
  for (let e = 0; e + 1 < extent.length; e++) {
    const q = extent[e]!;
    if (extent[e + 1] !== q + 1) continue;
    const g0 = path.planeOffset(px, py, pz, q);
    if (!(g0 < 0)) continue;
    const g1 = path.planeOffset(px, py, pz, q + 1);
    if (!(g1 >= 0)) continue;
    const o = 3 * q;
    const dx = px - P[o]!;
    const dy = py - P[o + 1]!;
    const dz = pz - P[o + 2]!;
    const u = dx * N[o]! + dy * N[o + 1]! + dz * N[o + 2]!;
    const v = dx * B[o]! + dy * B[o + 1]! + dz * B[o + 2]!;
    if (Math.abs(u) <= halfW && Math.abs(v) <= halfH) return true;
  }
  return false;
}
