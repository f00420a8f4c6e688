/**
 * Export of the volume on screen (toolbar "Export…", Ctrl+E): NRRD, NIfTI, MetaImage, a
 * DICOM series in a new folder, or an STL iso-surface. The browser harness has no save dialog, so the folder
 * is typed (starting at the home folder); the desktop app adds the native folder picker.
 *
 * An export is a job in main's workers: the dialog shows its stage and progress, with Cancel
 * (Esc). It stays open, because the clinician asked for a file and wants to see where it went
 * or why it was not written; but it can be closed meanwhile (×, Close, a click beside it) to go
 * on reading images, and the toolbar button then shows the progress, and what came of it,
 * until the dialog is opened again.
 */
import { observer } from 'mobx-react-lite';
import { useEffect, useRef } from 'react';
import { formatBytes } from '../../../shared/formatBytes';
import { useStores } from '../../app/StoreContext';
import { EXPORT_FORMATS, type ExportFormat, type VolumeStore } from '../../stores/VolumeStore';
import './volumeExport.css';
import { NumberInput } from '../../app/NumberInput';

export const VolumeExportDialog = observer(function VolumeExportDialog({ volumes }: { volumes: VolumeStore }) {
  const { isWebHarness } = useStores();
  const nameRef = useRef<HTMLInputElement>(null);
  useEffect(() => nameRef.current?.focus(), []);
  useEffect(() => {
    // Capture: Esc cancels the running export, else closes this dialog, not whatever the viewer behind it would do with it.
    const onKeyDown = (event: KeyboardEvent): void => {
      if (event.key !== 'Escape') return;
      if (volumes.exportState === 'running') volumes.cancelExport();
      else volumes.closeExport();
      event.preventDefault();
      event.stopPropagation();
    };
    window.addEventListener('keydown', onKeyDown, true);
    return () => window.removeEventListener('keydown', onKeyDown, true);
  }, [volumes]);
  const running = volumes.exportState === 'running';
  const result = volumes.exportResult;
  const dicom = volumes.exportFormat === 'dicom';
  const stl = volumes.exportFormat === 'stl';
  return (
    <div className="modal-backdrop" onMouseDown={(e) => e.target === e.currentTarget && volumes.closeExport()}>
      <form
        className="modal volume-export"
        role="dialog"
        aria-modal="true"
        aria-labelledby="volume-export-title"
        data-testid="volume-export"
        onSubmit={(e) => {
          e.preventDefault();
          void volumes.exportVolume();
        }}
      >
        <header className="modal-head">
          <h2 id="volume-export-title">Export {volumes.series?.description || 'volume'}</h2>
          <button type="button" className="btn btn-ghost" onClick={volumes.closeExport} aria-label="Close" title={running ? 'Close; the export goes on' : 'Close (Esc)'}>
            ×
          </button>
        </header>
        <div className="field-grid volume-export-fields">
          <label htmlFor="export-format">Format</label>
          <select id="export-format" data-testid="export-format" value={volumes.exportFormat} onChange={(e) => volumes.setExportFormat(e.target.value as ExportFormat)}>
            {EXPORT_FORMATS.map((f) => (
              <option key={f.format} value={f.format}>
                {f.label}
                {f.extension ? ` (${f.extension})` : ''}
              </option>
            ))}
          </select>
          <label htmlFor="export-folder">Folder</label>
          <div className="inline">
            <input id="export-folder" className="text-input" data-testid="export-folder" value={volumes.exportFolder} spellCheck={false} onChange={(e) => volumes.setExportFolder(e.target.value)} />
            {!isWebHarness && (
              <button type="button" className="btn btn-tool" onClick={() => void volumes.chooseExportFolder()}>
                Choose…
              </button>
            )}
          </div>
          <label htmlFor="export-name">{dicom ? 'New folder' : 'File name'}</label>
          <input id="export-name" ref={nameRef} className="text-input" data-testid="export-name" value={volumes.exportName} spellCheck={false} onChange={(e) => volumes.setExportName(e.target.value)} />
          {stl && (
            <>
              <label htmlFor="export-threshold">Threshold</label>
              <div className="inline">
                <NumberInput
                  id="export-threshold"
                  step="any"
                  testId="export-threshold"
                  value={volumes.surfaceThreshold}
                  onValue={(v) => volumes.setSurface({ threshold: v })}
                />
                <span className="muted">{volumes.volume?.modality === 'CT' ? 'HU' : ''} (the surface is where the values cross it)</span>
              </div>
              <label htmlFor="export-smoothing">Smoothing</label>
              <div className="inline">
                <NumberInput
                  id="export-smoothing"
                  min={0}
                  max={100}
                  step={1}
                  testId="export-smoothing"
                  value={volumes.surfaceSmoothing}
                  onValue={(v) => volumes.setSurface({ smoothing: v })}
                />
                <span className="muted">passes</span>
                <label className="check">
                  <input type="checkbox" checked={volumes.surfaceLargestOnly} onChange={(e) => volumes.setSurface({ largestOnly: e.target.checked })} />
                  largest part only
                </label>
              </div>
            </>
          )}
        </div>
        <p className="muted small">
          Writes <span className="path-text" data-testid="export-target">{volumes.exportTarget}</span>
          {dicom ? ', one file per slice, in a folder that must not exist yet.' : '.'}{' '}
          {stl
            ? 'A closed surface (marching cubes) in LPS mm, for printing or CAD.'
            : 'Values are the volume’s own (HU for CT, μ in 1/mm for a reconstruction in μ), in LPS geometry.'}{' '}
          Lumen never writes into the folders it reads DICOM from.
        </p>
        {running && <ExportProgress volumes={volumes} />}
        {volumes.exportError && (
          <div className="error-text" role="alert" data-testid="export-error">
            {volumes.exportError}
          </div>
        )}
        {result && (
          <div className="muted" data-testid="export-done">
            Wrote {result.files === 1 ? '' : `${result.files} files, `}
            {result.triangles !== undefined ? `${result.triangles.toLocaleString('en')} triangles, ` : ''}
            {formatBytes(result.bytes)} to <span className="path-text">{result.out}</span>.
          </div>
        )}
        <footer className="modal-foot">
          {running ? (
            <>
              <button type="button" className="btn" data-testid="export-hide" onClick={volumes.closeExport} title="Close this dialog; the export goes on, shown in the toolbar">
                Close
              </button>
              <button type="button" className="btn" data-testid="export-cancel" onClick={volumes.cancelExport} title="Stop the export; nothing is written (Esc)">
                Cancel export
              </button>
            </>
          ) : (
            <button type="button" className="btn" onClick={volumes.closeExport}>
              {result ? 'Close' : 'Cancel'}
            </button>
          )}
          <button type="submit" className="btn btn-primary" data-testid="export-start" disabled={running}>
            {running ? 'Exporting…' : 'Export'}
          </button>
        </footer>
      </form>
    </div>
  );
});

/** The running export's stage and a bar of its progress. */
const ExportProgress = observer(function ExportProgress({ volumes }: { volumes: VolumeStore }) {
  const { stage, done, total } = volumes.exportProgress ?? { stage: 'Starting', done: 0, total: 1 };
  const percent = total > 0 ? Math.round((100 * done) / total) : 0;
  return (
    <div className="export-progress" data-testid="export-progress">
      <div className="progress" role="progressbar" aria-label="Export progress" aria-valuemin={0} aria-valuemax={100} aria-valuenow={percent}>
        <div className="progress-fill" style={{ width: `${percent}%` }} />
      </div>
      <span className="muted small" data-testid="export-stage">
        {stage}… {percent}%
      </span>
    </div>
  );
});

/** What the toolbar says of an export while its dialog is closed: its progress, or how it ended. */
function exportStatusOf(volumes: VolumeStore): { text: string; title: string } | null {
  if (volumes.exportOpen) return null;
  if (volumes.exportState === 'running') {
    const { done, total } = volumes.exportProgress ?? { done: 0, total: 1 };
    return { text: `Exporting ${total > 0 ? Math.round((100 * done) / total) : 0}%`, title: `${volumes.exportProgress?.stage ?? 'Starting'}: open to follow or cancel` };
  }
  if (volumes.exportState === 'done' && volumes.exportResult) return { text: 'Exported ✓', title: `Wrote ${volumes.exportResult.out}` };
  if (volumes.exportState === 'error') return { text: 'Export failed', title: volumes.exportError ?? '' };
  return null;
}

/** The toolbar button, and Ctrl/Cmd+E while the volume workspace is on screen. */
export const VolumeExportButton = observer(function VolumeExportButton({ volumes }: { volumes: VolumeStore }) {
  useEffect(() => {
    const onKeyDown = (event: KeyboardEvent): void => {
      if ((event.ctrlKey || event.metaKey) && !event.altKey && event.key.toLowerCase() === 'e') {
        event.preventDefault();
        void volumes.openExport();
      }
    };
    window.addEventListener('keydown', onKeyDown);
    return () => window.removeEventListener('keydown', onKeyDown);
  }, [volumes]);
  const mod = /Mac/i.test(navigator.platform) ? '⌘E' : 'Ctrl+E';
  const status = exportStatusOf(volumes);
  return (
    <>
      <button className="btn btn-tool" data-testid="export-volume" title={`Export this volume: NRRD, NIfTI, MetaImage, a DICOM series or an STL surface (${mod})`} onClick={() => void volumes.openExport()}>
        Export…<kbd>{mod}</kbd>
      </button>
      {status && (
        <button className={`btn btn-tool export-status is-${volumes.exportState}`} data-testid="export-status" title={status.title} onClick={() => void volumes.openExport()}>
          {status.text}
        </button>
      )}
      {volumes.exportOpen && <VolumeExportDialog volumes={volumes} />}
    </>
  );
});
