/**
 * The flythrough's controls under its views: transport (start, step, play, step, end, loop),
 * the scrub bar in mm with the roll keyframes as ticks, speed, view angle, roll and keyframes,
 * the lumen, and the exports (WebM video, PNG frames, and the straightened slices through the
 * Reformat workspace's exporter). Buttons do not take focus on click, so Space keeps meaning
 * play/pause; the sliders other than the scrub bar keep their own arrow keys.
 */
import { observer } from 'mobx-react-lite';
import { useEffect, useRef, useState, type KeyboardEvent, type ReactNode, type RefObject } from 'react';
import { SPEED_RANGE_MM_PER_S, VIEW_ANGLE_RANGE_DEG, type FlythroughStore, type LumenKind } from '../../stores/FlythroughStore';
import type { ReformatStore } from '../../stores/ReformatStore';
import type { EndoscopicRenderer } from '../../viewers/endoscopy/EndoscopicRenderer';
import { FirstIcon, LastIcon, LoopIcon, PauseIcon, PlayIcon, StepBackIcon, StepForwardIcon } from '../preview/icons';
import { downloadFile, ExportCancelledError, fileStem, recordFlythroughVideo, renderFlythroughFrames, type ExportProgress } from './flythroughExport';

export interface FlythroughControlsProps {
  flythrough: FlythroughStore;
  reformat: ReformatStore;
  rendererRef: RefObject<EndoscopicRenderer | null>;
}

type ExportKind = 'video' | 'frames';

interface ExportState {
  kind: ExportKind;
  progress: ExportProgress;
  controller: AbortController;
}

const keepKeys = (event: KeyboardEvent): void => event.stopPropagation();

function TransportButton({ label, testId, onClick, pressed, children }: { label: string; testId: string; onClick: () => void; pressed?: boolean; children: ReactNode }) {
  return (
    <button
      type="button"
      className={`btn btn-tool fly-transport${pressed ? ' is-on' : ''}`}
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

// The two parts that change every frame of a flight, as their own observers: the rest of the
// controls re-render only when a setting changes, not 30 times a second.
const ScrubInput = observer(function ScrubInput({ flythrough }: { flythrough: FlythroughStore }) {
  return (
    <input
      type="range"
      data-testid="fly-scrub"
      aria-label="Position along the path, mm"
      min={0}
      max={flythrough.length}
      step="any"
      value={flythrough.arcLength}
      onChange={(e) => flythrough.jumpTo(Number(e.target.value))}
    />
  );
});

const Position = observer(function Position({ flythrough }: { flythrough: FlythroughStore }) {
  return (
    <output className="fly-position" data-testid="fly-position">
      {flythrough.arcLength.toFixed(1)} / {flythrough.length.toFixed(1)} mm
    </output>
  );
});

export const FlythroughControls = observer(function FlythroughControls({ flythrough, reformat, rendererRef }: FlythroughControlsProps) {
  const [running, setRunning] = useState<ExportState | null>(null);
  const [exportError, setExportError] = useState<string | null>(null);
  // The running export, for the async code (state is a render's snapshot).
  const runningRef = useRef<ExportState | null>(null);
  // Closing the flythrough mid-export cancels it: its renderer goes away.
  useEffect(() => () => runningRef.current?.controller.abort(), []);
  const length = flythrough.length;
  const pathName = reformat.path?.name ?? 'path';

  const runExport = async (kind: ExportKind): Promise<void> => {
    const renderer = rendererRef.current;
    if (runningRef.current) return;
    if (!renderer?.supported) {
      setExportError('The endoscopic view cannot draw here (no WebGL 2), so there is nothing to export.');
      return;
    }
    const state: ExportState = { kind, progress: { done: 0, total: 1 }, controller: new AbortController() };
    runningRef.current = state;
    setRunning(state);
    setExportError(null);
    const options = {
      flythrough,
      renderer,
      signal: state.controller.signal,
      onProgress: (progress: ExportProgress) => setRunning({ ...state, progress }),
    };
    try {
      if (kind === 'video') downloadFile(await recordFlythroughVideo(options), `${fileStem(pathName)}-flythrough.webm`);
      else downloadFile(new Blob([(await renderFlythroughFrames(options)) as Uint8Array<ArrayBuffer>], { type: 'application/zip' }), `${fileStem(pathName)}-flythrough-frames.zip`);
    } catch (err) {
      if (!(err instanceof ExportCancelledError)) setExportError(err instanceof Error ? err.message : String(err));
    } finally {
      runningRef.current = null;
      setRunning(null);
    }
  };

  const fraction = running ? Math.min(1, running.progress.done / Math.max(running.progress.total, 1e-9)) : 0;
  return (
    <div className="flythrough-controls" data-testid="flythrough-controls">
      <div className="fly-row">
        <div className="tool-group" role="group" aria-label="Transport">
          <TransportButton label="To the start (Home)" testId="fly-start" onClick={flythrough.jumpToStart}>
            <FirstIcon />
          </TransportButton>
          <TransportButton label="One sample back (←)" testId="fly-step-back" onClick={flythrough.stepBack}>
            <StepBackIcon />
          </TransportButton>
          <TransportButton label={flythrough.playing ? 'Pause (Space)' : 'Play (Space)'} testId="fly-play" onClick={flythrough.togglePlay} pressed={flythrough.playing}>
            {flythrough.playing ? <PauseIcon /> : <PlayIcon />}
          </TransportButton>
          <TransportButton label="One sample forward (→)" testId="fly-step-forward" onClick={flythrough.stepForward}>
            <StepForwardIcon />
          </TransportButton>
          <TransportButton label="To the end (End)" testId="fly-end" onClick={flythrough.jumpToEnd}>
            <LastIcon />
          </TransportButton>
          <TransportButton label="Loop (L)" testId="fly-loop" onClick={() => flythrough.setLoop(!flythrough.loop)} pressed={flythrough.loop}>
            <LoopIcon />
          </TransportButton>
        </div>
        <div className="fly-scrub">
          <ScrubInput flythrough={flythrough} />
          <div className="fly-ticks" aria-hidden="true">
            {flythrough.rollKeyframes.map((k, i) => (
              <span key={i} className="fly-tick" data-testid="fly-keyframe-tick" style={{ left: `${(k.arcLength / Math.max(length, 1e-9)) * 100}%` }} title={`${k.rollDeg.toFixed(0)}° at ${k.arcLength.toFixed(1)} mm`} />
            ))}
          </div>
        </div>
        <Position flythrough={flythrough} />
      </div>
      <div className="fly-row fly-settings">
        <label className="fly-slider" onKeyDown={keepKeys} title="Playback speed (+ / −)">
          Speed
          <input
            type="range"
            data-testid="fly-speed"
            min={SPEED_RANGE_MM_PER_S.min}
            max={SPEED_RANGE_MM_PER_S.max}
            step={1}
            value={flythrough.speedMmPerS}
            onChange={(e) => flythrough.setSpeed(Number(e.target.value))}
          />
          <output>{flythrough.speedMmPerS.toFixed(0)} mm/s</output>
        </label>
        <label className="fly-slider" onKeyDown={keepKeys} title="Vertical field of view ([ / ])">
          View
          <input
            type="range"
            data-testid="fly-view-angle"
            min={VIEW_ANGLE_RANGE_DEG.min}
            max={VIEW_ANGLE_RANGE_DEG.max}
            step={1}
            value={flythrough.viewAngleDeg}
            onChange={(e) => flythrough.setViewAngle(Number(e.target.value))}
          />
          <output>{flythrough.viewAngleDeg.toFixed(0)}°</output>
        </label>
        <label className="fly-slider" onKeyDown={keepKeys} title="Roll of the whole flight about the path (, / .)">
          Roll
          <input type="range" data-testid="fly-roll" min={-180} max={180} step={1} value={flythrough.rollOffsetDeg} onChange={(e) => flythrough.setRollOffset(Number(e.target.value))} />
          <output>{flythrough.rollOffsetDeg.toFixed(0)}°</output>
        </label>
        <div className="tool-group fly-keyframes">
          <button
            type="button"
            className="btn btn-tool"
            data-testid="fly-add-keyframe"
            title="Pin the current roll here; the roll between keyframes is interpolated (K)"
            onMouseDown={(e) => e.preventDefault()}
            onClick={flythrough.addRollKeyframe}
          >
            Keyframe<kbd>K</kbd>
          </button>
          {flythrough.rollKeyframes.map((k, i) => (
            <span key={i} className="fly-keyframe" data-testid="fly-keyframe">
              <button type="button" className="link-button" title="Go there" onMouseDown={(e) => e.preventDefault()} onClick={() => flythrough.jumpTo(k.arcLength)}>
                {k.arcLength.toFixed(0)} mm · {k.rollDeg.toFixed(0)}°
              </button>
              <button type="button" className="fly-remove" aria-label={`Remove the keyframe at ${k.arcLength.toFixed(1)} mm`} data-testid="fly-remove-keyframe" onMouseDown={(e) => e.preventDefault()} onClick={() => flythrough.removeRollKeyframe(i)}>
                ×
              </button>
            </span>
          ))}
        </div>
        <div className="tool-group" role="radiogroup" aria-label="Lumen">
          {(['dark', 'bright'] as LumenKind[]).map((lumen) => (
            <button
              key={lumen}
              type="button"
              role="radio"
              aria-checked={flythrough.lumen === lumen}
              className={`btn btn-tool${flythrough.lumen === lumen ? ' is-on' : ''}`}
              data-testid={`fly-lumen-${lumen}`}
              title={lumen === 'dark' ? 'Air-filled lumen (airway, colon): air is clear, the wall opaque' : 'Contrast-filled lumen (vessel): the contrast is clear, the wall opaque'}
              onMouseDown={(e) => e.preventDefault()}
              onClick={() => flythrough.setLumen(lumen)}
            >
              {lumen === 'dark' ? 'Air' : 'Contrast'}
            </button>
          ))}
          {flythrough.lumenDetected && (
            <span className="muted" data-testid="fly-lumen-detected" title={`Median ${Math.round(flythrough.lumenDetected.median)} HU within 1.5 mm of the path; ${Math.round(100 * flythrough.lumenDetected.confidence)} % of values agree`}>
              Lumen: {flythrough.lumen === 'dark' ? 'air' : 'contrast'} (detected)
            </span>
          )}
        </div>
        <div className="tool-group fly-export">
          {running ? (
            <>
              <span data-testid="fly-export-progress">
                {running.kind === 'video' ? 'Recording' : 'Rendering frames'} {Math.round(fraction * 100)}%
              </span>
              <div className="progress fly-progress" role="progressbar" aria-valuemin={0} aria-valuemax={100} aria-valuenow={Math.round(fraction * 100)}>
                <div className="progress-fill" style={{ width: `${fraction * 100}%` }} />
              </div>
              <button type="button" className="btn btn-tool" data-testid="fly-export-cancel" onClick={() => running.controller.abort()}>
                Cancel
              </button>
            </>
          ) : (
            <>
              <button type="button" className="btn btn-tool" data-testid="fly-export-video" title="Play the path once from the start at this speed and save it as WebM video" onClick={() => void runExport('video')}>
                Video…
              </button>
              <button type="button" className="btn btn-tool" data-testid="fly-export-frames" title="One PNG per path sample, with each frame's camera, in a .zip" onClick={() => void runExport('frames')}>
                PNG frames…
              </button>
              <button
                type="button"
                className="btn btn-tool"
                data-testid="fly-export-slices"
                title="The perpendicular raw slices with their transforms: the Reformat workspace's export"
                onClick={() => reformat.setOpen(true)}
              >
                Export slices…
              </button>
            </>
          )}
          {exportError && (
            <span className="error-text" data-testid="fly-export-error" role="alert">
              {exportError}
            </span>
          )}
        </div>
      </div>
    </div>
  );
});
