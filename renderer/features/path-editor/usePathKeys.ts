/**
 * Undo/redo of path edits (Ctrl+Z, Ctrl+Shift+Z or Ctrl+Y; ⌘ on a Mac) and Delete/Backspace on
 * the selected control point while the path tool is on. The workspaces' claimed keys never take
 * modified keys and give Delete to rulers, so these listen first (capture phase) and take only
 * what they use. Every slice view and the path panel mount this; the first listener that acts
 * marks the key handled and the others leave it.
 */
import { useEffect } from 'react';
import { isTyping } from '../../app/isTyping';
import { useStores } from '../../app/StoreContext';

export function usePathKeys(): void {
  const { paths, viewer, layout } = useStores();
  useEffect(() => {
    const onKeyDown = (event: KeyboardEvent): void => {
      if (event.defaultPrevented || isTyping(event.target) || layout.overlay !== 'none' || event.altKey) return;
      const key = event.key.toLowerCase();
      const mod = event.ctrlKey || event.metaKey;
      let act: (() => void) | null = null;
      if (mod && key === 'z') act = event.shiftKey ? paths.redo : paths.undo;
      else if (mod && key === 'y' && !event.shiftKey) act = paths.redo;
      else if (!mod && !event.shiftKey && (key === 'delete' || key === 'backspace') && viewer.tool === 'path' && paths.selectedPoint !== null && paths.editable) act = () => paths.deletePoint();
      if (!act) return;
      act();
      event.preventDefault();
      event.stopPropagation();
    };
    document.addEventListener('keydown', onKeyDown, true);
    return () => document.removeEventListener('keydown', onKeyDown, true);
  }, [paths, viewer, layout]);
}
