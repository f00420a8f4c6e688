/** Patients → studies → series of the index result, each followed by the volumes made from it. */
import { observer } from 'mobx-react-lite';
import type { IndexResult } from '../../../shared/dicom/SeriesSummary';
import { useStores } from '../../app/StoreContext';
import { DerivedSeriesCard } from './DerivedSeriesCard';
import { SeriesCard } from './SeriesCard';
import { patientNameLabel, studyDateLabel } from './seriesLabels';

export const StudyTree = observer(function StudyTree({ result }: { result: IndexResult }) {
  const { study } = useStores();
  const byUid = new Map(result.series.map((s) => [s.uid, s]));
  return (
    <div className="study-tree" data-testid="study-tree" role="listbox" aria-label="Series">
      {result.patients.map((patient) => (
        <section className="patient" key={patient.patientId + patient.patientName} data-testid="patient">
          <h2 className="patient-name">
            {patientNameLabel(patient.patientName)}
            {patient.patientId && <span className="muted"> · {patient.patientId}</span>}
          </h2>
          {patient.studies.map((studyNode) => (
            <div className="study" key={studyNode.studyUid} data-testid="study">
              <div className="study-head">
                <span className="study-desc">{studyNode.description || 'Study'}</span>
                {studyNode.date && <span className="muted">{studyDateLabel(studyNode.date)}</span>}
              </div>
              <ul className="series-list">
                {studyNode.seriesUids.map((uid) => {
                  const series = byUid.get(uid);
                  if (!series) return null;
                  return [<SeriesCard key={uid} series={series} />, ...study.derivedOf(uid).map((d) => <DerivedSeriesCard key={d.uid} series={d} />)];
                })}
              </ul>
            </div>
          ))}
        </section>
      ))}
    </div>
  );
});
