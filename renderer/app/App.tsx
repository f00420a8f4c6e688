/** The window shell: top bar, study browser sidebar, preview, overlays and notices. */
import { observer } from 'mobx-react-lite';
import { FolderBrowserDialog } from '../features/study-browser/FolderBrowserDialog';
import { StudyBrowser } from '../features/study-browser/StudyBrowser';
import { PreviewPane } from '../features/preview/PreviewPane';
import { ReconstructPanel } from '../features/reconstruct/ReconstructPanel';
import { VolumeWorkspace } from '../features/three-up/VolumeWorkspace';
import { ShortcutsOverlay } from '../features/shortcuts/ShortcutsOverlay';
import { useStores } from './StoreContext';
import { useFolderDrop } from './useFolderDrop';
import { useGlobalShortcuts } from './useGlobalShortcuts';

export const App = observer(function App() {
  const store = useStores();
  useGlobalShortcuts(store);
  useFolderDrop(store);
  const { layout, study, info } = store;
  const modKey = /Mac/i.test(navigator.platform) ? '⌘O' : 'Ctrl+O';

  return (
    <div className="app" data-testid="app">
      <header className="topbar">
        <div className="brand" aria-label="Lumen">
          <span className="brand-mark" aria-hidden="true" />
          Lumen
        </div>
        <button className="btn btn-primary" data-testid="open-folder" onClick={() => void store.chooseFolder()} title={`Open a DICOM folder (${modKey})`}>
          Open folder…
        </button>
        <div className="topbar-folder" data-testid="current-folder" title={study.result?.folder ?? ''}>
          <bdi dir="ltr">{study.result?.folder ?? 'No folder open'}</bdi>
        </div>
        {info?.shell === 'web' && (
          <span className="shell-chip" title="Served by the loopback browser harness (npm run web)">
            web harness
          </span>
        )}
        <button className="btn" data-testid="toggle-sidebar" onClick={layout.toggleSidebar} title="Show or hide the study browser (B)" aria-pressed={!layout.sidebarHidden}>
          {layout.sidebarHidden ? 'Show series' : 'Hide series'}
        </button>
        <button className="btn btn-icon" data-testid="show-shortcuts" onClick={() => layout.open('shortcuts')} title="Keyboard shortcuts (?)" aria-label="Keyboard shortcuts">
          ?
        </button>
      </header>
      <main className={`workspace${layout.sidebarHidden ? ' sidebar-hidden' : ''}`}>
        <StudyBrowser />
        {study.selectedSeries?.kind === 'volume' ? <VolumeWorkspace /> : <PreviewPane />}
      </main>
      {layout.dropHover && (
        <div className="drop-overlay" data-testid="drop-overlay">
          <div>Drop a folder to open it</div>
        </div>
      )}
      {layout.notice && (
        <div className={`notice notice-${layout.notice.kind}`} role="status" data-testid="notice">
          <span>{layout.notice.text}</span>
          <button className="btn btn-ghost" onClick={layout.dismissNotice} aria-label="Dismiss">
            ×
          </button>
        </div>
      )}
      {layout.overlay === 'folder-browser' && <FolderBrowserDialog />}
      {layout.overlay === 'shortcuts' && <ShortcutsOverlay />}
      {store.reconstruct.open && <ReconstructPanel store={store.reconstruct} />}
    </div>
  );
});
