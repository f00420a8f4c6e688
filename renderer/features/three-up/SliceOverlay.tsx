/**
 * Everything drawn over a slice image: crosshair lines for the other two planes,
 * rulers, orientation letters, slice position, window/level, scale bar and the probe.
 * An observer component: it re-renders on state changes, the image underneath does not.
 */
import { observer } from 'mobx-react-lite';
import { cross, dot, type Vec3 } from '../../../shared/math/vec3';
import type { PathStore, VolumePath } from '../../stores/PathStore';
import type { SliceViewState } from '../../stores/SliceViewState';
import { onViewPlane, pathCurve } from '../../viewers/slice/pathCurve';
import { rulerLengthMm, type Ruler, type ViewerStore } from '../../stores/ViewerStore';
import { directionLetters, niceLengthMm, SLICE_ORIENTATIONS, VIEW_BASES, type SliceOrientation } from '../../viewers/slice/sliceGeometry';
import { formatValue, formatWindow } from '../../viewers/valueFormat';
import { isHounsfield } from '../../viewers/windowLevel';
import { formatMm, ORIENTATION_COLOURS, ORIENTATION_NAMES } from './viewLabels';

/** Crosshair lines leave this many pixels clear around the centre, so the point itself stays visible. */
const CROSSHAIR_GAP = 10;

export const SliceOverlay = observer(function SliceOverlay({ view, viewer, paths }: { view: SliceViewState; viewer: ViewerStore; paths: PathStore }) {
  const { width, height } = view.transform;
  const probe = viewer.probe?.view === view.orientation ? viewer.probe : null;
  const rulers = [...viewer.rulers, ...(viewer.draftRuler ? [viewer.draftRuler] : [])].filter(
    (r) => r.view === view.orientation && Math.abs(view.distanceFromPlane(r.start)) < view.step / 2,
  );
  const labels = view.labels;
  return (
    <div className="slice-overlay">
      {/* Its own layer: the faint path traces do not change while the crosshair and the slice move (a flythrough step), so a software rasteriser keeps them instead of redrawing them every frame. */}
      <svg className="slice-overlay-svg" width={width} height={height} aria-hidden="true">
        {paths.paths.map((p) => (
          <PathTrace key={p.id} view={view} path={p} active={p.id === paths.activeId} />
        ))}
      </svg>
      <svg className="slice-overlay-svg" width={width} height={height} aria-hidden="true">
        {SLICE_ORIENTATIONS.filter((o) => o !== view.orientation).map((other) => (
          <CrosshairLine key={other} view={view} other={other} centre={viewer.crosshair} />
        ))}
        {rulers.map((r) => (
          <RulerGlyph key={r.id} view={view} ruler={r} />
        ))}
        {paths.paths.map((p) => (
          <PathGlyph key={p.id} view={view} path={p} active={p.id === paths.activeId} selected={p.id === paths.activeId ? paths.selectedPoint : null} />
        ))}
      </svg>
      <div className="orient orient-left" data-testid="orient-left">{labels.left}</div>
      <div className="orient orient-right" data-testid="orient-right">{labels.right}</div>
      <div className="orient orient-top" data-testid="orient-top">{labels.top}</div>
      <div className="orient orient-bottom" data-testid="orient-bottom">{labels.bottom}</div>
      <div className="corner corner-tl">
        <div className="view-name" style={{ color: ORIENTATION_COLOURS[view.orientation] }}>{ORIENTATION_NAMES[view.orientation]}</div>
        <div data-testid="slice-position">{positionText(view)}</div>
        <div className="muted" data-testid="slice-number">
          {view.sliceNumber} / {view.sliceCount}
        </div>
      </div>
      <div className="corner corner-bl" data-testid="view-window">
        {formatWindow(viewer.windowCenter, viewer.windowWidth, viewer.valueScale)}
        {view.zoom !== 1 && <span className="muted"> · {view.zoom.toFixed(2)}×</span>}
      </div>
      {probe && (
        <div className="corner corner-tr" data-testid="probe">
          <div data-testid="probe-value">{probe.value === null ? 'outside the volume' : `${formatValue(probe.value, viewer.valueScale, viewer.windowWidth)} ${viewer.volume && isHounsfield(viewer.volume.modality, viewer.volume.range) ? 'HU' : ''}`}</div>
          <div className="muted" data-testid="probe-position">
            {probe.lps.map((c) => c.toFixed(1)).join(', ')} mm
          </div>
        </div>
      )}
      <ScaleBar view={view} />
    </div>
  );
});

/** "S 12.0 mm": the plane's distance from the patient origin along the view normal. */
function positionText(view: SliceViewState): string {
  const n = view.basis.normal;
  const d = view.depth;
  const letter = directionLetters(d >= 0 ? n : [-n[0], -n[1], -n[2]]);
  return `${letter} ${formatMm(Math.abs(d))}`;
}

const CrosshairLine = observer(function CrosshairLine({ view, other, centre }: { view: SliceViewState; other: SliceOrientation; centre: Vec3 }) {
  // The other plane cuts this one along normal × otherNormal, through the crosshair.
  const dir = cross(view.basis.normal, VIEW_BASES[other].normal);
  const [cx, cy] = view.toScreen(centre);
  const along: [number, number] = [dot(dir, view.basis.right), dot(dir, view.basis.down)];
  const len = Math.hypot(along[0], along[1]);
  if (len < 1e-6) return null;
  const ux = along[0] / len;
  const uy = along[1] / len;
  const far = view.transform.width + view.transform.height;
  const colour = ORIENTATION_COLOURS[other];
  return (
    <g data-testid={`crosshair-${other}`} stroke={colour} strokeWidth={1} strokeOpacity={0.85}>
      <line x1={cx - ux * far} y1={cy - uy * far} x2={cx - ux * CROSSHAIR_GAP} y2={cy - uy * CROSSHAIR_GAP} />
      <line x1={cx + ux * CROSSHAIR_GAP} y1={cy + uy * CROSSHAIR_GAP} x2={cx + ux * far} y2={cy + uy * far} />
    </g>
  );
});

const RulerGlyph = observer(function RulerGlyph({ view, ruler }: { view: SliceViewState; ruler: Ruler }) {
  const [x1, y1] = view.toScreen(ruler.start);
  const [x2, y2] = view.toScreen(ruler.end);
  const label = `${rulerLengthMm(ruler).toFixed(1)} mm`;
  return (
    <g className="ruler" data-testid="ruler">
      <line x1={x1} y1={y1} x2={x2} y2={y2} />
      <circle cx={x1} cy={y1} r={3} />
      <circle cx={x2} cy={y2} r={3} />
      <text x={x2 + 8} y={y2 - 8} data-testid="ruler-length">
        {label}
      </text>
    </g>
  );
});

/**
 * A path projected onto the view: the whole curve faint, the part within a slice step of this
 * plane bright; control points filled when on this plane (the ones a press can take), hollow
 * when projected from elsewhere; the selected point of the active path ringed. Each point
 * carries its index and LPS position, so tests and tools can read where it is drawn.
 */
/** The whole path projected onto the view, thin and faint (solid: dashes cost a software rasteriser several ms a frame). */
const PathTrace = observer(function PathTrace({ view, path, active }: { view: SliceViewState; path: VolumePath; active: boolean }) {
  const all = pathCurve(path)
    .map((p) => view.toScreen(p))
    .map(([x, y]) => `${x.toFixed(1)},${y.toFixed(1)}`)
    .join(' ');
  return <polyline className="path-trace" points={all} stroke={path.colour} fill="none" strokeWidth={active ? 1.5 : 1} opacity={0.35} />;
});

/** Where the path crosses the view's plane (bold) and its control points (filled when on the plane). */
const PathGlyph = observer(function PathGlyph({ view, path, active, selected }: { view: SliceViewState; path: VolumePath; active: boolean; selected: number | null }) {
  const curve = pathCurve(path);
  const screen = curve.map((p) => view.toScreen(p));
  const near = curve.map((p) => onViewPlane(view, p));
  const close: string[] = [];
  for (let n = 1; n < curve.length; n++) {
    if (near[n - 1] && near[n]) close.push(`M${screen[n - 1]![0].toFixed(1)},${screen[n - 1]![1].toFixed(1)}L${screen[n]![0].toFixed(1)},${screen[n]![1].toFixed(1)}`);
  }
  return (
    <g className="path-glyph" data-testid={`path-${path.id}`} data-locked={path.locked || undefined} stroke={path.colour} fill="none">
      {close.length > 0 && <path d={close.join('')} strokeWidth={2.5} />}
      {path.points.map((p, n) => {
        const [x, y] = view.toScreen(p);
        const onPlane = onViewPlane(view, p);
        return (
          <circle
            key={n}
            data-testid="path-point"
            data-index={n}
            data-lps={p.join(',')}
            data-on-plane={onPlane || undefined}
            cx={x}
            cy={y}
            r={active ? 4 : 3}
            fill={onPlane ? path.colour : 'none'}
            strokeWidth={1.5}
          />
        );
      })}
      {selected !== null && path.points[selected] && <SelectedPoint view={view} p={path.points[selected]} index={selected} />}
    </g>
  );
});

const SelectedPoint = observer(function SelectedPoint({ view, p, index }: { view: SliceViewState; p: Vec3; index: number }) {
  const [x, y] = view.toScreen(p);
  return <circle data-testid="path-point-selected" data-index={index} cx={x} cy={y} r={7} stroke="#ffffff" strokeWidth={1.5} fill="none" strokeDasharray={onViewPlane(view, p) ? undefined : '2 2'} />;
});

const ScaleBar = observer(function ScaleBar({ view }: { view: SliceViewState }) {
  const { width, mmPerPixel } = view.transform;
  const mm = niceLengthMm(width * 0.25 * mmPerPixel);
  if (!(mm > 0)) return null;
  return (
    <div className="scale-bar" data-testid="scale-bar" data-mm={mm}>
      <div className="scale-bar-line" style={{ width: mm / mmPerPixel }} />
      <div>{formatMm(mm)}</div>
    </div>
  );
});
