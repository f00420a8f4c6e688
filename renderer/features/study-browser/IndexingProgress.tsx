/** Progress of the running index job, with Cancel. */
import { observer } from 'mobx-react-lite';
import { useStores } from '../../app/StoreContext';

export const IndexingProgress = observer(function IndexingProgress() {
  const { study } = useStores();
  const { done, total, stage } = study.progress;
  const fraction = total > 0 ? Math.min(1, done / total) : 0;
  return (
    <section className="panel indexing" data-testid="indexing-progress" aria-live="polite">
      <div className="indexing-head">
        <span className="spinner" aria-hidden="true" />
        <span>Indexing {stage ? <span className="muted">· {stage}</span> : null}</span>
      </div>
      <div className="indexing-folder" title={study.folder ?? ''}>
        <bdi dir="ltr">{study.folder}</bdi>
      </div>
      <div className="progress" role="progressbar" aria-valuemin={0} aria-valuemax={total} aria-valuenow={done}>
        <div className={`progress-fill${total === 0 ? ' is-indeterminate' : ''}`} style={{ width: total > 0 ? `${fraction * 100}%` : undefined }} />
      </div>
      <div className="indexing-foot">
        <span data-testid="indexing-count">{total > 0 ? `${done.toLocaleString()} / ${total.toLocaleString()} files` : 'Looking for files…'}</span>
        <button className="btn" data-testid="cancel-indexing" onClick={() => void study.cancel()}>
          Cancel
        </button>
      </div>
    </section>
  );
});
