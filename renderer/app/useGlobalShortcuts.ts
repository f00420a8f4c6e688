/** Window-level keys; ignored while typing in a field so paths can contain "?". */
import { useEffect } from 'react';
import { viewerKeymap } from '../features/three-up/viewerKeymap';
import type { RootStore } from '../stores/RootStore';

const isTyping = (target: EventTarget | null): boolean =>
  target instanceof HTMLElement && (target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName));

export function useGlobalShortcuts(store: RootStore): void {
  useEffect(() => {
    const onKeyDown = (event: KeyboardEvent): void => {
      const { layout, preview, study } = store;
      if (event.key === 'Escape' && layout.overlay !== 'none') {
        layout.close();
        event.preventDefault();
        return;
      }
      if ((event.ctrlKey || event.metaKey) && event.key.toLowerCase() === 'o') {
        // In Electron the File menu's accelerator owns Ctrl/Cmd+O.
        if (store.isWebHarness) void store.chooseFolder();
        event.preventDefault();
        return;
      }
      if (isTyping(event.target) || event.ctrlKey || event.metaKey || event.altKey) return;
      if (event.key === '?') {
        layout.toggleShortcuts();
        event.preventDefault();
        return;
      }
      if (layout.overlay !== 'none') return;
      if (store.viewer.volume && study.selectedSeries?.kind === 'volume') {
        const run = viewerKeymap(store.viewer)[event.shiftKey && event.key === 'Delete' ? 'Shift+Delete' : event.key.length === 1 ? event.key.toLowerCase() : event.key];
        if (run) {
          run();
          event.preventDefault();
          return;
        }
        if (event.key === 'ArrowLeft' || event.key === 'ArrowRight') {
          study.selectAdjacentSeries(event.key === 'ArrowLeft' ? -1 : 1);
          event.preventDefault();
        }
        return;
      }
      const frameSteps: Record<string, () => void> = {
        ArrowUp: () => preview.step(-1),
        ArrowDown: () => preview.step(1),
        PageUp: () => preview.step(-10),
        PageDown: () => preview.step(10),
        Home: () => preview.setIndex(0),
        End: () => preview.setIndex(preview.frameCount - 1),
        ArrowLeft: () => study.selectAdjacentSeries(-1),
        ArrowRight: () => study.selectAdjacentSeries(1),
        r: () => preview.resetWindow(),
        R: () => preview.resetWindow(),
      };
      const run = frameSteps[event.key];
      if (run) {
        run();
        event.preventDefault();
      }
    };
    window.addEventListener('keydown', onKeyDown);
    return () => window.removeEventListener('keydown', onKeyDown);
  }, [store]);
}
