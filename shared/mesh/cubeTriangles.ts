/**
 * The marching-cubes triangulation of one cube, generated rather than copied from
 * Lorensen's table: the contour is first drawn on each of the six faces, then the
 * segments are chained into loops and each loop is fanned into triangles.
 *
 * Why generate it: the surface is crack-free and manifold exactly when both cubes
 * sharing a face draw the same segments on it. The segments here depend only on the
 * face's four corners (and, on an ambiguous face — bright corners on one diagonal,
 * dark on the other — on the face's own asymptotic decider, Nielson & Hamann 1991),
 * so neighbours always agree. Every contour vertex lies on a cube edge and has one
 * segment on each of the two faces along that edge, so the loops are simple and each
 * welded vertex has a single disc of triangles around it.
 *
 * Corners are numbered dx + 2·dy + 4·dz. Segments are oriented so that, seen with the
 * face's outward normal n, (q − p) × n points to the bright side; the loops then wind
 * counter-clockwise seen from the dark side: triangle normals point out of bright objects.
 */

/** Corner pairs of the 12 cube edges: 0–3 along x, 4–7 along y, 8–11 along z. */
export const EDGE_CORNERS: readonly (readonly [number, number])[] = [
  [0, 1], [2, 3], [4, 5], [6, 7],
  [0, 2], [1, 3], [4, 6], [5, 7],
  [0, 4], [1, 5], [2, 6], [3, 7],
];

/** Corners of the 6 faces in cyclic order; face 2·axis + side has outward normal (side ? +1 : −1)·e_axis. */
export const FACE_CORNERS: readonly (readonly [number, number, number, number])[] = [0, 1, 2].flatMap((axis) => {
  const [u, v] = [1 << ((axis + 1) % 3), 1 << ((axis + 2) % 3)];
  return [0, 1].map((side) => {
    const base = side << axis;
    return [base, base + u, base + u + v, base + v] as const;
  });
});

const corner = (c: number): [number, number, number] => [c & 1, (c >> 1) & 1, (c >> 2) & 1];

function edgeOf(a: number, b: number): number {
  const e = EDGE_CORNERS.findIndex(([p, q]) => (p === a && q === b) || (p === b && q === a));
  if (e < 0) throw new Error(`corners ${a} and ${b} share no edge`);
  return e;
}

const FACE_EDGES = FACE_CORNERS.map((q) => q.map((c, k) => edgeOf(c, q[(k + 1) % 4])));

function edgeMidpoint(e: number): [number, number, number] {
  const [a, b] = EDGE_CORNERS[e].map(corner);
  return [(a[0] + b[0]) / 2, (a[1] + b[1]) / 2, (a[2] + b[2]) / 2];
}

/** Bit f set when face f of the case (bit c set: corner c bright) is ambiguous. */
export function ambiguousFaces(caseIndex: number): number {
  let mask = 0;
  FACE_CORNERS.forEach((q, f) => {
    const b = q.map((c) => (caseIndex >> c) & 1);
    if (b[0] === b[2] && b[1] === b[3] && b[0] !== b[1]) mask |= 1 << f;
  });
  return mask;
}

/** The face's oriented contour segments, as [from edge, to edge]. */
function faceSegments(caseIndex: number, f: number, joinBright: boolean): [number, number][] {
  const q = FACE_CORNERS[f];
  const edges = FACE_EDGES[f];
  const bright = q.map((c) => ((caseIndex >> c) & 1) === 1);
  const axis = f >> 1;
  const normal = [0, 0, 0];
  normal[axis] = f & 1 ? 1 : -1;
  const segments: [number, number, [number, number, number]][] = [];
  const crossing = [0, 1, 2, 3].filter((k) => bright[k] !== bright[(k + 1) % 4]);
  if (crossing.length === 2) {
    // The bright side: from the dark corners' centroid to the bright corners'.
    const centroid = (want: boolean) => {
      const cs = q.filter((_, k) => bright[k] === want).map(corner);
      return [0, 1, 2].map((i) => cs.reduce((s, c) => s + c[i], 0) / cs.length);
    };
    const [b, d] = [centroid(true), centroid(false)];
    segments.push([edges[crossing[0]], edges[crossing[1]], [b[0] - d[0], b[1] - d[1], b[2] - d[2]]]);
  } else if (crossing.length === 4) {
    // Cut off the corners that are not joined: the dark ones when the bright diagonal connects.
    for (let k = 0; k < 4; k++) {
      if (bright[k] === joinBright) continue;
      const [e0, e1] = [edges[(k + 3) % 4], edges[k]];
      const c = corner(q[k]);
      const [m0, m1] = [edgeMidpoint(e0), edgeMidpoint(e1)];
      const towardCorner = [0, 1, 2].map((i) => c[i] - (m0[i] + m1[i]) / 2);
      const sign = bright[k] ? 1 : -1;
      segments.push([e0, e1, [sign * towardCorner[0], sign * towardCorner[1], sign * towardCorner[2]]]);
    }
  }
  return segments.map(([from, to, brightSide]) => {
    const [p, r] = [edgeMidpoint(from), edgeMidpoint(to)];
    const d = [r[0] - p[0], r[1] - p[1], r[2] - p[2]];
    const side = [d[1] * normal[2] - d[2] * normal[1], d[2] * normal[0] - d[0] * normal[2], d[0] * normal[1] - d[1] * normal[0]];
    const dot = side[0] * brightSide[0] + side[1] * brightSide[1] + side[2] * brightSide[2];
    return dot > 0 ? [from, to] : [to, from];
  });
}

/**
 * A cube's triangles, three vertex codes each: 0–11 the vertex on that cube edge, 12 + m
 * a vertex of this cube alone at the mean of `centres[m]`'s edge vertices, fanned to
 * for a loop that no diagonals can triangulate without sharing an edge with a neighbour.
 */
export interface CubeTriangulation {
  triangles: Int8Array;
  centres: Int8Array[];
}

/** The triangulation of a case with the given ambiguous faces' decisions (bit f: bright corners joined). */
function triangulate(caseIndex: number, joinMask: number): CubeTriangulation {
  const next = new Int8Array(12).fill(-1);
  for (let f = 0; f < 6; f++) {
    for (const [from, to] of faceSegments(caseIndex, f, ((joinMask >> f) & 1) === 1)) {
      if (next[from] !== -1) throw new Error(`case ${caseIndex}: edge ${from} starts two segments`);
      next[from] = to;
    }
  }
  const triangles: number[] = [];
  const centres: Int8Array[] = [];
  const visited = new Uint8Array(12);
  for (let start = 0; start < 12; start++) {
    if (next[start] === -1 || visited[start]) continue;
    const loop: number[] = [];
    for (let e = start; !visited[e]; e = next[e]) {
      if (next[e] === -1) throw new Error(`case ${caseIndex}: open contour at edge ${e}`);
      visited[e] = 1;
      loop.push(e);
    }
    const inside = triangulateLoop(loop);
    if (inside) {
      triangles.push(...inside);
    } else {
      const centre = 12 + centres.length;
      centres.push(Int8Array.from(loop));
      loop.forEach((e, k) => triangles.push(e, loop[(k + 1) % loop.length], centre));
    }
  }
  return { triangles: Int8Array.from(triangles), centres };
}

/** Bit f set when cube edge e lies on face f. */
const EDGE_FACES = EDGE_CORNERS.map(([a, b]) => FACE_CORNERS.reduce((mask, q, f) => (q.includes(a) && q.includes(b) ? mask | (1 << f) : mask), 0));

/**
 * The triangulation of a contour loop (nominal vertices at the edge midpoints) with the
 * best worst triangle (largest smallest angle), among those whose diagonals never join
 * two vertices on a common face: such a diagonal could coincide with one of the
 * neighbouring cube's and be shared by four triangles. Diagonals inside the cube belong
 * to this cube alone. (A least-area choice was tried: it biases the area of staircase
 * surfaces 0.7–0.9% below VTK's tables.)
 */
function triangulateLoop(loop: readonly number[]): number[] | null {
  const n = loop.length;
  const points = loop.map(edgeMidpoint);
  const usable = (i: number, j: number) => j === i + 1 || (i === 0 && j === n - 1) || (EDGE_FACES[loop[i]] & EDGE_FACES[loop[j]]) === 0;
  const angleAt = (p: number[], q: number[], r: number[]) => {
    const u = [q[0] - p[0], q[1] - p[1], q[2] - p[2]];
    const v = [r[0] - p[0], r[1] - p[1], r[2] - p[2]];
    return Math.acos(Math.max(-1, Math.min(1, (u[0] * v[0] + u[1] * v[1] + u[2] * v[2]) / (Math.hypot(...u) * Math.hypot(...v)))));
  };
  // Minimised: minus the smallest angle, so the DP below keeps the best worst triangle.
  const cost = (i: number, k: number, j: number) => {
    const [a, b, c] = [points[i], points[k], points[j]];
    return -Math.min(angleAt(a, b, c), angleAt(b, c, a), angleAt(c, a, b));
  };
  const best: number[][] = Array.from({ length: n }, () => new Array<number>(n).fill(Infinity));
  const apex: number[][] = Array.from({ length: n }, () => new Array<number>(n).fill(-1));
  for (let i = 0; i + 1 < n; i++) best[i][i + 1] = -Infinity;
  for (let span = 2; span < n; span++) {
    for (let i = 0; i + span < n; i++) {
      const j = i + span;
      if (!usable(i, j)) continue;
      for (let k = i + 1; k < j; k++) {
        const worst = Math.max(best[i][k], best[k][j], cost(i, k, j));
        if (worst < best[i][j] - 1e-9) {
          best[i][j] = worst;
          apex[i][j] = k;
        }
      }
    }
  }
  if (!Number.isFinite(best[0][n - 1])) return null;
  const out: number[] = [];
  const emit = (i: number, j: number): void => {
    if (j - i < 2) return;
    const k = apex[i][j];
    out.push(loop[i], loop[k], loop[j]);
    emit(i, k);
    emit(k, j);
  };
  emit(0, n - 1);
  return out;
}

const AMBIGUOUS = Uint8Array.from({ length: 256 }, (_, c) => ambiguousFaces(c));
const cache: (CubeTriangulation | undefined)[] = [];

/** Bits of the ambiguous faces of each case (see ambiguousFaces), precomputed. */
export const AMBIGUOUS_FACES: Readonly<Uint8Array> = AMBIGUOUS;

/** The cube's triangulation; `joinMask` matters only on the case's ambiguous faces. */
export function cubeTriangles(caseIndex: number, joinMask: number): CubeTriangulation {
  const key = (caseIndex << 6) | (joinMask & AMBIGUOUS[caseIndex]);
  return (cache[key] ??= triangulate(caseIndex, joinMask & AMBIGUOUS[caseIndex]));
}
