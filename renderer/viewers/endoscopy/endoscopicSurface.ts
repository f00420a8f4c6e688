/**
 * What the endoscopic camera sees as the wall: the surface where the volume crosses a wall
 * threshold, around a lumen of one kind. A dark lumen (airway, colon) holds air and the wall is
 * denser; a bright lumen (contrast-filled vessel) is denser than its wall. The threshold sits
 * between lumen and wall; beyond the tube around the path, the volume is filled with a value
 * on the wall's side, so the surface closes there instead of showing what lies outside.
 */
import type { LumenKind } from '../../stores/FlythroughStore';

/**
 * Wall thresholds, HU. Air reads −1000 and airway or colon wall 0…100, but a thin bronchial
 * wall is partial-volumed far below that: −600 keeps it closed without catching lung
 * parenchyma (−850). Contrast blood reads 150–450 HU against a 40–60 HU wall: 100 sits between.
 */
export const DEFAULT_WALL_HU: Record<LumenKind, number> = { dark: -600, bright: 100 };

/** What the threshold slider offers for each lumen, HU. */
export const WALL_HU_RANGE: Record<LumenKind, [number, number]> = { dark: [-950, -100], bright: [-100, 500] };

/** How far past the threshold the fill lies, HU: well clear of it after smoothing. */
const FILL_OFFSET_HU = 500;

export interface EndoscopicSurface {
  /** Marching-cubes threshold, HU. */
  isoValue: number;
  /** Written beyond the tube around the path: on the wall's side of isoValue. */
  fill: number;
  /** Wall colour, RGB 0..1: pink mucosa in an airway, redder intima in a vessel. */
  colour: [number, number, number];
}

/** The threshold is clamped to WALL_HU_RANGE. */
export function endoscopicSurface(lumen: LumenKind, wallHu: number = DEFAULT_WALL_HU[lumen]): EndoscopicSurface {
  const [min, max] = WALL_HU_RANGE[lumen];
  const isoValue = Math.min(max, Math.max(min, wallHu));
  return lumen === 'dark'
    ? { isoValue, fill: isoValue + FILL_OFFSET_HU, colour: [0.86, 0.52, 0.46] }
    : { isoValue, fill: isoValue - FILL_OFFSET_HU, colour: [0.82, 0.33, 0.3] };
}
