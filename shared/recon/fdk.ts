/**
 * Feldkamp–Davis–Kress cone-beam reconstruction (Kak & Slaney ch. 3.6, flat detector):
 *
 *   μ(x) = Σ_views Δβ · W(γ) · (SOD/w)² · Q(column(x), row(x)),
 *   Q = [ℓ · SID/√(SID² + du² + dv²)] ∗ (SID/SOD)·τ·h   along each detector row,
 *
 * ℓ the line integrals, du, dv the pixel's detector coordinates (mm) from the central
 * ray, τ the pixel pitch and h the ramp kernel at that pitch (rampFilter.ts), w the
 * voxel's depth from the source along the central ray, Δβ the view's share of the
 * sweep and W = ½ in a full scan (every ray is measured twice) or Parker's weight in a
 * short scan. The factor SID/SOD carries the ramp from the detector to the isocentre
 * plane, where the formula is derived. μ comes out in the line integrals' unit per mm
 * (mm⁻¹ for true line integrals, as RTK).
 *
 * The projection filter and the backprojection are separate so workers can filter
 * views and backproject slabs of slices in parallel; fdkReconstruct composes them.
 */
import { fromAxes } from '../math/mat4';
import { cellBelow } from './cellBelow';
import { detectorCoordinates, isFullScan, projectionMatrix, sweepAngles, type CArmView, type ConeBeamGeometry, type DetectorGeometry } from './cArmGeometry';
import { parkerWeights } from './parkerWeights';
import { rampFilterRows, rampKernel, rampPadding, type RampWindow } from './rampFilter';
import { WasmRampFilter } from './wasm/WasmRampFilter';

export interface ReconGrid {
  dimensions: [number, number, number];
  spacing: [number, number, number];
  /** 16 numbers, row-major; axes along L, P, S, centred at the isocentre by default. */
  ijkToLps: number[];
}

export interface FilterOptions {
  window: RampWindow;
  /** Fraction of the Nyquist frequency, (0, 1]; default 1. */
  cutoff?: number;
}

/**
 * The field of view at the isocentre: the in-plane radius every view's fan covers
 * (the nearer detector edge's ray passes at SOD·sin γ from the isocentre) and the
 * half height of the cone there.
 */
function fieldOfViewExtent(g: ConeBeamGeometry): { radius: number; halfHeight: number } {
  const { detector } = g;
  const [uFirst, vFirst] = detectorCoordinates(detector, 0, 0);
  const [uLast, vLast] = detectorCoordinates(detector, detector.columns - 1, detector.rows - 1);
  let radius = Infinity;
  let halfHeight = Infinity;
  for (const { sid, sod } of g.views) {
    radius = Math.min(radius, sod * Math.sin(Math.atan(Math.min(-uFirst, uLast) / sid)));
    halfHeight = Math.min(halfHeight, (Math.min(-vFirst, vLast) * sod) / sid);
  }
  return { radius, halfHeight };
}

/**
 * A grid along L, P, S centred at the isocentre. Without options it covers the field
 * of view at the detector's resolution at the isocentre (pixel pitch / magnification);
 * with a size only, the spacing stretches so the grid still covers it; with a spacing
 * only, the size does.
 */
export function defaultReconGrid(g: ConeBeamGeometry, options: { size?: [number, number, number]; spacing?: number } = {}): ReconGrid {
  const { radius, halfHeight } = fieldOfViewExtent(g);
  const extent = [2 * radius, 2 * radius, 2 * halfHeight];
  const magnification = Math.max(...g.views.map((view) => view.sid / view.sod));
  const spacing =
    options.spacing ??
    (options.size ? Math.max(...extent.map((e, axis) => e / options.size![axis])) : Math.min(...g.detector.pixelMm) / magnification);
  const dimensions = options.size ?? (extent.map((e) => Math.max(1, Math.ceil(e / spacing))) as [number, number, number]);
  const origin = dimensions.map((n) => (-(n - 1) / 2) * spacing) as [number, number, number];
  return {
    dimensions: [...dimensions],
    spacing: [spacing, spacing, spacing],
    ijkToLps: fromAxes([spacing, 0, 0], [0, spacing, 0], [0, 0, spacing], origin),
  };
}

/** Each view's share Δβ of the sweep (radians): half the gap to each neighbour, wrapping round in a full scan. */
function angularWeights(g: ConeBeamGeometry): Float64Array {
  const beta = sweepAngles(g);
  const n = beta.length;
  const weights = new Float64Array(n);
  if (n < 2) return weights.fill(2 * Math.PI);
  const wrapGap = isFullScan(g) ? Math.max(0, 2 * Math.PI - Math.abs(beta[n - 1] - beta[0])) : 0;
  for (let i = 0; i < n; i++) {
    const before = i > 0 ? Math.abs(beta[i] - beta[i - 1]) : wrapGap;
    const after = i < n - 1 ? Math.abs(beta[i + 1] - beta[i]) : wrapGap;
    weights[i] = (before + after) / 2;
  }
  return weights;
}

/**
 * The per-view filtering of FDK: cosine weighting, Parker weights in a short scan, the
 * view's angular share and scale, then the windowed ramp along each row with
 * zero-padding and edge-taper truncation correction (the SIMD kernel of WasmRampFilter
 * where it runs, rampFilterRows elsewhere). Input and output are row-major
 * [row][column]; `out` may be the input.
 */
export function makeProjectionFilter(
  g: ConeBeamGeometry,
  options: FilterOptions,
): (viewIndex: number, lineIntegrals: Float32Array, out?: Float32Array) => Float32Array {
  const { detector } = g;
  const { columns, rows } = detector;
  const response = rampKernel(rampPadding(columns).length, detector.pixelMm[0], options.window, options.cutoff);
  const parker = parkerWeights(g);
  const halfForFullScan = isFullScan(g) ? 0.5 : 1;
  const share = angularWeights(g);
  const simd = WasmRampFilter.create();
  const du = Float64Array.from({ length: columns }, (_, c) => detectorCoordinates(detector, c, 0)[0]);
  const dv = Float64Array.from({ length: rows }, (_, r) => detectorCoordinates(detector, 0, r)[1]);
  // The cosine weights depend on the SID alone: worked out again only when it changes.
  const cosines = new Float64Array(columns * rows);
  let cosinesSid = NaN;
  return (viewIndex, lineIntegrals, out = new Float32Array(columns * rows)) => {
    const view = g.views[viewIndex];
    const columnWeights = parker(viewIndex);
    const scale = share[viewIndex] * halfForFullScan * (view.sid / view.sod);
    if (view.sid !== cosinesSid) {
      const sid2 = view.sid * view.sid;
      for (let r = 0; r < rows; r++) {
        const rowDistance2 = sid2 + dv[r] * dv[r];
        for (let c = 0; c < columns; c++) cosines[r * columns + c] = view.sid / Math.sqrt(rowDistance2 + du[c] * du[c]);
      }
      cosinesSid = view.sid;
    }
    for (let r = 0; r < rows; r++) {
      const base = r * columns;
      for (let c = 0; c < columns; c++) out[base + c] = lineIntegrals[base + c] * cosines[base + c] * columnWeights[c] * scale;
    }
    if (simd) simd.filterRows(out, columns, rows, response, out);
    else rampFilterRows(out, columns, rows, response, out);
    return out;
  };
}

/** The projection matrix composed with the grid: (i, j, k, 1) → (column·w, row·w, w); 12 numbers, row-major. */
export function voxelToDetector(view: CArmView, detector: DetectorGeometry, grid: ReconGrid): Float64Array {
  const p = projectionMatrix(view, detector);
  const m = grid.ijkToLps;
  const q = new Float64Array(12);
  for (let r = 0; r < 3; r++) {
    for (let c = 0; c < 4; c++) {
      q[4 * r + c] = p[4 * r] * m[c] + p[4 * r + 1] * m[4 + c] + p[4 * r + 2] * m[8 + c] + p[4 * r + 3] * m[12 + c];
    }
  }
  return q;
}

/**
 * The range [first, last] of column indices i of grid row (j, k) whose voxels project
 * inside the detector's pixel centres, in front of the source; empty when first > last.
 * Along a row the homogeneous projection is affine in i, so each edge of the detector
 * is one linear inequality α + β·i ≥ 0.
 */
function visibleSpan(q: Float64Array, j: number, k: number, nx: number, columns: number, rows: number, span: [number, number]): void {
  const a0 = q[1] * j + q[2] * k + q[3];
  const b0 = q[5] * j + q[6] * k + q[7];
  const w0 = q[9] * j + q[10] * k + q[11];
  span[0] = 0;
  span[1] = nx - 1;
  constrain(w0 - 1e-6, q[8], span);
  constrain(a0, q[0], span);
  constrain((columns - 1) * w0 - a0, (columns - 1) * q[8] - q[0], span);
  constrain(b0, q[4], span);
  constrain((rows - 1) * w0 - b0, (rows - 1) * q[8] - q[4], span);
}

function constrain(alpha: number, beta: number, span: [number, number]): void {
  if (beta > 0) span[0] = Math.max(span[0], Math.ceil(-alpha / beta));
  else if (beta < 0) span[1] = Math.min(span[1], Math.floor(-alpha / beta));
  else if (alpha < 0) span[1] = -1;
}

/**
 * Adds one filtered view into slices kFirst ≤ k < kLast (rows jFirst ≤ j < jLast of
 * them, by default all) of `out` (the whole grid, column index fastest): voxel-driven, bilinear between detector pixel centres, FDK
 * distance weight (SOD/w)²; voxels projecting outside the detector get nothing.
 */
export function backprojectView(
  filtered: Float32Array,
  view: CArmView,
  detector: DetectorGeometry,
  grid: ReconGrid,
  kFirst: number,
  kLast: number,
  out: Float32Array,
  jFirst = 0,
  jLast = grid.dimensions[1],
): void {
  const [nx, ny] = grid.dimensions;
  const { columns, rows } = detector;
  const q = voxelToDetector(view, detector, grid);
  const { sod } = view;
  const [stepA, , , , stepB, , , , stepW] = q; // per-voxel steps along i
  const lastColumn = columns - 2;
  const lastRow = rows - 2;
  const span: [number, number] = [0, -1];
  for (let k = kFirst; k < kLast; k++) {
    for (let j = jFirst; j < jLast; j++) {
      visibleSpan(q, j, k, nx, columns, rows, span);
      if (span[0] > span[1]) continue;
      const a0 = q[1] * j + q[2] * k + q[3];
      const b0 = q[5] * j + q[6] * k + q[7];
      const w0 = q[9] * j + q[10] * k + q[11];
      const base = (k * ny + j) * nx;
      for (let i = span[0]; i <= span[1]; i++) {
        const inverseW = 1 / (w0 + stepW * i);
        const c = (a0 + stepA * i) * inverseW;
        const r = (b0 + stepB * i) * inverseW;
        // Inside the span 0 ≤ c ≤ columns − 1 up to rounding.
        const c0 = cellBelow(c, lastColumn);
        const r0 = cellBelow(r, lastRow);
        const fc = c - c0;
        const fr = r - r0;
        const p = r0 * columns + c0;
        const top = filtered[p] + fc * (filtered[p + 1] - filtered[p]);
        const bottom = filtered[p + columns] + fc * (filtered[p + columns + 1] - filtered[p + columns]);
        const weight = sod * inverseW;
        out[base + i] += (top + fr * (bottom - top)) * weight * weight;
      }
    }
  }
}

/**
 * The field of view row by row: for grid row (j, k), n = k·ny + j, the columns
 * [spans[2n], spans[2n + 1]] that every view sees (project inside its detector); (0, −1)
 * where none does. Each view's visible span is an interval, so their intersection is.
 */
export function fieldOfViewSpans(g: ConeBeamGeometry, grid: ReconGrid): Int32Array {
  const [nx, ny, nz] = grid.dimensions;
  const { columns, rows } = g.detector;
  const matrices = g.views.map((view) => voxelToDetector(view, g.detector, grid));
  const spans = new Int32Array(2 * ny * nz);
  const span: [number, number] = [0, -1];
  for (let k = 0, n = 0; k < nz; k++) {
    for (let j = 0; j < ny; j++, n++) {
      let low = 0;
      let high = nx - 1;
      for (const q of matrices) {
        visibleSpan(q, j, k, nx, columns, rows, span);
        low = Math.max(low, span[0]);
        high = Math.min(high, span[1]);
        if (low > high) break;
      }
      // An empty span's bounds may be infinite, which an Int32Array would store as 0.
      spans[2 * n] = low <= high ? low : 0;
      spans[2 * n + 1] = low <= high ? high : -1;
    }
  }
  return spans;
}

/** 1 where every view sees the voxel (it projects inside the detector), else 0. */
export function fieldOfViewMask(g: ConeBeamGeometry, grid: ReconGrid): Uint8Array {
  return maskOfSpans(fieldOfViewSpans(g, grid), grid.dimensions[0]);
}

/** fieldOfViewSpans as a mask: 1 inside the spans of rows of nx voxels, else 0. */
export function maskOfSpans(spans: Int32Array, nx: number): Uint8Array {
  const mask = new Uint8Array((spans.length / 2) * nx);
  for (let n = 0; 2 * n < spans.length; n++) if (spans[2 * n] <= spans[2 * n + 1]) mask.fill(1, n * nx + spans[2 * n], n * nx + spans[2 * n + 1] + 1);
  return mask;
}

/** Zeroes the voxels of `volume` (rows of nx) outside the field of view given by fieldOfViewSpans. */
export function clearOutsideFieldOfView(volume: Float32Array, nx: number, spans: Int32Array): void {
  for (let n = 0; 2 * n < spans.length; n++) {
    const first = spans[2 * n];
    const last = spans[2 * n + 1];
    if (first > last) volume.fill(0, n * nx, (n + 1) * nx);
    else {
      volume.fill(0, n * nx, n * nx + first);
      volume.fill(0, n * nx + last + 1, (n + 1) * nx);
    }
  }
}

/**
 * Single-threaded FDK of a whole run (tests, small runs): filter and backproject each
 * view, then zero the voxels outside the field of view, where the sum is incomplete.
 */
export function fdkReconstruct(
  g: ConeBeamGeometry,
  lineIntegrals: (viewIndex: number) => Float32Array,
  grid: ReconGrid,
  options: FilterOptions,
): Float32Array {
  const [nx, ny, nz] = grid.dimensions;
  const volume = new Float32Array(nx * ny * nz);
  const filter = makeProjectionFilter(g, options);
  const filtered = new Float32Array(g.detector.columns * g.detector.rows);
  g.views.forEach((view, viewIndex) => {
    filter(viewIndex, lineIntegrals(viewIndex), filtered);
    backprojectView(filtered, view, g.detector, grid, 0, nz, volume);
  });
  clearOutsideFieldOfView(volume, nx, fieldOfViewSpans(g, grid));
  return volume;
}
