import { reaction } from 'mobx';
import { describe, expect, it } from 'vitest';
import { lockedPathNotice } from './PathStore';
import { NO_SURFACE_NOTICE, View3DStore } from './View3DStore';

describe('View3DStore', () => {
  it('starts on bone for CT with the bone iso value, on the data window for other modalities', () => {
    const store = new View3DStore();
    store.adoptVolume({ modality: 'CT', range: [-1024, 3071], autoWindow: [40, 1000] });
    expect(store.presetId).toBe('ct-bone');
    expect(store.isoValue).toBe(300);
    store.adoptVolume({ modality: 'MR', range: [0, 800], autoWindow: [200, 600] });
    expect(store.presetId).toBe('auto');
    expect(store.isoValue).toBe(400);
    expect(store.isoRange).toEqual([0, 800]);
  });

  it('resets the iso value to each preset default and clamps it to the range', () => {
    const store = new View3DStore();
    store.adoptVolume({ modality: 'CT', range: [-1024, 2000], autoWindow: [40, 1000] });
    store.setPreset('ct-soft-tissue');
    expect(store.isoValue).toBe(-300);
    expect(store.isoRange).toEqual([-1000, 2000]);
    store.setIsoValue(5000);
    expect(store.isoValue).toBe(2000);
    store.setIsoValue(Number.NaN);
    expect(store.isoValue).toBe(2000);
  });

  it('tells a computing status and an error apart', () => {
    const store = new View3DStore();
    store.setStatus('computing-surface');
    expect(store.computing).toBe(true);
    expect(store.errorText).toBeNull();
    store.setStatus('Surface at 300 failed: out of memory');
    expect(store.computing).toBe(false);
    expect(store.errorText).toMatch(/out of memory/);
  });

  it('notifies orientation observers only when a letter changes', () => {
    const store = new View3DStore();
    let changes = 0;
    const dispose = reaction(() => store.orientation, () => changes++);
    store.setOrientation({ left: 'R', right: 'L', top: 'S', bottom: 'I' });
    expect(changes).toBe(0);
    store.setOrientation({ left: 'A', right: 'P', top: 'S', bottom: 'I' });
    expect(changes).toBe(1);
    dispose();
  });

  it('sums up a drag from its moves’ pick times, and says why a locked path did not move', () => {
    const store = new View3DStore();
    store.setDrag([2, 4, 9]);
    expect(store.lastDrag).toEqual({ moves: 3, meanMs: 5, maxMs: 9 });
    store.setDrag([]);
    expect(store.lastDrag).toBeNull();
    store.showNotice(lockedPathNotice('Aorta'));
    expect(store.pickNotice).toBe('“Aorta” is locked: unlock it in the path list to edit it.');
    store.setDrag([1]);
    store.adoptVolume(null);
    expect(store.lastDrag).toBeNull();
    expect(store.pickNotice).toBeNull();
  });

  it('says so when a pick misses, forgets it on a hit or a new volume', () => {
    const store = new View3DStore();
    store.setPick({ point: null, ms: 0.4 });
    expect(store.pickNotice).toBe(NO_SURFACE_NOTICE);
    store.setPick({ point: [1, 2, 3], ms: 0.5 });
    expect(store.pickNotice).toBeNull();
    expect(store.lastPick?.point).toEqual([1, 2, 3]);
    store.setPick({ point: null, ms: 0.4 });
    store.dismissPickNotice();
    expect(store.pickNotice).toBeNull();
    expect(store.lastPick?.point).toBeNull();
    store.adoptVolume({ modality: 'CT', range: [-1024, 3071], autoWindow: [40, 1000] });
    expect(store.lastPick).toBeNull();
  });
});
