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

/** The window a volume opens with: abdomen for CT, the full value range otherwise. */
export function defaultWindow(modality: string, range: [number, number]): { center: number; width: number; presetId: WindowPreset['id'] | null } {
  if (modality === 'CT') return { center: 50, width: 400, presetId: 'abdomen' };
  const width = Math.max(1, range[1] - range[0]);
  return { center: range[0] + width / 2, width, presetId: null };
}
