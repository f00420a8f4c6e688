import { percentile, valueHistogram } from '../viewers/valueHistogram';
import { isHounsfield, minWindowWidth, valueScaleOf } from '../viewers/windowLevel';

/** Window/level presets for CT, in HU, with the number key that selects each. */
export interface WindowPreset {
  id: 'brain' | 'bone' | 'lung' | 'abdomen' | 'angio';
  label: string;
  key: string;
  center: number;
  width: number;
}

export const WINDOW_PRESETS: readonly WindowPreset[] = [
  { id: 'brain', label: 'Brain', key: '1', center: 40, width: 80 },
  { id: 'bone', label: 'Bone', key: '2', center: 500, width: 2000 },
  { id: 'lung', label: 'Lung', key: '3', center: -600, width: 1500 },
  { id: 'abdomen', label: 'Abdomen', key: '4', center: 50, width: 400 },
  { id: 'angio', label: 'Angio', key: '5', center: 300, width: 600 },
];

/** The window a volume opens with: abdomen for CT in HU, the bulk of the values otherwise. */
export function defaultWindow(volume: { modality: string; range: [number, number]; voxels: Int16Array | Float32Array }): {
  center: number;
  width: number;
  presetId: WindowPreset['id'] | null;
} {
  if (isHounsfield(volume.modality, volume.range)) return { center: 50, width: 400, presetId: 'abdomen' };
  // The 0.5th to 99.5th percentile: a few outliers (a reconstruction's streaks and rim, metal)
  // would otherwise stretch the window until the tissue is one grey.
  const histogram = valueHistogram(volume.voxels, volume.range);
  let [low, high] = histogram ? [percentile(histogram, 0.005), percentile(histogram, 0.995)] : volume.range;
  if (!(high > low)) [low, high] = volume.range;
  const width = Math.max(minWindowWidth(valueScaleOf(volume.voxels, volume.range)), high - low);
  return { center: low + (high - low) / 2, width, presetId: null };
}
