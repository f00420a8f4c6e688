import { describe, expect, it } from 'vitest';
import { fromAxes, transformPoint } from '../../shared/math/mat4';
import type { RendererVolume } from '../viewers/RendererVolume';
import { formatWindow } from '../viewers/valueFormat';
import { voiFunction, windowDragStep, windowToByte } from '../viewers/windowLevel';
import { rulerLengthMm, ViewerStore } from './ViewerStore';

/** 20×10×8 voxels of 1 × 1 × 2.5 mm, axial, value = 100·k + 10·j + i (every voxel distinct). */
function volume(): RendererVolume {
  const voxels = new Int16Array(20 * 10 * 8);
  for (let k = 0; k < 8; k++) for (let j = 0; j < 10; j++) for (let i = 0; i < 20; i++) voxels[i + 20 * (j + 10 * k)] = 100 * k + 10 * j + i;
  return { seriesUid: '1.2.3', modality: 'CT', dimensions: [20, 10, 8], spacing: [1, 1, 2.5], ijkToLps: fromAxes([1, 0, 0], [0, 1, 0], [0, 0, 2.5], [-10, -5, -10]), voxels, range: [0, 799] };
}

describe('ViewerStore', () => {
  it('starts on the centre voxel with the CT default window, and the probe reads voxel values', () => {
    const viewer = new ViewerStore();
    const v = volume();
    viewer.setVolume(v);
    expect(viewer.crosshair).toEqual(transformPoint(v.ijkToLps, [9, 4, 3]));
    expect([viewer.windowCenter, viewer.windowWidth, viewer.presetId]).toEqual([50, 400, 'abdomen']);
    viewer.setProbe('axial', transformPoint(v.ijkToLps, [7.4, 2.6, 5.1]));
    expect(viewer.probe).toMatchObject({ ijk: [7, 3, 5], value: 537 });
    viewer.setProbe('axial', [100, 0, 0]);
    expect(viewer.probe).toMatchObject({ ijk: null, value: null });
  });

  it('scrolls one lattice plane per step and stays inside the volume', () => {
    const viewer = new ViewerStore();
    viewer.setVolume(volume());
    const axial = viewer.views.axial;
    expect([axial.step, axial.sliceCount, axial.sliceNumber]).toEqual([2.5, 8, 4]);
    axial.scroll(1);
    expect(axial.sliceNumber).toBe(5);
    expect(viewer.crosshair[2]).toBeCloseTo(-10 + 2.5 * 4, 9);
    axial.scroll(100);
    expect([axial.sliceNumber, viewer.crosshair[2]]).toEqual([8, -10 + 2.5 * 7]);
    axial.scrollTo('first');
    expect([axial.sliceNumber, viewer.crosshair[2]]).toEqual([1, -10]);
    // The coronal view steps 1 mm rows; scrolling it leaves the axial plane alone.
    viewer.views.coronal.scroll(-2);
    expect([viewer.crosshair[1], axial.sliceNumber]).toEqual([-5 + 4 - 2, 1]);
  });

  it('zooms about the cursor: the patient point under it stays put', () => {
    const viewer = new ViewerStore();
    viewer.setVolume(volume());
    const view = viewer.views.coronal;
    view.setSize(400, 300);
    const under = view.toWorld(310, 70);
    view.zoomAt(2.5, 310, 70);
    const [x, y] = view.toScreen(under);
    expect(x).toBeCloseTo(310, 9);
    expect(y).toBeCloseTo(70, 9);
    view.panBy(25, -10);
    expect(view.toScreen(under)[0]).toBeCloseTo(335, 9);
    view.resetCamera();
    expect(view.transform.mmPerPixel).toBeCloseTo(Math.max(20 / 400, 20 / 300) * 1.04, 9);
  });

  it('keeps dragged rulers with their true length and drops a click without a drag', () => {
    const viewer = new ViewerStore();
    viewer.setVolume(volume());
    viewer.beginRuler('coronal', [0, 0, 0]);
    viewer.endRuler();
    expect(viewer.rulers).toHaveLength(0);
    viewer.beginRuler('coronal', [-3, 0, 4]);
    viewer.dragRuler([0, 0, 0]);
    viewer.dragRuler([27, 0, -36]);
    viewer.endRuler();
    expect(viewer.rulers).toHaveLength(1);
    expect(rulerLengthMm(viewer.rulers[0]!)).toBeCloseTo(50, 9);
    viewer.removeLastRuler();
    expect(viewer.rulers).toHaveLength(0);
  });

  it('applies presets and resets the window and the views together', () => {
    const viewer = new ViewerStore();
    viewer.setVolume(volume());
    expect(viewer.presetsApply).toBe(true);
    viewer.applyPreset('lung');
    expect([viewer.windowCenter, viewer.windowWidth, viewer.presetId]).toEqual([-600, 1500, 'lung']);
    viewer.setWindow(10, 0);
    expect([viewer.windowWidth, viewer.presetId]).toEqual([1, null]);
    viewer.views.axial.scroll(2);
    viewer.views.axial.setSize(100, 100);
    viewer.views.axial.zoomAt(3, 10, 10);
    viewer.resetViews();
    expect([viewer.windowCenter, viewer.views.axial.zoom, viewer.views.axial.sliceNumber]).toEqual([50, 1, 4]);
    viewer.setSplit(0.02, 0.97);
    expect([viewer.splitColumn, viewer.splitRow]).toEqual([0.15, 0.85]);
  });

  it('opens a μ volume (mm⁻¹) on the bulk of its values, not on outliers, and windows it continuously', () => {
    // 60 % air near 0, 30 % soft tissue 0.019, 9.4 % bone 0.045 mm⁻¹, and 0.3 % each of streak outliers at −0.2 and 0.4.
    const base = volume();
    const voxels = new Float32Array(base.voxels.length).map((_, n) => {
      const u = (n * 7919) % 1000; // a deterministic shuffle of the classes over the grid
      return u < 3 ? -0.2 : u < 6 ? 0.4 : u < 606 ? ((n % 11) - 5) * 1e-4 : u < 906 ? 0.019 : 0.045;
    });
    for (const modality of ['XA', 'CT']) {
      const viewer = new ViewerStore();
      viewer.setVolume({ ...base, modality, voxels, range: [Math.fround(-0.2), Math.fround(0.4)] });
      const { windowCenter: c, windowWidth: w } = viewer;
      expect(viewer.presetId).toBeNull(); // a CT series holding μ gets no HU preset either
      // Nor can one be picked: the lung window (L −600 W 1500) would show all of μ as one grey.
      expect(viewer.presetsApply).toBe(false);
      viewer.applyPreset('lung');
      expect([viewer.windowCenter, viewer.windowWidth, viewer.presetId]).toEqual([c, w, null]);
      const low = c - w / 2;
      const high = c + w / 2;
      // The window covers air to bone (within a histogram bin, 0.6/2047 mm⁻¹), nothing like the full 0.6 mm⁻¹.
      expect(low).toBeGreaterThan(-0.002);
      expect(low).toBeLessThan(0);
      expect(high).toBeGreaterThan(0.044);
      expect(high).toBeLessThan(0.047);
      // Tissue is mid-grey, bone near white, air near black.
      const grey = (v: number): number => windowToByte(v, c, w, voiFunction(viewer.valueScale));
      expect(grey(0.019)).toBeGreaterThan(90);
      expect(grey(0.019)).toBeLessThan(140);
      expect(grey(0.045)).toBeGreaterThan(240);
      expect(grey(0)).toBeLessThan(20);
      expect(formatWindow(c, w, viewer.valueScale)).toMatch(/^W 0\.04\d\d L 0\.02\d\d$/);
    }
  });

  it('lets a μ window narrow below 1 down to a floor of 10⁻⁴ of the range, and drags it in proportion', () => {
    const base = volume();
    const voxels = new Float32Array(base.voxels.length).map((_, n) => (n % 500) * 1e-4); // 0 … 0.0499
    const viewer = new ViewerStore();
    viewer.setVolume({ ...base, modality: 'XA', voxels, range: [0, Math.fround(0.0499)] });
    viewer.setWindow(0.02, 0.004);
    expect([viewer.windowCenter, viewer.windowWidth]).toEqual([0.02, 0.004]);
    viewer.setWindow(0.02, 0);
    expect(viewer.windowWidth).toBeCloseTo(0.0499e-4, 12);
    // A right-drag of 256 px to the right from the floor widens the window by a sizeable part of the range.
    for (let n = 0; n < 256; n++) viewer.dragWindow(1, 0);
    expect(viewer.windowWidth).toBeGreaterThan(0.0499 / 64);
    // Dragging down moves the level by the same rate as the width.
    const before = viewer.windowCenter;
    viewer.dragWindow(0, 10);
    expect(viewer.windowCenter - before).toBeCloseTo(10 * windowDragStep(viewer.windowWidth, viewer.valueScale), 12);
    // Integer (HU) data keep DICOM's floor of 1.
    viewer.setVolume(volume());
    viewer.setWindow(0, 0.004);
    expect(viewer.windowWidth).toBe(1);
  });
});
