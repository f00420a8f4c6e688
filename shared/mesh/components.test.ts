import { describe, expect, it } from 'vitest';
import { largestComponent, meshComponents } from './components';
import { marchingCubes } from './marchingCubes';
import { edgeTopology, enclosedVolume } from './meshMeasures';
import { sampleEllipsoids } from './testkit/ellipsoidVolume';

describe('largestComponent', () => {
  it('keeps the bigger of two separate spheres', () => {
    const volume = sampleEllipsoids([48, 32, 32], [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1], [
      { centre: [13, 15.5, 15.5], radii: [10, 10, 10] },
      { centre: [36, 15.5, 15.5], radii: [6, 6, 6] },
    ]);
    const both = marchingCubes(volume, { threshold: 0 });
    const { sizes } = meshComponents(both);
    expect(sizes.length).toBe(2);
    const largest = largestComponent(both);
    expect(largest.triangles.length / 3).toBe(sizes[0]);
    expect(edgeTopology(largest).eulerCharacteristic).toBe(2);
    expect(Math.abs(enclosedVolume(largest) / ((4 / 3) * Math.PI * 1000) - 1)).toBeLessThan(0.01);
    // No unused vertex is carried over.
    expect(edgeTopology(largest).vertices).toBe(largest.positions.length / 3);
  });
});
