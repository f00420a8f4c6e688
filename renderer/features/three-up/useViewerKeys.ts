/** The 3-up viewer's keys (and the Reformat workspace's while it is open) while a volume is on screen (←/→ stay free and change series); not while typing in a field. */
import { useMemo } from 'react';
import { useClaimedKeys } from '../../app/useClaimedKeys';
import type { RootStore } from '../../stores/RootStore';
import { pathKeymap, reformatKeymap } from '../reformat/reformatKeymap';
import { viewerKeymap } from './viewerKeymap';
import { isTyping } from '../../app/isTyping';

export function useViewerKeys(store: RootStore): void {
  const actionFor = useMemo(() => {
    const viewerKeys = { ...viewerKeymap(store.viewer), ...pathKeymap(store.reformat, store.paths) };
    const reformatKeys = { ...viewerKeys, ...reformatKeymap(store.reformat) };
    return (event: KeyboardEvent): (() => void) | undefined => {
      if (store.layout.overlay !== 'none' || !store.viewer.volume || isTyping(event.target)) return undefined;
      const keymap = store.reformat.open ? reformatKeys : viewerKeys;
      return keymap[event.shiftKey && event.key === 'Delete' ? 'Shift+Delete' : event.key.length === 1 ? event.key.toLowerCase() : event.key];
    };
  }, [store]);
  useClaimedKeys(actionFor);
}
