/**
 * The banner over a rotational run: these frames are X-ray projections, not slices, and
 * the way to slices is reconstruction. "Reconstruct…" opens the Reconstruct panel.
 */
import { observer } from 'mobx-react-lite';
import { useStores } from '../../app/StoreContext';
import type { PreviewStore } from '../../stores/PreviewStore';
import { primaryAngleLabel } from './angleLabel';
import { ConeBeamIcon } from './icons';

export const ProjectionCallToAction = observer(function ProjectionCallToAction({ preview }: { preview: PreviewStore }) {
  const { reconstruct, study } = useStores();
  const series = preview.series;
  if (!series || series.kind !== 'rotational-projections') return null;
  const primary = series.frameAngles?.primaryDeg;
  const sweep =
    primary && primary.length > 1
      ? `${series.frames} X-ray views from ${primaryAngleLabel(primary[0])} to ${primaryAngleLabel(primary[primary.length - 1])}`
      : `${series.frames} X-ray views taken while the C-arm rotated`;
  const made = study.derivedOf(series.uid);

  return (
    <div className="projection-cta" data-testid="projection-cta">
      <div className="projection-cta-main" role="note">
        <span className="projection-cta-icon">
          <ConeBeamIcon />
        </span>
        <div className="projection-cta-text">
          <strong>This is projection data, not a volume.</strong>
          <span className="muted">
            {sweep}. Reconstruct them into a 3D volume to see slices and reformats.
            {made.length > 0 && ` ${made.length} reconstruction${made.length === 1 ? ' is' : 's are'} listed under this run in the series list.`}
          </span>
        </div>
        <button
          type="button"
          className="btn btn-primary projection-cta-button"
          data-testid="reconstruct-button"
          onMouseDown={(e) => e.preventDefault()}
          onClick={() => void reconstruct.openFor(series)}
          aria-haspopup="dialog"
          title="Reconstruct a 3D volume from this run (cone-beam FDK): geometry report, preview, parameters"
        >
          Reconstruct…
        </button>
      </div>
    </div>
  );
});
