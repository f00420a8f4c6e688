/**
 * The projections an export wrote (read back from its NRRDs by main): one tab per kind, raw
 * values at true mm. An X-ray-like sum holds line integrals of attenuation, not HU, so it gets
 * its own window (1st–99th percentile, as the exported PNG) rather than the CT window.
 */
import { observer } from 'mobx-react-lite';
import { useMemo, useState } from 'react';
import type { ProjectionImage } from '../../../shared/contracts/ipc';
import { percentileWindow } from '../../../shared/io/png';
import type { ReformatStore } from '../../stores/ReformatStore';
import type { ViewerStore } from '../../stores/ViewerStore';
import { PlaneImageView, type PlaneImage } from './PlaneImageView';

const KIND_NAMES: Record<ProjectionImage['kind'], string> = { mip: 'MIP', minip: 'MinIP', mean: 'Mean', xray: 'X-ray', panoramic: 'Panoramic' };

export const ProjectionViews = observer(function ProjectionViews({ reformat, viewer, measuring }: { reformat: ReformatStore; viewer: ViewerStore; measuring: boolean }) {
  const projections = reformat.exportResult?.projections ?? [];
  const [chosen, setChosen] = useState<ProjectionImage['kind'] | null>(null);
  const shown = projections.find((p) => p.kind === chosen) ?? projections[0] ?? null;
  const image: PlaneImage | null = useMemo(() => (shown ? { width: shown.width, height: shown.height, pixels: shown.pixels, pixelMm: shown.pixelSpacing } : null), [shown]);
  const ownWindow = useMemo(() => (shown?.kind === 'xray' ? percentileWindow(shown.pixels) : null), [shown]);
  const [xrayWindow, setXrayWindow] = useState<{ center: number; width: number } | null>(null);
  if (!shown || !image) {
    return <div className="reformat-placeholder muted">Projections appear here after an export.</div>;
  }
  const window = shown.kind === 'xray' ? (xrayWindow ?? ownWindow!) : { center: viewer.windowCenter, width: viewer.windowWidth };
  return (
    <div className="projection-views">
      <div className="projection-tabs" role="tablist">
        {projections.map((p) => (
          <button key={p.kind} role="tab" aria-selected={p === shown} className={`btn btn-tool${p === shown ? ' is-on' : ''}`} data-testid={`projection-tab-${p.kind}`} onClick={() => setChosen(p.kind)}>
            {KIND_NAMES[p.kind]}
          </button>
        ))}
      </div>
      <div className="projection-image">
        <PlaneImageView
          testId="projection-view"
          title={`${KIND_NAMES[shown.kind]} projection`}
          image={image}
          windowCenter={window.center}
          windowWidth={window.width}
          onWindow={(center, width) => (shown.kind === 'xray' ? setXrayWindow({ center, width }) : viewer.setWindow(center, width))}
          measuring={measuring}
        >
          <div className="muted">
            {shown.width}×{shown.height} · {shown.pixelSpacing.map((s) => s.toFixed(2)).join(' × ')} mm
          </div>
        </PlaneImageView>
      </div>
    </div>
  );
});
