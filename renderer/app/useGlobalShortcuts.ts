/** Window-level keys; ignored while typing in a field so paths can contain "?". */
import { useEffect } from 'react';
import type { RootStore } from '../stores/RootStore';
import { isTyping } from './isTyping';

export function useGlobalShortcuts(store: RootStore): void {
  useEffect(() => {
    const onKeyDown = (event: KeyboardEvent): void => {
      const { layout, study } = store;
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
      if (event.key === 'b' || event.key === 'B') {
        layout.toggleSidebar();
        event.preventDefault();
        return;
      }
      // The workspace on screen (3-up or frame viewer) claims its own keys first; ←/→ left over change series.
      if (event.key === 'ArrowLeft' || event.key === 'ArrowRight') {
        study.selectAdjacentSeries(event.key === 'ArrowLeft' ? -1 : 1);
        event.preventDefault();
      }
    };
    window.addEventListener('keydown', onKeyDown);
    return () => window.removeEventListener('keydown', onKeyDown);
  }, [store]);
}
