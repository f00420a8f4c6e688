/**
 * Quadric edge-collapse decimation (Garland & Heckbert 1997): each vertex carries the
 * sum of the area-weighted squared-distance quadrics of its triangles' planes; the edge
 * whose merged vertex (at the quadric's minimum) moves the surface least collapses
 * first. Chosen over vertex clustering because it keeps the shape where it is curved,
 * spends triangles where they matter, and, with the checks below, never breaks the
 * manifold: clustering merges whatever shares a grid cell, pinching thin walls.
 *
 * A collapse of edge ab is refused when
 * - a or b is on a border (open meshes keep their outline);
 * - the link condition fails: a and b share a neighbour besides the two vertices
 *   opposite the edge (the collapse would glue two sheets or pinch a handle);
 * - a vertex would keep fewer than three neighbours (a tetrahedron, a spike);
 * - a triangle around it would flip or become degenerate.
 */
import { keepTriangles, type TriangleMesh } from './TriangleMesh';
import { borderVertices, vertexTriangles } from './vertexTriangles';

export interface DecimateOptions {
  /** Fraction of the triangles to keep, in (0, 1]. */
  keep: number;
  /** Smallest cosine between a triangle's normal before and after a collapse (default 0.2). */
  minNormalCosine?: number;
  /** Called every PROGRESS_COLLAPSES collapses: triangles removed of those to remove. */
  onProgress?: (done: number, total: number) => void;
  /** Checked as often as progress is reported: aborting throws its reason (an AbortError). */
  signal?: AbortSignal;
}

/** Collapses between progress reports and abort checks: a few milliseconds of work, so neither costs anything measurable. */
const PROGRESS_COLLAPSES = 4096;

/** A binary min-heap of candidate collapses: costs and slots in typed arrays (millions of entries, sifted often). */
class CollapseHeap {
  private cost = new Float64Array(1024);
  private slot = new Int32Array(1024);
  private length = 0;
  // Per slot: the edge and its endpoints' versions when it was costed.
  a = new Int32Array(1024);
  b = new Int32Array(1024);
  stampA = new Uint32Array(1024);
  stampB = new Uint32Array(1024);
  private free = new Int32Array(1024);
  private freeCount = 0;
  private slots = 0;

  get size(): number {
    return this.length;
  }

  push(cost: number, a: number, b: number, stampA: number, stampB: number): void {
    let e: number;
    if (this.freeCount > 0) {
      e = this.free[--this.freeCount];
    } else {
      e = this.slots++;
      if (e === this.a.length) {
        const grow = <T extends Int32Array | Uint32Array>(old: T, make: (n: number) => T): T => {
          const bigger = make(2 * old.length);
          bigger.set(old);
          return bigger;
        };
        this.a = grow(this.a, (n) => new Int32Array(n));
        this.b = grow(this.b, (n) => new Int32Array(n));
        this.stampA = grow(this.stampA, (n) => new Uint32Array(n));
        this.stampB = grow(this.stampB, (n) => new Uint32Array(n));
        this.free = grow(this.free, (n) => new Int32Array(n));
      }
    }
    this.a[e] = a;
    this.b[e] = b;
    this.stampA[e] = stampA;
    this.stampB[e] = stampB;
    if (this.length === this.cost.length) {
      const cost2 = new Float64Array(2 * this.cost.length);
      cost2.set(this.cost);
      this.cost = cost2;
      const slot2 = new Int32Array(2 * this.slot.length);
      slot2.set(this.slot);
      this.slot = slot2;
    }
    let i = this.length++;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (this.cost[parent] <= cost) break;
      this.cost[i] = this.cost[parent];
      this.slot[i] = this.slot[parent];
      i = parent;
    }
    this.cost[i] = cost;
    this.slot[i] = e;
  }

  /** The cheapest entry's slot (valid until the next push). */
  pop(): number {
    const { cost: costs, slot: slots } = this;
    const top = slots[0];
    this.free[this.freeCount++] = top;
    const n = --this.length;
    if (n > 0) {
      const cost = costs[n];
      const e = slots[n];
      let i = 0;
      for (;;) {
        let child = 2 * i + 1;
        if (child >= n) break;
        if (child + 1 < n && costs[child + 1] < costs[child]) child++;
        if (costs[child] >= cost) break;
        costs[i] = costs[child];
        slots[i] = slots[child];
        i = child;
      }
      costs[i] = cost;
      slots[i] = e;
    }
    return top;
  }
}

export function decimateMesh(mesh: TriangleMesh, options: DecimateOptions): TriangleMesh {
  const triangleTotal = mesh.triangles.length / 3;
  const target = Math.max(4, Math.round(options.keep * triangleTotal));
  if (target >= triangleTotal) return mesh;
  const minCos = options.minNormalCosine ?? 0.2;
  const pos = Float64Array.from(mesh.positions);
  const tri = Int32Array.from(mesh.triangles);
  const vertexTotal = pos.length / 3;
  const around = vertexTriangles(mesh);
  const locked = borderVertices(mesh, around);
  const trianglesOf: number[][] = Array.from({ length: vertexTotal }, (_, v) => Array.from(around.list.subarray(around.start[v], around.start[v + 1])));
  const triangleAlive = new Uint8Array(triangleTotal).fill(1);
  const vertexAlive = new Uint8Array(vertexTotal).fill(1);
  const version = new Uint32Array(vertexTotal);

  // Quadrics, upper triangle of the symmetric 4×4: aa ab ac ad bb bc bd cc cd dd.
  const Q = new Float64Array(10 * vertexTotal);
  for (let t = 0; t < triangleTotal; t++) {
    const [i, j, k] = [3 * tri[3 * t], 3 * tri[3 * t + 1], 3 * tri[3 * t + 2]];
    const ux = pos[j] - pos[i], uy = pos[j + 1] - pos[i + 1], uz = pos[j + 2] - pos[i + 2];
    const vx = pos[k] - pos[i], vy = pos[k + 1] - pos[i + 1], vz = pos[k + 2] - pos[i + 2];
    let a = uy * vz - uz * vy, b = uz * vx - ux * vz, c = ux * vy - uy * vx;
    const twiceArea = Math.hypot(a, b, c);
    if (twiceArea === 0) continue;
    a /= twiceArea;
    b /= twiceArea;
    c /= twiceArea;
    const d = -(a * pos[i] + b * pos[i + 1] + c * pos[i + 2]);
    const w = twiceArea / 2;
    const plane = [a * a, a * b, a * c, a * d, b * b, b * c, b * d, c * c, c * d, d * d];
    for (const v of [tri[3 * t], tri[3 * t + 1], tri[3 * t + 2]]) for (let q = 0; q < 10; q++) Q[10 * v + q] += w * plane[q];
  }

  const merged = new Float64Array(10);
  const best: [number, number, number] = [0, 0, 0];
  const quadricCost = (x: number, y: number, z: number) => {
    const q = merged;
    return q[0] * x * x + 2 * q[1] * x * y + 2 * q[2] * x * z + 2 * q[3] * x + q[4] * y * y + 2 * q[5] * y * z + 2 * q[6] * y + q[7] * z * z + 2 * q[8] * z + q[9];
  };
  /** The merged quadric's minimum (or the best of a, b and their midpoint) into `best`; returns its cost. */
  const placeCollapse = (a: number, b: number): number => {
    for (let q = 0; q < 10; q++) merged[q] = Q[10 * a + q] + Q[10 * b + q];
    const [aa, ab, ac, ad, bb, bc, bd, cc, cd] = merged;
    const det = aa * (bb * cc - bc * bc) - ab * (ab * cc - bc * ac) + ac * (ab * bc - bb * ac);
    const [pa, pb] = [3 * a, 3 * b];
    const edge2 = (pos[pa] - pos[pb]) ** 2 + (pos[pa + 1] - pos[pb + 1]) ** 2 + (pos[pa + 2] - pos[pb + 2]) ** 2;
    const mid = [(pos[pa] + pos[pb]) / 2, (pos[pa + 1] + pos[pb + 1]) / 2, (pos[pa + 2] + pos[pb + 2]) / 2];
    const trace = aa + bb + cc;
    if (Math.abs(det) > 1e-9 * trace * trace * trace) {
      // Cramer's rule on A·x = −(ad, bd, cd).
      const x = (-ad * (bb * cc - bc * bc) + ab * (bd * cc - bc * cd) - ac * (bd * bc - bb * cd)) / det;
      const y = (aa * (-bd * cc + cd * bc) + ad * (ab * cc - bc * ac) + ac * (ab * cd - bd * ac)) / det;
      const z = (aa * (-bb * cd + bc * bd) - ab * (-ab * cd + bd * ac) - ad * (ab * bc - bb * ac)) / det;
      // A nearly flat neighbourhood can put the minimum far off: keep it within the edge's reach.
      if ((x - mid[0]) ** 2 + (y - mid[1]) ** 2 + (z - mid[2]) ** 2 <= edge2) {
        best[0] = x;
        best[1] = y;
        best[2] = z;
        return quadricCost(x, y, z);
      }
    }
    let bestCost = Infinity;
    for (const p of [[pos[pa], pos[pa + 1], pos[pa + 2]], [pos[pb], pos[pb + 1], pos[pb + 2]], mid]) {
      const cost = quadricCost(p[0], p[1], p[2]);
      if (cost < bestCost) {
        bestCost = cost;
        best[0] = p[0];
        best[1] = p[1];
        best[2] = p[2];
      }
    }
    return bestCost;
  };

  const heap = new CollapseHeap();
  const pushEdge = (a: number, b: number) => {
    if (locked[a] || locked[b]) return;
    heap.push(Math.max(0, placeCollapse(a, b)), a, b, version[a], version[b]);
  };
  for (let t = 0; t < triangleTotal; t++) {
    for (let c = 0; c < 3; c++) {
      const a = tri[3 * t + c];
      const b = tri[3 * t + ((c + 1) % 3)];
      if (a < b) pushEdge(a, b);
    }
  }

  // Neighbour sets as marks: mark[w] === stamp while w is in the set being built.
  const mark = new Uint32Array(vertexTotal);
  const markB = new Uint32Array(vertexTotal);
  let stamp = 0;
  /** Marks v's neighbours in `into` with a fresh stamp; returns how many there are. */
  const markNeighbours = (v: number, into: Uint32Array): number => {
    stamp++;
    let count = 0;
    for (const t of trianglesOf[v]) {
      for (let c = 0; c < 3; c++) {
        const w = tri[3 * t + c];
        if (w !== v && into[w] !== stamp) {
          into[w] = stamp;
          count++;
        }
      }
    }
    return count;
  };
  /** Whether moving a and b to `best` keeps the triangles around them (those not on ab) unflipped and non-degenerate. */
  const keepsOrientation = (a: number, b: number): boolean => {
    for (let side = 0; side < 2; side++) {
      const v = side === 0 ? a : b;
      for (const t of trianglesOf[v]) {
        const n = 3 * t;
        const i = tri[n], j = tri[n + 1], k = tri[n + 2];
        const hasA = i === a || j === a || k === a;
        const hasB = i === b || j === b || k === b;
        if (hasA && hasB) continue;
        // Rotate so the moving corner comes first: the normal is the same for any rotation.
        const p = v;
        const q = i === v ? j : j === v ? k : i;
        const r = i === v ? k : j === v ? i : j;
        const qx = pos[3 * q], qy = pos[3 * q + 1], qz = pos[3 * q + 2];
        const ux = pos[3 * r] - qx, uy = pos[3 * r + 1] - qy, uz = pos[3 * r + 2] - qz;
        const wx = pos[3 * p] - qx, wy = pos[3 * p + 1] - qy, wz = pos[3 * p + 2] - qz;
        const mx = best[0] - qx, my = best[1] - qy, mz = best[2] - qz;
        // (r − q) × (p − q), before and after p moves.
        const bx = uy * wz - uz * wy, by = uz * wx - ux * wz, bz = ux * wy - uy * wx;
        const ax = uy * mz - uz * my, ay = uz * mx - ux * mz, az = ux * my - uy * mx;
        const lb = Math.hypot(bx, by, bz);
        const la = Math.hypot(ax, ay, az);
        if (la <= 1e-12 * lb || bx * ax + by * ay + bz * az < minCos * lb * la) return false;
      }
    }
    return true;
  };

  let alive = triangleTotal;
  const toRemove = triangleTotal - target;
  let collapses = 0;
  while (alive > target && heap.size > 0) {
    if (++collapses % PROGRESS_COLLAPSES === 0) {
      options.signal?.throwIfAborted();
      options.onProgress?.(triangleTotal - alive, toRemove);
    }
    const e = heap.pop();
    const [a, b] = [heap.a[e], heap.b[e]];
    if (!vertexAlive[a] || !vertexAlive[b] || version[a] !== heap.stampA[e] || version[b] !== heap.stampB[e]) continue;
    let shared0 = -1;
    let shared1 = -1;
    let sharedCount = 0;
    for (const t of trianglesOf[a]) {
      if (tri[3 * t] !== b && tri[3 * t + 1] !== b && tri[3 * t + 2] !== b) continue;
      if (sharedCount++ === 0) shared0 = t;
      else shared1 = t;
    }
    if (sharedCount !== 2) continue;
    const opposite0 = tri[3 * shared0] + tri[3 * shared0 + 1] + tri[3 * shared0 + 2] - a - b;
    const opposite1 = tri[3 * shared1] + tri[3 * shared1 + 1] + tri[3 * shared1 + 2] - a - b;
    if (opposite0 === opposite1) continue;
    const countA = markNeighbours(a, mark);
    const stampA = stamp;
    const countB = markNeighbours(b, markB);
    let common = 0;
    for (const t of trianglesOf[b]) {
      for (let c = 0; c < 3; c++) {
        const w = tri[3 * t + c];
        // Each neighbour of b once: unmark it in markB as it is counted.
        if (w !== b && markB[w] === stamp) {
          markB[w] = 0;
          if (mark[w] === stampA) common++;
        }
      }
    }
    if (common !== 2 || countA + countB - 4 < 3) continue;
    if (markNeighbours(opposite0, mark) < 4 || markNeighbours(opposite1, mark) < 4) continue;
    placeCollapse(a, b);
    if (!keepsOrientation(a, b)) continue;

    // Collapse b into a.
    pos[3 * a] = best[0];
    pos[3 * a + 1] = best[1];
    pos[3 * a + 2] = best[2];
    for (let q = 0; q < 10; q++) Q[10 * a + q] += Q[10 * b + q];
    for (const t of [shared0, shared1]) {
      triangleAlive[t] = 0;
      alive--;
      for (let c = 0; c < 3; c++) {
        const w = tri[3 * t + c];
        if (w === b) continue;
        const list = trianglesOf[w];
        list.splice(list.indexOf(t), 1);
      }
    }
    for (const t of trianglesOf[b]) {
      if (!triangleAlive[t]) continue;
      for (let c = 0; c < 3; c++) if (tri[3 * t + c] === b) tri[3 * t + c] = a;
      trianglesOf[a].push(t);
    }
    trianglesOf[b] = [];
    vertexAlive[b] = 0;
    version[a]++;
    stamp++;
    for (const t of trianglesOf[a]) {
      for (let c = 0; c < 3; c++) {
        const w = tri[3 * t + c];
        if (w !== a && mark[w] !== stamp) {
          mark[w] = stamp;
          pushEdge(a, w);
        }
      }
    }
  }
  options.onProgress?.(toRemove, toRemove);
  return keepTriangles({ positions: pos, triangles: Uint32Array.from(tri) }, (t) => triangleAlive[t] === 1);
}
