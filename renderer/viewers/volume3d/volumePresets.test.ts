import { describe, expect, it } from 'vitest';
import { autoWindow, colorAt, defaultPresetId, isPresetId, opacityAt, PRESET_IDS, resolvePreset } from './volumePresets';

const context = { window: [0, 1000] as [number, number] };

describe('volume presets', () => {
  it('CT bone hides air and soft tissue and shows cortical bone', () => {
    const bone = resolvePreset('ct-bone', context);
    expect(opacityAt(bone, -1000)).toBe(0);
    expect(opacityAt(bone, -100)).toBe(0); // fat
    expect(opacityAt(bone, 40)).toBe(0); // muscle, the phantom's body
    expect(opacityAt(bone, 100)).toBe(0); // unenhanced blood
    expect(opacityAt(bone, 1000)).toBeGreaterThan(0.75);
    const [r, g, b] = colorAt(bone, 1000);
    expect(Math.min(r, g, b)).toBeGreaterThan(0.8); // ivory-white
    expect(bone.defaultIso).toBe(300);
  });

  it('CT angio makes 150–600 HU contrast bright red going to white, air and muscle transparent', () => {
    const angio = resolvePreset('ct-angio', context);
    expect(opacityAt(angio, -1000)).toBe(0);
    expect(opacityAt(angio, 40)).toBe(0);
    for (const hu of [200, 300, 400]) {
      expect(opacityAt(angio, hu)).toBeGreaterThan(0.3);
      const [r, g, b] = colorAt(angio, hu);
      expect(r).toBeGreaterThan(0.85);
      expect(r).toBeGreaterThan(g + 0.3);
      expect(r).toBeGreaterThan(b + 0.3);
    }
    const [r6, g6, b6] = colorAt(angio, 600);
    expect(Math.min(r6, g6, b6)).toBeGreaterThan(0.75);
  });

  it('CT soft tissue shows skin, fat and muscle faintly and bone strongly, air not at all', () => {
    const soft = resolvePreset('ct-soft-tissue', context);
    expect(opacityAt(soft, -1000)).toBe(0);
    expect(opacityAt(soft, -100)).toBeGreaterThan(0);
    expect(opacityAt(soft, 40)).toBeGreaterThan(opacityAt(soft, -100));
    expect(opacityAt(soft, 1000)).toBeGreaterThan(opacityAt(soft, 40));
    expect(soft.defaultIso).toBeLessThan(-100); // the skin surface against air
  });

  it('auto stretches over the given window with the iso value in its middle', () => {
    const auto = resolvePreset('auto', { window: [200, 600] });
    expect(opacityAt(auto, 100)).toBe(0);
    expect(opacityAt(auto, 200)).toBe(0);
    expect(opacityAt(auto, 600)).toBeGreaterThan(0.5);
    expect(auto.defaultIso).toBe(400);
  });

  it('every preset has ascending nodes (vtk requires it) and valid colours', () => {
    for (const id of PRESET_IDS) {
      const p = resolvePreset(id, context);
      expect(p.id).toBe(id);
      for (const nodes of [p.colors, p.opacity]) for (let n = 1; n < nodes.length; n++) expect(nodes[n]![0]).toBeGreaterThan(nodes[n - 1]![0]);
      for (const [, ...rgb] of p.colors) {
        for (const c of rgb) {
          expect(c).toBeGreaterThanOrEqual(0);
          expect(c).toBeLessThanOrEqual(1);
        }
      }
    }
    expect(isPresetId('ct-bone')).toBe(true);
    expect(isPresetId('bone')).toBe(false);
  });

  it('defaults to bone for CT only', () => {
    expect(defaultPresetId('CT')).toBe('ct-bone');
    expect(defaultPresetId('MR')).toBe('auto');
    expect(defaultPresetId('XA')).toBe('auto');
  });
});

describe('autoWindow', () => {
  it('ignores the background and spans tissue to the bright tail', () => {
    // 80 % background at 0, 19 % tissue at 100, 1 % bright at 1000.
    const voxels = new Float32Array(100_000);
    for (let n = 0; n < voxels.length; n++) voxels[n] = n % 100 < 80 ? 0 : n % 100 < 99 ? 100 : 1000;
    const [low, high] = autoWindow(voxels, [0, 1000]);
    // The 75th percentile of the foreground is tissue (100), not background (0).
    expect(low).toBeGreaterThan(95);
    expect(low).toBeLessThan(105);
    expect(high).toBeGreaterThan(990);
    expect(high).toBeLessThanOrEqual(1000);
  });

  it('survives a constant volume and NaNs', () => {
    expect(autoWindow(new Int16Array(10).fill(5), [5, 5])).toEqual([5, 6]);
    const withNan = new Float32Array([NaN, 0, 1, 2, 3, NaN]);
    const [low, high] = autoWindow(withNan, [0, 3]);
    expect(high).toBeGreaterThan(low);
  });
});

describe('non-HU volumes in the 3D view', () => {
  it('uses the data-derived preset for a CT series holding μ in mm⁻¹, the HU presets for CT in HU', () => {
    expect(defaultPresetId('CT', [-1024, 3071])).toBe('ct-bone');
    expect(defaultPresetId('CT', [-0.003, 0.062])).toBe('auto');
    expect(defaultPresetId('XA', [0, 0.05])).toBe('auto');
  });

  it('derives the same window from μ as from the same anatomy in any other unit (scale-free)', () => {
    // Background 0, tissue 100, bright 1000 in arbitrary units, then scaled to μ-like values.
    const units = new Float32Array(100_000);
    for (let n = 0; n < units.length; n++) units[n] = n % 100 < 80 ? 0 : n % 100 < 99 ? 100 : 1000;
    const k = 5e-5;
    const mu = units.map((v) => v * k);
    const [low, high] = autoWindow(units, [0, 1000]);
    // The range as main reports it: of the float32 values themselves.
    const [muLow, muHigh] = autoWindow(mu, [0, mu.reduce((a, b) => Math.max(a, b))]);
    expect(muLow / k).toBeCloseTo(low, 2);
    expect(muHigh / k).toBeCloseTo(high, 2);
    // The ramp of the auto preset spans that window: opaque where the bright structure is, clear in the background.
    const preset = resolvePreset('auto', { window: [muLow, muHigh] });
    expect(opacityAt(preset, 0)).toBe(0);
    expect(opacityAt(preset, muHigh)).toBeGreaterThan(0.5);
  });
});
