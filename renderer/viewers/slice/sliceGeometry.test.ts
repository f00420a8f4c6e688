import { describe, expect, it } from 'vitest';
import { fromAxes, invertAffine, transformPoint } from '../../../shared/math/mat4';
import { directionLetters, edgeLabels, niceLengthMm, planeToScreen, screenToPlane, sliceStepMm, slicePlane, VIEW_BASES, type VolumeGeometry } from './sliceGeometry';

/** An axial CT stack: 512×512×99, 0.5 mm pixels, 3 mm slices, origin at (−128, −128, −147). */
const axialCt: VolumeGeometry = { dimensions: [512, 512, 99], spacing: [0.5, 0.5, 3], ijkToLps: fromAxes([0.5, 0, 0], [0, 0.5, 0], [0, 0, 3], [-128, -128, -147]) };
/** A coronal acquisition: rows run down towards the feet, slices step posterior. */
const coronalStack: VolumeGeometry = { dimensions: [100, 80, 60], spacing: [1, 1, 2], ijkToLps: fromAxes([1, 0, 0], [0, 0, -1], [0, 2, 0], [-50, -60, 40]) };

describe('slice view geometry', () => {
  it('labels the edges as a radiologist expects', () => {
    expect(edgeLabels(VIEW_BASES.axial)).toEqual({ left: 'R', right: 'L', top: 'A', bottom: 'P' });
    expect(edgeLabels(VIEW_BASES.coronal)).toEqual({ left: 'R', right: 'L', top: 'S', bottom: 'I' });
    expect(edgeLabels(VIEW_BASES.sagittal)).toEqual({ left: 'A', right: 'P', top: 'S', bottom: 'I' });
    expect(directionLetters([0.8, -0.6, 0])).toBe('LA');
    expect(directionLetters([0.1, 0, -0.99])).toBe('I');
  });

  it('steps one voxel lattice plane per scroll step, for any stack orientation', () => {
    expect(sliceStepMm(axialCt, VIEW_BASES.axial.normal)).toBeCloseTo(3, 9);
    expect(sliceStepMm(axialCt, VIEW_BASES.coronal.normal)).toBeCloseTo(0.5, 9);
    expect(sliceStepMm(coronalStack, VIEW_BASES.coronal.normal)).toBeCloseTo(2, 9);
    expect(sliceStepMm(coronalStack, VIEW_BASES.axial.normal)).toBeCloseTo(1, 9);
    // Rows rotated 30° in the axial plane, 1 mm isotropic in-plane: the coronal step is still 1 mm.
    const c = Math.cos(Math.PI / 6);
    const s = Math.sin(Math.PI / 6);
    const rotated: VolumeGeometry = { dimensions: [64, 64, 10], spacing: [1, 1, 2], ijkToLps: fromAxes([c, s, 0], [-s, c, 0], [0, 0, 2], [0, 0, 0]) };
    expect(sliceStepMm(rotated, VIEW_BASES.coronal.normal)).toBeCloseTo(1, 9);
  });

  it('samples an axial view of an axial stack exactly at voxel centres, covering the whole slice', () => {
    const plane = slicePlane(axialCt, VIEW_BASES.axial, -147 + 3 * 40);
    expect([plane.columns, plane.rows, plane.pixelMm]).toEqual([512, 512, 0.5]);
    const lpsToIjk = invertAffine(axialCt.ijkToLps);
    for (const [c, r] of [[0, 0], [511, 0], [200, 300], [511, 511]] as const) {
      const ijk = transformPoint(lpsToIjk, transformPoint(plane.sliceToWorld, [c, r, 0]));
      expect(ijk[0]).toBeCloseTo(c, 9);
      expect(ijk[1]).toBeCloseTo(r, 9);
      expect(ijk[2]).toBeCloseTo(40, 9);
    }
  });

  it('shows a coronal acquisition in an axial view with anterior up and left on the right', () => {
    const plane = slicePlane(coronalStack, VIEW_BASES.axial, 0);
    // x from −50.5 to 49.5, y from −61 to 59: 100 × 120 pixels of 1 mm.
    expect([plane.columns, plane.rows, plane.pixelMm]).toEqual([100, 120, 1]);
    const topRight = transformPoint(plane.sliceToWorld, [plane.columns - 1, 0, 0]);
    expect(topRight[0]).toBeGreaterThan(40); // patient left
    expect(topRight[1]).toBeLessThan(-55); // anterior
    expect(topRight[2]).toBeCloseTo(0, 9);
  });

  it('in motion, cuts at the whole number of voxels nearest the screen pixel, over the same footprint, still on whole-voxel steps', () => {
    const full = slicePlane(axialCt, VIEW_BASES.axial, -27);
    const coarse = slicePlane(axialCt, VIEW_BASES.axial, -27, 1024, 1.4); // 2.8 voxels of 0.5 mm → 3
    expect(coarse.pixelMm).toBe(1.5);
    expect(coarse.columns).toBe(Math.ceil((512 * 0.5) / 1.5));
    // The same footprint: its first and last pixels' edges bound the full-resolution image's.
    expect([coarse.aMin, coarse.bMin, coarse.depth]).toEqual([full.aMin, full.bMin, full.depth]);
    expect(coarse.columns * coarse.pixelMm).toBeGreaterThanOrEqual(full.columns * full.pixelMm);
    expect((coarse.columns - 1) * coarse.pixelMm).toBeLessThan(full.columns * full.pixelMm);
    // Column and row steps are whole voxels.
    const lpsToIjk = invertAffine(axialCt.ijkToLps);
    const [i0, j0] = transformPoint(lpsToIjk, transformPoint(coarse.sliceToWorld, [0, 0, 0]));
    const [i1, j1] = transformPoint(lpsToIjk, transformPoint(coarse.sliceToWorld, [1, 1, 0]));
    expect([i1 - i0, j1 - j0]).toEqual([expect.closeTo(3, 9), expect.closeTo(3, 9)]);
    // Screen pixels finer than the voxels change nothing.
    expect(slicePlane(axialCt, VIEW_BASES.axial, -27, 1024, 0.2)).toEqual(full);
  });

  it('caps the image size and keeps screen ↔ plane mappings inverse', () => {
    const huge: VolumeGeometry = { dimensions: [4000, 10, 10], spacing: [0.1, 1, 1], ijkToLps: fromAxes([0.1, 0, 0], [0, 1, 0], [0, 0, 1], [0, 0, 0]) };
    const plane = slicePlane(huge, VIEW_BASES.axial, 0, 1024);
    expect(plane.columns).toBeLessThanOrEqual(1024);
    const t = { width: 640, height: 480, centreA: 12, centreB: -7, mmPerPixel: 0.37 };
    const [a, b] = screenToPlane(t, 100, 400);
    expect(planeToScreen(t, a, b)).toEqual([expect.closeTo(100, 9), expect.closeTo(400, 9)]);
  });

  it('picks 1-2-5 scale bar lengths', () => {
    expect([niceLengthMm(73), niceLengthMm(19.9), niceLengthMm(10), niceLengthMm(0.3)]).toEqual([50, 10, 10, 0.2]);
  });
});
