/**
 * Marching cubes on a voxel grid, straight into LPS mm: an indexed, welded mesh (one
 * vertex per crossed grid edge) that is watertight and manifold for a closed surface
 * (see cubeTriangles.ts), with triangles facing out of the bright object (values
 * above the threshold).
 *
 * The grid is streamed one slice pair at a time: the working memory is a few arrays of
 * one padded slice, whatever the number of slices, besides the mesh itself.
 *
 * With `closeAtBorders` the grid is padded by one layer of "dark" samples, so an object
 * cut by the edge of the scan gets a cap half a voxel outside the outer voxel centres
 * (where the voxels end) instead of a hole: the mesh stays closed, as a printer needs.
 */
import { AMBIGUOUS_FACES, cubeTriangles, FACE_CORNERS } from './cubeTriangles';
import type { TriangleMesh } from './TriangleMesh';

const T_MARGIN = 1e-3;

export interface VoxelVolume {
  /** [columns (i), rows (j), slices (k)]. */
  dimensions: readonly [number, number, number];
  /** (i, j, k, 1) → LPS mm, row-major 4×4. */
  ijkToLps: readonly number[];
  /** Slice-major, column fastest. */
  voxels: Float32Array;
}

export interface MarchingCubesOptions {
  /** Iso-value; samples strictly above it are inside. */
  threshold: number;
  /** Cap objects cut by the grid's borders (default true). */
  closeAtBorders?: boolean;
  /** Called after each slice pair (done of total). */
  onProgress?: (done: number, total: number) => void;
  /** Checked after each slice pair: aborting throws its reason (an AbortError). */
  signal?: AbortSignal;
}

/** A growable typed array: the mesh size is unknown until the last slice. */
class Growable<T extends Float64Array | Uint32Array> {
  length = 0;
  constructor(
    public data: T,
    private readonly make: (n: number) => T,
  ) {}
  push(value: number): void {
    if (this.length === this.data.length) {
      const bigger = this.make(this.data.length * 2);
      bigger.set(this.data);
      this.data = bigger;
    }
    this.data[this.length++] = value;
  }
  trimmed(): T {
    return this.data.slice(0, this.length) as T;
  }
}

export function marchingCubes(volume: VoxelVolume, options: MarchingCubesOptions): TriangleMesh {
  const [nx, ny, nz] = volume.dimensions;
  const { voxels } = volume;
  if (voxels.length !== nx * ny * nz) throw new Error(`expected ${nx * ny * nz} voxels, got ${voxels.length}`);
  const iso = options.threshold;
  const closed = options.closeAtBorders ?? true;
  const m = volume.ijkToLps;
  const det = m[0] * (m[5] * m[10] - m[6] * m[9]) - m[1] * (m[4] * m[10] - m[6] * m[8]) + m[2] * (m[4] * m[9] - m[5] * m[8]);
  const mirrored = det < 0;

  // Padded slices: index I + PX·J with I = i + 1, J = j + 1; outside the grid is −∞ (dark).
  const PX = nx + 2;
  const PY = ny + 2;
  const P = PX * PY;
  const paddedSlice = (K: number, values: Float32Array, bright: Uint8Array): void => {
    values.fill(-Infinity);
    bright.fill(0);
    if (K < 1 || K > nz) return;
    const base = (K - 1) * nx * ny;
    for (let j = 0; j < ny; j++) {
      const row = base + j * nx;
      const out = (j + 1) * PX + 1;
      for (let i = 0; i < nx; i++) {
        const v = voxels[row + i];
        values[out + i] = v;
        bright[out + i] = v > iso ? 1 : 0;
      }
    }
  };

  let lowValues = new Float32Array(P);
  let highValues = new Float32Array(P);
  let lowBright = new Uint8Array(P);
  let highBright = new Uint8Array(P);
  // Vertex index on the grid edge starting at (I, J) of the low / high slice, along x or y, and between them along z.
  let lowX = new Int32Array(P);
  let lowY = new Int32Array(P);
  let highX = new Int32Array(P);
  let highY = new Int32Array(P);
  const alongZ = new Int32Array(P);
  const positions = new Growable(new Float64Array(1 << 16), (n) => new Float64Array(n));
  const triangles = new Growable(new Uint32Array(1 << 16), (n) => new Uint32Array(n));

  let K = 0;
  // (I, J, KK) is the edge's first sample in padded indices.
  const addVertex = (v0: number, v1: number, I: number, J: number, KK: number, axis: number): number => {
    // A step to the padding (−∞) puts the vertex where the outer voxel ends. A voxel exactly
    // at the threshold (integer HU!) would put the vertices of all its edges on it: kept a
    // thousandth of a voxel apart, so tools that weld STL corners by position keep them apart.
    // (Written so that a NaN voxel, dark by the v > iso test, gives a margin rather than NaN.)
    const raw = v0 === -Infinity || v1 === -Infinity ? 0.5 : (iso - v0) / (v1 - v0);
    const t = raw > T_MARGIN ? (raw < 1 - T_MARGIN ? raw : 1 - T_MARGIN) : T_MARGIN;
    const x = I - 1 + (axis === 0 ? t : 0);
    const y = J - 1 + (axis === 1 ? t : 0);
    const z = KK - 1 + (axis === 2 ? t : 0);
    positions.push(m[0] * x + m[1] * y + m[2] * z + m[3]);
    positions.push(m[4] * x + m[5] * y + m[6] * z + m[7]);
    positions.push(m[8] * x + m[9] * y + m[10] * z + m[11]);
    return positions.length / 3 - 1;
  };
  // The vertex on cube edge e (numbering of cubeTriangles.ts) of the cube at (I, J), created once.
  const vertexOn = (e: number, I: number, J: number): number => {
    let cache: Int32Array;
    let p: number;
    let v0: number;
    let v1: number;
    let axis: 0 | 1 | 2;
    let vi = I;
    let vj = J;
    let vk = K;
    if (e < 4) {
      axis = 0;
      vj += e & 1;
      vk += e >> 1;
      p = vi + PX * vj;
      const values = e < 2 ? lowValues : highValues;
      cache = e < 2 ? lowX : highX;
      v0 = values[p];
      v1 = values[p + 1];
    } else if (e < 8) {
      axis = 1;
      vi += e & 1;
      vk += (e - 4) >> 1;
      p = vi + PX * vj;
      const values = e < 6 ? lowValues : highValues;
      cache = e < 6 ? lowY : highY;
      v0 = values[p];
      v1 = values[p + PX];
    } else {
      axis = 2;
      vi += e & 1;
      vj += (e >> 1) & 1;
      p = vi + PX * vj;
      cache = alongZ;
      v0 = lowValues[p];
      v1 = highValues[p];
    }
    let vertex = cache[p];
    if (vertex < 0) {
      vertex = addVertex(v0, v1, vi, vj, vk, axis);
      cache[p] = vertex;
    }
    return vertex;
  };

  // A vertex of this cube alone, at the mean of a loop's vertices.
  const addCentre = (loop: Int8Array, I: number, J: number): number => {
    const members = Array.from(loop, (e) => vertexOn(e, I, J));
    for (let axis = 0; axis < 3; axis++) positions.push(members.reduce((s, v) => s + positions.data[3 * v + axis], 0) / members.length);
    return positions.length / 3 - 1;
  };

  const corners = new Float64Array(8);
  // Cubes [start, end) in padded indices: all of them, or those whose corners are all voxels.
  const layers = closed ? [0, nz + 1] : [1, nz];
  const [I0, I1, J0, J1] = closed ? [0, nx + 1, 0, ny + 1] : [1, nx, 1, ny];
  paddedSlice(layers[0], highValues, highBright);
  highX.fill(-1);
  highY.fill(-1);
  const total = Math.max(0, layers[1] - layers[0]);
  for (K = layers[0]; K < layers[1]; K++) {
    [lowValues, highValues] = [highValues, lowValues];
    [lowBright, highBright] = [highBright, lowBright];
    [lowX, highX] = [highX, lowX];
    [lowY, highY] = [highY, lowY];
    paddedSlice(K + 1, highValues, highBright);
    highX.fill(-1);
    highY.fill(-1);
    alongZ.fill(-1);
    for (let J = J0; J < J1; J++) {
      let p = I0 + PX * J;
      for (let I = I0; I < I1; I++, p++) {
        const caseIndex =
          lowBright[p] | (lowBright[p + 1] << 1) | (lowBright[p + PX] << 2) | (lowBright[p + PX + 1] << 3) |
          (highBright[p] << 4) | (highBright[p + 1] << 5) | (highBright[p + PX] << 6) | (highBright[p + PX + 1] << 7);
        if (caseIndex === 0 || caseIndex === 255) continue;
        let joinMask = 0;
        const ambiguous = AMBIGUOUS_FACES[caseIndex];
        if (ambiguous !== 0) {
          corners[0] = lowValues[p];
          corners[1] = lowValues[p + 1];
          corners[2] = lowValues[p + PX];
          corners[3] = lowValues[p + PX + 1];
          corners[4] = highValues[p];
          corners[5] = highValues[p + 1];
          corners[6] = highValues[p + PX];
          corners[7] = highValues[p + PX + 1];
          joinMask = joinedFaces(ambiguous, corners, iso);
        }
        const { triangles: codes, centres } = cubeTriangles(caseIndex, joinMask);
        const centreVertices = centres.map((loop) => addCentre(loop, I, J));
        const vertexOf = (code: number) => (code < 12 ? vertexOn(code, I, J) : centreVertices[code - 12]);
        for (let n = 0; n < codes.length; n += 3) {
          const a = vertexOf(codes[n]);
          const b = vertexOf(codes[n + 1]);
          const c = vertexOf(codes[n + 2]);
          triangles.push(a);
          // A mirroring ijkToLps turns the index-space winding inside out.
          triangles.push(mirrored ? c : b);
          triangles.push(mirrored ? b : c);
        }
      }
    }
    options.signal?.throwIfAborted();
    options.onProgress?.(K - layers[0] + 1, total);
  }
  return { positions: positions.trimmed(), triangles: triangles.trimmed() };
}

/**
 * The asymptotic decider on each ambiguous face: the bilinear interpolant's saddle
 * value decides whether the bright diagonal is connected across the face. It reads
 * only the face's corners, so both cubes sharing the face decide alike.
 */
function joinedFaces(ambiguous: number, corners: Float64Array, iso: number): number {
  let mask = 0;
  for (let f = 0; f < 6; f++) {
    if (((ambiguous >> f) & 1) === 0) continue;
    const [q0, q1, q2, q3] = FACE_CORNERS[f];
    const a = corners[q0];
    const b = corners[q1];
    const c = corners[q2];
    const d = corners[q3];
    const saddle = (a * c - b * d) / (a + c - b - d);
    if (saddle > iso) mask |= 1 << f;
  }
  return mask;
}
