/**
 * Geometry of the three orthogonal slice views, defined in patient (LPS) terms so they
 * are right for any acquisition orientation: the view planes are patient planes and
 * the volume is resampled onto them, never shown in its own voxel order.
 *
 * Screen conventions are the radiological ones: axial seen from the feet (patient left
 * on screen right, anterior up), coronal seen from the front (left on the right,
 * superior up), sagittal seen from the patient's left (anterior on the left, superior up).
 */
import { cross, dot, type Vec3 } from '../../../shared/math/vec3';
import { transformPoint, type Mat4 } from '../../../shared/math/mat4';

export type SliceOrientation = 'axial' | 'coronal' | 'sagittal';
export const SLICE_ORIENTATIONS: readonly SliceOrientation[] = ['axial', 'coronal', 'sagittal'];

export interface ViewBasis {
  /** LPS direction of screen +x. */
  right: Vec3;
  /** LPS direction of screen +y (down). */
  down: Vec3;
  /** right × down: the direction "deeper" slices move in. */
  normal: Vec3;
}

function basis(right: Vec3, down: Vec3): ViewBasis {
  return { right, down, normal: cross(right, down) };
}

export const VIEW_BASES: Record<SliceOrientation, ViewBasis> = {
  axial: basis([1, 0, 0], [0, 1, 0]),
  coronal: basis([1, 0, 0], [0, 0, -1]),
  sagittal: basis([0, 1, 0], [0, 0, -1]),
};

/** What the geometry needs of a volume: no voxels. */
export interface VolumeGeometry {
  dimensions: readonly [number, number, number];
  spacing: readonly [number, number, number];
  ijkToLps: Mat4;
}

/** Anatomical letters of an LPS direction, strongest component first (e.g. "L", "LA" when oblique). */
export function directionLetters(v: Vec3, minShare = 0.25): string {
  const letters: [string, string][] = [
    ['L', 'R'],
    ['P', 'A'],
    ['S', 'I'],
  ];
  const norm = Math.hypot(v[0], v[1], v[2]) || 1;
  return [0, 1, 2]
    .map((axis) => ({ axis, share: Math.abs(v[axis]!) / norm }))
    .filter((c) => c.share >= minShare)
    .sort((a, b) => b.share - a.share)
    .map(({ axis }) => letters[axis]![v[axis]! > 0 ? 0 : 1])
    .join('');
}

export interface EdgeLabels {
  left: string;
  right: string;
  top: string;
  bottom: string;
}

export function edgeLabels(b: ViewBasis): EdgeLabels {
  const neg = (v: Vec3): Vec3 => [-v[0], -v[1], -v[2]];
  return { left: directionLetters(neg(b.right)), right: directionLetters(b.right), top: directionLetters(neg(b.down)), bottom: directionLetters(b.down) };
}

/** The eight outer corners of the volume (voxel edges, ±0.5 around the centres) in LPS. */
export function volumeCorners(g: VolumeGeometry): Vec3[] {
  const [nx, ny, nz] = g.dimensions;
  const corners: Vec3[] = [];
  for (const k of [-0.5, nz - 0.5]) for (const j of [-0.5, ny - 0.5]) for (const i of [-0.5, nx - 0.5]) corners.push(transformPoint(g.ijkToLps, [i, j, k]));
  return corners;
}

export interface Range {
  min: number;
  max: number;
}

/** Extent of the volume along one LPS direction (mm, as dot products with the direction). */
export function extentAlong(g: VolumeGeometry, direction: Vec3): Range {
  const values = volumeCorners(g).map((p) => dot(p, direction));
  return { min: Math.min(...values), max: Math.max(...values) };
}

/** The voxel-column axis directions (unit) of the volume. */
function voxelAxes(g: VolumeGeometry): [Vec3, Vec3, Vec3] {
  const m = g.ijkToLps;
  return [0, 1, 2].map((c) => {
    const v: Vec3 = [m[c]!, m[4 + c]!, m[8 + c]!];
    const n = Math.hypot(...v) || 1;
    return [v[0] / n, v[1] / n, v[2] / n];
  }) as [Vec3, Vec3, Vec3];
}

/**
 * Distance between neighbouring planes of the voxel lattice along `normal`: one
 * scroll step. Axial on an axial stack is the slice spacing; coronal is the row
 * spacing; an oblique stack gets the lattice's plane spacing, never a skipped voxel.
 */
export function sliceStepMm(g: VolumeGeometry, normal: Vec3): number {
  const axes = voxelAxes(g);
  let sum = 0;
  for (let a = 0; a < 3; a++) sum += (dot(axes[a]!, normal) / g.spacing[a]!) ** 2;
  return sum > 0 ? 1 / Math.sqrt(sum) : Math.min(...g.spacing);
}

/** The voxel centre nearest to the middle of the volume, in LPS: a start that shows voxels unblurred. */
export function centreVoxelLps(g: VolumeGeometry): Vec3 {
  const [nx, ny, nz] = g.dimensions;
  return transformPoint(g.ijkToLps, [Math.floor((nx - 1) / 2), Math.floor((ny - 1) / 2), Math.floor((nz - 1) / 2)]);
}

export interface SlicePlane {
  columns: number;
  rows: number;
  /** Square pixels, mm. */
  pixelMm: number;
  /** In-plane coordinates (mm along right, down) of the image's top-left corner (pixel edge). */
  aMin: number;
  bMin: number;
  /** Depth (mm along normal) of the plane. */
  depth: number;
  /** (column, row, 0, 1) → LPS mm, row-major. */
  sliceToWorld: Mat4;
}

/**
 * The image a view shows at `depth`: the volume's footprint on the plane, sampled at
 * its finest voxel spacing (so an axis-aligned view hits voxel centres exactly), but
 * never more than `maxPixels` along a side. A view in motion asks for its screen's
 * pixels (`screenPixelMm`) where they are coarser: it gets the whole number of voxels
 * nearest to them, so an axis-aligned view still steps whole voxels along its rows
 * (reslicePlane's constant-weight path).
 */
export function slicePlane(g: VolumeGeometry, b: ViewBasis, depth: number, maxPixels = 1024, screenPixelMm = 0): SlicePlane {
  const ea = extentAlong(g, b.right);
  const eb = extentAlong(g, b.down);
  const finest = Math.min(...g.spacing);
  const voxelsPerPixel = Math.max(1, Math.round(screenPixelMm / finest));
  const pixelMm = Math.max(finest * voxelsPerPixel, (ea.max - ea.min) / maxPixels, (eb.max - eb.min) / maxPixels);
  // Round tiny floating-point excess (511.9999 voxels) down rather than adding a column.
  const columns = Math.max(1, Math.ceil((ea.max - ea.min) / pixelMm - 1e-6));
  const rows = Math.max(1, Math.ceil((eb.max - eb.min) / pixelMm - 1e-6));
  const origin: Vec3 = [0, 1, 2].map((c) => (ea.min + pixelMm / 2) * b.right[c]! + (eb.min + pixelMm / 2) * b.down[c]! + depth * b.normal[c]!) as Vec3;
  const sliceToWorld: Mat4 = [
    b.right[0] * pixelMm, b.down[0] * pixelMm, b.normal[0], origin[0],
    b.right[1] * pixelMm, b.down[1] * pixelMm, b.normal[1], origin[1],
    b.right[2] * pixelMm, b.down[2] * pixelMm, b.normal[2], origin[2],
    0, 0, 0, 1,
  ];
  return { columns, rows, pixelMm, aMin: ea.min, bMin: eb.min, depth, sliceToWorld };
}

/** A 2D view of a plane: which in-plane point sits at the viewport centre, and the zoom. */
export interface ViewTransform {
  width: number;
  height: number;
  /** In-plane coordinates (mm) at the viewport centre. */
  centreA: number;
  centreB: number;
  mmPerPixel: number;
}

export function planeToScreen(t: ViewTransform, a: number, b: number): [number, number] {
  return [t.width / 2 + (a - t.centreA) / t.mmPerPixel, t.height / 2 + (b - t.centreB) / t.mmPerPixel];
}

export function screenToPlane(t: ViewTransform, x: number, y: number): [number, number] {
  return [t.centreA + (x - t.width / 2) * t.mmPerPixel, t.centreB + (y - t.height / 2) * t.mmPerPixel];
}

export function worldToPlane(b: ViewBasis, p: Vec3): { a: number; b: number; depth: number } {
  return { a: dot(p, b.right), b: dot(p, b.down), depth: dot(p, b.normal) };
}

export function planeToWorld(basisOf: ViewBasis, a: number, b: number, depth: number): Vec3 {
  const { right, down, normal } = basisOf;
  return [0, 1, 2].map((c) => a * right[c]! + b * down[c]! + depth * normal[c]!) as Vec3;
}

/** A "nice" scale-bar length (1, 2 or 5 × 10ⁿ mm) no longer than `maxMm`. */
export function niceLengthMm(maxMm: number): number {
  if (!(maxMm > 0)) return 0;
  const exponent = Math.floor(Math.log10(maxMm));
  const base = 10 ** exponent;
  for (const m of [5, 2, 1]) if (m * base <= maxMm) return m * base;
  return base;
}
