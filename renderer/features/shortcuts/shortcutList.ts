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
      { keys: ['B'], action: 'Show or hide the study browser' },
      { keys: ['←'], action: 'Previous series (in the 3-up viewer)' },
      { keys: ['→'], action: 'Next series (in the 3-up viewer)' },
    ],
  },
  {
    title: 'Slice views (axial, coronal, sagittal)',
    shortcuts: [
      { keys: ['Wheel'], action: 'Next / previous slice in the view under the mouse' },
      { keys: ['↑', '↓'], action: 'Next / previous slice in the active view' },
      { keys: ['PgUp', 'PgDn'], action: 'Ten slices forward / back' },
      { keys: ['Home', 'End'], action: 'First / last slice' },
      { keys: ['C'], action: 'Crosshair tool: click to move the linked crosshair' },
      { keys: ['W'], action: 'Window/level tool (right drag always windows)' },
      { keys: ['M'], action: 'Ruler tool: drag to measure in mm' },
      { keys: ['P'], action: 'Pan tool (middle drag or Shift+drag always pans)' },
      { keys: ['Z'], action: 'Zoom tool (Ctrl+wheel always zooms)' },
      { keys: ['A'], action: 'Path tool: click to add a point to the active path' },
      { keys: ['U'], action: 'Remove the last path point' },
      { keys: ['1'], action: 'Window: brain (W 80 L 40)' },
      { keys: ['2'], action: 'Window: bone (W 2000 L 500)' },
      { keys: ['3'], action: 'Window: lung (W 1500 L −600)' },
      { keys: ['4'], action: 'Window: abdomen (W 400 L 50)' },
      { keys: ['5'], action: 'Window: angio (W 600 L 300)' },
      { keys: ['R'], action: 'Reset crosshair, zoom, pan and window' },
      { keys: ['F'], action: 'Maximise the active view, or restore (double click too)' },
      { keys: ['Del'], action: 'Remove the last ruler (Shift+Del: all)' },
      { keys: ['Esc'], action: 'Cancel a ruler, or restore a maximised view' },
      { keys: [mod, 'E'], action: 'Export the volume: NRRD, NIfTI, MetaImage, a DICOM series or an STL surface' },
    ],
  },
  {
    title: 'Reconstruct (a rotational run’s “Reconstruct…”)',
    shortcuts: [
      { keys: ['Enter'], action: 'Reconstruct the full grid' },
      { keys: ['Esc'], action: 'Cancel the reconstruction or preview, else close the panel' },
    ],
  },
  {
    title: 'Reformat (S opens and closes it)',
    shortcuts: [
      { keys: ['S'], action: 'Reformat workspace, or back to the slice views' },
      { keys: ['↑', '↓'], action: 'Previous / next straightened slice (wheel too)' },
      { keys: ['PgUp', 'PgDn'], action: 'Ten slices back / forward' },
      { keys: [',', '.'], action: 'Rotate the long-axis cut by 15°' },
      { keys: ['D'], action: 'Brush: paint a label on the straightened images' },
      { keys: ['E'], action: 'Eraser' },
      { keys: ['[', ']'], action: 'Smaller / larger brush' },
      { keys: ['M'], action: 'Ruler: true mm in straightened space' },
      { keys: ['Esc'], action: 'Brush off, then close the workspace' },
    ],
  },
  {
    title: 'Flythrough (T opens and closes it)',
    shortcuts: [
      { keys: ['T'], action: 'Flythrough along the active path, or back to the slice views' },
      { keys: ['Space'], action: 'Play / pause' },
      { keys: ['→', '←'], action: 'One path sample forward / back (↑ ↓ and the wheel too)' },
      { keys: ['PgUp', 'PgDn'], action: 'Ten samples forward / back' },
      { keys: ['Home', 'End'], action: 'Start / end of the path' },
      { keys: ['+', '−'], action: 'Faster / slower' },
      { keys: ['L'], action: 'Loop on / off' },
      { keys: ['[', ']'], action: 'Narrower / wider view angle (5°)' },
      { keys: [',', '.'], action: 'Roll the view by 15°' },
      { keys: ['K'], action: 'Roll keyframe: pin the current roll here' },
      { keys: ['N'], action: 'Jump to the next control point' },
      { keys: ['Esc'], action: 'Close the flythrough' },
    ],
  },
  {
    title: 'Frame viewer (projections, cine, images)',
    shortcuts: [
      { keys: ['Space'], action: 'Play / pause' },
      { keys: ['←', '→'], action: 'Previous / next frame (↑ ↓ and the wheel too)' },
      { keys: ['PgUp', 'PgDn'], action: 'Ten frames back / forward' },
      { keys: ['Home', 'End'], action: 'First / last frame' },
      { keys: ['L'], action: 'Loop on / off' },
      { keys: ['+', '−'], action: 'Faster / slower playback' },
      { keys: ['Drag'], action: 'Window (horizontal) and level (vertical)' },
      { keys: ['R'], action: 'Reset window/level' },
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
