/**
 * The Reconstruct panel of a rotational run (a dialog over the frame viewer): the
 * geometry report in plain words, the parameters with the memory they need, the
 * automatic low-resolution preview as three central slices, and the full reconstruction
 * with progress, ETA and Cancel. Enter starts, Esc cancels what runs, else closes.
 */
import { observer } from 'mobx-react-lite';
import { useEffect, useMemo, useRef, type RefObject } from 'react';
import type { ReconAlgorithm, ReconstructionPlan, ReconValueScale } from '../../../shared/contracts/ipc';
import { formatBytes } from '../../../shared/formatBytes';
import { RAMP_WINDOWS, type RampWindow } from '../../../shared/recon/rampFilter';
import { isTyping } from '../../app/isTyping';
import type { ReconJobState, ReconstructStore } from '../../stores/ReconstructStore';
import type { SliceOrientation } from '../../viewers/slice/sliceGeometry';
import { PlaneImageView } from '../reformat/PlaneImageView';
import { centralSlices } from './centralSlices';
// PlaneImageView's and the overlays' styles.
import '../reformat/reformat.css';
import '../three-up/threeUp.css';
import './reconstruct.css';
import { NumberInput } from '../../app/NumberInput';

const WINDOW_LABELS: Record<RampWindow, string> = {
  ramlak: 'Ram-Lak (sharpest)',
  'shepp-logan': 'Shepp-Logan',
  cosine: 'Cosine',
  hamming: 'Hamming',
  hann: 'Hann (smoothest)',
};

const VIEW_TITLES: Record<SliceOrientation, string> = { axial: 'Axial', coronal: 'Coronal', sagittal: 'Sagittal' };
/** As the 3-up shows them (centralSlices). */
const VIEW_DIRECTIONS: Record<SliceOrientation, string> = { axial: 'patient’s left on the right, anterior up', coronal: 'left on the right, head up', sagittal: 'anterior on the left, head up' };

export const ReconstructPanel = observer(function ReconstructPanel({ store }: { store: ReconstructStore }) {
  const dialogRef = useRef<HTMLDivElement>(null);
  useReconstructKeys(store, dialogRef);
  // Keys go to the dialog, not to the button that opened it.
  useEffect(() => dialogRef.current?.focus(), []);
  const plan = store.plan;
  return (
    <div className="modal-backdrop" onMouseDown={(e) => e.target === e.currentTarget && !store.running && store.close()}>
      <div ref={dialogRef} tabIndex={-1} className="modal reconstruct-panel" role="dialog" aria-modal="true" aria-labelledby="reconstruct-title" data-testid="reconstruct-panel">
        <header className="modal-head">
          <h2 id="reconstruct-title">Reconstruct {store.series?.description || 'rotational run'}</h2>
          <button className="btn btn-ghost" onClick={store.close} aria-label="Close" title="Close (Esc)">
            ×
          </button>
        </header>
        {store.planError && (
          <div className="error-text" role="alert" data-testid="reconstruct-plan-error">
            {store.planError}
          </div>
        )}
        {!plan && !store.planError && <div className="muted">Reading the run’s geometry…</div>}
        {plan && (
          <div className="reconstruct-body">
            <div className="reconstruct-side">
              <GeometrySection plan={plan} />
              <ParameterSection store={store} />
              <RunSection store={store} />
            </div>
            <PreviewSection store={store} />
          </div>
        )}
      </div>
    </div>
  );
});

function useReconstructKeys(store: ReconstructStore, dialogRef: RefObject<HTMLDivElement | null>): void {
  useEffect(() => {
    // Capture phase: the frame viewer behind the dialog must not see these keys.
    const onKeyDown = (event: KeyboardEvent): void => {
      if (event.ctrlKey || event.metaKey || event.altKey) return;
      const target = event.target;
      const ownButton = target instanceof HTMLButtonElement && dialogRef.current?.contains(target) === true;
      if (event.key === 'Escape') store.escape();
      else if (event.key === 'Enter' && !ownButton) void store.reconstruct();
      else if ((isTyping(target) && dialogRef.current?.contains(target as Node)) || event.key === 'Tab' || ownButton) return;
      event.preventDefault();
      event.stopPropagation();
    };
    window.addEventListener('keydown', onKeyDown, true);
    return () => window.removeEventListener('keydown', onKeyDown, true);
  }, [store, dialogRef]);
}

const GeometrySection = observer(function GeometrySection({ plan }: { plan: ReconstructionPlan }) {
  const r = plan.report;
  const rows: [string, string][] = [
    ['Views', `${r.views}`],
    ['Arc', `${r.arcDeg.toFixed(1)}° (${r.shortScan ? 'short scan' : 'full circle'})`],
    ['Step', `${r.meanStepDeg.toFixed(2)}° per view`],
    ['Fan angle', `${r.fanAngleDeg.toFixed(1)}°`],
    ['Cone angle', `${r.coneAngleDeg.toFixed(1)}°`],
    ['Magnification', `${r.magnification.toFixed(2)}×`],
    ['Detector', `${r.detectorMm.map((mm) => mm.toFixed(0)).join(' × ')} mm`],
    ['Pixels', plan.intensity === 'LOG' ? 'logarithmic (LOG)' : 'linear in X-ray intensity (LIN)'],
  ];
  return (
    <section className="panel-section" data-testid="reconstruct-geometry">
      <h3>Geometry</h3>
      <dl className="reconstruct-facts">
        {rows.map(([term, value]) => (
          <div key={term}>
            <dt>{term}</dt>
            <dd data-testid={`geometry-${term.toLowerCase().replace(/\s+/g, '-')}`}>{value}</dd>
          </div>
        ))}
      </dl>
      {plan.warnings.length > 0 && (
        <ul className="reconstruct-warnings" data-testid="reconstruct-warnings">
          {plan.warnings.map((w) => (
            <li key={w}>{w}</li>
          ))}
        </ul>
      )}
    </section>
  );
});

const ParameterSection = observer(function ParameterSection({ store }: { store: ReconstructStore }) {
  const memory = store.memory;
  const disabled = store.running;
  return (
    <section className="panel-section">
      <h3>Parameters</h3>
      <div className="field-grid">
        <label htmlFor="recon-size-0">Grid</label>
        <div className="inline">
          {([0, 1, 2] as const).map((axis) => (
            <NumberInput
              key={axis}
              id={`recon-size-${axis}`}
              min={1}
              max={4096}
              step={1}
              disabled={disabled}
              testId={`recon-size-${axis}`}
              aria-label={['Columns (left–right)', 'Rows (anterior–posterior)', 'Slices (foot–head)'][axis]}
              value={store.size[axis]}
              onValue={(v) => store.setSize(axis, v)}
            />
          ))}
        </div>
        <label htmlFor="recon-spacing">Voxel</label>
        <div className="inline">
          <NumberInput
            id="recon-spacing"
            min={0.05}
            step={0.05}
            disabled={disabled}
            testId="recon-spacing"
            value={Number(store.spacing.toFixed(3))}
            onValue={(v) => store.setSpacing(v)}
          />
          <span className="muted">mm</span>
          <button className="btn btn-tool" disabled={disabled} onClick={store.resetGrid} title="The grid covering the field of view at the detector’s resolution">
            Fit field of view
          </button>
        </div>
        <label htmlFor="recon-filter">Filter</label>
        <select id="recon-filter" value={store.window} disabled={disabled} data-testid="recon-filter" onChange={(e) => store.setWindow(e.target.value as RampWindow)}>
          {RAMP_WINDOWS.map((w) => (
            <option key={w} value={w}>
              {WINDOW_LABELS[w]}
            </option>
          ))}
        </select>
        <label htmlFor="recon-cutoff">Cut-off</label>
        <div className="inline">
          <NumberInput
            id="recon-cutoff"
            min={0.1}
            max={1}
            step={0.05}
            disabled={disabled}
            testId="recon-cutoff"
            value={store.cutoff}
            onValue={(v) => store.setCutoff(v)}
          />
          <span className="muted">× Nyquist (lower is smoother)</span>
        </div>
        <label htmlFor="recon-scale">Values</label>
        <select id="recon-scale" value={store.scale} disabled={disabled} data-testid="recon-scale" onChange={(e) => store.setScale(e.target.value as ReconValueScale)}>
          <option value="hu">HU, calibrated to water</option>
          <option value="mu">μ, linear attenuation ({store.plan?.units})</option>
        </select>
        {store.scale === 'hu' && (
          <>
            <label htmlFor="recon-mu-water">μ water</label>
            <div className="reconstruct-mu-water">
              <label className="check" title="The most common tissue inside the field of view is taken as water: in a patient, soft tissue reads near 0 HU">
                <input type="checkbox" checked={store.muWater === null} disabled={disabled} data-testid="recon-mu-water-auto" onChange={(e) => store.setEstimateMuWater(e.target.checked)} />
                estimate from the volume
              </label>
              {store.muWater !== null && (
                <span className="inline">
                  <NumberInput
                    id="recon-mu-water"
                    min={0.0001}
                    step={0.0001}
                    disabled={disabled}
                    testId="recon-mu-water"
                    value={store.muWater}
                    onValue={(v) => store.setMuWater(v)}
                  />
                  <span className="muted" title="Reconstruct a water phantom with the same protocol in μ and enter what water reads">
                    {store.plan?.units}, measured on water
                  </span>
                </span>
              )}
            </div>
          </>
        )}
        <label htmlFor="recon-algorithm">Algorithm</label>
        <select id="recon-algorithm" value={store.algorithm} disabled={disabled} data-testid="recon-algorithm" onChange={(e) => store.setAlgorithm(e.target.value as ReconAlgorithm)}>
          <option value="fdk">FDK (filtered backprojection)</option>
          <option value="sart">SART (iterative: sparse or noisy runs)</option>
        </select>
        {store.algorithm === 'sart' && (
          <>
            <label htmlFor="recon-iterations">Iterations</label>
            <div className="inline">
              <NumberInput
                id="recon-iterations"
                min={1}
                max={1000}
                step={1}
                disabled={disabled}
                testId="recon-iterations"
                value={store.iterations}
                onValue={(v) => store.setIterations(v)}
              />
              {/* Not a NumberInput: empty is a value here (one view per subset). */}
              <input
                className="number-input"
                type="number"
                min={1}
                step={1}
                disabled={disabled}
                aria-label="Ordered subsets"
                title="Ordered subsets per iteration (empty: one view each, plain SART)"
                placeholder={String(store.plan?.report.views ?? '')}
                data-testid="recon-subsets"
                value={store.subsets ?? ''}
                onChange={(e) => store.setSubsets(e.target.value === '' ? null : Number(e.target.value))}
              />
              <span className="muted">subsets</span>
            </div>
          </>
        )}
      </div>
      <div className="muted" data-testid="recon-fov">
        Field of view {store.size.map((n) => (n * store.spacing).toFixed(0)).join(' × ')} mm, centred on the isocentre.
      </div>
      {store.paramsError ? (
        <div className="error-text">{store.paramsError}</div>
      ) : (
        <div className={memory && !memory.fits ? 'warning' : 'muted'} data-testid="recon-memory">
          {memory
            ? `Needs ${formatBytes(memory.bytes)} of memory${memory.fits ? ` (Lumen may use ${formatBytes(memory.budgetBytes)})` : `, more than the ${formatBytes(memory.budgetBytes)} Lumen may use here: choose fewer voxels or a larger voxel size`}.`
            : 'Working out the memory needed…'}
        </div>
      )}
    </section>
  );
});

const RunSection = observer(function RunSection({ store }: { store: ReconstructStore }) {
  const full = store.full;
  return (
    <section className="panel-section">
      <div className="button-row">
        <button className="btn btn-primary" data-testid="recon-start" disabled={!store.canReconstruct} onClick={() => void store.reconstruct()} title="Reconstruct the full grid (Enter)">
          Reconstruct<kbd>Enter</kbd>
        </button>
        {store.running ? (
          <button className="btn" data-testid="recon-cancel" onClick={store.cancel} title="Stop the reconstruction (Esc)">
            Cancel<kbd>Esc</kbd>
          </button>
        ) : (
          <button className="btn" data-testid="recon-preview-again" disabled={store.preview.phase === 'running'} onClick={() => void store.startPreview()} title="A new preview with the filter chosen">
            Preview again
          </button>
        )}
      </div>
      {full.phase === 'running' && <JobProgressBar state={full} testId="recon-progress" />}
      {full.phase === 'cancelled' && (
        <div className="muted" data-testid="recon-cancelled">
          Reconstruction cancelled. Nothing was kept.
        </div>
      )}
      {full.error && (
        <div className="error-text" role="alert" data-testid="recon-error">
          {full.error}
        </div>
      )}
    </section>
  );
});

function JobProgressBar({ state, testId }: { state: ReconJobState; testId: string }) {
  const { done, total, stage } = state.progress;
  const percent = total > 0 ? Math.round((100 * done) / total) : 0;
  return (
    <div data-testid={testId}>
      <div className="progress" role="progressbar" aria-valuemin={0} aria-valuemax={100} aria-valuenow={percent}>
        <div className="progress-fill" style={{ width: `${percent}%` }} />
      </div>
      <div className="muted reconstruct-progress-text">
        <span>
          {stage} {total > 0 ? `${percent}%` : ''}
        </span>
        <span data-testid={`${testId}-eta`}>{state.etaSeconds === null ? 'estimating time…' : `about ${durationLabel(state.etaSeconds)} left`}</span>
      </div>
    </div>
  );
}

function durationLabel(seconds: number): string {
  const s = Math.max(1, Math.round(seconds));
  return s < 60 ? `${s} s` : `${Math.floor(s / 60)} min ${s % 60} s`;
}

const PreviewSection = observer(function PreviewSection({ store }: { store: ReconstructStore }) {
  const volume = store.previewVolume;
  const slices = useMemo(() => (volume ? centralSlices(volume) : null), [volume]);
  const { center, width } = store.previewWindow;
  const preview = store.preview;
  const grid = store.plan?.previewGrid;
  return (
    <section className="reconstruct-preview" data-testid="reconstruct-preview" data-state={preview.phase}>
      <div className="reconstruct-preview-head">
        <strong>Preview</strong>
        {grid && (
          <span className="muted">
            FDK {grid.size.join('×')} at {grid.spacing.toFixed(2)} mm, {WINDOW_LABELS[store.window].split(' ')[0]} filter
            {store.previewMuWater !== null ? `, μ water ${store.previewMuWater.toPrecision(3)} ${store.plan?.units}` : ''} · right-drag for window/level
          </span>
        )}
      </div>
      <div className="reconstruct-preview-views">
        {(['axial', 'coronal', 'sagittal'] as const).map((o) => (
          <div className="reconstruct-preview-view" key={o}>
            <PlaneImageView
              testId={`recon-preview-${o}`}
              title={VIEW_TITLES[o]}
              image={slices?.[o] ?? null}
              windowCenter={center}
              windowWidth={width}
              onWindow={store.setPreviewWindow}
            >
              <div className="muted">{VIEW_DIRECTIONS[o]}</div>
            </PlaneImageView>
          </div>
        ))}
      </div>
      {preview.phase === 'running' && (
        <div className="reconstruct-preview-status">
          <JobProgressBar state={preview} testId="recon-preview-progress" />
        </div>
      )}
      {preview.error && <div className="error-text reconstruct-preview-status">{preview.error}</div>}
      {preview.phase === 'cancelled' && !volume && (
        <div className="muted reconstruct-preview-status">{store.running ? 'Preview stopped: the full reconstruction has the workers.' : 'Preview stopped. “Preview again” makes a new one.'}</div>
      )}
    </section>
  );
});
