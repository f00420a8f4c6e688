/**
 * The slider across the bottom of the frame viewer: drag or click to seek, with the
 * buffered frames (and any that failed to decode) drawn under the track and the part
 * already played filled in. A native range input underneath keeps it accessible.
 */
import { observer } from 'mobx-react-lite';
import { BufferState, type PreviewStore } from '../../stores/PreviewStore';
import { positionerAngleLabel } from './angleLabel';
import { bufferGradient } from './bufferGradient';

export const FrameScrubber = observer(function FrameScrubber({ preview }: { preview: PreviewStore }) {
  const n = preview.frameCount;
  const map = preview.bufferMap;
  const played = n > 1 ? (preview.index / (n - 1)) * 100 : 0;
  const angles = preview.angles;
  const valueText = `Frame ${preview.index + 1} of ${n}${angles ? `, ${positionerAngleLabel(angles.primaryDeg, angles.secondaryDeg)}` : ''}`;
  return (
    <div className="frame-scrubber">
      <div className="frame-scrubber-rail" aria-hidden="true">
        <div className="frame-scrubber-buffer" data-testid="buffer-bar" style={{ backgroundImage: bufferGradient(map) }} />
        <div className="frame-scrubber-played" style={{ width: `${played}%` }} />
        {map.includes(BufferState.Failed) && (
          // Frames that failed stay marked over the played part too.
          <div className="frame-scrubber-buffer" style={{ backgroundImage: bufferGradient(map.map((s) => (s === BufferState.Failed ? s : BufferState.Empty))) }} />
        )}
      </div>
      <input
        className="frame-scrubber-input"
        type="range"
        min={0}
        max={Math.max(0, n - 1)}
        step={1}
        value={preview.index}
        onChange={(e) => preview.setIndex(Number(e.target.value))}
        aria-label="Frame"
        aria-valuetext={valueText}
        data-testid="frame-slider"
      />
    </div>
  );
});
