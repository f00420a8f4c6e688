import { describe, expect, it } from 'vitest';
import type { Vec3 } from '../math/vec3';
import { cross, distance, dot } from '../math/vec3';
import type { CubicSegment } from './cubicSegment';
import { pointAt, unitTangentAt } from './cubicSegment';
import { densePolyline, helixFrames, helixPoint, nearestHelixParameter, polylineArcLengths } from './curveTestGeometry';
import type { CurveInterpolation } from './interpolateCurve';
import { interpolateCurve } from './interpolateCurve';
import type { PathSample, SampledPath } from './samplePath';
import { samplePath } from './samplePath';

const INTERPOLATIONS: CurveInterpolation[] = ['catmull-rom', 'natural-cubic', 'linear'];

/** Radius 20 mm, pitch 30 mm per turn. */
const HELIX = { r: 20, c: 30 / (2 * Math.PI) };
const HELIX_TURNS = 3;
/**
 * 20 control points per turn (18° apart). With 20 points over all three turns (54° apart) the
 * centripetal Catmull-Rom curve itself is 0.57 mm off the helix: the interpolant's own error,
 * whatever the sampling, so the 0.05 mm requirement needs this density.
 */
const HELIX_POINTS_PER_TURN = 20;
const helixControlPoints: Vec3[] = Array.from({ length: HELIX_TURNS * HELIX_POINTS_PER_TURN + 1 }, (_, i) =>
  helixPoint(HELIX, (2 * Math.PI * i) / HELIX_POINTS_PER_TURN),
);

/** The independent ruler: arc length between consecutive samples measured on a polyline 4000 chords per piece. */
function intervalErrors(path: SampledPath, segments: readonly CubicSegment[], step: number): number[] {
  const arcs = polylineArcLengths(densePolyline(segments, 4000), path.samples.map((s) => s.point));
  return arcs.slice(1).map((a, i) => Math.abs(a - arcs[i] - step));
}

function frameMatrixError(s: PathSample): { orthonormality: number; determinant: number } {
  const columns = [s.normal, s.binormal, s.tangent];
  let orthonormality = 0;
  for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) orthonormality = Math.max(orthonormality, Math.abs(dot(columns[i], columns[j]) - (i === j ? 1 : 0)));
  return { orthonormality, determinant: dot(cross(s.normal, s.binormal), s.tangent) };
}

/** Signed angle (degrees) from a to b about axis, b first projected ⟂ axis. */
function angleAboutDeg(a: Vec3, b: Vec3, axis: Vec3): number {
  const along = dot(b, axis);
  const bPerp: Vec3 = [b[0] - along * axis[0], b[1] - along * axis[1], b[2] - along * axis[2]];
  return (Math.atan2(dot(cross(a, bPerp), axis), dot(a, bPerp)) * 180) / Math.PI;
}

/** Signed area of a closed polygon on the unit sphere: a fan of triangles from the mean direction (Van Oosterom–Strackee). */
function sphericalPolygonArea(vertices: readonly Vec3[]): number {
  const sum = vertices.reduce<Vec3>((acc, v) => [acc[0] + v[0], acc[1] + v[1], acc[2] + v[2]], [0, 0, 0]);
  const apex = sum.map((v) => v / Math.hypot(...sum)) as Vec3;
  let area = 0;
  vertices.forEach((b, i) => {
    const c = vertices[(i + 1) % vertices.length];
    area += 2 * Math.atan2(dot(apex, cross(b, c)), 1 + dot(apex, b) + dot(b, c) + dot(c, apex));
  });
  return area;
}

function maxComponentError(a: Vec3, b: Vec3): number {
  return Math.max(...a.map((v, k) => Math.abs(v - b[k])));
}

describe('samplePath on a helix (r 20 mm, pitch 30 mm, 3 turns)', () => {
  const segments = interpolateCurve(helixControlPoints, { interpolation: 'catmull-rom', closed: false });

  it('the centripetal Catmull-Rom curve stays within 0.05 mm of the analytic helix', () => {
    let worst = 0;
    for (const segment of segments) {
      for (let j = 0; j <= 100; j++) {
        const q = pointAt(segment, j / 100);
        worst = Math.max(worst, distance(q, helixPoint(HELIX, nearestHelixParameter(HELIX, q))));
      }
    }
    expect(worst).toBeLessThan(0.05); // measured 0.0106 mm
    const analyticLength = 2 * Math.PI * HELIX_TURNS * Math.hypot(HELIX.r, HELIX.c);
    expect(samplePath(helixControlPoints, { step: 5 }).length).toBeCloseTo(analyticLength, 1);
  });

  it.each(INTERPOLATIONS.flatMap((interpolation) => [0.37, 2.5, 10].map((step) => [interpolation, step] as const)))(
    '%s, step %f mm: samples equidistant along the curve within 1e-3 mm, the remainder accounted for',
    (interpolation, step) => {
      const path = samplePath(helixControlPoints, { interpolation, step });
      const curve = interpolateCurve(helixControlPoints, { interpolation, closed: false });
      expect(Math.max(...intervalErrors(path, curve, step))).toBeLessThan(1e-5); // measured ≤ 3e-8 mm
      path.samples.forEach((s, k) => expect(s.arcLength).toBeCloseTo(k * step, 12));
      expect(path.samples.length).toBe(Math.floor(path.length / step) + 1);
      expect(path.remainder).toBeGreaterThanOrEqual(0);
      expect(path.remainder).toBeLessThan(step);
      expect(path.samples[path.samples.length - 1].arcLength + path.remainder).toBeCloseTo(path.length, 9);
      // The first sample is the first control point; the remainder is the stretch to the last one.
      expect(distance(path.samples[0].point, helixControlPoints[0])).toBeLessThan(1e-12);
    },
  );

  it('every frame [normal, binormal, tangent] is a rotation: ‖RᵀR − I‖ < 1e-9, det +1', () => {
    for (const interpolation of INTERPOLATIONS) {
      for (const s of samplePath(helixControlPoints, { interpolation, step: 0.9, rollDeg: 17 }).samples) {
        const { orthonormality, determinant } = frameMatrixError(s);
        expect(orthonormality).toBeLessThan(1e-9);
        expect(determinant).toBeCloseTo(1, 12);
      }
    }
  });

  it.each([0.5, 3, 25])('step %f mm: the frame follows the analytic helix RMF within 0.1° per 100 mm of arc', (step) => {
    // Start on the analytic RMF (the Frenet normal at t = 0 points to −x).
    const path = samplePath(helixControlPoints, { step, initialNormal: [-1, 0, 0] });
    let worstRate = 0;
    for (const s of path.samples) {
      const { rmfNormal } = helixFrames(HELIX, nearestHelixParameter(HELIX, s.point));
      const error = Math.abs(angleAboutDeg(s.normal, rmfNormal, s.tangent));
      // Within the first 100 mm the allowance is 0.1° outright.
      worstRate = Math.max(worstRate, (error / Math.max(s.arcLength, 100)) * 100);
    }
    expect(worstRate).toBeLessThan(0.1); // measured 0.028 °/100 mm, largest absolute 0.11° at 388 mm
  });

  it('the frame turns against the Frenet frame at the analytic rate −τ (a first-order projection would not)', () => {
    // Over the middle turn, away from the end conditions: total roll relative to Frenet = −τ·Δs.
    const path = samplePath(helixControlPoints, { step: 1, initialNormal: [-1, 0, 0] });
    const torsion = HELIX.c / (HELIX.r ** 2 + HELIX.c ** 2);
    const w = Math.hypot(HELIX.r, HELIX.c);
    const [a, b] = [path.samples[130], path.samples[260]];
    const frenetAngle = (s: PathSample) => {
      const t = nearestHelixParameter(HELIX, s.point);
      return angleAboutDeg([-Math.cos(t), -Math.sin(t), 0], s.normal, s.tangent);
    };
    let measured = frenetAngle(b) - frenetAngle(a);
    measured = ((((measured + 180) % 360) + 360) % 360) - 180;
    const ta = nearestHelixParameter(HELIX, a.point);
    const tb = nearestHelixParameter(HELIX, b.point);
    const expected = ((-torsion * w * (tb - ta)) * 180) / Math.PI; // −τ·Δs, about −20.9°
    expect(Math.abs(expected)).toBeGreaterThan(15);
    expect(Math.abs(measured - expected)).toBeLessThan(0.05);
  });
});

describe('rotation-minimising frames on simple curves', () => {
  it('a straight line along +z: every normal is +x (left) and every binormal +y (posterior), exactly', () => {
    const line: Vec3[] = [[3, -2, -40], [3, -2, -31], [3, -2, 0.5], [3, -2, 60]];
    for (const interpolation of INTERPOLATIONS) {
      const path = samplePath(line, { interpolation, step: 0.7 });
      expect(path.length).toBeCloseTo(100, 9);
      for (const s of path.samples) {
        expect(maxComponentError(s.tangent, [0, 0, 1])).toBeLessThan(1e-12);
        expect(maxComponentError(s.normal, [1, 0, 0])).toBeLessThan(1e-12);
        expect(maxComponentError(s.binormal, [0, 1, 0])).toBeLessThan(1e-12);
        expect(Math.abs(s.point[0] - 3) + Math.abs(s.point[1] + 2)).toBeLessThan(1e-12);
      }
    }
  });

  it('a straight line along +x: the normal falls back to anterior [0, −1, 0], binormal = tangent × normal', () => {
    const path = samplePath([[-50, 10, 5], [0, 10, 5], [50, 10, 5]], { step: 2 });
    for (const s of path.samples) {
      expect(maxComponentError(s.normal, [0, -1, 0])).toBeLessThan(1e-12);
      expect(maxComponentError(s.binormal, cross([1, 0, 0], [0, -1, 0]))).toBeLessThan(1e-12);
    }
  });

  it('an oblique straight line with uneven point spacing: frames do not rotate at all', () => {
    const direction: Vec3 = [1 / Math.sqrt(14), 2 / Math.sqrt(14), 3 / Math.sqrt(14)];
    const line = [0, 3, 4, 20, 55].map((d): Vec3 => [10 + d * direction[0], -5 + d * direction[1], d * direction[2]]);
    for (const interpolation of INTERPOLATIONS) {
      const [first, ...rest] = samplePath(line, { interpolation, step: 0.3 }).samples;
      for (const s of rest) {
        expect(maxComponentError(s.normal, first.normal)).toBeLessThan(1e-12);
        expect(maxComponentError(s.tangent, direction)).toBeLessThan(1e-12);
      }
    }
  });

  it('a planar circle arc: the binormal is the constant plane normal', () => {
    // Arc of radius 40 mm in the plane y = 10 leaving the origin along +z: normal starts left (+x), in the plane.
    const arc = Array.from({ length: 14 }, (_, i): Vec3 => {
      const phi = (i / 13) * 1.5 * Math.PI;
      return [40 * (1 - Math.cos(phi)), 10, 40 * Math.sin(phi)];
    });
    for (const interpolation of INTERPOLATIONS) {
      for (const s of samplePath(arc, { interpolation, step: 0.8 }).samples) expect(maxComponentError(s.binormal, [0, 1, 0])).toBeLessThan(1e-6);
    }
  });

  it('across a polyline corner the frame turns with the tangent only (parallel transport)', () => {
    // Up +z, then along +x: the frame rotates 90° about +y; binormal stays +y, the normal becomes −z.
    const path = samplePath([[0, 0, 0], [0, 0, 20], [20, 0, 20]], { interpolation: 'linear', step: 1 });
    const after = path.samples.filter((s) => s.arcLength > 20.5);
    expect(after.length).toBeGreaterThan(10);
    for (const s of after) {
      expect(maxComponentError(s.normal, [0, 0, -1])).toBeLessThan(1e-12);
      expect(maxComponentError(s.binormal, [0, 1, 0])).toBeLessThan(1e-12);
    }
  });

  it('rollDeg 90 maps normal → binormal (and binormal → −normal)', () => {
    const plain = samplePath(helixControlPoints, { step: 4 });
    const rolled = samplePath(helixControlPoints, { step: 4, rollDeg: 90 });
    rolled.samples.forEach((s, k) => {
      expect(maxComponentError(s.normal, plain.samples[k].binormal)).toBeLessThan(1e-12);
      expect(maxComponentError(s.binormal, plain.samples[k].normal.map((v) => -v) as Vec3)).toBeLessThan(1e-12);
      expect(s.tangent).toEqual(plain.samples[k].tangent);
    });
  });

  it('an initial normal is projected onto the plane ⟂ the first tangent', () => {
    const path = samplePath([[0, 0, 0], [0, 0, 10], [0, 0, 30]], { step: 5, initialNormal: [1, -1, 7] });
    for (const s of path.samples) expect(maxComponentError(s.normal, [Math.SQRT1_2, -Math.SQRT1_2, 0])).toBeLessThan(1e-12);
    expect(() => samplePath([[0, 0, 0], [0, 0, 10]], { step: 5, initialNormal: [0, 0, 0] })).toThrow(/initial normal/);
  });
});

describe('closed curves', () => {
  const radius = 30;
  const circle = Array.from({ length: 12 }, (_, i): Vec3 => {
    const phi = (2 * Math.PI * i) / 12;
    return [radius * Math.cos(phi) + 5, radius * Math.sin(phi) - 7, 12];
  });

  it.each(['catmull-rom', 'natural-cubic'] as const)('%s: 12 points on a circle, length ≈ 2πr within 0.1 percent, samples cover the loop', (interpolation) => {
    const step = 1.3;
    const path = samplePath(circle, { interpolation, closed: true, step });
    expect(Math.abs(path.length / (2 * Math.PI * radius) - 1)).toBeLessThan(1e-3); // measured −0.090 % (Catmull-Rom), −0.011 % (periodic spline)
    expect(path.remainder).toBeGreaterThan(0);
    expect(path.remainder).toBeLessThan(step);
    expect(path.samples.length).toBe(Math.ceil(path.length / step));
    // The loop closes: the last sample is one remainder short of the first.
    expect(distance(path.samples[path.samples.length - 1].point, path.samples[0].point)).toBeCloseTo(path.remainder, 3);
    const curve = interpolateCurve(circle, { interpolation, closed: true });
    expect(Math.max(...intervalErrors(path, curve, step))).toBeLessThan(1e-5);
    // Every point stays near the circle.
    for (const s of path.samples) expect(Math.abs(Math.hypot(s.point[0] - 5, s.point[1] + 7) - radius)).toBeLessThan(0.2);
    // A planar loop needs no closing twist.
    expect(Math.abs(path.closureTwistDeg ?? NaN)).toBeLessThan(1e-6);
  });

  it('a closed polyline (square) has its four sides and a remainder of one step when the step divides the length', () => {
    const square: Vec3[] = [[0, 0, 0], [10, 0, 0], [10, 10, 0], [0, 10, 0]];
    const path = samplePath(square, { interpolation: 'linear', closed: true, step: 2 });
    expect(path.length).toBeCloseTo(40, 12);
    expect(path.samples.length).toBe(20);
    expect(path.remainder).toBeCloseTo(2, 12);
    expect(maxComponentError(path.samples[5].point, [10, 0, 0])).toBeLessThan(1e-12);
    // Control points at the corners: 0, 10, 20, 30 mm round the loop (the start is not repeated).
    path.controlPointArcLengths.forEach((s, i) => expect(s).toBeCloseTo(10 * i, 12));
    expect(path.controlPointArcLengths).toHaveLength(4);
  });

  it('an open curve gives each control point its arc length: the sum of the polyline legs before it', () => {
    const points: Vec3[] = [[0, 0, 0], [3, 4, 0], [3, 4, 12], [0, 0, 12]];
    const path = samplePath(points, { interpolation: 'linear', step: 1 });
    const expected = [0, 5, 17, 22];
    expect(path.controlPointArcLengths).toHaveLength(4);
    path.controlPointArcLengths.forEach((s, i) => expect(s).toBeCloseTo(expected[i]!, 12));
    // A smooth curve passes through its control points at those arc lengths.
    const smooth = samplePath(points, { interpolation: 'catmull-rom', step: 0.01 });
    smooth.controlPointArcLengths.forEach((s, i) => {
      const nearest = smooth.samples[Math.min(smooth.samples.length - 1, Math.round(s / 0.01))]!;
      expect(maxComponentError(nearest.point, points[i]!)).toBeLessThan(0.01);
    });
  });

  it('a non-planar loop reports the twist its frame picks up: the solid angle its tangents enclose', () => {
    // Carried round a loop, the rotation-minimising normal is parallel-transported along the
    // tangent indicatrix on the unit sphere, so it comes back turned by the solid angle Ω the
    // indicatrix encloses (Gauss–Bonnet), counter-clockwise seen from outside = right-handed
    // about the tangent. Ω is measured here from the curve's tangents alone.
    const loop = Array.from({ length: 48 }, (_, i): Vec3 => {
      const phi = (2 * Math.PI * i) / 48;
      return [30 * Math.cos(phi) + 7 * Math.cos(2 * phi), 22 * Math.sin(phi) + 6 * Math.cos(2 * phi), 15 * Math.cos(2 * phi) + 8 * Math.sin(3 * phi)];
    });
    const tangents = interpolateCurve(loop, { interpolation: 'catmull-rom', closed: true }).flatMap((segment) =>
      Array.from({ length: 400 }, (_, j) => unitTangentAt(segment, j / 400)),
    );
    const solidAngleDeg = (sphericalPolygonArea(tangents) * 180) / Math.PI;
    const wrap = (deg: number) => ((((deg + 180) % 360) + 360) % 360) - 180;
    const fine = samplePath(loop, { closed: true, step: 0.5 }).closureTwistDeg ?? NaN;
    const coarse = samplePath(loop, { closed: true, step: 20 }).closureTwistDeg ?? NaN;
    expect(Math.abs(fine)).toBeGreaterThan(5);
    expect(Math.abs(wrap(fine - solidAngleDeg))).toBeLessThan(0.01);
    expect(Math.abs(coarse - fine)).toBeLessThan(1e-3);
  });
});

describe('control point handling', () => {
  it('duplicate consecutive points are dropped: no NaN, the same curve as without them', () => {
    const points: Vec3[] = [[0, 0, 0], [0, 0, 0], [5, 2, 10], [5, 2, 10], [5, 2, 10], [-3, 8, 25], [-3, 8, 25]];
    const unique: Vec3[] = [[0, 0, 0], [5, 2, 10], [-3, 8, 25]];
    for (const interpolation of INTERPOLATIONS) {
      const path = samplePath(points, { interpolation, step: 0.5 });
      const reference = samplePath(unique, { interpolation, step: 0.5 });
      expect(path.samples.length).toBe(reference.samples.length);
      path.samples.forEach((s, k) => {
        for (const v of [s.point, s.tangent, s.normal, s.binormal]) expect(v.every(Number.isFinite)).toBe(true);
        expect(s).toEqual(reference.samples[k]);
      });
    }
  });

  it('a closed curve whose last point repeats the first is the same loop', () => {
    const loop: Vec3[] = [[0, 0, 0], [10, 0, 0], [10, 10, 3], [0, 10, 0]];
    const a = samplePath(loop, { closed: true, step: 1 });
    const b = samplePath([...loop, [0, 0, 0]], { closed: true, step: 1 });
    expect(b.length).toBeCloseTo(a.length, 12);
  });

  it('too few distinct points, non-finite points and bad steps throw clear errors', () => {
    expect(() => samplePath([[1, 2, 3], [1, 2, 3]], { step: 1 })).toThrow(/at least 2 distinct control points/);
    expect(() => samplePath([], { step: 1 })).toThrow(/at least 2 distinct control points/);
    expect(() => samplePath([[0, 0, 0], [0, 0, 5]], { step: 1, closed: true })).toThrow(/closed curve needs at least 3/);
    expect(() => samplePath([[0, 0, 0], [0, NaN, 5]], { step: 1 })).toThrow(/control point 2 is not three finite numbers/);
    expect(() => samplePath([[0, 0, 0], [0, 0, 5]], { step: 0 })).toThrow(/step must be a positive number/);
    expect(() => samplePath([[0, 0, 0], [0, 0, 5]], { step: 1e-9 })).toThrow(/too fine/);
  });

  it('a path shorter than one step is its start sample plus the remainder', () => {
    const path = samplePath([[0, 0, 0], [0, 0, 3]], { step: 5 });
    expect(path.samples).toHaveLength(1);
    expect(path.remainder).toBeCloseTo(3, 12);
  });
});

describe('the interpolants against independent formulations', () => {
  /** Control points with uneven spacing, including a short hop: where uniform Catmull-Rom would loop. */
  const irregular: Vec3[] = [[0, 0, 0], [12, 3, 1], [13, 3.5, 1.2], [20, -6, 9], [22, -20, 15], [35, -18, 30]];

  it('each Catmull-Rom piece equals the Barry–Goldman pyramid with centripetal knots', () => {
    const knots = [0];
    for (let i = 1; i < irregular.length; i++) knots.push(knots[i - 1] + Math.sqrt(distance(irregular[i - 1], irregular[i])));
    const lerp = (a: Vec3, b: Vec3, ta: number, tb: number, t: number): Vec3 =>
      a.map((v, k) => ((tb - t) * v + (t - ta) * b[k]) / (tb - ta)) as Vec3;
    const segments = interpolateCurve(irregular, { interpolation: 'catmull-rom', closed: false });
    for (let i = 1; i < irregular.length - 2; i++) {
      const [p0, p1, p2, p3] = irregular.slice(i - 1, i + 3);
      const [t0, t1, t2, t3] = knots.slice(i - 1, i + 3);
      for (const u of [0, 0.1, 0.37, 0.5, 0.81, 1]) {
        const t = t1 + u * (t2 - t1);
        const a1 = lerp(p0, p1, t0, t1, t);
        const a2 = lerp(p1, p2, t1, t2, t);
        const a3 = lerp(p2, p3, t2, t3, t);
        const pyramid = lerp(lerp(a1, a2, t0, t2, t), lerp(a2, a3, t1, t3, t), t1, t2, t);
        expect(maxComponentError(pointAt(segments[i], u), pyramid)).toBeLessThan(1e-9);
      }
    }
  });

  it('three points: the Catmull-Rom curve with its quadratic end condition is the quadratic through them in knot time', () => {
    const [p0, p1, p2]: Vec3[] = [[0, 0, 0], [4, 1, 7], [15, -3, 9]];
    const t1 = Math.sqrt(distance(p0, p1));
    const t2 = t1 + Math.sqrt(distance(p1, p2));
    const lagrange = (t: number): Vec3 =>
      p0.map((_, k) => (p0[k] * (t - t1) * (t - t2)) / (t1 * t2) + (p1[k] * t * (t - t2)) / (t1 * (t1 - t2)) + (p2[k] * t * (t - t1)) / (t2 * (t2 - t1))) as Vec3;
    const [first, second] = interpolateCurve([p0, p1, p2], { interpolation: 'catmull-rom', closed: false });
    for (const u of [0, 0.2, 0.5, 0.9, 1]) {
      expect(maxComponentError(pointAt(first, u), lagrange(u * t1))).toBeLessThan(1e-12);
      expect(maxComponentError(pointAt(second, u), lagrange(t1 + u * (t2 - t1)))).toBeLessThan(1e-12);
    }
  });
});
