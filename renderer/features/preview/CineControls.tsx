/**
 * The transport row under the scrubber: first / step / play / step / last, the frame
 * readouts (n / N, C-arm angles, time), buffering, frame rate, loop and window/level
 * reset. A stack of separate images gets the stepping and readouts but no cine.
 * Buttons do not take focus on click, so Space keeps meaning play/pause afterwards.
 */
import { observer } from 'mobx-react-lite';
import { useState, type ReactNode } from 'react';
import type { PreviewStore } from '../../stores/PreviewStore';
import { MAX_FPS, MIN_FPS } from '../../stores/CinePlayer';
import { frameTimeLabel, positionerAngleLabel } from './angleLabel';
import { ContrastIcon, FirstIcon, LastIcon, LoopIcon, PauseIcon, PlayIcon, StepBackIcon, StepForwardIcon } from './icons';

function ToolButton({
  label,
  onClick,
  children,
  pressed,
  testId,
  primary,
}: {
  label: string;
  onClick: () => void;
  children: ReactNode;
  pressed?: boolean;
  testId?: string;
  primary?: boolean;
}) {
  return (
    <button
      type="button"
      className={`tool-btn${primary ? ' tool-btn-primary' : ''}${pressed ? ' is-on' : ''}`}
      title={label}
      aria-label={label}
      aria-pressed={pressed}
      data-testid={testId}
      onMouseDown={(e) => e.preventDefault()}
      onClick={onClick}
    >
      {children}
    </button>
  );
}

/** Frames per second: typed freely, committed when it is a number in range, restored on blur. */
const FpsField = observer(function FpsField({ preview }: { preview: PreviewStore }) {
  const { cine } = preview;
  const [draft, setDraft] = useState<string | null>(null);
  return (
    <label className="fps-field" title={`Frames per second (${MIN_FPS}–${MAX_FPS}); + and − change it`}>
      <input
        type="number"
        min={MIN_FPS}
        max={MAX_FPS}
        step={1}
        value={draft ?? String(cine.fps)}
        onChange={(e) => {
          setDraft(e.target.value);
          const fps = Number(e.target.value);
          if (e.target.value !== '' && fps >= MIN_FPS && fps <= MAX_FPS) cine.setFps(fps);
        }}
        onBlur={() => setDraft(null)}
        onKeyDown={(e) => {
          if (e.key === 'Enter' || e.key === 'Escape') e.currentTarget.blur();
        }}
        aria-label="Frames per second"
        data-testid="cine-fps"
      />
      <span>fps</span>
    </label>
  );
});

export const CineControls = observer(function CineControls({ preview }: { preview: PreviewStore }) {
  const { cine, series } = preview;
  const n = preview.frameCount;
  const angles = preview.angles;
  const frameTimeMs = series?.frameTimeMs;
  const noun = series?.kind === 'volume' ? 'Slice' : series?.kind === 'image' ? 'Image' : 'Frame';
  const buffered = Math.floor(preview.bufferedFraction * 100);

  return (
    <div className="cine-controls">
      <div className="cine-group">
        <ToolButton label="First frame (Home)" onClick={preview.first} testId="cine-first">
          <FirstIcon />
        </ToolButton>
        <ToolButton label="Previous frame (←)" onClick={() => preview.step(-1)} testId="cine-prev">
          <StepBackIcon />
        </ToolButton>
        {preview.hasCine && (
          <ToolButton label={cine.playing ? 'Pause (Space)' : 'Play (Space)'} onClick={preview.togglePlay} testId="cine-play" primary pressed={cine.playing}>
            {cine.playing ? <PauseIcon /> : <PlayIcon />}
          </ToolButton>
        )}
        <ToolButton label="Next frame (→)" onClick={() => preview.step(1)} testId="cine-next">
          <StepForwardIcon />
        </ToolButton>
        <ToolButton label="Last frame (End)" onClick={preview.last} testId="cine-last">
          <LastIcon />
        </ToolButton>
      </div>

      <div className="cine-readouts">
        <span className="readout readout-frame" data-testid="frame-index">
          {noun} <strong>{preview.index + 1}</strong> / {n}
        </span>
        {angles && (
          <span className="readout readout-angle" data-testid="frame-angle" title="C-arm angles of this frame (primary, secondary)">
            {positionerAngleLabel(angles.primaryDeg, angles.secondaryDeg)}
          </span>
        )}
        {frameTimeMs !== undefined && (
          <span className="readout readout-time" data-testid="frame-time" title={`Time from the first frame (frame time ${frameTimeMs.toFixed(1)} ms)`}>
            {frameTimeLabel(preview.index, frameTimeMs)}
          </span>
        )}
      </div>

      <div className="cine-group cine-group-end">
        {preview.isBuffering && (
          <span className="readout readout-buffering" data-testid="buffering" title="Decoding frames ahead, so playback does not wait for them">
            <span className="buffering-dot" aria-hidden="true" />
            buffering {buffered}%
          </span>
        )}
        {preview.hasCine && cine.playing && cine.dropped > 0 && (
          <span className="readout readout-dropped" data-testid="dropped-frames" title="Frames skipped because they were not decoded in time; playback keeps real time">
            {cine.dropped} dropped
          </span>
        )}
        {preview.hasCine && (
          <>
            <FpsField preview={preview} />
            <ToolButton label={cine.loop ? 'Loop is on (L)' : 'Loop is off (L)'} onClick={cine.toggleLoop} pressed={cine.loop} testId="cine-loop">
              <LoopIcon />
            </ToolButton>
          </>
        )}
        <ToolButton label="Reset window/level (R)" onClick={preview.resetWindow} testId="reset-window">
          <ContrastIcon />
        </ToolButton>
      </div>
    </div>
  );
});
