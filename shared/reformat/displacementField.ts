/**
 * The straightened→LPS mapping as a displacement field ITK (and so Slicer, plastimatch)
 * can load. ITK places the straightened volume on a nominal grid in LPS — origin
 * (0, 0, 0), identity directions, spacings (pixel, pixel, slice step) — and a
 * displacement transform maps a point x of that grid to x + d(x). With
 * d(i, j, k) = sliceToWorld[k]·(i, j, 0, 1) − (i·sx, j·sy, k·step), resampling the
 * original volume through the field reproduces the straightened volume.
 *
 * Large outputs are written on a coarser in-plane grid (about every `decimation`-th
 * pixel, ending on the last) whose geometry says so; ITK interpolates linearly between,
 * which is exact in-plane because each slice's mapping is affine.
 */
import { transformPoint, type Mat4 } from '../math/mat4';

export interface DisplacementField {
  dimensions: [number, number, number];
  /** The field grid in LPS: origin 0, identity directions, its spacings. */
  ijkToLps: Mat4;
  /** 3 values (dx, dy, dz in LPS mm) per grid point, interleaved, column fastest. */
  vectors: Float32Array;
  decimation: number;
}

export function straightenedDisplacementField(sliceToWorld: readonly Mat4[], size: readonly [number, number], pixelSpacing: readonly [number, number], sliceSpacing: number, maxPoints = 16_000_000): DisplacementField {
  const [columns, rows] = size;
  const slices = sliceToWorld.length;
  let decimation = 1;
  while (Math.ceil(columns / decimation) * Math.ceil(rows / decimation) * slices > maxPoints && decimation < Math.max(columns, rows)) decimation++;
  // In-plane: about every decimation-th pixel, spread evenly so the field's grid ends exactly
  // on the last pixel (ITK treats points beyond a field's grid as not displaced).
  const nx = columns > 1 ? Math.ceil((columns - 1) / decimation) + 1 : 1;
  const ny = rows > 1 ? Math.ceil((rows - 1) / decimation) + 1 : 1;
  const pitchX = nx > 1 ? (columns - 1) / (nx - 1) : 1;
  const pitchY = ny > 1 ? (rows - 1) / (ny - 1) : 1;
  const sx = pixelSpacing[0] * pitchX;
  const sy = pixelSpacing[1] * pitchY;
  const vectors = new Float32Array(3 * nx * ny * slices);
  let o = 0;
  for (let k = 0; k < slices; k++) {
    const m = sliceToWorld[k]!;
    for (let j = 0; j < ny; j++) {
      for (let i = 0; i < nx; i++) {
        const world = transformPoint(m, [i * pitchX, j * pitchY, 0]);
        vectors[o++] = world[0] - i * sx;
        vectors[o++] = world[1] - j * sy;
        vectors[o++] = world[2] - k * sliceSpacing;
      }
    }
  }
  return {
    dimensions: [nx, ny, slices],
    ijkToLps: [sx, 0, 0, 0, 0, sy, 0, 0, 0, 0, sliceSpacing, 0, 0, 0, 0, 1],
    vectors,
    decimation,
  };
}
