/** Keys of the 3-up viewer; the scroll keys act on the active view (the last one clicked or scrolled). */
import type { ViewerStore } from '../../stores/ViewerStore';
import { WINDOW_PRESETS } from '../../stores/windowPresets';
import type { SliceViewState } from '../../stores/SliceViewState';

/** Page keys jump this many slices. */
const PAGE_SLICES = 10;

export function viewerKeymap(viewer: ViewerStore): Record<string, () => void> {
  const active = (): SliceViewState => (viewer.activeView === '3d' ? viewer.views.axial : viewer.views[viewer.activeView]);
  const keys: Record<string, () => void> = {
    ArrowUp: () => active().scroll(1),
    ArrowDown: () => active().scroll(-1),
    PageUp: () => active().scroll(PAGE_SLICES),
    PageDown: () => active().scroll(-PAGE_SLICES),
    Home: () => active().scrollTo('first'),
    End: () => active().scrollTo('last'),
    c: () => viewer.setTool('crosshair'),
    w: () => viewer.setTool('windowLevel'),
    m: () => viewer.setTool('ruler'),
    p: () => viewer.setTool('pan'),
    z: () => viewer.setTool('zoom'),
    a: () => viewer.setTool('path'),
    r: () => viewer.resetViews(),
    f: () => viewer.toggleMaximised(),
    Delete: () => viewer.removeLastRuler(),
    Backspace: () => viewer.removeLastRuler(),
    'Shift+Delete': () => viewer.clearRulers(),
    Escape: () => (viewer.draftRuler ? viewer.cancelRuler() : viewer.maximised ? viewer.toggleMaximised(viewer.maximised) : undefined),
  };
  for (const preset of WINDOW_PRESETS) keys[preset.key] = () => viewer.applyPreset(preset.id);
  return keys;
}
