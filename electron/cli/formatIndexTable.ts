/** The human-readable `lumen index` output: one row per series, then warnings and skipped files. */
import type { IndexResult } from '../../shared/dicom/SeriesSummary';

export function formatIndexTable(result: IndexResult): string {
  const header = ['SERIES UID', 'KIND', 'MOD', 'FILES', 'FRAMES', 'DIMENSIONS', 'SPACING (mm)', 'DESCRIPTION'];
  const rows = result.series.map((s) => [
    s.uid,
    s.kind,
    s.modality || '-',
    String(s.files),
    String(s.frames),
    s.dimensions.join('×'),
    s.spacing.map((v) => (v === 0 ? '?' : String(Number(v.toFixed(4))))).join(' × '),
    s.description || '-',
  ]);
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c].length)));
  const line = (cells: string[]) => cells.map((cell, c) => (c === cells.length - 1 ? cell : cell.padEnd(widths[c]))).join('  ').trimEnd();
  const out = [`${result.folder}: ${result.series.length} series, ${result.skipped.length} files skipped (${result.elapsedSeconds.toFixed(1)} s)`, ''];
  out.push(line(header), ...rows.map(line));
  const warned = result.series.filter((s) => s.warnings.length > 0);
  if (warned.length > 0) {
    out.push('', 'Warnings:');
    for (const s of warned) for (const w of s.warnings) out.push(`  ${s.uid}: ${w}`);
  }
  if (result.skipped.length > 0) {
    out.push('', 'Skipped:');
    for (const s of result.skipped) out.push(`  ${s.file}: ${s.reason}`);
  }
  return `${out.join('\n')}\n`;
}
