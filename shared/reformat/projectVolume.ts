/**
 * Projections of a (straightened) volume along one of its index axes: maximum / minimum
 * intensity, mean, and an X-ray-like line integral, optionally over a slab centred on the
 * middle of the axis.
 *
 * Written for speed over large volumes (512×512×600 in a fraction of a second): the volume is
 * always walked in memory order. Projecting along rows or slices accumulates whole contiguous
 * rows into per-pixel accumulators; projecting along columns reduces each contiguous run of a
 * row to one pixel. The hot loops are plain functions per kind, never a closure per voxel.
 *
 * A voxel counts when it is valid: its mask value (when a mask is given) is non-zero and it is
 * not NaN (Float32 volumes may mark "outside" with NaN). Pixels with no valid voxel in the slab
 * get NaN and 0 in the output mask, for every kind. (One corner is not worth a counter per
 * voxel: along rows or slices, a pixel whose only valid voxels are −Infinity (MIP) or +Infinity
 * (MinIP) is also reported empty. CT volumes hold no infinities.)
 */
import { MU_WATER_PER_MM } from './attenuation';
import { frameCurvatures } from './jacobian';
import type { SliceFrame } from './straightenedFrames';

export type ProjectionKind = 'mip' | 'minip' | 'mean' | 'xray';

export const PROJECTION_KINDS: readonly ProjectionKind[] = ['mip', 'minip', 'mean', 'xray'];

/**
 * What `--projection` (and an export) may ask for: the four kinds along a chosen axis, or
 * 'panoramic', the dental panoramic preset (see panoramicLayout / panoramicProjection), which
 * picks its own axis and slab.
 */
export type ProjectionChoice = ProjectionKind | 'panoramic';

export const PROJECTION_CHOICES: readonly ProjectionChoice[] = [...PROJECTION_KINDS, 'panoramic'];

export interface ProjectionRequest {
  /** [columns, rows, slices] of the straightened volume; voxels column fastest, then row, then slice. */
  dimensions: readonly [number, number, number];
  /** HU for CT (Float32Array or Int16Array). */
  voxels: ArrayLike<number>;
  /** Optional validity mask (1 inside the source volume, 0 outside), same layout; invalid voxels are ignored. */
  mask?: Uint8Array;
  /** Axis to project along: 0 = columns (i), 1 = rows (j), 2 = slices (k, along the path). */
  axis: 0 | 1 | 2;
  /** Voxel size along that axis, mm (for 'xray' line integrals and for slab → index conversion). */
  stepMm: number;
  /** Slab thickness in mm centred on the middle of the axis; omitted = the whole axis. */
  slabMm?: number;
  /**
   * mip / minip / mean: max, min, mean of the valid voxels (input units, HU for CT).
   * xray: line integral Σ μ·stepMm over the valid voxels, μ = μwater·(1 + HU/1000) clamped at 0
   * (dimensionless). The integral is what belongs in an NRRD; for display use
   * radiographFromLineIntegral (attenuation.ts), 1 − exp(−integral): denser paths brighter,
   * like a radiograph.
   */
  kind: ProjectionKind;
}

export interface Projection {
  /** The two remaining axes in order (axis 2 → [columns, rows]; axis 1 → [columns, slices]; axis 0 → [rows, slices]). */
  width: number;
  height: number;
  /** Width fastest; NaN where no valid voxel contributed. */
  pixels: Float32Array;
  /** 1 where at least one valid voxel contributed. */
  mask: Uint8Array;
  /** The index range actually used along the axis, [first, last] inclusive, and its thickness in mm. */
  slab: { first: number; last: number; mm: number };
}

export interface SlabRange {
  first: number;
  last: number;
  mm: number;
}

/**
 * The slab of a projection along an axis of `n` voxels of `stepMm`: round(slabMm / stepMm)
 * voxels (halves round up; at least 1, at most n), centred on the middle index (n − 1) / 2.
 * When n and the voxel count differ in parity the slab cannot be centred exactly; it then
 * starts at floor((n − count) / 2), i.e. the extra voxel lies on the low-index side of the
 * centre (slab centre half a voxel below (n − 1) / 2). Omitted slabMm (or Infinity) = all n voxels.
 */
export function slabRange(n: number, stepMm: number, slabMm?: number): SlabRange {
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`slabRange: axis length must be a positive integer, got ${n}`);
  if (!(stepMm > 0) || !Number.isFinite(stepMm)) throw new RangeError(`slabRange: stepMm must be a positive number, got ${stepMm}`);
  let count = n;
  if (slabMm !== undefined) {
    if (!(slabMm > 0)) throw new RangeError(`slabRange: slab thickness must be a positive number of mm, got ${slabMm}`);
    // The 1e-9 keeps decimal halves halves: 1.4 / 0.4 is 3.4999999999999996 in binary.
    count = Math.min(n, Math.max(1, Math.round(slabMm / stepMm + 1e-9)));
  }
  const first = Math.floor((n - count) / 2);
  return { first, last: first + count - 1, mm: count * stepMm };
}

/** Parses a comma-separated list such as "mip,minip,mean,xray" (case and spaces ignored, duplicates dropped). */
export function projectionKinds(list: string): ProjectionKind[] {
  return parseKinds(list, PROJECTION_KINDS);
}

/** As projectionKinds, also accepting the 'panoramic' preset: "mip,panoramic". */
export function projectionChoices(list: string): ProjectionChoice[] {
  return parseKinds(list, PROJECTION_CHOICES);
}

function parseKinds<K extends string>(list: string, valid: readonly K[]): K[] {
  const validText = `valid kinds: ${valid.join(', ')}`;
  const kinds: K[] = [];
  const unknown: string[] = [];
  for (const raw of list.split(',')) {
    const name = raw.trim().toLowerCase();
    if (name === '') continue;
    const kind = valid.find((k) => k === name);
    if (kind === undefined) unknown.push(raw.trim());
    else if (!kinds.includes(kind)) kinds.push(kind);
  }
  if (unknown.length > 0) throw new Error(`Unknown projection kind${unknown.length > 1 ? 's' : ''} ${unknown.map((u) => `"${u}"`).join(', ')}; ${validText}`);
  if (kinds.length === 0) throw new Error(`No projection kind given in "${list}"; ${validText}`);
  return kinds;
}

export function projectVolume(req: ProjectionRequest): Projection {
  const { dimensions, voxels, mask, axis, stepMm, slabMm, kind } = req;
  const [ni, nj, nk] = dimensions;
  for (const d of dimensions) {
    if (!Number.isInteger(d) || d < 1) throw new RangeError(`projectVolume: dimensions must be positive integers, got [${dimensions.join(', ')}]`);
  }
  const total = ni * nj * nk;
  if (voxels.length !== total) throw new RangeError(`projectVolume: ${voxels.length} voxels for dimensions [${dimensions.join(', ')}] (${total} expected)`);
  if (mask !== undefined && mask.length !== total) throw new RangeError(`projectVolume: mask has ${mask.length} values, ${total} expected`);
  if (axis !== 0 && axis !== 1 && axis !== 2) throw new RangeError(`projectVolume: axis must be 0, 1 or 2, got ${String(axis)}`);
  if (!PROJECTION_KINDS.includes(kind)) throw new Error(`projectVolume: unknown kind "${String(kind)}"; valid kinds: ${PROJECTION_KINDS.join(', ')}`);

  // The volume as [outer][axis][inner] in memory order; the output pixel of voxel
  // (o, a, x) is o·inner + x, which is exactly the documented width-fastest layout.
  const n = dimensions[axis];
  const inner = axis === 0 ? 1 : axis === 1 ? ni : ni * nj;
  const outer = axis === 2 ? 1 : axis === 1 ? nk : nj * nk;
  const width = axis === 0 ? nj : ni;
  const height = axis === 2 ? nj : nk;
  const slab = slabRange(n, stepMm, slabMm);
  const count = slab.last - slab.first + 1;
  const pixels = new Float32Array(width * height);
  const outMask = new Uint8Array(width * height);
  // The xray kernels sum max(0, HU + 1000); μ·step = μwater·(HU + 1000)/1000·step. Scaled
  // once per pixel, in double precision, before the result is rounded to Float32.
  const scale = kind === 'xray' ? (MU_WATER_PER_MM / 1000) * stepMm : 1;

  if (inner === 1) {
    // Along columns: each output pixel is one contiguous run of `count` voxels.
    const reduce = kind === 'mip' ? maxRun : kind === 'minip' ? minRun : kind === 'mean' ? meanRun : xraySumRun;
    for (let o = 0; o < outer; o++) {
      const value = reduce(voxels, mask, o * n + slab.first, count);
      pixels[o] = value * scale;
      outMask[o] = value === value ? 1 : 0;
    }
  } else {
    // Along rows or slices: whole contiguous rows of `inner` voxels are folded into per-pixel
    // accumulators. Empty pixels are recognised without a per-voxel counter wherever possible,
    // since its extra store costs about a third of the time: MIP / MinIP accumulators start at
    // ∓Infinity and only a valid voxel can move them; xray starts at −0, and adding any valid
    // term (≥ +0) gives ≥ +0, so only a pixel that nothing was added to keeps −0. The mean counts
    // the invalid voxels (usually few), and only when there can be any (a mask, or voxels that
    // may be NaN).
    const size = outer * inner;
    const acc = new Float64Array(size);
    const misses = kind === 'mean' && (mask !== undefined || mayHoldNaN(voxels)) ? new Int32Array(size) : undefined;
    if (kind === 'mip') acc.fill(-Infinity);
    else if (kind === 'minip') acc.fill(Infinity);
    else if (kind === 'xray') acc.fill(-0);
    for (let o = 0; o < outer; o++) {
      for (let a = slab.first; a <= slab.last; a++) {
        const src = (o * n + a) * inner;
        const dst = o * inner;
        if (kind === 'mip') maxRow(voxels, mask, src, acc, dst, inner);
        else if (kind === 'minip') minRow(voxels, mask, src, acc, dst, inner);
        else if (kind === 'xray') xrayRow(voxels, mask, src, acc, dst, inner);
        else if (misses !== undefined) meanRow(voxels, mask, src, acc, misses, dst, inner);
        else sumRowDense(voxels, src, acc, dst, inner);
      }
    }
    for (let p = 0; p < size; p++) {
      const v = acc[p]!;
      const empty =
        kind === 'mip' ? v === -Infinity : kind === 'minip' ? v === Infinity : kind === 'xray' ? Object.is(v, -0) : misses !== undefined && misses[p] === count;
      if (empty) {
        pixels[p] = NaN;
      } else {
        pixels[p] = kind === 'mean' ? v / (misses === undefined ? count : count - misses[p]!) : v * scale;
        outMask[p] = 1;
      }
    }
  }
  return { width, height, pixels, mask: outMask, slab };
}

/** Swaps the two image axes (e.g. to show a panoramic with the path running left to right). */
export function transposeProjection(p: Projection): Projection {
  const { width, height } = p;
  const pixels = new Float32Array(width * height);
  const mask = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      pixels[x * height + y] = p.pixels[y * width + x]!;
      mask[x * height + y] = p.mask[y * width + x]!;
    }
  }
  return { width: height, height: width, pixels, mask, slab: { ...p.slab } };
}

/**
 * Dental panoramic: the mean over a slab across the arch, by default along the row axis of a
 * volume straightened along a path that follows the arch (output [other in-plane axis, slices];
 * the path runs along the image's height — transposeProjection puts it left to right).
 * panoramicLayout finds which axis is across the arch; panoramicProjection does the rest.
 *
 * Mean rather than MIP: a panoramic radiograph is a ray sum through a focal trough a few mm to
 * a couple of cm thick, where every structure contributes in proportion to its density and
 * thickness. A MIP would let one dense voxel (a filling, a crown, cortical bone) stand for the
 * whole trough and hide the roots, canals and trabecular bone behind it. The mean is the ray
 * sum divided by the number of valid voxels, so it keeps HU units and windows like CT, and
 * does not darken where part of the trough falls outside the source volume.
 */
export function dentalPanoramic(
  volume: { dimensions: readonly [number, number, number]; voxels: ArrayLike<number>; mask?: Uint8Array },
  slabMm: number,
  stepMm: number,
  acrossAxis: 0 | 1 = 1,
): Projection {
  return projectVolume({ dimensions: volume.dimensions, voxels: volume.voxels, mask: volume.mask, axis: acrossAxis, stepMm, slabMm, kind: 'mean' });
}

/** The panoramic's default slab across the arch, mm: a panoramic unit's focal trough is one to two centimetres deep. */
export const PANORAMIC_SLAB_MM = 15;

export interface PanoramicLayout {
  /** The straightened axis across the arch, averaged over: 0 = columns (the frame normal N), 1 = rows (the binormal B). */
  acrossAxis: 0 | 1;
  /** The other in-plane axis is the image's vertical; true when its index runs toward the patient's head, so rows are flipped to put superior at the top. */
  flipVertical: boolean;
}

/**
 * Which slice axis runs across the arch, from the path's own bending: a dental arch curves within
 * its (roughly axial) plane, so its curvature vector dT/ds, which lies in each slice plane,
 * points across the arch (bucco-lingually). The axis carrying more of it over the path is the
 * one to average over; the other, perpendicular to the arch's plane, is the panoramic's
 * vertical. (With the default frames — first normal toward the patient's left — an arch drawn
 * in an axial plane keeps its normal N in that plane, so this is the columns axis; a 90° roll
 * makes it the rows.) A straight path has no such direction: rows, the documented default.
 */
export function panoramicLayout(frames: readonly SliceFrame[]): PanoramicLayout {
  const { k1, k2 } = frameCurvatures(frames);
  let along0 = 0;
  let along1 = 0;
  for (let k = 0; k < frames.length; k++) {
    along0 += Math.abs(k1[k]!);
    along1 += Math.abs(k2[k]!);
  }
  const acrossAxis: 0 | 1 = along0 > along1 ? 0 : 1;
  let up = 0;
  for (const f of frames) up += (acrossAxis === 0 ? f.binormal : f.normal)[2];
  return { acrossAxis, flipVertical: up > 0 };
}

/**
 * The dental panoramic of a straightened volume: the mean over a slab across the arch
 * (dentalPanoramic), laid out as a panoramic radiograph is read: the path (slice index) from
 * left to right, the other in-plane axis vertical with superior at the top. Output width =
 * slices, height = the vertical axis' length; pixel (x, y) is slice x at vertical index y
 * (or n − 1 − y when layout.flipVertical).
 */
export function panoramicProjection(
  volume: { dimensions: readonly [number, number, number]; voxels: ArrayLike<number>; mask?: Uint8Array },
  layout: PanoramicLayout,
  acrossStepMm: number,
  slabMm: number = PANORAMIC_SLAB_MM,
): Projection {
  const t = transposeProjection(dentalPanoramic(volume, slabMm, acrossStepMm, layout.acrossAxis));
  return layout.flipVertical ? flipRows(t) : t;
}

/** Upside down: row y becomes row height − 1 − y. */
function flipRows(p: Projection): Projection {
  const { width, height } = p;
  const pixels = new Float32Array(width * height);
  const mask = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) {
    pixels.set(p.pixels.subarray(y * width, (y + 1) * width), (height - 1 - y) * width);
    mask.set(p.mask.subarray(y * width, (y + 1) * width), (height - 1 - y) * width);
  }
  return { width, height, pixels, mask, slab: { ...p.slab } };
}

// --- Kernels. One per kind, so the hot loops carry no per-voxel dispatch. -------------------
// Row kernels fold `len` contiguous voxels from `src` into the accumulators at `dst`; run
// kernels reduce `len` contiguous voxels from `src` to one value (NaN when none is valid). A
// voxel is skipped when it is NaN or masked out. Comparisons with NaN are false, so max / min
// need no explicit NaN test.

/** Integer typed arrays cannot hold NaN; anything else (Float32Array, plain arrays) might. */
function mayHoldNaN(voxels: ArrayLike<number>): boolean {
  return !(
    voxels instanceof Int16Array ||
    voxels instanceof Uint16Array ||
    voxels instanceof Int32Array ||
    voxels instanceof Uint32Array ||
    voxels instanceof Int8Array ||
    voxels instanceof Uint8Array
  );
}

function maxRow(voxels: ArrayLike<number>, mask: Uint8Array | undefined, src: number, acc: Float64Array, dst: number, len: number): void {
  if (mask === undefined) {
    for (let x = 0; x < len; x++) {
      const v = voxels[src + x]!;
      if (v > acc[dst + x]!) acc[dst + x] = v;
    }
  } else {
    for (let x = 0; x < len; x++) {
      const v = voxels[src + x]!;
      if (v > acc[dst + x]! && mask[src + x] !== 0) acc[dst + x] = v;
    }
  }
}

function minRow(voxels: ArrayLike<number>, mask: Uint8Array | undefined, src: number, acc: Float64Array, dst: number, len: number): void {
  if (mask === undefined) {
    for (let x = 0; x < len; x++) {
      const v = voxels[src + x]!;
      if (v < acc[dst + x]!) acc[dst + x] = v;
    }
  } else {
    for (let x = 0; x < len; x++) {
      const v = voxels[src + x]!;
      if (v < acc[dst + x]! && mask[src + x] !== 0) acc[dst + x] = v;
    }
  }
}

/** Adds max(0, HU + 1000) per valid voxel; +0 for air still marks the pixel as covered (see −0 above). */
function xrayRow(voxels: ArrayLike<number>, mask: Uint8Array | undefined, src: number, acc: Float64Array, dst: number, len: number): void {
  if (mask === undefined) {
    for (let x = 0; x < len; x++) {
      const v = voxels[src + x]!;
      if (v > -1000) acc[dst + x]! += v + 1000;
      else if (v === v) acc[dst + x]! += 0;
    }
  } else {
    for (let x = 0; x < len; x++) {
      const v = voxels[src + x]!;
      if (mask[src + x] === 0) continue;
      if (v > -1000) acc[dst + x]! += v + 1000;
      else if (v === v) acc[dst + x]! += 0;
    }
  }
}

/** Counts the invalid voxels rather than the valid ones: they are rare inside the volume, so the counter is seldom written. */
function meanRow(voxels: ArrayLike<number>, mask: Uint8Array | undefined, src: number, acc: Float64Array, misses: Int32Array, dst: number, len: number): void {
  for (let x = 0; x < len; x++) {
    const v = voxels[src + x]!;
    if (v === v && (mask === undefined || mask[src + x] !== 0)) acc[dst + x]! += v;
    else misses[dst + x]!++;
  }
}

/** Every voxel valid: a plain sum. */
function sumRowDense(voxels: ArrayLike<number>, src: number, acc: Float64Array, dst: number, len: number): void {
  for (let x = 0; x < len; x++) acc[dst + x]! += voxels[src + x]!;
}

type RunKernel = (voxels: ArrayLike<number>, mask: Uint8Array | undefined, src: number, len: number) => number;

const maxRun: RunKernel = (voxels, mask, src, len) => {
  let best = -Infinity;
  let hits = 0;
  for (let s = src, end = src + len; s < end; s++) {
    const v = voxels[s]!;
    if (v !== v || (mask !== undefined && mask[s] === 0)) continue;
    if (v > best) best = v;
    hits++;
  }
  return hits > 0 ? best : NaN;
};

const minRun: RunKernel = (voxels, mask, src, len) => {
  let best = Infinity;
  let hits = 0;
  for (let s = src, end = src + len; s < end; s++) {
    const v = voxels[s]!;
    if (v !== v || (mask !== undefined && mask[s] === 0)) continue;
    if (v < best) best = v;
    hits++;
  }
  return hits > 0 ? best : NaN;
};

// Two interleaved partial sums halve the add-latency chain that bounds a single running sum.
const meanRun: RunKernel = (voxels, mask, src, len) => {
  let sum0 = 0;
  let sum1 = 0;
  let hits = 0;
  let s = src;
  const end = src + len;
  for (; s + 1 < end; s += 2) {
    const v0 = voxels[s]!;
    const v1 = voxels[s + 1]!;
    if (v0 === v0 && (mask === undefined || mask[s] !== 0)) {
      sum0 += v0;
      hits++;
    }
    if (v1 === v1 && (mask === undefined || mask[s + 1] !== 0)) {
      sum1 += v1;
      hits++;
    }
  }
  if (s < end) {
    const v = voxels[s]!;
    if (v === v && (mask === undefined || mask[s] !== 0)) {
      sum0 += v;
      hits++;
    }
  }
  return hits > 0 ? (sum0 + sum1) / hits : NaN;
};

const xraySumRun: RunKernel = (voxels, mask, src, len) => {
  let sum0 = 0;
  let sum1 = 0;
  let hits = 0;
  let s = src;
  const end = src + len;
  for (; s + 1 < end; s += 2) {
    const v0 = voxels[s]!;
    const v1 = voxels[s + 1]!;
    if (v0 === v0 && (mask === undefined || mask[s] !== 0)) {
      if (v0 > -1000) sum0 += v0 + 1000;
      hits++;
    }
    if (v1 === v1 && (mask === undefined || mask[s + 1] !== 0)) {
      if (v1 > -1000) sum1 += v1 + 1000;
      hits++;
    }
  }
  if (s < end) {
    const v = voxels[s]!;
    if (v === v && (mask === undefined || mask[s] !== 0)) {
      if (v > -1000) sum0 += v + 1000;
      hits++;
    }
  }
  return hits > 0 ? sum0 + sum1 : NaN;
};
