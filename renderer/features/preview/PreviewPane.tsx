/**
 * The frame viewer for series that are not volumes: rotational projection runs, cine
 * loops and single images. The image fills the stage with the classic corner overlays
 * (series, window/level, value under the cursor); multi-frame series get a scrubber and
 * a transport row (cine play, frame rate, loop); a projection run gets a banner that
 * leads to reconstruction. Wheel and keys step through frames (useFrameViewerKeys).
 */
import { observer } from 'mobx-react-lite';
import { useEffect, useState } from 'react';
import { useStores } from '../../app/StoreContext';
import type { PreviewStore } from '../../stores/PreviewStore';
import { formatValue, formatWindow } from '../../viewers/valueFormat';
import { INTEGER_SCALE, isHounsfield, valueScaleOf, type ValueScale } from '../../viewers/windowLevel';
import { KIND_LABELS } from '../study-browser/seriesLabels';
import { positionerAngleLabel } from './angleLabel';
import { CineControls } from './CineControls';
import { FrameCanvas } from './FrameCanvas';
import { FrameScrubber } from './FrameScrubber';
import { ProjectionCallToAction } from './ProjectionCallToAction';
import { useFrameViewerKeys } from './useFrameViewerKeys';
import './preview.css';

/** Wheel distance (pixels) per frame step; one notch of a mouse wheel is ~100. */
const WHEEL_PIXELS_PER_FRAME = 60;

const frameScale = (preview: PreviewStore): ValueScale => (preview.frame ? valueScaleOf(preview.frame.pixels, preview.frame.range) : INTEGER_SCALE);

const HoverValue = observer(function HoverValue({ preview }: { preview: PreviewStore }) {
  const hover = preview.hover;
  const frame = preview.frame;
  const unit = frame && preview.series && isHounsfield(preview.series.modality, frame.range) ? 'HU' : '';
  return (
    <div className="overlay overlay-br" data-testid="hover-value">
      {hover ? `${hover.values.map((v) => formatValue(v, frameScale(preview), preview.windowWidth)).join(' / ')}${unit ? ` ${unit}` : ''} · (${hover.column}, ${hover.row})` : ''}
    </div>
  );
});

const WindowLevel = observer(function WindowLevel({ preview }: { preview: PreviewStore }) {
  return (
    <div className="overlay overlay-bl" data-testid="window-level">
      {formatWindow(preview.windowCenter, preview.windowWidth, frameScale(preview), ' · ')}
    </div>
  );
});

/** In place of the image when the frame on screen cannot be decoded; the controls stay. */
const FrameProblem = observer(function FrameProblem({ preview }: { preview: PreviewStore }) {
  const error = preview.error;
  if (!error) return null;
  const what = preview.frameCount > 1 ? `Frame ${preview.index + 1} cannot be shown` : 'This image cannot be shown';
  return (
    <div className="frame-problem" role="alert" data-testid="preview-error">
      <strong>{what}</strong>
      <span>{error.charAt(0).toUpperCase() + error.slice(1)}</span>
      {preview.frameCount > 1 && <span className="muted">The other frames are not affected: step on with ← →.</span>}
    </div>
  );
});

const Spinner = observer(function Spinner({ preview }: { preview: PreviewStore }) {
  return preview.loading ? <span className="spinner preview-spinner" aria-label="Loading frame" data-testid="frame-loading" /> : null;
});

/** Single images: their angle (if any) where a multi-frame series has its transport row. */
const SingleImageInfo = observer(function SingleImageInfo({ preview }: { preview: PreviewStore }) {
  const angles = preview.angles;
  return (
    <div className="overlay overlay-tr">
      <div data-testid="frame-index">Image 1 / 1</div>
      {angles && <div data-testid="frame-angle">{positionerAngleLabel(angles.primaryDeg, angles.secondaryDeg)}</div>}
    </div>
  );
});

export const PreviewPane = observer(function PreviewPane() {
  const store = useStores();
  const { preview } = store;
  // A callback ref in state: the stage mounts only once a series is selected, and the effects must follow it.
  const [stage, setStage] = useState<HTMLDivElement | null>(null);
  const [box, setBox] = useState({ width: 0, height: 0 });
  const series = preview.series;
  const isFrameSeries = series !== null && series.kind !== 'volume' && series.kind !== 'non-image';
  useFrameViewerKeys(store, isFrameSeries);

  // Track the available area so the image fits it with its aspect ratio.
  useEffect(() => {
    if (!stage) return;
    const observer = new ResizeObserver(([entry]) => {
      if (entry) setBox({ width: entry.contentRect.width, height: entry.contentRect.height });
    });
    observer.observe(stage);
    return () => observer.disconnect();
  }, [stage]);

  // Native, non-passive wheel listener: React's is passive and cannot stop page scroll.
  useEffect(() => {
    if (!stage) return;
    let carry = 0;
    const onWheel = (event: WheelEvent): void => {
      event.preventDefault();
      const pixels = event.deltaMode === WheelEvent.DOM_DELTA_LINE ? event.deltaY * 40 : event.deltaMode === WheelEvent.DOM_DELTA_PAGE ? event.deltaY * 800 : event.deltaY;
      carry += pixels;
      const steps = Math.trunc(carry / WHEEL_PIXELS_PER_FRAME);
      if (steps !== 0) {
        carry -= steps * WHEEL_PIXELS_PER_FRAME;
        preview.step(steps);
      }
    };
    stage.addEventListener('wheel', onWheel, { passive: false });
    return () => stage.removeEventListener('wheel', onWheel);
  }, [stage, preview]);

  if (!series) {
    return (
      <section className="preview preview-empty" data-testid="preview">
        <div className="empty-hint">Select a series to preview it.</div>
      </section>
    );
  }

  if (series.kind === 'non-image') {
    return (
      <section className="preview preview-empty" data-testid="preview">
        <div className="empty-hint">This series holds no images (for example a report or a structured document).</div>
      </section>
    );
  }

  const multiFrame = preview.frameCount > 1;
  return (
    <section className="preview frame-viewer" data-testid="preview" data-series-kind={series.kind}>
      <ProjectionCallToAction preview={preview} />
      <div className="preview-stage" ref={setStage}>
        <FrameCanvas preview={preview} box={box} />
        <FrameProblem preview={preview} />
        <Spinner preview={preview} />
        <div className="overlay overlay-tl">
          <div className="overlay-title">{series.description || 'Untitled series'}</div>
          <div>
            {series.modality} · {KIND_LABELS[series.kind]}
            {multiFrame ? ` · ${series.frames} ${series.kind === 'volume' ? 'slices' : 'frames'}` : ''}
          </div>
        </div>
        {!multiFrame && <SingleImageInfo preview={preview} />}
        <WindowLevel preview={preview} />
        <HoverValue preview={preview} />
      </div>
      {multiFrame && (
        <div className="frame-transport" data-testid="frame-transport">
          <FrameScrubber preview={preview} />
          <CineControls preview={preview} />
        </div>
      )}
    </section>
  );
});
