import { describe, expect, it } from 'vitest';
import { fromAxes, identity, invertAffine, multiply, transformPoint } from './mat4';
import { angleDeg, cross, normalize } from './vec3';

describe('mat4', () => {
  it('an affine times its inverse is the identity', () => {
    const m = fromAxes([0.5, 0.2, 0], [-0.1, 0.7, 0.3], [0.2, 0.1, 2.5], [10, -20, 30]);
    const p = multiply(m, invertAffine(m));
    identity().forEach((v, k) => expect(p[k]).toBeCloseTo(v, 12));
  });

  it('maps points through columns and origin', () => {
    const m = fromAxes([2, 0, 0], [0, 3, 0], [0, 0, 4], [1, 1, 1]);
    expect(transformPoint(m, [1, 1, 1])).toEqual([3, 4, 5]);
  });
});

describe('vec3', () => {
  it('cross of x and y is z (right-handed), angle is 90°', () => {
    expect(cross([1, 0, 0], [0, 1, 0])).toEqual([0, 0, 1]);
    expect(angleDeg([1, 0, 0], [0, 1, 0])).toBeCloseTo(90, 12);
    expect(normalize([0, 0, 0])).toEqual([0, 0, 0]);
  });
});
