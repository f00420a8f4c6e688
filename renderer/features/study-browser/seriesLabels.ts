/** Words the study browser uses for a series: kind badge, counts, geometry. */
import type { SeriesKind, SeriesSummary } from '../../../shared/dicom/SeriesSummary';

export const KIND_LABELS: Record<SeriesKind, string> = {
  volume: 'volume',
  'rotational-projections': 'rotational projections',
  cine: 'cine',
  image: 'image',
  'non-image': 'non-image',
};

export function frameCountLabel(series: SeriesSummary): string {
  if (series.kind === 'volume') return `${series.dimensions[2]} slices`;
  if (series.kind === 'non-image') return `${series.files} file${series.files === 1 ? '' : 's'}`;
  return `${series.frames} frame${series.frames === 1 ? '' : 's'}`;
}

export function dimensionsLabel(series: SeriesSummary): string | null {
  const [c, r] = series.dimensions;
  return c > 0 && r > 0 ? `${c}×${r}` : null;
}

const mm = (v: number): string => (v >= 10 ? v.toFixed(1) : v.toFixed(2).replace(/0$/, ''));

export function spacingLabel(series: SeriesSummary): string | null {
  const [col, row, slice] = series.spacing;
  if (col <= 0 && row <= 0) return null;
  const inPlane = col === row ? mm(col) : `${mm(col)}×${mm(row)}`;
  return series.kind === 'volume' && slice > 0 ? `${inPlane} mm · ${mm(slice)} mm slices` : `${inPlane} mm`;
}

/** DICOM DA (YYYYMMDD) as an ISO date; other text passes through. */
export function studyDateLabel(date: string): string {
  return /^\d{8}$/.test(date) ? `${date.slice(0, 4)}-${date.slice(4, 6)}-${date.slice(6, 8)}` : date;
}

/** PN uses ^ between name components. */
export function patientNameLabel(name: string): string {
  return name.replace(/\^+/g, ' ').trim() || 'Unnamed patient';
}
