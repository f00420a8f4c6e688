/**
 * The harness's folder picker: a path field (Enter opens the typed folder) and the
 * sub-folders of the shown folder (click to go in). Built on fs:listFolder.
 */
import { observer } from 'mobx-react-lite';
import { useEffect, useRef } from 'react';
import { useStores } from '../../app/StoreContext';

export const FolderBrowserDialog = observer(function FolderBrowserDialog() {
  const store = useStores();
  const browser = store.folderBrowser;
  const listing = browser.listing;
  const inputRef = useRef<HTMLInputElement>(null);

  useEffect(() => inputRef.current?.focus(), []);

  return (
    <div className="modal-backdrop" onMouseDown={(e) => e.target === e.currentTarget && store.layout.close()}>
      <div className="modal folder-browser" role="dialog" aria-modal="true" aria-labelledby="folder-browser-title" data-testid="folder-browser">
        <header className="modal-head">
          <h2 id="folder-browser-title">Open folder</h2>
          <button className="btn btn-ghost" onClick={store.layout.close} aria-label="Close">
            ×
          </button>
        </header>
        <p className="muted small">A browser cannot show this computer’s folder picker, so choose the folder here. Type a path and press Enter to open it.</p>
        <div className="path-row">
          <button className="btn" disabled={!listing?.parent} onClick={() => listing?.parent && void browser.navigate(listing.parent)} data-testid="folder-up" title="Parent folder">
            ↑ Up
          </button>
          <input
            ref={inputRef}
            className="path-input"
            data-testid="folder-path"
            value={browser.pathText}
            spellCheck={false}
            onChange={(e) => browser.setPathText(e.target.value)}
            onKeyDown={(e) => {
              if (e.key === 'Enter') {
                e.preventDefault();
                store.openFolder(browser.pathText);
              }
            }}
            aria-label="Folder path"
          />
          <button className="btn" onClick={() => void browser.navigate(browser.pathText)} data-testid="folder-go" title="Show the sub-folders of this path">
            Go
          </button>
        </div>
        {browser.error && (
          <p className="inline-error" role="alert" data-testid="folder-browser-error">
            {browser.error}
          </p>
        )}
        <ul className="folder-list" data-testid="folder-list" aria-busy={browser.loading}>
          {listing?.entries.length === 0 && <li className="muted folder-empty">No sub-folders.</li>}
          {listing?.entries.map((entry) => (
            <li key={entry.path}>
              <button className="folder-entry" data-testid="folder-entry" data-path={entry.path} onClick={() => void browser.navigate(entry.path)} title={entry.path}>
                <span className="folder-icon" aria-hidden="true">▸</span>
                {entry.name}
              </button>
            </li>
          ))}
        </ul>
        <footer className="modal-foot">
          <span className="muted small folder-current">{listing?.folder}</span>
          <button className="btn" onClick={store.layout.close}>
            Cancel
          </button>
          <button className="btn btn-primary" disabled={!listing} onClick={() => listing && store.openFolder(listing.folder)} data-testid="folder-open">
            Open this folder
          </button>
        </footer>
      </div>
    </div>
  );
});
