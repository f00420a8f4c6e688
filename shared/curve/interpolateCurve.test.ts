import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Vec3 } from '../math/vec3';
import { distance } from '../math/vec3';
import type { CubicSegment } from './cubicSegment';
import { hermiteSegment, pointAt } from './cubicSegment';
import { interpolateCurve } from './interpolateCurve';

/** SciPy's CubicSpline is the reference: natural and periodic boundary conditions over the same chord-length knots. */
const PYTHON = '/usr/bin/python3';
const scipyAvailable = existsSync(PYTHON) && (() => {
  try {
    execFileSync(PYTHON, ['-c', 'import scipy.interpolate'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

const SCIPY_SPLINE = `
import json, sys
import numpy as np
from scipy.interpolate import CubicSpline
req = json.load(sys.stdin)
p = np.array(req['points'], dtype=float)
if req['closed']:
    p = np.vstack([p, p[:1]])
t = np.concatenate([[0.0], np.cumsum(np.linalg.norm(np.diff(p, axis=0), axis=1))])
spline = CubicSpline(t, p, bc_type='periodic' if req['closed'] else 'natural')
out = [spline(t[i] + u * (t[i + 1] - t[i])).tolist() for i, u in req['queries']]
json.dump(out, sys.stdout)
`;

function scipySpline(points: readonly Vec3[], closed: boolean, queries: [number, number][]): Vec3[] {
  const output = execFileSync(PYTHON, ['-c', SCIPY_SPLINE], { input: JSON.stringify({ points, closed, queries }) });
  return JSON.parse(output.toString()) as Vec3[];
}

const irregular: Vec3[] = [[0, 0, 0], [12, 3, 1], [13, 3.5, 1.2], [20, -6, 9], [22, -20, 15], [35, -18, 30], [31, -2, 41]];

describe.skipIf(!scipyAvailable)('natural cubic spline against SciPy CubicSpline (chord-length knots)', () => {
  it.each([false, true])('closed = %s', (closed) => {
    const segments = interpolateCurve(irregular, { interpolation: 'natural-cubic', closed });
    const queries: [number, number][] = segments.flatMap((_, i) => [0, 0.23, 0.5, 0.91].map((u): [number, number] => [i, u]));
    const reference = scipySpline(irregular, closed, queries);
    queries.forEach(([i, u], k) => expect(distance(pointAt(segments[i], u), reference[k])).toBeLessThan(1e-9));
  });
});

describe('interpolateCurve', () => {
  it.each(['catmull-rom', 'natural-cubic', 'linear'] as const)('%s passes through every control point, open and closed', (interpolation) => {
    for (const closed of [false, true]) {
      const segments = interpolateCurve(irregular, { interpolation, closed });
      expect(segments).toHaveLength(closed ? irregular.length : irregular.length - 1);
      segments.forEach((segment, i) => {
        expect(distance(pointAt(segment, 0), irregular[i])).toBeLessThan(1e-12);
        expect(distance(pointAt(segment, 1), irregular[(i + 1) % irregular.length])).toBeLessThan(1e-9);
      });
    }
  });

  it('centripetal Catmull-Rom stays close to a short hop between long chords, where uniform Catmull-Rom overshoots', () => {
    // Points 1 → 2 are 1.1 mm apart between chords of 12.4 and 14.1 mm. Measure how far each curve
    // strays as the largest (|q − P1| + |q − P2|) / |P1 − P2| along the piece (1 = on the chord).
    const [p0, p1, p2, p3] = irregular.slice(0, 4);
    const chord = distance(p1, p2);
    const stray = (segment: CubicSegment) =>
      Math.max(...Array.from({ length: 51 }, (_, j) => pointAt(segment, j / 50)).map((q) => (distance(q, p1) + distance(q, p2)) / chord));
    const half = (a: Vec3, b: Vec3): Vec3 => [(b[0] - a[0]) / 2, (b[1] - a[1]) / 2, (b[2] - a[2]) / 2];
    const uniform = hermiteSegment(p1, p2, half(p0, p2), half(p1, p3));
    const centripetal = interpolateCurve(irregular, { interpolation: 'catmull-rom', closed: false })[1];
    expect(stray(uniform)).toBeGreaterThan(2); // measured 2.07
    expect(stray(centripetal)).toBeLessThan(1.1); // measured 1.03
  });
});
