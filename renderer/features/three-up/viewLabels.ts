/** Names and colours of the views, as every overlay and the toolbar show them. */
import type { SliceOrientation } from '../../viewers/slice/sliceGeometry';

export const ORIENTATION_NAMES: Record<SliceOrientation, string> = { axial: 'Axial', coronal: 'Coronal', sagittal: 'Sagittal' };

/** The colours 3D Slicer gives its red, green and yellow views, so users recognise them. */
export const ORIENTATION_COLOURS: Record<SliceOrientation, string> = { axial: '#e5534b', coronal: '#57c26b', sagittal: '#e8c547' };

export function formatMm(mm: number): string {
  return `${mm >= 100 || Number.isInteger(mm) ? mm.toFixed(0) : mm.toFixed(1)} mm`;
}
