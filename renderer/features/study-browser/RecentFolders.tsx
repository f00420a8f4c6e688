/** Folders opened before; one click reopens. */
import { observer } from 'mobx-react-lite';
import { useStores } from '../../app/StoreContext';

export const RecentFolders = observer(function RecentFolders() {
  const store = useStores();
  const { folders, error } = store.recentFolders;
  return (
    <section className="panel recent" data-testid="recent-folders">
      <h2 className="panel-title">Recent folders</h2>
      {error && <p className="inline-error">{error}</p>}
      {folders.length === 0 && !error ? (
        <p className="muted">Folders you open appear here.</p>
      ) : (
        <ul className="recent-list">
          {folders.map((r) => (
            <li key={r.folder}>
              <button className="recent-item" onClick={() => store.openFolder(r.folder)} title={r.folder} data-testid="recent-folder">
                <span className="recent-name">{r.folder.split(/[\\/]/).filter(Boolean).pop() ?? r.folder}</span>
                <span className="recent-path">{r.folder}</span>
              </button>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
});
