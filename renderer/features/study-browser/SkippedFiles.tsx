/** Files the index could not use, each with the reason, behind a disclosure. */
import type { SkippedFile } from '../../../shared/dicom/SeriesSummary';

export function SkippedFiles({ skipped }: { skipped: SkippedFile[] }) {
  if (skipped.length === 0) return null;
  return (
    <details className="panel skipped" data-testid="skipped-files">
      <summary>
        {skipped.length.toLocaleString()} file{skipped.length === 1 ? '' : 's'} skipped
      </summary>
      <ul className="skipped-list">
        {skipped.slice(0, 500).map((s) => (
          <li key={s.file}>
            <span className="skipped-file" title={s.file}>
              <bdi dir="ltr">{s.file}</bdi>
            </span>
            <span className="skipped-reason">{s.reason}</span>
          </li>
        ))}
        {skipped.length > 500 && <li className="muted">…and {(skipped.length - 500).toLocaleString()} more</li>}
      </ul>
    </details>
  );
}
