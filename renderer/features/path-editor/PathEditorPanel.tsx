/**
 * The path list and its editing tools, compact enough for a ~260 px side panel: paths with
 * swatch, name (double-click to rename), point count and lock; the add-points tool, new and
 * delete, undo/redo, closed, Slicer markups import/export, and the selected point with
 * "Snap to centre". The Reformat panel shows it; the flythrough panel can too.
 */
import { observer } from 'mobx-react-lite';
import { useRef, useState, type ChangeEvent } from 'react';
import type { LumenContrast } from '../../../shared/curve/snapToCentre';
import { useStores } from '../../app/StoreContext';
import type { PathStore, SnapReport, VolumePath } from '../../stores/PathStore';
import { usePathKeys } from './usePathKeys';
import './pathEditor.css';

const mod = typeof navigator !== 'undefined' && /Mac/i.test(navigator.platform) ? '⌘' : 'Ctrl';

export const PathEditorPanel = observer(function PathEditorPanel() {
  const { paths, viewer, layout } = useStores();
  usePathKeys();
  const fileInput = useRef<HTMLInputElement>(null);
  const onImport = async (e: ChangeEvent<HTMLInputElement>): Promise<void> => {
    const file = e.target.files?.[0];
    e.target.value = '';
    if (!file) return;
    try {
      const count = paths.importMarkups(await file.text());
      layout.showNotice({ kind: 'info', text: `Imported ${count} path${count === 1 ? '' : 's'} from ${file.name}.` });
    } catch (err) {
      layout.showNotice({ kind: 'error', text: `${file.name} cannot be used as a path: ${err instanceof Error ? err.message : String(err)}` });
    }
  };
  const onExport = (): void => {
    const json = paths.exportActive();
    if (!json || !paths.active) return;
    const link = document.createElement('a');
    link.href = URL.createObjectURL(new Blob([json], { type: 'application/json' }));
    link.download = `${paths.active.name.replace(/[^\w.-]+/g, '_')}.mrk.json`;
    link.click();
    URL.revokeObjectURL(link.href);
  };
  const active = paths.active;
  const locked = active?.locked ?? false;
  return (
    <div className="path-editor" data-testid="path-editor">
      <div className="path-editor-list" role="listbox" aria-label="Paths">
        {paths.paths.map((p) => (
          <PathRow key={p.id} path={p} paths={paths} />
        ))}
        {paths.paths.length === 0 && <div className="muted">No path yet: press A and click in the slice views.</div>}
      </div>
      <div className="button-row">
        <button className={`btn btn-tool${viewer.tool === 'path' ? ' is-on' : ''}`} data-testid="path-tool" title="Click in the slice views to add points; drag a point to move it; Alt+click inserts (A)" onClick={() => viewer.setTool(viewer.tool === 'path' ? 'crosshair' : 'path')}>
          Add points<kbd>A</kbd>
        </button>
        <button className="btn btn-tool" data-testid="new-path" title="Start a new path" onClick={() => paths.newPath()}>
          New
        </button>
        <button className="btn btn-tool" data-testid="delete-path" title="Delete the active path" disabled={!active || locked} onClick={paths.deleteActive}>
          Delete
        </button>
      </div>
      <div className="button-row">
        <button className="btn btn-tool" data-testid="path-undo" title={`Undo the last path edit (${mod}+Z)`} disabled={!paths.canUndo} onClick={paths.undo}>
          Undo
        </button>
        <button className="btn btn-tool" data-testid="path-redo" title={`Redo (${mod}+Shift+Z or ${mod}+Y)`} disabled={!paths.canRedo} onClick={paths.redo}>
          Redo
        </button>
        <button className="btn btn-tool" data-testid="undo-point" title="Remove the last point (U)" disabled={!active?.points.length || locked} onClick={paths.removeLastPoint}>
          Last point<kbd>U</kbd>
        </button>
        <label className="check" title="Join the last point back to the first">
          <input type="checkbox" data-testid="path-closed" checked={active?.closed ?? false} disabled={!active || locked} onChange={(e) => paths.setClosed(e.target.checked)} /> closed
        </label>
      </div>
      <div className="button-row">
        <button className="btn btn-tool" data-testid="import-path" title="Add the curves of a 3D Slicer markups file (LPS or RAS)" onClick={() => fileInput.current?.click()}>
          Import .mrk.json…
        </button>
        <input ref={fileInput} type="file" accept=".json,.mrk.json,application/json" hidden data-testid="import-path-file" onChange={(e) => void onImport(e)} />
        <button className="btn btn-tool" data-testid="export-path" title="Save the active path as a 3D Slicer markups file (LPS)" disabled={!active} onClick={onExport}>
          Save .mrk.json
        </button>
      </div>
      {active && <PointSection paths={paths} path={active} />}
    </div>
  );
});

const PathRow = observer(function PathRow({ path, paths }: { path: VolumePath; paths: PathStore }) {
  const [editing, setEditing] = useState<string | null>(null);
  const on = path.id === paths.activeId;
  const commit = (): void => {
    if (editing !== null) paths.rename(path.id, editing);
    setEditing(null);
  };
  return (
    <div role="option" aria-selected={on} className={`path-editor-row${on ? ' is-on' : ''}${path.locked ? ' is-locked' : ''}`} data-testid={`path-item-${path.id}`} onClick={() => paths.select(path.id)}>
      <span className="path-editor-swatch" style={{ background: path.colour }} />
      {editing === null ? (
        <span className="path-editor-name" data-testid={`path-name-${path.id}`} title={path.locked ? path.name : 'Double-click to rename'} onDoubleClick={() => !path.locked && setEditing(path.name)}>
          {path.name}
        </span>
      ) : (
        <input
          className="text-input path-editor-rename"
          data-testid="path-name-input"
          autoFocus
          value={editing}
          maxLength={200}
          onChange={(e) => setEditing(e.target.value)}
          onBlur={commit}
          onClick={(e) => e.stopPropagation()}
          onKeyDown={(e) => {
            if (e.key === 'Enter') commit();
            if (e.key === 'Escape') setEditing(null);
          }}
        />
      )}
      <span className="muted path-editor-count">{path.points.length} pts</span>
      <button
        className={`path-editor-lock${path.locked ? ' is-on' : ''}`}
        data-testid={`path-lock-${path.id}`}
        aria-pressed={path.locked}
        title={path.locked ? 'Locked: click to allow edits' : 'Lock against edits'}
        onClick={(e) => {
          e.stopPropagation();
          paths.setLocked(path.id, !path.locked);
        }}
      >
        <LockIcon locked={path.locked} />
      </button>
    </div>
  );
});

function LockIcon({ locked }: { locked: boolean }) {
  return (
    <svg width="12" height="12" viewBox="0 0 12 12" aria-hidden="true">
      <rect x="2" y="5.5" width="8" height="5.5" rx="1" fill="currentColor" />
      <path d={locked ? 'M3.8 5.5V4a2.2 2.2 0 0 1 4.4 0v1.5' : 'M3.8 5.5V4a2.2 2.2 0 0 1 4.4 0'} stroke="currentColor" strokeWidth="1.3" fill="none" transform={locked ? undefined : 'translate(2.2 -0.8)'} />
    </svg>
  );
}

/** The selected point: step through the points, delete, and snap to the lumen's centre. */
const PointSection = observer(function PointSection({ paths, path }: { paths: PathStore; path: VolumePath }) {
  const { viewer } = useStores();
  const [lumen, setLumen] = useState<LumenContrast>('bright');
  const count = path.points.length;
  const selected = paths.selectedPoint;
  const step = (by: number): void => paths.selectPoint(selected === null ? (by > 0 ? 0 : count - 1) : (selected + by + count) % count);
  const snap = (all: boolean): void => {
    if (viewer.volume) paths.snapToCentre(viewer.volume, lumen, all);
  };
  const point = selected !== null ? path.points[selected] : undefined;
  return (
    <div className="path-editor-point">
      <div className="button-row">
        <button className="btn btn-tool" data-testid="point-prev" title="Select the previous point" disabled={count === 0} onClick={() => step(-1)}>
          ‹
        </button>
        <span className="path-editor-point-label" data-testid="point-info">
          {point ? `Point ${selected! + 1} of ${count}` : `${count} point${count === 1 ? '' : 's'}`}
        </span>
        <button className="btn btn-tool" data-testid="point-next" title="Select the next point" disabled={count === 0} onClick={() => step(1)}>
          ›
        </button>
        <button className="btn btn-tool" data-testid="delete-point" title="Delete the selected point (Del with the path tool)" disabled={!point || path.locked} onClick={() => paths.deletePoint()}>
          Delete point
        </button>
      </div>
      {point && <div className="muted path-editor-lps" data-testid="point-lps">{point.map((c) => c.toFixed(1)).join(', ')} mm LPS</div>}
      <div className="button-row">
        <select className="path-editor-lumen" data-testid="snap-lumen" value={lumen} title="The lumen: bright (contrast) or dark (air)" onChange={(e) => setLumen(e.target.value as LumenContrast)}>
          <option value="bright">Bright</option>
          <option value="dark">Dark (air)</option>
        </select>
        <button className="btn btn-tool" data-testid="snap-point" title="Move the selected point to the centre of the lumen, in the plane across the path" disabled={!point || path.locked || count < 2 || !viewer.volume} onClick={() => snap(false)}>
          Snap to centre
        </button>
        <button className="btn btn-tool" data-testid="snap-all" title="Snap every point of the path" disabled={path.locked || count < 2 || !viewer.volume} onClick={() => snap(true)}>
          All
        </button>
      </div>
      {paths.lastSnap && <SnapSummary report={paths.lastSnap} />}
    </div>
  );
});

function SnapSummary({ report }: { report: SnapReport }) {
  const { moved, refused, diameterMm } = report;
  const movedText =
    moved.length === 1
      ? `Moved ${moved[0]!.toFixed(1)} mm${diameterMm !== null ? ` (lumen Ø ${diameterMm.toFixed(1)} mm)` : ''}.`
      : moved.length > 1
        ? `Moved ${moved.length} points, up to ${Math.max(...moved).toFixed(1)} mm.`
        : '';
  const refusedText = refused.length === 1 ? `Point ${refused[0]!.index + 1} not moved: ${refused[0]!.reason}.` : refused.length > 1 ? `${refused.length} points not moved (first: point ${refused[0]!.index + 1}, ${refused[0]!.reason}).` : '';
  return (
    <div className={refused.length > 0 && moved.length === 0 ? 'warning' : 'muted'} data-testid="snap-report">
      {movedText} {refusedText}
    </div>
  );
}
