/** The left column: indexing state, the study tree, skipped files, recent folders. */
import { observer } from 'mobx-react-lite';
import { useStores } from '../../app/StoreContext';
import { IndexingProgress } from './IndexingProgress';
import { RecentFolders } from './RecentFolders';
import { SkippedFiles } from './SkippedFiles';
import { StudyTree } from './StudyTree';

export const StudyBrowser = observer(function StudyBrowser() {
  const store = useStores();
  const { study } = store;
  const result = study.result;
  const showResult = result !== null;

  return (
    <aside className="sidebar" data-testid="study-browser">
      {study.status === 'indexing' && <IndexingProgress />}
      {study.status === 'error' && study.error && (
        <div className="panel inline-error" role="alert" data-testid="index-error">
          <strong>Could not open this folder.</strong>
          <p>{study.error}</p>
          <button className="btn" onClick={() => void store.chooseFolder()}>
            Choose another folder…
          </button>
        </div>
      )}
      {study.status === 'cancelled' && (
        <div className="panel muted" data-testid="index-cancelled">
          Indexing cancelled. {result ? 'Showing the previous result.' : ''}
        </div>
      )}
      {showResult && result && (
        <>
          <div className="result-summary" data-testid="result-summary">
            {result.series.length} series · {result.patients.reduce((n, p) => n + p.studies.length, 0)} stud
            {result.patients.reduce((n, p) => n + p.studies.length, 0) === 1 ? 'y' : 'ies'}
            <span className="muted"> · indexed in {result.elapsedSeconds.toFixed(1)} s</span>
          </div>
          {result.series.length === 0 && (
            <div className="panel muted" data-testid="no-series">
              No DICOM images were found in this folder.
            </div>
          )}
          <StudyTree result={result} />
          <SkippedFiles skipped={result.skipped} />
        </>
      )}
      {study.status === 'idle' && !result && (
        <div className="panel welcome">
          <h2 className="panel-title">Open a study</h2>
          <p className="muted">Choose a folder of DICOM files with “Open folder…”{store.isWebHarness ? '' : ', or drop it onto this window'}. Lumen reads it without changing anything.</p>
        </div>
      )}
      <RecentFolders />
    </aside>
  );
});
