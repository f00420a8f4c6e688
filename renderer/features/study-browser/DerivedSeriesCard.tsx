/** A volume made from a series in this session (a reconstruction), listed under that series; click opens it. */
import { observer } from 'mobx-react-lite';
import type { SeriesSummary } from '../../../shared/dicom/SeriesSummary';
import { useStores } from '../../app/StoreContext';
import { dimensionsLabel, spacingLabel } from './seriesLabels';
import './derivedSeries.css';

export const DerivedSeriesCard = observer(function DerivedSeriesCard({ series }: { series: SeriesSummary }) {
  const { study } = useStores();
  const selected = study.selectedSeriesUid === series.uid;
  return (
    <li
      className={`series-card derived-series-card${selected ? ' is-selected' : ''}`}
      data-testid="derived-series-card"
      data-series-uid={series.uid}
      aria-selected={selected}
      role="option"
      tabIndex={0}
      title="Made in this session and held in memory: export it (Ctrl+E) to keep it"
      onClick={() => study.selectSeries(series.uid)}
      onKeyDown={(e) => {
        if (e.key === 'Enter' || e.key === ' ') {
          study.selectSeries(series.uid);
          e.preventDefault();
        }
      }}
    >
      <span className="derived-mark" aria-hidden="true">
        3D
      </span>
      <div className="series-body">
        <div className="series-title">{series.description}</div>
        <div className="series-badges">
          <span className="badge badge-volume">Volume</span>
          <span className="series-geometry">{[dimensionsLabel(series), spacingLabel(series)].filter(Boolean).join(' · ')}</span>
        </div>
      </div>
    </li>
  );
});
