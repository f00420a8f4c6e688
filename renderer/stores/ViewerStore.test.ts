import { describe, expect, it } from 'vitest';
import { fromAxes, transformPoint } from '../../shared/math/mat4';
import type { RendererVolume } from '../viewers/RendererVolume';
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
});
