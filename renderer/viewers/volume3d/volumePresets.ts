/**
 * Transfer-function presets for the 3D view. CT presets are in Hounsfield units and
 * so mean the same on every scanner; "auto" stretches a ramp over a window taken from
 * the data, for modalities without absolute units (MR, XA reconstructions).
 */
import { countFrom, percentile, valueHistogram } from '../valueHistogram';
import { isHounsfield } from '../windowLevel';

export type PresetId = 'ct-bone' | 'ct-angio' | 'ct-soft-tissue' | 'auto';

export interface ShadingParams {
  ambient: number;
  diffuse: number;
  specular: number;
  specularPower: number;
}

export interface VolumePreset {
  id: PresetId;
  label: string;
  /** Isosurface threshold the preset suggests (same units as the voxels). */
  defaultIso: number;
  /** [value, r, g, b], values ascending, colours 0..1. */
  colors: [number, number, number, number][];
  /** [value, opacity per mm], values ascending. */
  opacity: [number, number][];
  /** Gradient-lit shading: helps surfaces (bone, vessels) read as 3D, costs a texture lookup. */
  shade: ShadingParams | null;
}

export interface PresetContext {
  /** Window [low, high] for the "auto" preset, usually from autoWindow(). */
  window: [number, number];
}

export const PRESET_IDS: readonly PresetId[] = ['ct-bone', 'ct-angio', 'ct-soft-tissue', 'auto'];

export const PRESET_LABELS: Record<PresetId, string> = {
  'ct-bone': 'CT bone',
  'ct-angio': 'CT angio / vessels',
  'ct-soft-tissue': 'CT soft tissue',
  auto: 'Auto (from data)',
};

const SURFACE_SHADING: ShadingParams = { ambient: 0.25, diffuse: 0.8, specular: 0.25, specularPower: 12 };

// Bone: trabecular bone starts near 150–250 HU, cortex 700–1900. Soft tissue (−100…100)
// and contrast-free blood stay fully transparent so the skeleton is seen unobstructed.
const CT_BONE: VolumePreset = {
  id: 'ct-bone',
  label: PRESET_LABELS['ct-bone'],
  defaultIso: 300,
  colors: [
    [-1024, 0, 0, 0],
    [150, 0.55, 0.25, 0.15],
    [300, 0.9, 0.78, 0.6],
    [700, 0.97, 0.93, 0.82],
    [1500, 1, 1, 0.96],
  ],
  opacity: [
    [-1024, 0],
    [150, 0],
    [300, 0.25],
    [600, 0.7],
    [1500, 0.9],
  ],
  shade: SURFACE_SHADING,
};

// Angio: iodinated contrast in vessels reads 150–600 HU; it is drawn bright red going
// to white at the dense end, bone (above ~700) stays visible but paler for context.
const CT_ANGIO: VolumePreset = {
  id: 'ct-angio',
  label: PRESET_LABELS['ct-angio'],
  defaultIso: 180,
  colors: [
    [-1024, 0, 0, 0],
    [120, 0.5, 0.05, 0.03],
    [200, 0.9, 0.15, 0.1],
    [400, 1, 0.45, 0.35],
    [600, 1, 0.85, 0.8],
    [1500, 1, 1, 1],
  ],
  opacity: [
    [-1024, 0],
    [120, 0],
    [180, 0.35],
    [400, 0.7],
    [600, 0.8],
    [1500, 0.85],
  ],
  shade: SURFACE_SHADING,
};

// Soft tissue: faint yellow fat (−150…−50), translucent pink skin and red muscle
// (0…80), opaque bone; air below −600 is transparent so the body outline shows.
const CT_SOFT_TISSUE: VolumePreset = {
  id: 'ct-soft-tissue',
  label: PRESET_LABELS['ct-soft-tissue'],
  defaultIso: -300,
  colors: [
    [-1024, 0, 0, 0],
    [-600, 0.55, 0.4, 0.3],
    [-150, 0.92, 0.78, 0.45],
    [0, 0.9, 0.6, 0.5],
    [60, 0.75, 0.22, 0.18],
    [300, 0.95, 0.9, 0.8],
    [1500, 1, 1, 1],
  ],
  opacity: [
    [-1024, 0],
    [-600, 0],
    [-400, 0.01],
    [-150, 0.015],
    [-50, 0.02],
    [20, 0.08],
    [80, 0.15],
    [300, 0.5],
    [1500, 0.8],
  ],
  shade: SURFACE_SHADING,
};

function autoPreset(window: [number, number]): VolumePreset {
  const [low, high] = window;
  const span = high > low ? high - low : 1;
  return {
    id: 'auto',
    label: PRESET_LABELS.auto,
    defaultIso: low + span / 2,
    colors: [
      [low, 0.3, 0.3, 0.3],
      [low + span * 0.5, 0.8, 0.75, 0.7],
      [high, 1, 1, 1],
    ],
    opacity: [
      [low, 0],
      [low + span * 0.5, 0.3],
      [high, 0.8],
    ],
    shade: SURFACE_SHADING,
  };
}

export function resolvePreset(id: PresetId, context: PresetContext): VolumePreset {
  switch (id) {
    case 'ct-bone':
      return CT_BONE;
    case 'ct-angio':
      return CT_ANGIO;
    case 'ct-soft-tissue':
      return CT_SOFT_TISSUE;
    case 'auto':
      return autoPreset(context.window);
  }
}

export function isPresetId(value: string): value is PresetId {
  return (PRESET_IDS as readonly string[]).includes(value);
}

/**
 * Bone for CT in HU, where the fixed presets mean something; a data-derived window otherwise,
 * including a CT series that holds μ in mm⁻¹ (when its value range is given).
 */
export function defaultPresetId(modality: string, range?: [number, number]): PresetId {
  return (range ? isHounsfield(modality, range) : modality.toUpperCase() === 'CT') ? 'ct-bone' : 'auto';
}

/** Piecewise-linear interpolation of [value, ...out] nodes, clamped at both ends (vtk's rule). */
function interpolate(nodes: readonly (readonly number[])[], value: number, component: number): number {
  const first = nodes[0]!;
  const last = nodes[nodes.length - 1]!;
  if (value <= first[0]!) return first[component]!;
  if (value >= last[0]!) return last[component]!;
  for (let n = 1; n < nodes.length; n++) {
    const b = nodes[n]!;
    if (value <= b[0]!) {
      const a = nodes[n - 1]!;
      const t = (value - a[0]!) / (b[0]! - a[0]!);
      return a[component]! + t * (b[component]! - a[component]!);
    }
  }
  return last[component]!;
}

export function opacityAt(preset: VolumePreset, value: number): number {
  return interpolate(preset.opacity, value, 1);
}

export function colorAt(preset: VolumePreset, value: number): [number, number, number] {
  return [interpolate(preset.colors, value, 1), interpolate(preset.colors, value, 2), interpolate(preset.colors, value, 3)];
}

const autoWindowCache = new WeakMap<ArrayLike<number>, [number, number]>();

/**
 * A display window from the data: the 75th to 99.5th percentile of the foreground
 * (values above the bottom 5 % of the range, so the air or background that fills
 * most of a volume does not pull the window down). Bright structures (vessels in a
 * reconstruction, enhancing tissue in MR) land inside it. Scale-free, so it suits μ in
 * mm⁻¹ as well as stored values. Memoised per voxel array.
 */
export function autoWindow(voxels: Int16Array | Float32Array, range: [number, number]): [number, number] {
  const cached = autoWindowCache.get(voxels);
  if (cached) return cached;
  const [min, max] = range;
  const histogram = valueHistogram(voxels, range);
  let result: [number, number];
  if (!histogram) {
    result = [min, min + 1];
  } else {
    // Foreground: bins above the bottom 5 % of the range, unless that leaves nothing.
    const firstBin = Math.ceil(histogram.counts.length * 0.05);
    const startBin = countFrom(histogram, firstBin) > 0 ? firstBin : 0;
    const low = percentile(histogram, 0.75, startBin);
    let high = percentile(histogram, 0.995, startBin);
    // A near-constant top quarter: fall back to a tenth of the range above the low end.
    if (!(high > low)) high = low + (max - min) / 10;
    result = [low, high];
  }
  autoWindowCache.set(voxels, result);
  return result;
}
