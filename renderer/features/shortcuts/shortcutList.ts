/** The keyboard shortcuts, as the help overlay lists them. */
export interface Shortcut {
  keys: string[];
  action: string;
}

const mod = typeof navigator !== 'undefined' && /Mac/i.test(navigator.platform) ? '⌘' : 'Ctrl';

export const SHORTCUT_GROUPS: { title: string; shortcuts: Shortcut[] }[] = [
  {
    title: 'Study browser',
    shortcuts: [
      { keys: [mod, 'O'], action: 'Open a folder' },
      { keys: ['←'], action: 'Previous series' },
      { keys: ['→'], action: 'Next series' },
    ],
  },
  {
    title: 'Preview',
    shortcuts: [
      { keys: ['Wheel'], action: 'Next / previous frame' },
      { keys: ['↑', '↓'], action: 'Previous / next frame' },
      { keys: ['PgUp', 'PgDn'], action: 'Ten frames back / forward' },
      { keys: ['Home', 'End'], action: 'First / last frame' },
      { keys: ['Drag'], action: 'Window (horizontal) and level (vertical)' },
      { keys: ['R'], action: 'Reset window/level to the file’s values' },
    ],
  },
  {
    title: 'General',
    shortcuts: [
      { keys: ['?'], action: 'Show or hide this help' },
      { keys: ['Esc'], action: 'Close a dialog' },
    ],
  },
];
