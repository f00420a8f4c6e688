/**
 * The Reformat workspace: the panel of parameters, the long-axis cut through the straightened
 * volume (the path runs top to bottom), the cross-section at the cursor and, after an export,
 * its projections. Every image is raw values at true mm; the 3-up crosshair follows the cursor.
 */
import { observer } from 'mobx-react-lite';
import { useMemo } from 'react';
import { invertAffine, transformPoint } from '../../../shared/math/mat4';
import type { ReformatStore } from '../../stores/ReformatStore';
import type { ViewerStore } from '../../stores/ViewerStore';
import type { RendererVolume } from '../../viewers/RendererVolume';
import { crossSection, cutLine, longAxisCut, slicePixelOnLine } from '../../viewers/straightened/straightenedImages';
import { PlaneImageView, type ImagePointerPhase, type PlaneImage } from './PlaneImageView';
import { ProjectionViews } from './ProjectionViews';
import { ReformatPanel } from './ReformatPanel';
import './reformat.css';

export const ReformatWorkspace = observer(function ReformatWorkspace({ reformat, viewer, volume }: { reformat: ReformatStore; viewer: ViewerStore; volume: RendererVolume }) {
  return (
    <div className="reformat-workspace" data-testid="reformat-workspace">
      <ReformatPanel reformat={reformat} />
      {reformat.plan ? (
        <StraightenedViews reformat={reformat} viewer={viewer} volume={volume} />
      ) : (
        <div className="reformat-empty" data-testid="reformat-empty">
          <div className="message-card">
            <div className="message-title">Nothing to straighten yet</div>
            <div data-testid="reformat-plan-error">{'error' in reformat.planResult ? reformat.planResult.error : ''}</div>
          </div>
        </div>
      )}
    </div>
  );
});

const StraightenedViews = observer(function StraightenedViews({ reformat, viewer, volume }: { reformat: ReformatStore; viewer: ViewerStore; volume: RendererVolume }) {
  const plan = reformat.plan!;
  const params = reformat.parameters!;
  const { columns, rows, spacing, step, interpolation } = params;
  const lpsToIjk = useMemo(() => invertAffine(volume.ijkToLps), [volume]);
  const line = useMemo(() => cutLine(columns, rows, reformat.cutAngleDeg), [columns, rows, reformat.cutAngleDeg]);

  const longImage: PlaneImage = useMemo(
    () => ({ width: line.width, height: plan.sliceToWorld.length, pixels: longAxisCut(volume, lpsToIjk, plan.sliceToWorld, line, interpolation), pixelMm: [spacing, step] }),
    [volume, lpsToIjk, plan, line, interpolation, spacing, step],
  );
  const slice = reformat.slice;
  const crossImage: PlaneImage = useMemo(
    () => ({ width: columns, height: rows, pixels: crossSection(volume, lpsToIjk, plan.sliceToWorld[slice]!, columns, rows, interpolation), pixelMm: [spacing, spacing] }),
    [volume, lpsToIjk, plan, slice, columns, rows, interpolation, spacing],
  );

  const labels = reformat.labels;
  const version = reformat.labelsVersion;
  const longLabels = useMemo(() => {
    if (!labels || labels.isEmpty) return null;
    const out = new Uint8Array(line.width * plan.sliceToWorld.length);
    for (let k = 0; k < plan.sliceToWorld.length; k++) {
      if (!labels.plane(k)) continue;
      for (let i = 0; i < line.width; i++) {
        const px = slicePixelOnLine(line, i, columns, rows);
        if (px) out[i + line.width * k] = labels.value(px[0], px[1], k);
      }
    }
    return out;
    // `version` changes on every stroke: the planes themselves are not observable.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [labels, version, line, plan, columns, rows]);
  const crossLabels = useMemo(
    () => (labels?.plane(slice) ? Uint8Array.from(labels.plane(slice)!) : null),
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [labels, version, slice],
  );

  const tool = reformat.labelTool;
  const paintValue = tool === 'eraser' ? 0 : 1;
  const measuring = viewer.tool === 'ruler';

  const onLongPointer = (phase: ImagePointerPhase, px: number, py: number): void => {
    const k = Math.round(py);
    if (tool === 'off') {
      if (phase !== 'up') reformat.setSlice(k);
      return;
    }
    // Moves arrive only while the button is held: every one paints.
    if (phase !== 'up' && labels) {
      labels.paintOnCut(line, px, k, reformat.brushRadiusMm, spacing, step, paintValue);
      reformat.touchLabels();
    }
  };
  const onCrossPointer = (phase: ImagePointerPhase, px: number, py: number): void => {
    if (tool === 'off') {
      if (phase !== 'up') viewer.setCrosshair(transformPoint(plan.sliceToWorld[slice]!, [px, py, 0]));
      return;
    }
    // Moves arrive only while the button is held: every one paints.
    if (phase !== 'up' && labels) {
      labels.paintDisc(slice, px, py, reformat.brushRadiusMm / spacing, paintValue);
      reformat.touchLabels();
    }
  };
  const arcAt = (k: number): number | undefined => plan.sampled.samples[Math.min(plan.sampled.samples.length - 1, Math.max(0, Math.round(k)))]?.arcLength;
  const brushCursor = tool === 'off' ? undefined : 'cell';

  return (
    <div className="straightened-views">
      <div className="straightened-long">
        <PlaneImageView
          testId="straightened-long"
          title={`Straightened · cut ${reformat.cutAngleDeg.toFixed(0)}°`}
          image={longImage}
          windowCenter={viewer.windowCenter}
          windowWidth={viewer.windowWidth}
          onWindow={viewer.setWindow}
          labels={longLabels}
          cursorRow={slice}
          onImagePointer={onLongPointer}
          onScroll={(s) => reformat.stepSlice(-s)}
          measuring={measuring}
          describePixel={(_, py) => `${(arcAt(py) ?? 0).toFixed(1)} mm along the path`}
          {...(brushCursor ? { cursorStyle: brushCursor } : {})}
        >
          <div className="muted">
            {columns}×{rows}×{plan.sliceToWorld.length} · {spacing.toFixed(2)} mm · step {step.toFixed(2)} mm
          </div>
        </PlaneImageView>
      </div>
      <div className="straightened-side">
        <div className="straightened-cross">
          <PlaneImageView
            testId="straightened-cross"
            title="Cross-section"
            image={crossImage}
            windowCenter={viewer.windowCenter}
            windowWidth={viewer.windowWidth}
            onWindow={viewer.setWindow}
            labels={crossLabels}
            onImagePointer={onCrossPointer}
            onScroll={(s) => reformat.stepSlice(-s)}
            measuring={measuring}
            describePixel={(px, py) => transformPoint(plan.sliceToWorld[slice]!, [px, py, 0]).map((c) => c.toFixed(1)).join(', ') + ' mm LPS'}
            {...(brushCursor ? { cursorStyle: brushCursor } : {})}
          >
            <div data-testid="straightened-slice">
              slice {slice + 1} / {plan.sliceToWorld.length} · {(arcAt(slice) ?? 0).toFixed(1)} mm
            </div>
          </PlaneImageView>
        </div>
        <div className="straightened-projections">
          <ProjectionViews reformat={reformat} viewer={viewer} measuring={measuring} />
        </div>
      </div>
    </div>
  );
});
