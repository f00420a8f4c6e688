/**
 * The 3-up viewer's keys while a volume is on screen, and over them the Reformat workspace's or
 * the flythrough's while one is open; not while typing in a field. ←/→ stay free to change
 * series, except in the flythrough, where they step the flight.
 */
import { useMemo } from 'react';
import { useClaimedKeys } from '../../app/useClaimedKeys';
import type { RootStore } from '../../stores/RootStore';
import { flythroughKeymap, flythroughToggleKeymap } from '../flythrough/flythroughKeymap';
import { pathKeymap, reformatKeymap } from '../reformat/reformatKeymap';
import { viewerKeymap } from './viewerKeymap';
import { isTyping } from '../../app/isTyping';

/** The flythrough's scrub bar is an input whose keys are the flythrough's (the other sliders stop their keys themselves). */
const isRange = (target: EventTarget | null): boolean => target instanceof HTMLInputElement && target.type === 'range';

export function useViewerKeys(store: RootStore): void {
  const actionFor = useMemo(() => {
    const viewerKeys = { ...viewerKeymap(store.viewer), ...pathKeymap(store.reformat, store.paths), ...flythroughToggleKeymap(store.flythrough) };
    const reformatKeys = { ...viewerKeys, ...reformatKeymap(store.reformat) };
    const flythroughKeys = { ...viewerKeys, ...flythroughKeymap(store.flythrough, store.viewer) };
    return (event: KeyboardEvent): (() => void) | undefined => {
      const flying = store.flythrough.open;
      if (store.layout.overlay !== 'none' || !store.viewer.volume) return undefined;
      if (isTyping(event.target) && !(flying && isRange(event.target))) return undefined;
      // Space on a focused button is that button's own action.
      if (event.key === ' ' && event.target instanceof HTMLButtonElement) return undefined;
      const keymap = flying ? flythroughKeys : store.reformat.open ? reformatKeys : viewerKeys;
      return keymap[event.shiftKey && event.key === 'Delete' ? 'Shift+Delete' : event.key.length === 1 ? event.key.toLowerCase() : event.key];
    };
  }, [store]);
  useClaimedKeys(actionFor);
}
