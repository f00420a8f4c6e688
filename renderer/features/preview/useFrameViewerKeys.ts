/**
 * The frame viewer's keys, claimed while it is on screen: Space plays and pauses,
 * ←/→ (and ↑/↓) step one frame, PgUp/PgDn ten, Home/End go to the first and last
 * frame, L toggles loop, +/− change the frame rate, R resets window/level.
 *
 * The listener sits on the document and stops the keys it handles there, so the
 * window-level shortcuts (where ←/→ change series) never see them while a frame series
 * is shown. It ignores keys while the user types in a field, and leaves Space and Enter
 * to a focused button, whose own action they are.
 */
import { useCallback } from 'react';
import { useClaimedKeys } from '../../app/useClaimedKeys';
import type { RootStore } from '../../stores/RootStore';

function isTextEntry(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target.isContentEditable || target.tagName === 'TEXTAREA' || target.tagName === 'SELECT') return true;
  // The frame slider is an input too, but its keys are ours (preventDefault stops its own stepping).
  return target instanceof HTMLInputElement && target.type !== 'range';
}

export function useFrameViewerKeys(store: RootStore, active: boolean): void {
  const actionFor = useCallback(
    (event: KeyboardEvent): (() => void) | undefined => {
      const { preview, layout } = store;
      if (layout.overlay !== 'none' || !preview.series || preview.frameCount === 0 || isTextEntry(event.target)) return undefined;
      const onButton = event.target instanceof HTMLButtonElement;
      const actions: Record<string, () => void> = {
        ArrowLeft: () => preview.step(-1),
        ArrowUp: () => preview.step(-1),
        ArrowRight: () => preview.step(1),
        ArrowDown: () => preview.step(1),
        PageUp: () => preview.step(-10),
        PageDown: () => preview.step(10),
        Home: () => preview.first(),
        End: () => preview.last(),
        r: () => preview.resetWindow(),
        R: () => preview.resetWindow(),
      };
      if (preview.hasCine) {
        if (!onButton) actions[' '] = () => preview.togglePlay();
        actions.l = actions.L = () => preview.cine.toggleLoop();
        actions['+'] = actions['='] = () => preview.cine.setFps(preview.cine.fps + 1);
        actions['-'] = actions._ = () => preview.cine.setFps(preview.cine.fps - 1);
      }
      return actions[event.key];
    },
    [store],
  );
  useClaimedKeys(actionFor, active);
}
