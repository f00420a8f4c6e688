/**
 * The paths as one triangle mesh for the 3D view: a tube along each path's drawn curve and a
 * sphere on each control point (the handle a drag takes; the selected one larger and paler),
 * coloured per vertex, so every path on the volume costs a single draw call. Tube rings follow rotation-minimising frames (shared/curve), so a tube does
 * not pinch or twist where the curve bends out of its plane.
 */
import { binormalOf, initialNormal, transportNormal } from '../../../shared/curve/rotationMinimizingFrames';
import { distance, normalize, sub, type Vec3 } from '../../../shared/math/vec3';

export interface PathTube {
  /** The path's dense curve (pathCurve), LPS mm; a closed path repeats its first point last. */
  curve: readonly Vec3[];
  /** LPS mm. */
  controlPoints: readonly Vec3[];
  /** RGB, 0..1. */
  colour: Vec3;
  /** The path being edited: drawn thicker and brighter. */
  active: boolean;
  /** Index of the highlighted control point (the active path's selection), or null. */
  selectedPoint: number | null;
  /** A locked path's points cannot be dragged. */
  locked: boolean;
}

export interface PathMesh {
  /** xyz per vertex, LPS mm. */
  points: Float32Array;
  /** Unit outward normal per vertex. */
  normals: Float32Array;
  /** vtk cell array: 3, a, b, c per triangle, counter-clockwise seen from outside. */
  polys: Uint32Array;
  /** RGB bytes per vertex. */
  colours: Uint8Array;
}

/** Tube sizes for one volume: radii in mm. */
export interface PathTubeSizes {
  tube: number;
  activeTube: number;
  sphere: number;
  activeSphere: number;
}

const TUBE_SIDES = 10;
const SPHERE_STACKS = 6;
const SPHERE_SLICES = 10;
/** Inactive paths keep their hue, darker, so the active one stands out. */
const INACTIVE_BRIGHTNESS = 0.65;
/** The selected control point: this much larger, and its colour this far towards white. */
const SELECTED_SCALE = 1.4;
const SELECTED_WHITENING = 0.55;
/**
 * Least sphere radii on screen, CSS px: at the zoom a whole volume is shown, the mm sizes
 * would make handles a pixel or two across, too small to see or take.
 */
export const MIN_SPHERE_PX = 3;
export const MIN_ACTIVE_SPHERE_PX = 5;
/** Points closer than this along a curve carry no direction (repeated clicks). */
const COINCIDENT_MM = 1e-6;

/**
 * Radii that read at the zoom a volume is first shown at: 0.4 % of its diagonal (≈ 2 mm on a
 * 350 mm chest CT, ≈ 1 mm on a 200 mm phantom), within [0.5, 2] mm so a tube never hides a small
 * vessel. Spheres are twice their tube's radius, so they cap its ends.
 */
export function pathTubeSizes(volumeDiagonalMm: number): PathTubeSizes {
  const tube = Math.min(2, Math.max(0.5, 0.004 * volumeDiagonalMm));
  const activeTube = 1.6 * tube;
  return { tube, activeTube, sphere: 2 * tube, activeSphere: 2 * activeTube };
}

/**
 * The sizes with spheres grown to at least MIN_SPHERE_PX / MIN_ACTIVE_SPHERE_PX on screen, at
 * `mmPerPixel` (CSS px at the camera's focal point). Tubes keep their mm radius.
 */
export function screenSizes(sizes: PathTubeSizes, mmPerPixel: number): PathTubeSizes {
  if (!(mmPerPixel > 0 && Number.isFinite(mmPerPixel))) return sizes;
  return { ...sizes, sphere: Math.max(sizes.sphere, MIN_SPHERE_PX * mmPerPixel), activeSphere: Math.max(sizes.activeSphere, MIN_ACTIVE_SPHERE_PX * mmPerPixel) };
}

/** Radius of control point `index`'s sphere, mm. */
export function sphereRadius(tube: PathTube, index: number, sizes: PathTubeSizes): number {
  const radius = tube.active ? sizes.activeSphere : sizes.sphere;
  return index === tube.selectedPoint ? SELECTED_SCALE * radius : radius;
}

/** '#4fc3f7' → [0.31, 0.76, 0.97]; anything else is white (a colour never stops a path showing). */
export function rgbFromHex(hex: string): Vec3 {
  const match = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(hex);
  return match ? [parseInt(match[1]!, 16) / 255, parseInt(match[2]!, 16) / 255, parseInt(match[3]!, 16) / 255] : [1, 1, 1];
}

/** Every tube with ≥ 2 distinct curve points, and every control point's sphere, as one mesh. */
export function pathMesh(tubes: readonly PathTube[], sizes: PathTubeSizes): PathMesh {
  const builder = new MeshBuilder();
  for (const tube of tubes) {
    const brightness = tube.active ? 1 : INACTIVE_BRIGHTNESS;
    const rgb = tube.colour.map((c) => Math.round(255 * Math.min(1, Math.max(0, c * brightness)))) as Vec3;
    addTube(builder, tube.curve, tube.active ? sizes.activeTube : sizes.tube, rgb);
    const highlight = rgb.map((c) => Math.round(c + SELECTED_WHITENING * (255 - c))) as Vec3;
    tube.controlPoints.forEach((point, n) => addSphere(builder, point, sphereRadius(tube, n, sizes), n === tube.selectedPoint ? highlight : rgb));
  }
  return builder.build();
}

class MeshBuilder {
  private readonly points: number[] = [];
  private readonly normals: number[] = [];
  private readonly polys: number[] = [];
  private readonly colours: number[] = [];

  get vertexCount(): number {
    return this.points.length / 3;
  }

  vertex(p: Vec3, n: Vec3, rgb: Vec3): void {
    this.points.push(p[0], p[1], p[2]);
    this.normals.push(n[0], n[1], n[2]);
    this.colours.push(rgb[0], rgb[1], rgb[2]);
  }

  triangle(a: number, b: number, c: number): void {
    this.polys.push(3, a, b, c);
  }

  build(): PathMesh {
    return { points: Float32Array.from(this.points), normals: Float32Array.from(this.normals), polys: Uint32Array.from(this.polys), colours: Uint8Array.from(this.colours) };
  }
}

function addTube(builder: MeshBuilder, curve: readonly Vec3[], radius: number, rgb: Vec3): void {
  const points = curve.filter((p, n) => n === 0 || distance(p, curve[n - 1]!) > COINCIDENT_MM);
  if (points.length < 2) return;
  const last = points.length - 1;
  const closed = last >= 3 && distance(points[0]!, points[last]!) <= COINCIDENT_MM;
  // Central differences; a closed curve wraps round its repeated point so its seam has one tangent.
  const tangents = points.map((_, n) => {
    const before = n > 0 ? points[n - 1]! : closed ? points[last - 1]! : points[0]!;
    const after = n < last ? points[n + 1]! : closed ? points[1]! : points[last]!;
    return normalize(sub(after, before));
  });
  let normal = initialNormal(tangents[0]!);
  const first = builder.vertexCount;
  points.forEach((point, n) => {
    if (n > 0) normal = transportNormal({ point: points[n - 1]!, tangent: tangents[n - 1]! }, normal, { point, tangent: tangents[n]! });
    const binormal = binormalOf(tangents[n]!, normal);
    for (let side = 0; side < TUBE_SIDES; side++) {
      const angle = (2 * Math.PI * side) / TUBE_SIDES;
      const c = Math.cos(angle);
      const s = Math.sin(angle);
      const outward: Vec3 = [c * normal[0] + s * binormal[0], c * normal[1] + s * binormal[1], c * normal[2] + s * binormal[2]];
      builder.vertex([point[0] + radius * outward[0], point[1] + radius * outward[1], point[2] + radius * outward[2]], outward, rgb);
    }
  });
  for (let n = 0; n < last; n++) {
    const ring = first + n * TUBE_SIDES;
    const next = ring + TUBE_SIDES;
    for (let side = 0; side < TUBE_SIDES; side++) {
      const turn = (side + 1) % TUBE_SIDES;
      // Around the ring then along the tangent: (b − a) × (c − a) points outward.
      builder.triangle(ring + side, ring + turn, next + side);
      builder.triangle(ring + turn, next + turn, next + side);
    }
  }
}

function addSphere(builder: MeshBuilder, centre: Vec3, radius: number, rgb: Vec3): void {
  const first = builder.vertexCount;
  for (let stack = 0; stack <= SPHERE_STACKS; stack++) {
    const polar = (Math.PI * stack) / SPHERE_STACKS;
    for (let slice = 0; slice < SPHERE_SLICES; slice++) {
      const azimuth = (2 * Math.PI * slice) / SPHERE_SLICES;
      const outward: Vec3 = [Math.sin(polar) * Math.cos(azimuth), Math.sin(polar) * Math.sin(azimuth), Math.cos(polar)];
      builder.vertex([centre[0] + radius * outward[0], centre[1] + radius * outward[1], centre[2] + radius * outward[2]], outward, rgb);
    }
  }
  for (let stack = 0; stack < SPHERE_STACKS; stack++) {
    const ring = first + stack * SPHERE_SLICES;
    const next = ring + SPHERE_SLICES;
    for (let slice = 0; slice < SPHERE_SLICES; slice++) {
      const turn = (slice + 1) % SPHERE_SLICES;
      // The pole rings collapse to a point: skip their zero-area triangles.
      if (stack > 0) builder.triangle(ring + slice, next + slice, ring + turn);
      if (stack < SPHERE_STACKS - 1) builder.triangle(ring + turn, next + slice, next + turn);
    }
  }
}
