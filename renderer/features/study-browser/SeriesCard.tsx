/** One series in the tree: thumbnail, kind badge, counts, geometry and warnings. */
import { observer } from 'mobx-react-lite';
import { useState } from 'react';
import type { SeriesSummary } from '../../../shared/dicom/SeriesSummary';
import { useStores } from '../../app/StoreContext';
import { SeriesThumbnail } from './SeriesThumbnail';
import { dimensionsLabel, frameCountLabel, KIND_LABELS, spacingLabel } from './seriesLabels';

export const SeriesCard = observer(function SeriesCard({ series }: { series: SeriesSummary }) {
  const { study } = useStores();
  const [showWarnings, setShowWarnings] = useState(false);
  const selected = study.selectedSeriesUid === series.uid;
  const dims = dimensionsLabel(series);
  const spacing = spacingLabel(series);
  const title = series.description || (series.seriesNumber !== undefined ? `Series ${series.seriesNumber}` : 'Untitled series');

  return (
    <li
      className={`series-card${selected ? ' is-selected' : ''}`}
      data-testid="series-card"
      data-series-uid={series.uid}
      aria-selected={selected}
      role="option"
      tabIndex={0}
      onClick={() => study.selectSeries(series.uid)}
      onKeyDown={(e) => {
        if (e.key === 'Enter' || e.key === ' ') {
          study.selectSeries(series.uid);
          e.preventDefault();
        }
      }}
    >
      <SeriesThumbnail seriesUid={series.uid} isImage={series.kind !== 'non-image'} />
      <div className="series-body">
        <div className="series-title" title={title}>
          {series.seriesNumber !== undefined && <span className="series-number">#{series.seriesNumber}</span>}
          {title}
        </div>
        <div className="series-badges">
          <span className={`badge badge-${series.kind}`} data-testid="kind-badge">
            {KIND_LABELS[series.kind]}
          </span>
          {series.modality && <span className="badge badge-modality">{series.modality}</span>}
          <span className="series-count" data-testid="frame-count">
            {frameCountLabel(series)}
          </span>
        </div>
        {(dims || spacing) && (
          <div className="series-geometry" data-testid="series-geometry">
            {[dims, spacing].filter(Boolean).join(' · ')}
          </div>
        )}
        {series.warnings.length > 0 && (
          <div className="series-warnings">
            <button
              className="warning-toggle"
              data-testid="series-warnings"
              title={series.warnings.join('\n')}
              aria-expanded={showWarnings}
              onClick={(e) => {
                e.stopPropagation();
                setShowWarnings(!showWarnings);
              }}
            >
              <span className="warning-icon" aria-hidden="true">⚠</span>
              {series.warnings.length} warning{series.warnings.length === 1 ? '' : 's'}
            </button>
            {showWarnings && (
              <ul className="warning-list">
                {series.warnings.map((w) => (
                  <li key={w}>{w}</li>
                ))}
              </ul>
            )}
          </div>
        )}
      </div>
    </li>
  );
});
