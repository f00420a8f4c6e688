/**
 * The banner over a rotational run: these frames are X-ray projections, not slices, and
 * the way to slices is reconstruction. "Reconstruct…" records the request in the store;
 * the cone-beam reconstruction feature will start the job from it. Until then the
 * banner says so plainly instead of pretending to work.
 */
import { observer } from 'mobx-react-lite';
import type { PreviewStore } from '../../stores/PreviewStore';
import { primaryAngleLabel } from './angleLabel';
import { ConeBeamIcon } from './icons';

export const ProjectionCallToAction = observer(function ProjectionCallToAction({ preview }: { preview: PreviewStore }) {
  const series = preview.series;
  if (!series || series.kind !== 'rotational-projections') return null;
  const primary = series.frameAngles?.primaryDeg;
  const sweep =
    primary && primary.length > 1
      ? `${series.frames} X-ray views from ${primaryAngleLabel(primary[0])} to ${primaryAngleLabel(primary[primary.length - 1])}`
      : `${series.frames} X-ray views taken while the C-arm rotated`;

  return (
    <div className="projection-cta" data-testid="projection-cta">
      <div className="projection-cta-main" role="note">
        <span className="projection-cta-icon">
          <ConeBeamIcon />
        </span>
        <div className="projection-cta-text">
          <strong>This is projection data, not a volume.</strong>
          <span className="muted">{sweep}. Reconstruct them into a 3D volume to see slices and reformats.</span>
        </div>
        <button
          type="button"
          className="btn btn-primary projection-cta-button"
          data-testid="reconstruct-button"
          onMouseDown={(e) => e.preventDefault()}
          onClick={preview.requestReconstruction}
          aria-pressed={preview.reconstructRequested}
        >
          Reconstruct…
        </button>
      </div>
      {preview.reconstructRequested && (
        <div className="projection-cta-note" role="status" data-testid="reconstruct-unavailable">
          <span>
            Reconstruction is not available in this version yet. It comes with the cone-beam reconstruction feature, which turns these {series.frames} projections
            into a volume. Nothing has been started.
          </span>
          <button type="button" className="btn btn-ghost" onClick={preview.dismissReconstructionRequest} aria-label="Dismiss">
            ×
          </button>
        </div>
      )}
    </div>
  );
});
