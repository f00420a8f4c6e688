/**
 * The original→straightened mapping as an ITK displacement field, where it is defined: for a
 * point p (LPS) of the original volume's grid, d(p) = x(p) − p, where x(p) is p's position on
 * the straightened volume's nominal grid (origin 0, identity directions, spacings
 * [pixel, pixel, step]: the grid displacement-straightened-to-LPS.mha starts from), i.e.
 * (column·sx, row·sy, slice·step) with continuous straightened coordinates. Resampling the
 * straightened volume (placed on that nominal grid) through this field gives it back on the
 * original grid; composing it with the straightened→LPS field gives the identity.
 *
 * x(p) is the exact per-slice inverse that map-back uses (createStraightenedInverse: the
 * closest path point, then that slice's interpolated frame). It is defined where that closest
 * point is not beyond an end of the path, p lies within the slice rectangle there, and the
 * Jacobian determinant there is positive (J ≤ 0 is a fold: the straightened volume shows that
 * region more than once). Elsewhere the field holds a zero vector (ITK: not displaced) and the
 * validity mask holds 0; the mask is what says where the field may be used.
 *
 * Grid: the original voxel lattice (same directions, voxel centres), cropped to the voxels the
 * slices can reach (the path's bounding box grown by a slice's half-diagonal) and, when that
 * box has more than `maxPoints` voxels, every `decimation`-th voxel along each axis (one
 * integer factor for all three, so the points stay on original voxel centres). ITK treats
 * points outside a field's grid as not displaced, which is what the mask says of them too.
 */
import { invertAffine, transformPoint, type Mat4 } from '../math/mat4';
import type { Vec3 } from '../math/vec3';
import { createStraightenedInverse } from './mapBack';
import { slicesToFrames, type StraightenedTransforms } from './straightenedFrames';

export interface InverseDisplacementField {
  dimensions: [number, number, number];
  /** The field grid, (i, j, k, 1) → LPS: the original's axes × decimation, origin at an original voxel centre. */
  ijkToLps: Mat4;
  /** 3 values (dx, dy, dz, mm) per grid point, interleaved, column fastest; 0 where undefined. */
  vectors: Float32Array;
  /** 1 where the inverse is defined (see the file comment). */
  mask: Uint8Array;
  /** Original voxels per field step along each axis. */
  decimation: number;
  /** Original voxel index of the field's first grid point. */
  originVoxel: [number, number, number];
  /** Grid points where the inverse is defined. */
  defined: number;
}

export interface InverseFieldReference {
  dimensions: readonly [number, number, number];
  /** (i, j, k, 1) → LPS mm, row-major 4x4. */
  ijkToLps: readonly number[];
}

/** Field points per edge of a block that shares one nearest-slice candidate search. */
const BLOCK = 8;

function squared(px: number, py: number, pz: number, P: Float64Array, q: number): number {
  const dx = px - P[3 * q]!;
  const dy = py - P[3 * q + 1]!;
  const dz = pz - P[3 * q + 2]!;
  return dx * dx + dy * dy + dz * dz;
}

/** About 24 MB of vectors: a field Slicer and plastimatch load in a moment. */
export const DEFAULT_INVERSE_FIELD_POINTS = 2_000_000;

export function inverseDisplacementField(transforms: StraightenedTransforms, reference: InverseFieldReference, maxPoints = DEFAULT_INVERSE_FIELD_POINTS): InverseDisplacementField {
  const M = [...reference.ijkToLps];
  if (M.length !== 16) throw new Error('reference ijkToLps must be 16 numbers (row-major 4x4)');
  const [cols, rows] = transforms.size;
  const [sx, sy] = transforms.pixelSpacing;
  const step = transforms.sliceSpacing;
  const centres = transforms.slices.map((s) => transformPoint(s.sliceToWorld, [(cols - 1) / 2, (rows - 1) / 2, 0]));

  // Voxels a slice can reach: within its half-diagonal (to the outer pixel edges) of its centre.
  const reach = Math.hypot((cols / 2) * sx, (rows / 2) * sy) + step;
  const lo: Vec3 = [Infinity, Infinity, Infinity];
  const hi: Vec3 = [-Infinity, -Infinity, -Infinity];
  for (const c of centres) {
    for (let a = 0; a < 3; a++) {
      lo[a] = Math.min(lo[a]!, c[a]! - reach);
      hi[a] = Math.max(hi[a]!, c[a]! + reach);
    }
  }
  const lpsToIjk = invertAffine(M);
  const ijkLo = [Infinity, Infinity, Infinity];
  const ijkHi = [-Infinity, -Infinity, -Infinity];
  for (let corner = 0; corner < 8; corner++) {
    const ijk = transformPoint(lpsToIjk, [corner & 1 ? hi[0] : lo[0], corner & 2 ? hi[1] : lo[1], corner & 4 ? hi[2] : lo[2]]);
    for (let a = 0; a < 3; a++) {
      ijkLo[a] = Math.min(ijkLo[a]!, ijk[a]!);
      ijkHi[a] = Math.max(ijkHi[a]!, ijk[a]!);
    }
  }
  const from = [0, 1, 2].map((a) => Math.min(reference.dimensions[a]! - 1, Math.max(0, Math.floor(ijkLo[a]!)))) as [number, number, number];
  const to = [0, 1, 2].map((a) => Math.max(from[a]!, Math.min(reference.dimensions[a]! - 1, Math.ceil(ijkHi[a]!)))) as [number, number, number];
  const span = [0, 1, 2].map((a) => to[a]! - from[a]! + 1);
  let decimation = 1;
  const countAt = (d: number) => span.reduce((n, s) => n * Math.ceil(s / d), 1);
  while (countAt(decimation) > maxPoints) decimation++;
  // Points at from + d·n, the last at or past `to` so the grid covers the whole box.
  const dims = span.map((s) => Math.ceil(s / decimation)) as [number, number, number];
  const [nx, ny, nz] = dims;

  const inverse = createStraightenedInverse(transforms);
  const vectors = new Float32Array(3 * nx * ny * nz);
  const mask = new Uint8Array(nx * ny * nz);
  const slices = centres.length;
  const P = new Float64Array(3 * slices);
  slicesToFrames(transforms).forEach((f, q) => P.set(f.point, 3 * q));
  const dist = new Float64Array(slices);
  const candidates: number[] = [];
  const axisMm = [0, 1, 2].map((c) => decimation * Math.hypot(M[c]!, M[4 + c]!, M[8 + c]!));
  let defined = 0;
  // Blocks of field points share one pass over the slice points: by the triangle inequality the
  // slice point nearest any point of a block (centre c, radius r) lies within d(c) + 2r of c, so
  // the exact nearest is found among those candidates alone.
  for (let k0 = 0; k0 < nz; k0 += BLOCK) {
    for (let j0 = 0; j0 < ny; j0 += BLOCK) {
      for (let i0 = 0; i0 < nx; i0 += BLOCK) {
        const [i1, j1, k1] = [Math.min(nx, i0 + BLOCK) - 1, Math.min(ny, j0 + BLOCK) - 1, Math.min(nz, k0 + BLOCK) - 1];
        const centre = transformPoint(M, [from[0] + ((i0 + i1) / 2) * decimation, from[1] + ((j0 + j1) / 2) * decimation, from[2] + ((k0 + k1) / 2) * decimation]);
        const r = 0.5 * Math.hypot((i1 - i0) * axisMm[0]!, (j1 - j0) * axisMm[1]!, (k1 - k0) * axisMm[2]!);
        let dc = Infinity;
        for (let q = 0; q < slices; q++) {
          const d = Math.sqrt(squared(centre[0], centre[1], centre[2], P, q));
          dist[q] = d;
          if (d < dc) dc = d;
        }
        // No point of the block is within any slice's reach.
        if (dc - r > reach) continue;
        candidates.length = 0;
        for (let q = 0; q < slices; q++) if (dist[q]! <= dc + 2 * r + 1e-9) candidates.push(q);
        for (let k = k0; k <= k1; k++) {
          for (let j = j0; j <= j1; j++) {
            for (let i = i0; i <= i1; i++) {
              const p = transformPoint(M, [from[0] + i * decimation, from[1] + j * decimation, from[2] + k * decimation]);
              let nearest = -1;
              let best = Infinity;
              for (const q of candidates) {
                const d = squared(p[0], p[1], p[2], P, q);
                if (d < best) {
                  best = d;
                  nearest = q;
                }
              }
              const at = inverse(p, nearest);
              if (!at || !at.covered || !(at.jacobian > 0)) continue;
              // Within the rectangle of pixel centres, so that linear interpolation of the
              // straightened volume at x(p) never reaches past its edge.
              if (at.ijk[0] < 0 || at.ijk[0] > cols - 1 || at.ijk[1] < 0 || at.ijk[1] > rows - 1) continue;
              const point = i + nx * (j + ny * k);
              const o = 3 * point;
              vectors[o] = at.ijk[0] * sx - p[0];
              vectors[o + 1] = at.ijk[1] * sy - p[1];
              vectors[o + 2] = at.ijk[2] * step - p[2];
              mask[point] = 1;
              defined++;
            }
          }
        }
      }
    }
  }
  const ijkToLps: Mat4 = [...M];
  for (let r = 0; r < 3; r++) {
    for (let c = 0; c < 3; c++) ijkToLps[4 * r + c] = M[4 * r + c]! * decimation;
    ijkToLps[4 * r + 3] = M[4 * r]! * from[0] + M[4 * r + 1]! * from[1] + M[4 * r + 2]! * from[2] + M[4 * r + 3]!;
  }
  return { dimensions: dims, ijkToLps, vectors, mask, decimation, originVoxel: from, defined };
}
