/**
 * The Reformat panel: which path, the output grid and sampling, projections, export with
 * progress and Cancel, and the label brush with map-back. Every field says its unit; defaults
 * follow `lumen straighten` (512×512, the volume's finest in-plane spacing, step = spacing).
 */
import { observer } from 'mobx-react-lite';
import { useState } from 'react';
import type { CurveInterpolation } from '../../../shared/curve/samplePath';
import { PROJECTION_CHOICES } from '../../../shared/reformat/projectVolume';
import type { Interpolation } from '../../../shared/reformat/reslicePlane';
import { useStores } from '../../app/StoreContext';
import { VIEW_DIRECTIONS, type ReformatStore, type ViewDirectionName } from '../../stores/ReformatStore';
import { formatBytes } from '../../../shared/formatBytes';
import { PathEditorPanel } from '../path-editor/PathEditorPanel';

const PROJECTION_NAMES = { mip: 'MIP', minip: 'MinIP', mean: 'Mean', xray: 'X-ray', panoramic: 'Dental panoramic' } as const;

export const ReformatPanel = observer(function ReformatPanel({ reformat }: { reformat: ReformatStore }) {
  return (
    <aside className="reformat-panel" data-testid="reformat-panel" aria-label="Reformat">
      <PathSection reformat={reformat} />
      <OutputSection reformat={reformat} />
      <ExportSection reformat={reformat} />
      <LabelSection reformat={reformat} />
    </aside>
  );
});

const PathSection = observer(function PathSection({ reformat }: { reformat: ReformatStore }) {
  const plan = reformat.plan;
  const folds = reformat.foldedRuns;
  return (
    <section className="panel-section">
      <h3>Path</h3>
      <PathEditorPanel />
      {plan && (
        <div className="muted" data-testid="path-summary">
          {plan.sampled.length.toFixed(1)} mm · {plan.sliceToWorld.length} slices
        </div>
      )}
      {folds.length > 0 && (
        <div className="warning" data-testid="fold-warning">
          Slices fold where the path bends tighter than the slice is wide:{' '}
          {folds
            .slice(0, 3)
            .map((f) => `${f.arcStart.toFixed(0)}–${f.arcEnd.toFixed(0)} mm (radius ${f.minRadiusMm.toFixed(0)} mm)`)
            .join(', ')}
          {folds.length > 3 ? ` and ${folds.length - 3} more` : ''}. Use a smaller size there, or map labels back with care.
        </div>
      )}
    </section>
  );
});

const OutputSection = observer(function OutputSection({ reformat }: { reformat: ReformatStore }) {
  const s = reformat.settings;
  const p = reformat.parameters;
  return (
    <section className="panel-section">
      <h3>Output</h3>
      <div className="field-grid">
        <label htmlFor="rf-columns">Size (px)</label>
        <div className="inline">
          <NumberInput id="rf-columns" testId="rf-columns" value={s.columns} min={1} max={8192} integer onCommit={(v) => v !== null && reformat.update({ columns: v })} />×
          <NumberInput id="rf-rows" testId="rf-rows" value={s.rows} min={1} max={8192} integer onCommit={(v) => v !== null && reformat.update({ rows: v })} />
        </div>
        <label htmlFor="rf-spacing">Pixel (mm)</label>
        <NumberInput id="rf-spacing" testId="rf-spacing" value={s.spacing} placeholder={p ? `${p.spacing.toFixed(3)} (finest)` : ''} min={0.01} max={100} onCommit={(v) => reformat.update({ spacing: v })} />
        <label htmlFor="rf-step">Step (mm)</label>
        <NumberInput id="rf-step" testId="rf-step" value={s.step} placeholder={p ? `${p.step.toFixed(3)} (= pixel)` : ''} min={0.01} max={100} onCommit={(v) => reformat.update({ step: v })} />
        <label htmlFor="rf-mode">Mode</label>
        <select id="rf-mode" data-testid="rf-mode" value={s.mode} onChange={(e) => reformat.update({ mode: e.target.value as 'straight' | 'stretch' })}>
          <option value="straight">Straightened</option>
          <option value="stretch">Stretched CPR</option>
        </select>
        {s.mode === 'stretch' && (
          <>
            <label htmlFor="rf-view">Seen from</label>
            <select id="rf-view" data-testid="rf-view" value={s.viewFrom} onChange={(e) => reformat.update({ viewFrom: e.target.value as ViewDirectionName })}>
              {Object.keys(VIEW_DIRECTIONS).map((d) => (
                <option key={d} value={d}>
                  {d}
                </option>
              ))}
            </select>
          </>
        )}
        <label htmlFor="rf-interp">Sampling</label>
        <select id="rf-interp" data-testid="rf-interp" value={s.interpolation} onChange={(e) => reformat.update({ interpolation: e.target.value as Interpolation })}>
          <option value="nearest">Nearest</option>
          <option value="linear">Trilinear</option>
          <option value="cubic">Cubic</option>
        </select>
        <label htmlFor="rf-curve">Curve</label>
        <select id="rf-curve" data-testid="rf-curve" value={s.curveInterpolation} onChange={(e) => reformat.update({ curveInterpolation: e.target.value as CurveInterpolation })}>
          <option value="catmull-rom">Catmull-Rom</option>
          <option value="natural-cubic">Natural cubic</option>
          <option value="linear">Linear</option>
        </select>
        <label htmlFor="rf-roll">Roll (°)</label>
        <NumberInput id="rf-roll" testId="rf-roll" value={s.rollDeg} min={-360} max={360} onCommit={(v) => reformat.update({ rollDeg: v ?? 0 })} />
        <label>Projections</label>
        <div className="inline wrap">
          {PROJECTION_CHOICES.map((k) => (
            <label key={k} className="check">
              <input type="checkbox" data-testid={`rf-projection-${k}`} checked={s.projections.includes(k)} onChange={() => reformat.toggleProjection(k)} /> {PROJECTION_NAMES[k]}
            </label>
          ))}
        </div>
        <label htmlFor="rf-axis">Project</label>
        <select id="rf-axis" data-testid="rf-axis" value={s.projectionAxis} onChange={(e) => reformat.update({ projectionAxis: Number(e.target.value) as 0 | 1 | 2 })}>
          <option value={1}>across the path (rows)</option>
          <option value={0}>across the path (columns)</option>
          <option value={2}>along the path</option>
        </select>
        <label htmlFor="rf-slab">Slab (mm)</label>
        <NumberInput id="rf-slab" testId="rf-slab" value={s.slabMm} placeholder="whole volume" min={0.01} max={10000} onCommit={(v) => reformat.update({ slabMm: v })} />
      </div>
      {reformat.plan && (
        <div className={reformat.outputTooLarge ? 'warning' : 'muted'} data-testid="output-estimate">
          Export holds {formatBytes(reformat.outputBytes)} in memory while it runs.
        </div>
      )}
    </section>
  );
});

const ExportSection = observer(function ExportSection({ reformat }: { reformat: ReformatStore }) {
  const { isWebHarness } = useStores();
  const running = reformat.exportState === 'running';
  const { done, total, stage } = reformat.exportProgress;
  const result = reformat.exportResult;
  return (
    <section className="panel-section">
      <h3>Export</h3>
      <div className="inline">
        <input className="text-input" data-testid="rf-outdir" placeholder="Folder to write into" value={reformat.outDir} onChange={(e) => reformat.setOutDir(e.target.value)} spellCheck={false} />
        {!isWebHarness && (
          <button className="btn btn-tool" onClick={() => void reformat.chooseOutDir()}>
            Choose…
          </button>
        )}
      </div>
      <div className="button-row">
        <button className="btn btn-primary" data-testid="rf-export" disabled={!reformat.plan || running} onClick={() => void reformat.exportStraightened()}>
          Export straightened volume
        </button>
        {running && (
          <button className="btn" data-testid="rf-cancel" onClick={reformat.cancelExport}>
            Cancel
          </button>
        )}
      </div>
      {running && (
        <div>
          <div className="progress" role="progressbar" aria-valuemin={0} aria-valuemax={total} aria-valuenow={done}>
            <div className="progress-fill" style={{ width: `${total > 0 ? Math.round((100 * done) / total) : 0}%` }} />
          </div>
          <div className="muted" data-testid="rf-progress">
            {stage} {total > 0 ? `${done} / ${total}` : ''}
          </div>
        </div>
      )}
      {reformat.exportState === 'cancelled' && <div className="muted">Export cancelled; nothing was left half-written.</div>}
      {reformat.exportError && (
        <div className="error-text" data-testid="rf-export-error">
          {reformat.exportError}
        </div>
      )}
      {result && (
        <div className="muted" data-testid="rf-export-done">
          Wrote {result.files.length} files ({result.size.join('×')}) to <span className="path-text">{result.outDir}</span> in {(result.timings.reslice_s + result.timings.write_s).toFixed(1)} s.
          {result.folds && result.folds.foldedVoxels > 0 ? ` ${result.folds.regions.length} fold region(s): see jacobian.nrrd.` : ''}
        </div>
      )}
    </section>
  );
});

const LabelSection = observer(function LabelSection({ reformat }: { reformat: ReformatStore }) {
  const [saveAs, setSaveAs] = useState('');
  const mapped = reformat.mapped;
  return (
    <section className="panel-section">
      <h3>Label</h3>
      <div className="button-row">
        <button className={`btn btn-tool${reformat.labelTool === 'brush' ? ' is-on' : ''}`} data-testid="rf-brush" title="Paint on the straightened images (D)" onClick={() => reformat.setLabelTool('brush')}>
          Brush<kbd>D</kbd>
        </button>
        <button className={`btn btn-tool${reformat.labelTool === 'eraser' ? ' is-on' : ''}`} data-testid="rf-eraser" title="Erase (E)" onClick={() => reformat.setLabelTool('eraser')}>
          Eraser<kbd>E</kbd>
        </button>
        <button className="btn btn-tool" data-testid="rf-clear-labels" onClick={reformat.clearLabels}>
          Clear
        </button>
      </div>
      <label className="inline" title="Brush radius ([ and ])">
        Radius
        <input type="range" min={0.5} max={20} step={0.5} value={reformat.brushRadiusMm} data-testid="rf-brush-radius" onChange={(e) => reformat.setBrushRadius(Number(e.target.value))} />
        <span className="muted">{reformat.brushRadiusMm.toFixed(1)} mm</span>
      </label>
      <button className="btn" data-testid="rf-map-back" disabled={reformat.mapBackState === 'running' || !reformat.plan} onClick={() => void reformat.mapBack()}>
        {reformat.mapBackState === 'running' ? 'Mapping back…' : 'Map back to original'}
      </button>
      {reformat.mapBackError && (
        <div className="error-text" data-testid="rf-map-back-error">
          {reformat.mapBackError}
        </div>
      )}
      {mapped && (
        <div data-testid="rf-map-back-report" className="muted">
          {mapped.report.labelled.toLocaleString()} voxels labelled on the volume
          {mapped.report.folded > 0 ? `, ${mapped.report.folded.toLocaleString()} in folded regions` : ''}
          {mapped.report.unmapped > 0 ? `; ${mapped.report.unmapped.toLocaleString()} painted voxels reached no volume voxel` : ''}. Shown in red on the slice views (S).
        </div>
      )}
      {mapped && (
        <div className="inline">
          <input className="text-input" data-testid="rf-labels-file" placeholder="/path/labels.nrrd (.nii, .nii.gz, .mha, .dcm SEG)" value={saveAs} onChange={(e) => setSaveAs(e.target.value)} spellCheck={false} />
          <button className="btn btn-tool" data-testid="rf-save-labels" disabled={!saveAs.trim()} onClick={() => void reformat.saveMappedLabels(saveAs.trim())}>
            Save
          </button>
        </div>
      )}
      {reformat.savedLabelsFile && (
        <div className="muted" data-testid="rf-labels-saved">
          Saved <span className="path-text">{reformat.savedLabelsFile}</span>
        </div>
      )}
    </section>
  );
});

/** A number field that commits on Enter or blur; empty means "default" (null). */
function NumberInput(props: { id: string; testId: string; value: number | null; placeholder?: string; min: number; max: number; integer?: boolean; onCommit: (v: number | null) => void }) {
  const [text, setText] = useState<string | null>(null);
  const shown = text ?? (props.value === null ? '' : String(props.value));
  const commit = (): void => {
    if (text === null) return;
    const trimmed = text.trim();
    setText(null);
    if (trimmed === '') return props.onCommit(null);
    const v = Number(trimmed);
    if (!Number.isFinite(v)) return;
    const clamped = Math.min(props.max, Math.max(props.min, props.integer ? Math.round(v) : v));
    props.onCommit(clamped);
  };
  return (
    <input
      id={props.id}
      className="number-input"
      data-testid={props.testId}
      inputMode="decimal"
      value={shown}
      placeholder={props.placeholder}
      onChange={(e) => setText(e.target.value)}
      onBlur={commit}
      onKeyDown={(e) => {
        // Enter commits and hands the keys back to the images (slice keys, brush…).
        if (e.key === 'Enter') e.currentTarget.blur();
        if (e.key === 'Escape') setText(null);
      }}
    />
  );
}
