/**
 * The selected volume series: loading progress with Cancel, a clear message when it
 * cannot be shown (too large, undecodable), or the toolbar and the 3-up grid, or in its
 * place the Reformat workspace or the flythrough (one at a time).
 */
import { reaction } from 'mobx';
import { observer } from 'mobx-react-lite';
import { useEffect } from 'react';
import { registerPerfProbe } from '../../viewers/perfProbe';
import { useStores } from '../../app/StoreContext';
import { FlythroughWorkspace } from '../flythrough/FlythroughWorkspace';
import { ReformatWorkspace } from '../reformat/ReformatWorkspace';
import { View3DPanel } from '../view3d/View3DPanel';
import { ThreeUpLayout } from './ThreeUpLayout';
import { useViewerKeys } from './useViewerKeys';
import { ViewerToolbar } from './ViewerToolbar';
import './threeUp.css';

export const VolumeWorkspace = observer(function VolumeWorkspace() {
  const store = useStores();
  const { volumes, viewer } = store;
  useViewerKeys(store);
  useEffect(() => registerPerfProbe('volumeTimings', () => volumes.timings), [volumes]);
  useEffect(() => {
    // The Reformat workspace and the flythrough take the same place: opening one, from any
    // button or key, closes the other.
    const { reformat, flythrough } = store;
    const disposers = [
      reaction(() => reformat.open, (open) => open && flythrough.setOpen(false)),
      reaction(() => flythrough.open, (open) => open && reformat.setOpen(false)),
    ];
    return () => disposers.forEach((d) => d());
  }, [store]);
  const volume = viewer.volume;
  if (volumes.status === 'loading' || (volumes.status === 'ready' && !volume)) {
    const { done, total, stage } = volumes.progress;
    const fraction = total > 0 ? done / total : 0;
    return (
      <section className="workspace-message" data-testid="volume-loading">
        <div className="message-card">
          <div className="message-title">Loading {volumes.series?.description || 'volume'}…</div>
          <div className="progress" role="progressbar" aria-valuemin={0} aria-valuemax={total} aria-valuenow={done}>
            <div className="progress-fill" style={{ width: `${Math.round(fraction * 100)}%` }} />
          </div>
          <div className="muted">
            {stage} {total > 0 ? `${done} / ${total}` : ''}
          </div>
          <button className="btn" data-testid="cancel-volume" onClick={volumes.cancel}>
            Cancel
          </button>
        </div>
      </section>
    );
  }
  if (volumes.status === 'error' || volumes.status === 'cancelled') {
    return (
      <section className="workspace-message" data-testid="volume-error">
        <div className="message-card">
          <div className="message-title">{volumes.status === 'cancelled' ? 'Loading was cancelled.' : 'This series cannot be shown.'}</div>
          {volumes.error && <div data-testid="volume-error-text">{volumes.error}</div>}
          {volumes.series && (
            <button className="btn" data-testid="retry-volume" onClick={() => volumes.series && void volumes.open(volumes.series)}>
              Try again
            </button>
          )}
        </div>
      </section>
    );
  }
  if (!volume) return null;
  return (
    <section className="volume-workspace" data-testid="volume-workspace">
      <ViewerToolbar viewer={viewer} reformat={store.reformat} flythrough={store.flythrough} />
      {store.flythrough.open ? (
        <FlythroughWorkspace flythrough={store.flythrough} reformat={store.reformat} viewer={viewer} volume={volume} />
      ) : store.reformat.open ? (
        <ReformatWorkspace reformat={store.reformat} viewer={viewer} volume={volume} />
      ) : (
        <ThreeUpLayout viewer={viewer} volume={volume} view3d={<View3DPanel key={volume.seriesUid} volume={volume} store={store.view3d} />} />
      )}
    </section>
  );
});
