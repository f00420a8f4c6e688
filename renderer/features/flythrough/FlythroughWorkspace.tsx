/**
 * The flythrough workspace, shown instead of the 3-up grid: the endoscopic view on the active
 * path, the cross-section perpendicular to the path at the camera, the straightened (CPR)
 * long-axis cut with a cursor line at the camera, the three slice views with the crosshair on
 * the camera, and the controls. The store moves the Reformat slice and the crosshair; the
 * views follow through their own reactions. Registers perf probes: the pose, per-step timings
 * by view, playback rate and a wall rebuild's main-thread cost, for the benchmark.
 */
import { observer } from 'mobx-react-lite';
import { useEffect, useMemo, useRef } from 'react';
import { transformPoint } from '../../../shared/math/mat4';
import type { FlythroughStore } from '../../stores/FlythroughStore';
import type { ReformatStore } from '../../stores/ReformatStore';
import type { ViewerStore } from '../../stores/ViewerStore';
import type { RendererVolume } from '../../viewers/RendererVolume';
import type { EndoscopicRenderer } from '../../viewers/endoscopy/EndoscopicRenderer';
import { registerPerfProbe } from '../../viewers/perfProbe';
import { PlaneImageView, type ImagePointerPhase } from '../reformat/PlaneImageView';
import { SliceViewPanel } from '../three-up/SliceViewPanel';
import { EndoscopicView } from './EndoscopicView';
import { FlythroughControls } from './FlythroughControls';
import { FlythroughImages } from './FlythroughImages';
import { measurePlayback, measureRebuild, measureStepping, measureSteps } from './flythroughTiming';
import './flythrough.css';

export interface FlythroughWorkspaceProps {
  flythrough: FlythroughStore;
  reformat: ReformatStore;
  viewer: ViewerStore;
  volume: RendererVolume;
}

export const FlythroughWorkspace = observer(function FlythroughWorkspace({ flythrough, reformat, viewer, volume }: FlythroughWorkspaceProps) {
  if (!reformat.plan) return <NoPath flythrough={flythrough} reformat={reformat} viewer={viewer} />;
  return <FlythroughViews flythrough={flythrough} reformat={reformat} viewer={viewer} volume={volume} />;
});

const NoPath = observer(function NoPath({ flythrough, reformat, viewer }: Omit<FlythroughWorkspaceProps, 'volume'>) {
  const result = reformat.planResult;
  return (
    <div className="flythrough-empty" data-testid="flythrough-empty">
      <div className="message-card">
        <div className="message-title">No path to fly through yet</div>
        <div>
          Place points along the lumen in the slice views with the Path tool (<kbd>A</kbd>), or import a Slicer <code>.mrk.json</code> curve in the Reformat panel (
          <kbd>S</kbd>); then open the flythrough again (<kbd>T</kbd>).
        </div>
        {'error' in result && (
          <div className="muted" data-testid="flythrough-plan-error">
            {result.error}
          </div>
        )}
        <div className="button-row">
          <button
            className="btn btn-tool"
            data-testid="flythrough-path-tool"
            onClick={() => {
              viewer.setTool('path');
              flythrough.setOpen(false);
            }}
          >
            Add points<kbd>A</kbd>
          </button>
          <button className="btn btn-tool" data-testid="flythrough-open-reformat" onClick={() => reformat.setOpen(true)}>
            Import in the Reformat panel<kbd>S</kbd>
          </button>
        </div>
      </div>
    </div>
  );
});

const FlythroughViews = observer(function FlythroughViews({ flythrough, reformat, viewer, volume }: FlythroughWorkspaceProps) {
  const rendererRef = useRef<EndoscopicRenderer | null>(null);
  // One cutter per volume; while mounted its reactions follow the plan and the camera's sample.
  const cutter = useMemo(() => new FlythroughImages(flythrough, reformat, volume), [flythrough, reformat, volume]);
  useEffect(() => {
    cutter.start();
    return () => cutter.stop();
  }, [cutter]);

  useEffect(() => {
    const unregister = [
      registerPerfProbe('flythroughPose', () => flythrough.pose),
      registerPerfProbe('flythroughSteps', async (steps?: number) => {
        const renderer = rendererRef.current;
        if (!renderer) throw new Error('The endoscopic view is not mounted');
        return measureSteps(flythrough, renderer, cutter, steps);
      }),
      registerPerfProbe('flythroughStepping', async (steps?: number) => measureStepping(flythrough, steps)),
      registerPerfProbe('flythroughPlayback', async (seconds?: number) => {
        const renderer = rendererRef.current;
        if (!renderer) throw new Error('The endoscopic view is not mounted');
        return measurePlayback(flythrough, renderer, cutter, seconds);
      }),
      registerPerfProbe('flythroughRebuild', async () => {
        const renderer = rendererRef.current;
        if (!renderer) throw new Error('The endoscopic view is not mounted');
        return measureRebuild(renderer);
      }),
    ];
    return () => unregister.forEach((u) => u());
  }, [flythrough, cutter]);

  const plan = reformat.plan!;
  const samples = plan.sampled.samples;
  const index = flythrough.sampleIndex;
  const arcAt = (row: number): number => samples[Math.min(samples.length - 1, Math.max(0, Math.round(row)))]!.arcLength;
  const onLongPointer = (phase: ImagePointerPhase, _px: number, py: number): void => {
    if (phase !== 'up') flythrough.jumpTo(arcAt(py));
  };
  const step = (steps: number): void => (steps > 0 ? flythrough.stepForward() : flythrough.stepBack());
  const crossToWorld = cutter.crossToWorld;
  const measuring = viewer.tool === 'ruler';

  return (
    <div className={`flythrough-workspace${flythrough.playing ? ' is-playing' : ''}`} data-testid="flythrough-workspace">
      <div className="fly-grid">
        <div className="fly-cell fly-endoscopic">
          <EndoscopicView flythrough={flythrough} reformat={reformat} volume={volume} rendererRef={rendererRef} />
        </div>
        <div className="fly-cell fly-cross">
          <PlaneImageView
            testId="fly-cross"
            title="Cross-section"
            image={cutter.cross}
            windowCenter={viewer.windowCenter}
            windowWidth={viewer.windowWidth}
            onWindow={viewer.setWindow}
            onScroll={(s) => step(-s)}
            measuring={measuring}
            describePixel={(px, py) => (crossToWorld ? `${transformPoint(crossToWorld, [px, py, 0]).map((c) => c.toFixed(1)).join(', ')} mm LPS` : '')}
          >
            <div data-testid="fly-cross-position">
              sample {index + 1} / {samples.length} · {arcAt(index).toFixed(1)} mm
            </div>
          </PlaneImageView>
        </div>
        <div className="fly-cell fly-long">
          <PlaneImageView
            testId="fly-long"
            title="Straightened"
            image={cutter.long}
            windowCenter={viewer.windowCenter}
            windowWidth={viewer.windowWidth}
            onWindow={viewer.setWindow}
            cursorRow={index}
            onImagePointer={onLongPointer}
            onScroll={(s) => step(-s)}
            measuring={measuring}
            describePixel={(_, py) => `${arcAt(py).toFixed(1)} mm along the path`}
          >
            <div className="muted">cut {reformat.cutAngleDeg.toFixed(0)}°</div>
          </PlaneImageView>
        </div>
        <div className="fly-slices">
          {(['axial', 'coronal', 'sagittal'] as const).map((o) => (
            <div key={o} className="fly-cell">
              <SliceViewPanel view={viewer.views[o]} viewer={viewer} volume={volume} />
            </div>
          ))}
        </div>
      </div>
      <FlythroughControls flythrough={flythrough} reformat={reformat} rendererRef={rendererRef} />
    </div>
  );
});
