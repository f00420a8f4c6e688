/**
 * The slice views' hit rules on a real view geometry (an axial SliceViewState over a known
 * volume): a press takes only a control point drawn on the plane, within HIT_RADIUS_PX;
 * an insertion goes between the two control points whose span of the curve is nearest.
 */
import { describe, expect, it } from 'vitest';
import { fromAxes } from '../../../shared/math/mat4';
import type { Vec3 } from '../../../shared/math/vec3';
import type { VolumePath } from '../../stores/PathStore';
import { SliceViewState } from '../../stores/SliceViewState';
import { drawnCurve, hitControlPoint, HIT_RADIUS_PX, nearestOnCurve, onViewPlane } from './pathCurve';

/** 100 × 100 × 40 voxels of 1 × 1 × 2 mm centred on the origin, seen axially at z = 0 in a 400 × 400 view (4 px per mm). */
function axialView(): SliceViewState {
  const source = {
    geometry: { dimensions: [100, 100, 40] as const, spacing: [1, 1, 2] as const, ijkToLps: fromAxes([1, 0, 0], [0, 1, 0], [0, 0, 2], [-49.5, -49.5, -39]) },
    crosshair: [0, 0, 0] as Vec3,
    setCrosshair() {},
  };
  const view = new SliceViewState('axial', source);
  view.setSize(400 * 1.04, 400 * 1.04);
  return view;
}

function path(points: Vec3[], closed = false): VolumePath {
  return { id: 1, name: 'P', closed, locked: false, points, colour: '#ffffff' };
}

describe('path hit rules', () => {
  const view = axialView();

  it('takes the nearest control point on the plane within the radius, and never one projected from elsewhere', () => {
    expect(view.transform.mmPerPixel).toBeCloseTo(0.25, 9);
    const p = path([[0, 0, 0], [2.5, 0, 1.4], [10, 0, 5], [10, 0, 0]]);
    const [x0, y0] = view.toScreen([0, 0, 0]);
    expect(hitControlPoint(view, p, x0 + 3, y0 + 3)).toBe(0);
    expect(hitControlPoint(view, p, x0, y0 + HIT_RADIUS_PX + 0.5)).toBeNull();
    // Point 1 is 10 px away and 1.4 mm off the plane (within half the 2 mm step plus 0.5 mm slack): taken when pressed nearer it.
    expect(onViewPlane(view, [2.5, 0, 1.4])).toBe(true);
    expect(hitControlPoint(view, p, x0 + 4, y0)).toBe(0);
    expect(hitControlPoint(view, p, x0 + 6, y0)).toBe(1);
    // Point 2 lies 5 mm above the plane: drawn hollow, never taken; point 3 under it is.
    const [x2, y2] = view.toScreen([10, 0, 5]);
    expect(onViewPlane(view, [10, 0, 5])).toBe(false);
    expect(hitControlPoint(view, p, x2, y2)).toBe(3);
    expect(hitControlPoint(view, path([[10, 0, 5]]), x2, y2)).toBeNull();
  });

  it('inserts between the control points of the span nearest on screen, repeated points and closed loops included', () => {
    const square = path([[-20, -20, 0], [20, -20, 0], [20, 20, 0], [-20, 20, 0]]);
    const at = (p: VolumePath, lps: Vec3) => nearestOnCurve(view, p, ...view.toScreen(lps))!;
    expect(at(square, [0, -21, 0]).insertAt).toBe(1);
    expect(at(square, [21, 0, 0]).insertAt).toBe(2);
    expect(at(square, [0, 21, 0]).insertAt).toBe(3);
    const loop = { ...square, closed: true };
    expect(at(loop, [-21, 0, 0]).insertAt).toBe(4);
    // The point found is the curve's nearest to the press on screen.
    const press = view.toScreen([0, -24, 0]);
    const hit = nearestOnCurve(view, square, ...press)!;
    const [hx, hy] = view.toScreen(hit.point);
    expect(Math.hypot(hx - press[0], hy - press[1])).toBeCloseTo(hit.distancePx, 9);
    for (const s of drawnCurve(square).points) expect(Math.hypot(view.toScreen(s)[0] - press[0], view.toScreen(s)[1] - press[1])).toBeGreaterThanOrEqual(hit.distancePx - 1e-9);
    // A doubled point (a double click) keeps the spans after it in step.
    const doubled = path([[-20, -20, 0], [20, -20, 0], [20, -20, 0], [20, 20, 0]]);
    expect(at(doubled, [21, 0, 0]).insertAt).toBe(3);
    expect(nearestOnCurve(view, path([[0, 0, 0]]), 200, 200)).toBeNull();
  });

  it('samples the curve through every control point, at most 1.5 mm apart, once per path version', () => {
    const p = path([[-20, 0, 0], [0, 10, 0], [20, 0, 0]]);
    const curve = drawnCurve(p);
    expect(drawnCurve(p)).toBe(curve);
    for (const q of p.points) expect(curve.points.some((s) => Math.hypot(s[0] - q[0], s[1] - q[1], s[2] - q[2]) < 1e-9)).toBe(true);
    for (let n = 1; n < curve.points.length; n++) {
      const [a, b] = [curve.points[n - 1]!, curve.points[n]!];
      expect(Math.hypot(b[0] - a[0], b[1] - a[1], b[2] - a[2])).toBeLessThan(1.5);
    }
    expect(curve.spans.at(-1)).toBe(1);
  });
});
