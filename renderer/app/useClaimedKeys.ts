/**
 * How a workspace (3-up viewer, frame viewer) claims its keys while it is on screen: a
 * document listener asks `actionFor` what a key does there, runs it and stops the key,
 * so the window-level shortcuts only see what no workspace used. Keys with Ctrl, Cmd or
 * Alt belong to the menus and are never claimed.
 */
import { useEffect } from 'react';

export function useClaimedKeys(actionFor: (event: KeyboardEvent) => (() => void) | undefined, active = true): void {
  useEffect(() => {
    if (!active) return;
    const onKeyDown = (event: KeyboardEvent): void => {
      if (event.ctrlKey || event.metaKey || event.altKey) return;
      const run = actionFor(event);
      if (!run) return;
      run();
      event.preventDefault();
      event.stopPropagation();
    };
    document.addEventListener('keydown', onKeyDown);
    return () => document.removeEventListener('keydown', onKeyDown);
  }, [actionFor, active]);
}
