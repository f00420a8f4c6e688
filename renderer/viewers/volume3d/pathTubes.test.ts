import { describe, expect, it } from 'vitest';
import { helixFrames, helixPoint, nearestHelixParameter, type Helix } from '../../../shared/curve/curveTestGeometry';
import { cross, distance, dot, normalize, sub, type Vec3 } from '../../../shared/math/vec3';
import { MIN_ACTIVE_SPHERE_PX, MIN_SPHERE_PX, pathMesh, pathTubeSizes, rgbFromHex, screenSizes, type PathMesh, type PathTube } from './pathTubes';

const HELIX: Helix = { r: 20, c: 5 };
/** The helix as the slice views' curve would give it: points 1 mm of arc apart. */
const HELIX_CURVE: Vec3[] = Array.from({ length: 120 }, (_, n) => helixPoint(HELIX, n / Math.hypot(HELIX.r, HELIX.c)));
const SIZES = pathTubeSizes(200);

const vertex = (mesh: PathMesh, v: number, of: 'points' | 'normals' = 'points'): Vec3 => [mesh[of][3 * v]!, mesh[of][3 * v + 1]!, mesh[of][3 * v + 2]!];
const triangles = (mesh: PathMesh): [number, number, number][] =>
  Array.from({ length: mesh.polys.length / 4 }, (_, t) => [mesh.polys[4 * t + 1]!, mesh.polys[4 * t + 2]!, mesh.polys[4 * t + 3]!]);

function tube(partial: Partial<PathTube>): PathTube {
  return { curve: HELIX_CURVE, controlPoints: [], colour: rgbFromHex('#4fc3f7'), active: true, selectedPoint: null, locked: false, ...partial };
}

describe('pathMesh', () => {
  it('wraps a non-planar curve in a tube of the active radius: every vertex that far from the true helix, normals pointing away from it', () => {
    const mesh = pathMesh([tube({})], SIZES);
    const count = mesh.points.length / 3;
    expect(count).toBeGreaterThan(HELIX_CURVE.length * 3);
    let worstRadius = 0;
    let worstNormal = 1;
    for (let v = 0; v < count; v++) {
      const p = vertex(mesh, v);
      const foot = helixPoint(HELIX, nearestHelixParameter(HELIX, p));
      worstRadius = Math.max(worstRadius, Math.abs(distance(p, foot) - SIZES.activeTube));
      worstNormal = Math.min(worstNormal, dot(vertex(mesh, v, 'normals'), normalize(sub(p, foot))));
    }
    expect(worstRadius).toBeLessThan(0.02);
    expect(worstNormal).toBeGreaterThan(0.999);
  });

  it('faces every triangle outward (tube and spheres)', () => {
    const mesh = pathMesh([tube({ controlPoints: [HELIX_CURVE[0]!, HELIX_CURVE[60]!, HELIX_CURVE[119]!] })], SIZES);
    let inward = 0;
    for (const [a, b, c] of triangles(mesh)) {
      const [pa, pb, pc] = [vertex(mesh, a), vertex(mesh, b), vertex(mesh, c)];
      const face = cross(sub(pb, pa), sub(pc, pa));
      const normal: Vec3 = [0, 1, 2].map((k) => vertex(mesh, a, 'normals')[k]! + vertex(mesh, b, 'normals')[k]! + vertex(mesh, c, 'normals')[k]!) as Vec3;
      if (dot(face, normal) <= 0) inward++;
    }
    expect(triangles(mesh).length).toBeGreaterThan(0);
    expect(inward).toBe(0);
  });

  it('turns its rings with the rotation-minimising frame: no twist along a helix', () => {
    const mesh = pathMesh([tube({})], SIZES);
    // Each vertex's angle about the helix, measured from the analytic RMF normal, is the ring's
    // fixed start angle plus a multiple of 2π/10; ×10 maps them all onto one direction unless the rings twist.
    let cos = 0;
    let sin = 0;
    const count = mesh.points.length / 3;
    for (let v = 0; v < count; v++) {
      const p = vertex(mesh, v);
      const t = nearestHelixParameter(HELIX, p);
      const { tangent, rmfNormal } = helixFrames(HELIX, t);
      const offset = sub(p, helixPoint(HELIX, t));
      const angle = Math.atan2(dot(offset, cross(tangent, rmfNormal)), dot(offset, rmfNormal));
      cos += Math.cos(10 * angle);
      sin += Math.sin(10 * angle);
    }
    // A mean resultant length of 1 − (10σ)²/2 means an angular spread σ: here under 0.1°.
    const spread = (0.1 * Math.PI) / 180;
    expect(Math.hypot(cos, sin) / count).toBeGreaterThan(1 - (10 * spread) ** 2 / 2);
  });

  it('puts a sphere on each control point, bigger on the active path, in the path colour (darker when inactive)', () => {
    const points: Vec3[] = [[10, -5, 3], [30, 0, -8]];
    for (const active of [true, false]) {
      const mesh = pathMesh([tube({ curve: points, controlPoints: points, active, colour: rgbFromHex('#ff8a65') })], SIZES);
      const radius = active ? SIZES.activeSphere : SIZES.sphere;
      const tubeRadius = active ? SIZES.activeTube : SIZES.tube;
      const count = mesh.points.length / 3;
      let onSphere = 0;
      for (let v = 0; v < count; v++) {
        const p = vertex(mesh, v);
        const r = Math.min(distance(p, points[0]!), distance(p, points[1]!));
        if (Math.abs(r - radius) < 1e-4) onSphere++;
        else {
          // Tube vertices: at the tube radius from the straight segment between the points.
          const axis = normalize(sub(points[1]!, points[0]!));
          const rel = sub(p, points[0]!);
          expect(distance(rel, [0, 1, 2].map((k) => axis[k]! * dot(rel, axis)) as Vec3)).toBeCloseTo(tubeRadius, 4);
        }
        const expected = [0xff, 0x8a, 0x65].map((c) => Math.round(c * (active ? 1 : 0.65)));
        expect([mesh.colours[3 * v], mesh.colours[3 * v + 1], mesh.colours[3 * v + 2]]).toEqual(expected);
      }
      // Each sphere has (stacks + 1) × slices vertices: both control points are covered.
      expect(onSphere).toBe(2 * 7 * 10);
    }
  });

  it('draws the selected control point larger and paler, the others as before', () => {
    const points: Vec3[] = [[10, -5, 3], [30, 0, -8], [50, 4, 0]];
    const mesh = pathMesh([tube({ curve: points, controlPoints: points, selectedPoint: 1, colour: rgbFromHex('#ff8a65') })], SIZES);
    const radii = new Map<string, number>();
    for (let v = 0; v < mesh.points.length / 3; v++) {
      const p = vertex(mesh, v);
      const nearest = points.reduce((best, q, n) => (distance(p, q) < distance(p, points[best]!) ? n : best), 0);
      const r = distance(p, points[nearest]!);
      // Sphere vertices only: the curve is the control points themselves, so the tube's rings sit on them at the smaller tube radius.
      if (r < SIZES.activeSphere * 0.9) continue;
      const colour = [mesh.colours[3 * v]!, mesh.colours[3 * v + 1]!, mesh.colours[3 * v + 2]!];
      radii.set(`${nearest}`, r);
      if (nearest === 1) {
        // Towards white from #ff8a65: every channel up, red stays the largest.
        expect(colour[1]).toBeGreaterThan(0x8a + 40);
        expect(colour[2]).toBeGreaterThan(0x65 + 40);
        expect(colour[0]).toBeGreaterThanOrEqual(colour[1]!);
      } else expect(colour).toEqual([0xff, 0x8a, 0x65]);
    }
    expect(radii.get('0')).toBeCloseTo(SIZES.activeSphere, 4);
    expect(radii.get('2')).toBeCloseTo(SIZES.activeSphere, 4);
    expect(radii.get('1')! / SIZES.activeSphere).toBeGreaterThan(1.2);
  });

  it('draws one control point as a sphere alone, repeated points without a tube, nothing for no path', () => {
    const one = pathMesh([tube({ curve: [[1, 2, 3]], controlPoints: [[1, 2, 3]] })], SIZES);
    const repeated = pathMesh([tube({ curve: [[1, 2, 3], [1, 2, 3]], controlPoints: [[1, 2, 3], [1, 2, 3]] })], SIZES);
    expect(one.points.length / 3).toBe(70);
    expect(repeated.points.length / 3).toBe(140);
    for (const mesh of [one, repeated]) for (let v = 0; v < mesh.points.length / 3; v++) expect(distance(vertex(mesh, v), [1, 2, 3])).toBeCloseTo(SIZES.activeSphere, 4);
    const empty = pathMesh([], SIZES);
    expect(empty.points.length + empty.polys.length).toBe(0);
  });

  it('closes a closed curve without a kink at its seam', () => {
    // A circle of radius 15 mm as pathCurve gives a closed path: the first point repeated last.
    const circle: Vec3[] = Array.from({ length: 95 }, (_, n) => [15 * Math.cos((2 * Math.PI * n) / 94), 15 * Math.sin((2 * Math.PI * n) / 94), 4] as Vec3);
    const mesh = pathMesh([tube({ curve: circle })], SIZES);
    for (let v = 0; v < mesh.points.length / 3; v++) {
      const [x, y, z] = vertex(mesh, v);
      // Distance to the circle itself: a ring tilted at the seam by a one-sided tangent would come closer.
      expect(Math.hypot(Math.hypot(x, y) - 15, z - 4)).toBeCloseTo(SIZES.activeTube, 2);
    }
  });
});

describe('rgbFromHex / pathTubeSizes', () => {
  it('reads #rrggbb and falls back to white', () => {
    expect(rgbFromHex('#4fc3f7').map((c) => Math.round(c * 255))).toEqual([0x4f, 0xc3, 0xf7]);
    expect(rgbFromHex('teal')).toEqual([1, 1, 1]);
  });

  it('grows spheres to a least size on screen when zoomed out, and leaves them (and the tubes) alone when zoomed in', () => {
    const far = screenSizes(SIZES, 2);
    expect(far.sphere).toBe(MIN_SPHERE_PX * 2);
    expect(far.activeSphere).toBe(MIN_ACTIVE_SPHERE_PX * 2);
    expect([far.tube, far.activeTube]).toEqual([SIZES.tube, SIZES.activeTube]);
    expect(screenSizes(SIZES, 0.05)).toEqual(SIZES);
    expect(screenSizes(SIZES, NaN)).toEqual(SIZES);
  });

  it('keeps spheres wider than tubes (they cap the tube ends) and the active path thicker, at any volume size', () => {
    for (const diagonal of [20, 200, 600, 5000]) {
      const s = pathTubeSizes(diagonal);
      expect(s.tube).toBeGreaterThanOrEqual(0.5);
      expect(s.tube).toBeLessThanOrEqual(2);
      expect(s.activeTube).toBeGreaterThan(s.tube);
      expect(s.sphere).toBeGreaterThan(s.tube);
      expect(s.activeSphere).toBeGreaterThan(s.activeTube);
    }
  });
});
