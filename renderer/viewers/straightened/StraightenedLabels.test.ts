import { describe, expect, it } from 'vitest';
import { cutLine } from './straightenedImages';
import { StraightenedLabels } from './StraightenedLabels';

const count = (plane: Uint8Array | undefined): number => (plane ? plane.reduce((a, v) => a + (v ? 1 : 0), 0) : 0);

describe('StraightenedLabels', () => {
  it('a disc of radius r pixels covers about πr² pixels, and the eraser removes it', () => {
    const labels = new StraightenedLabels(101, 101, 5);
    labels.paintDisc(2, 50, 50, 10, 1);
    expect(Math.abs(count(labels.plane(2)) - Math.PI * 100) / (Math.PI * 100)).toBeLessThan(0.05);
    expect(labels.value(50, 50, 2)).toBe(1);
    expect(labels.value(50, 61, 2)).toBe(0);
    labels.paintDisc(2, 50, 50, 10.5, 0);
    expect(labels.isEmpty).toBe(true);
    expect(labels.toSlices()).toEqual([]);
  });

  it('erasing never allocates; only painted slices travel to main', () => {
    const labels = new StraightenedLabels(8, 8, 10);
    labels.paintDisc(3, 4, 4, 2, 0);
    expect(labels.plane(3)).toBeUndefined();
    labels.paintDisc(7, 4, 4, 1, 1);
    expect(labels.toSlices().map((s) => s.slice)).toEqual([7]);
  });

  it('a disc painted on a long-axis cut spans the slices within its radius along the path, at true mm', () => {
    const labels = new StraightenedLabels(31, 31, 40);
    // Pixels 0.5 mm, slices 2 mm apart: a 4 mm radius reaches 2 slices each way and 8 pixels across.
    labels.paintOnCut(cutLine(31, 31, 0), 15, 20, 4, 0.5, 2, 1);
    expect(labels.toSlices().map((s) => s.slice)).toEqual([18, 19, 20, 21, 22]);
    expect(count(labels.plane(20))).toBe(17);
    // On the middle row only (the 0° cut), never elsewhere.
    expect(labels.value(15, 15, 20)).toBe(1);
    expect(labels.value(15, 14, 20)).toBe(0);
  });
});
