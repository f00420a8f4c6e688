/**
 * The 3-up viewer claims its keys while it is on screen, as the frame viewer does: the
 * listener sits on the document and stops what it handles, so the window-level
 * shortcuts only see the rest (←/→ still change series). Keys typed into a field and
 * keys with Ctrl/Cmd/Alt are left alone.
 */
import { useEffect } from 'react';
import type { RootStore } from '../../stores/RootStore';
import { viewerKeymap } from './viewerKeymap';
import { isTyping } from '../../app/isTyping';

export function useViewerKeys(store: RootStore): void {
  useEffect(() => {
    const keymap = viewerKeymap(store.viewer);
    const onKeyDown = (event: KeyboardEvent): void => {
      if (store.layout.overlay !== 'none' || !store.viewer.volume) return;
      if (event.ctrlKey || event.metaKey || event.altKey || isTyping(event.target)) return;
      const key = event.shiftKey && event.key === 'Delete' ? 'Shift+Delete' : event.key.length === 1 ? event.key.toLowerCase() : event.key;
      const run = keymap[key];
      if (!run) return;
      run();
      event.preventDefault();
      event.stopPropagation();
    };
    document.addEventListener('keydown', onKeyDown);
    return () => document.removeEventListener('keydown', onKeyDown);
  }, [store]);
}
