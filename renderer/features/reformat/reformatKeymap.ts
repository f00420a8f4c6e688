/** Keys of the Reformat workspace; they take precedence over the 3-up keys while it is open. */
import type { PathStore } from '../../stores/PathStore';
import type { ReformatStore } from '../../stores/ReformatStore';

const PAGE_SLICES = 10;
const CUT_STEP_DEG = 15;
const BRUSH_STEP_MM = 0.5;

/** Keys for either workspace: open/close the Reformat workspace, undo a path point. */
export function pathKeymap(reformat: ReformatStore, paths: PathStore): Record<string, () => void> {
  return {
    s: () => reformat.toggleOpen(),
    u: () => paths.removeLastPoint(),
  };
}

export function reformatKeymap(reformat: ReformatStore): Record<string, () => void> {
  const count = (): number => reformat.plan?.sliceToWorld.length ?? 0;
  return {
    ArrowUp: () => reformat.stepSlice(-1),
    ArrowDown: () => reformat.stepSlice(1),
    PageUp: () => reformat.stepSlice(-PAGE_SLICES),
    PageDown: () => reformat.stepSlice(PAGE_SLICES),
    Home: () => reformat.setSlice(0),
    End: () => reformat.setSlice(count() - 1),
    d: () => reformat.setLabelTool('brush'),
    e: () => reformat.setLabelTool('eraser'),
    '[': () => reformat.setBrushRadius(reformat.brushRadiusMm - BRUSH_STEP_MM),
    ']': () => reformat.setBrushRadius(reformat.brushRadiusMm + BRUSH_STEP_MM),
    ',': () => reformat.rotateCut(-CUT_STEP_DEG),
    '.': () => reformat.rotateCut(CUT_STEP_DEG),
    Escape: () => (reformat.labelTool !== 'off' ? reformat.setLabelTool(reformat.labelTool) : reformat.setOpen(false)),
  };
}
