/** Tools, window/level presets and view actions above the 3-up grid, each with its key. */
import { observer } from 'mobx-react-lite';
import { useStores } from '../../app/StoreContext';
import type { FlythroughStore } from '../../stores/FlythroughStore';
import type { ReformatStore } from '../../stores/ReformatStore';
import type { ToolId, ViewerStore } from '../../stores/ViewerStore';
import { WINDOW_PRESETS } from '../../stores/windowPresets';
import { VolumeExportButton } from '../volume-export/VolumeExportDialog';

export const TOOLS: { id: ToolId; label: string; key: string; hint: string }[] = [
  { id: 'crosshair', label: 'Crosshair', key: 'C', hint: 'Click or drag to move the crosshair; the other views follow' },
  { id: 'windowLevel', label: 'W/L', key: 'W', hint: 'Drag: horizontal = window width, vertical = level (right drag always does this)' },
  { id: 'ruler', label: 'Ruler', key: 'M', hint: 'Drag to measure a distance in mm' },
  { id: 'pan', label: 'Pan', key: 'P', hint: 'Drag to pan (middle drag or Shift+drag always pans)' },
  { id: 'zoom', label: 'Zoom', key: 'Z', hint: 'Drag up/down to zoom (Ctrl+wheel always zooms)' },
  { id: 'path', label: 'Path', key: 'A', hint: 'Click to add a control point to the active path (Ctrl+Z removes the last one)' },
];

export const ViewerToolbar = observer(function ViewerToolbar({ viewer, reformat, flythrough }: { viewer: ViewerStore; reformat: ReformatStore; flythrough: FlythroughStore }) {
  const { volumes } = useStores();
  return (
    <div className="viewer-toolbar" role="toolbar" aria-label="Viewer tools">
      <div className="tool-group" role="radiogroup" aria-label="Mouse tool">
        {TOOLS.map((t) => (
          <button
            key={t.id}
            className={`btn btn-tool${viewer.tool === t.id ? ' is-on' : ''}`}
            role="radio"
            aria-checked={viewer.tool === t.id}
            data-testid={`tool-${t.id}`}
            title={`${t.hint} (${t.key})`}
            onClick={() => viewer.setTool(t.id)}
          >
            {t.label}
            <kbd>{t.key}</kbd>
          </button>
        ))}
      </div>
      <div className="tool-group" aria-label="Window presets">
        {WINDOW_PRESETS.map((p) => (
          <button
            key={p.id}
            className={`btn btn-tool${viewer.presetId === p.id ? ' is-on' : ''}`}
            data-testid={`preset-${p.id}`}
            disabled={!viewer.presetsApply}
            title={viewer.presetsApply ? `${p.label}: W ${p.width} L ${p.center} (${p.key})` : `${p.label}: a CT window in HU; this volume's values are not HU (right-drag, or W/L, sets its window)`}
            onClick={() => viewer.applyPreset(p.id)}
          >
            {p.label}
            <kbd>{p.key}</kbd>
          </button>
        ))}
      </div>
      <div className="tool-group">
        <button
          className={`btn btn-tool${reformat.open ? ' is-on' : ''}`}
          data-testid="toggle-reformat"
          title="Straighten along the active path: the Reformat workspace, or back to the slice views (S)"
          onClick={reformat.toggleOpen}
        >
          {reformat.open ? 'Slice views' : 'Reformat'}
          <kbd>S</kbd>
        </button>
        <button
          className={`btn btn-tool${flythrough.open ? ' is-on' : ''}`}
          data-testid="toggle-flythrough"
          aria-pressed={flythrough.open}
          title="Fly through the active path: the endoscopic view with the cross-section, the straightened view and the slice views following, or back to the slice views (T)"
          onClick={flythrough.toggleOpen}
        >
          {flythrough.open ? 'Slice views' : 'Flythrough'}
          <kbd>T</kbd>
        </button>
        <button className="btn btn-tool" data-testid="reset-views" title="Reset crosshair, zoom, pan and window (R)" onClick={viewer.resetViews}>
          Reset<kbd>R</kbd>
        </button>
        <button className="btn btn-tool" data-testid="clear-rulers" title="Remove all rulers (Shift+Delete; Delete removes the last one)" onClick={viewer.clearRulers} disabled={viewer.rulers.length === 0}>
          Clear rulers
        </button>
        <VolumeExportButton volumes={volumes} />
      </div>
    </div>
  );
});
