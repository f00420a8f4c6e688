/**
 * The 3D pane of the workstation grid: mounts VolumeRenderer3D in a div that fills
 * its cell, pushes the store's preset / mode / iso value and the paths into it with
 * reactions, places a path point where a click with the path tool lands on the volume,
 * drags the active path's points over it (one undo step per drag, Escape puts it back),
 * and overlays the controls, the surface status and the orientation letters.
 */
import { reaction } from 'mobx';
import { observer } from 'mobx-react-lite';
import { useEffect, useRef, useState } from 'react';
import { useStores } from '../../app/StoreContext';
import { lockedPathNotice, type PathStore, type VolumePath } from '../../stores/PathStore';
import type { View3DStore } from '../../stores/View3DStore';
import type { RendererVolume } from '../../viewers/RendererVolume';
import { registerPerfProbe } from '../../viewers/perfProbe';
import { pathCurve } from '../../viewers/slice/pathCurve';
import { rgbFromHex, type PathTube } from '../../viewers/volume3d/pathTubes';
import { VolumeRenderer3D, type PointDragEvent, type RenderQuality, type SurfaceEvent, type VolumePick } from '../../viewers/volume3d/VolumeRenderer3D';
import { autoWindow, isPresetId, PRESET_IDS, PRESET_LABELS } from '../../viewers/volume3d/volumePresets';
import { formatValue } from '../../viewers/valueFormat';
import { isHounsfield, valueScaleOf } from '../../viewers/windowLevel';
import './view3d.css';

export interface View3DPanelProps {
  volume: RendererVolume | null;
  store: View3DStore;
  /** Rendering profile; 'auto' (default) drops to 'software' on CPU rasterisers. Benchmarks may force one. */
  quality?: RenderQuality | 'auto';
}

function surfaceEventToStore(store: View3DStore, event: SurfaceEvent): void {
  switch (event.kind) {
    case 'computing':
      store.setStatus('computing-surface');
      break;
    case 'ready':
      store.setStatus('idle');
      store.setSurface({ factors: event.factors, triangles: event.triangles, ms: event.ms });
      break;
    case 'cancelled':
      store.setStatus('idle');
      // Nothing computed yet for this volume: isosurface mode would just show the volume.
      if (!store.surface) store.setMode('volume');
      break;
    case 'error':
      store.setStatus(event.message);
      break;
  }
}

/**
 * A control-point drag into the path store: the press selects the point and opens the gesture
 * that makes every move one undo step; a locked path says so instead. Returns the handler, which
 * keeps the moves' pick times for the store's summary.
 */
function pointDragToStores(paths: PathStore, store: View3DStore): (event: PointDragEvent) => void {
  let moveMs: number[] = [];
  return (event) => {
    switch (event.kind) {
      case 'locked':
        paths.selectPoint(event.index);
        if (paths.active) store.showNotice(lockedPathNotice(paths.active.name));
        break;
      case 'grab':
        moveMs = [];
        paths.selectPoint(event.index);
        paths.beginGesture();
        break;
      case 'move':
        moveMs.push(event.ms);
        paths.movePoint(event.index, event.point);
        break;
      case 'end':
        paths.endGesture();
        store.setDrag(moveMs);
        break;
      case 'cancel':
        paths.cancelGesture();
        break;
    }
  };
}

/** How long "No surface under the cursor" stays up. */
const PICK_NOTICE_MS = 2500;

/** The paths as the 3D view draws them: the slice views' curve (one spline for every view). */
function tubesOf(paths: readonly VolumePath[], activeId: number | null, selectedPoint: number | null): PathTube[] {
  return paths.map((path) => {
    const active = path.id === activeId;
    return { curve: pathCurve(path), controlPoints: path.points, colour: rgbFromHex(path.colour), active, selectedPoint: active ? selectedPoint : null, locked: path.locked };
  });
}

/** The last pick for tests and scripts: "x,y,z" in LPS mm, "none" for a miss. */
function formatPick(pick: VolumePick | null): string | undefined {
  if (!pick) return undefined;
  return pick.point ? pick.point.map((c) => c.toFixed(3)).join(',') : 'none';
}

function formatTriangles(n: number): string {
  return n >= 1e6 ? `${(n / 1e6).toFixed(1)}M` : n >= 1e3 ? `${Math.round(n / 1e3)}k` : String(n);
}

export const View3DPanel = observer(function View3DPanel({ volume, store, quality = 'auto' }: View3DPanelProps) {
  // A callback ref in state so the renderer follows the host element's lifetime.
  const [host, setHost] = useState<HTMLDivElement | null>(null);
  const rendererRef = useRef<VolumeRenderer3D | null>(null);
  const { paths, viewer } = useStores();

  useEffect(() => {
    if (!host) return;
    const renderer = new VolumeRenderer3D(host, {
      onSurface: (event) => surfaceEventToStore(store, event),
      onOrientation: (letters) => store.setOrientation(letters),
      onGraphicsError: (message) => store.setGraphicsError(message),
      onPick: (pick) => {
        store.setPick(pick);
        if (pick.point) paths.addPoint(pick.point);
      },
      onPointDrag: pointDragToStores(paths, store),
    }, { quality });
    rendererRef.current = renderer;
    store.setGraphicsError(null);
    store.setRenderQuality(renderer.supported ? renderer.quality : null);
    store.setOrientation(renderer.orientation());
    const disposers = [
      reaction(() => store.presetId, (id) => renderer.setPreset(id), { fireImmediately: true }),
      reaction(() => store.isoValue, (value) => renderer.setIsoValue(value), { fireImmediately: true }),
      reaction(() => store.mode, (mode) => renderer.setMode(mode), { fireImmediately: true }),
      reaction(() => tubesOf(paths.paths, paths.activeId, paths.selectedPoint), (tubes) => renderer.setPaths(tubes), { fireImmediately: true }),
      reaction(() => viewer.tool === 'path', (placing) => renderer.setPicking(placing), { fireImmediately: true }),
    ];
    const resizeObserver = new ResizeObserver(() => renderer.resize());
    resizeObserver.observe(host);
    const view3dFps = async (frames?: number): Promise<number> => {
      const fps = await renderer.measureFps(frames);
      store.setFps(fps);
      return fps;
    };
    // Full-quality frames per second while the camera turns, for the Playwright bench.
    const unregisterFps = registerPerfProbe('view3dFps', view3dFps);
    return () => {
      disposers.forEach((dispose) => dispose());
      resizeObserver.disconnect();
      unregisterFps();
      rendererRef.current = null;
      renderer.dispose();
      store.setStatus('idle');
    };
  }, [host, store, quality, paths, viewer]);

  const { lastPick, pickNotice, lastDrag } = store;
  useEffect(() => {
    if (!pickNotice) return;
    const timer = setTimeout(() => store.dismissPickNotice(), PICK_NOTICE_MS);
    return () => clearTimeout(timer);
  }, [lastPick, pickNotice, store]);

  useEffect(() => {
    // Let the slice views paint first: uploading the volume texture (and, on a software GPU, the
    // first 3D frame) takes longer than all three slices together.
    let timer: ReturnType<typeof setTimeout> | undefined;
    const frame = requestAnimationFrame(() => {
      timer = setTimeout(() => {
        store.adoptVolume(volume ? { modality: volume.modality, range: volume.range, autoWindow: autoWindow(volume.voxels, volume.range) } : null);
        rendererRef.current?.setVolume(volume);
      }, 0);
    });
    return () => {
      cancelAnimationFrame(frame);
      clearTimeout(timer);
    };
  }, [volume, store, host]);

  const unit = volume && isHounsfield(volume.modality, volume.range) ? 'HU' : '';
  const [isoLow, isoHigh] = store.isoRange;
  const surface = store.surface;
  const { orientation } = store;
  const placing = viewer.tool === 'path';

  return (
    <div
      className={placing ? 'view3d is-placing' : 'view3d'}
      data-testid="view3d"
      data-pick={formatPick(lastPick)}
      data-pick-ms={lastPick?.ms.toFixed(2)}
      // The last drag's pick time per move, for tests and scripts: "mean,max,moves" in ms.
      data-drag-ms={lastDrag ? `${lastDrag.meanMs.toFixed(2)},${lastDrag.maxMs.toFixed(2)},${lastDrag.moves}` : undefined}
    >
      <div
        className="view3d-canvas-host"
        data-testid="view3d-canvas-host"
        ref={setHost}
        aria-label={`3D view: ${placing ? 'click to place a path point, drag a point to move it, ' : ''}drag to rotate, right-drag or Ctrl-drag to zoom, Shift-drag to pan, R to reset`}
      />
      {store.graphicsError ? (
        <div className="view3d-message is-error" data-testid="view3d-message" role="alert">
          {store.graphicsError}
        </div>
      ) : !volume ? (
        <div className="view3d-message" data-testid="view3d-message">
          No volume loaded
        </div>
      ) : (
        <>
          <div className="view3d-orient view3d-orient-left" data-testid="view3d-orient-left">{orientation.left}</div>
          <div className="view3d-orient view3d-orient-right" data-testid="view3d-orient-right">{orientation.right}</div>
          <div className="view3d-orient view3d-orient-top" data-testid="view3d-orient-top">{orientation.top}</div>
          <div className="view3d-orient view3d-orient-bottom" data-testid="view3d-orient-bottom">{orientation.bottom}</div>
          {/* Keys typed into the controls (arrows on the slider) must not reach the app's shortcuts. */}
          <div className="view3d-toolbar" onKeyDown={(event) => event.stopPropagation()}>
            <select
              data-testid="view3d-preset"
              aria-label="Rendering preset"
              value={store.presetId}
              onChange={(event) => {
                if (isPresetId(event.target.value)) store.setPreset(event.target.value);
              }}
            >
              {PRESET_IDS.map((id) => (
                <option key={id} value={id}>
                  {PRESET_LABELS[id]}
                </option>
              ))}
            </select>
            <div className="view3d-mode" role="group" aria-label="Rendering mode" data-testid="view3d-mode">
              <button type="button" aria-pressed={store.mode === 'volume'} onClick={() => store.setMode('volume')}>
                Volume
              </button>
              <button type="button" aria-pressed={store.mode === 'isosurface'} onClick={() => store.setMode('isosurface')}>
                Isosurface
              </button>
            </div>
            {store.mode === 'isosurface' && (
              <label className="view3d-iso">
                <span className="view3d-iso-label">
                  Threshold <output>{`${volume ? formatValue(store.isoValue, valueScaleOf(volume.voxels, volume.range), isoHigh - isoLow) : ''}${unit ? ` ${unit}` : ''}`}</output>
                </span>
                <input
                  type="range"
                  data-testid="view3d-iso"
                  min={isoLow}
                  max={isoHigh}
                  step={store.isoStep}
                  value={store.isoValue}
                  onChange={(event) => store.setIsoValue(Number(event.target.value))}
                />
              </label>
            )}
            <button type="button" data-testid="view3d-reset" onClick={() => rendererRef.current?.resetCamera()} title="Anterior view, fitted (R)">
              Reset view
            </button>
          </div>
          {store.computing ? (
            <div className="view3d-status" data-testid="view3d-status" role="status">
              <span className="view3d-spinner" aria-hidden="true" />
              Computing surface…
              <button type="button" onClick={() => rendererRef.current?.cancelSurface()}>
                Cancel
              </button>
            </div>
          ) : store.errorText ? (
            <div className="view3d-status is-error" data-testid="view3d-status" role="alert">
              {store.errorText}
            </div>
          ) : null}
          {pickNotice && (
            <div className="view3d-notice" data-testid="view3d-pick-notice" role="status">
              {pickNotice}
            </div>
          )}
          {store.mode === 'volume' && store.renderQuality === 'software' && (
            <div className="view3d-info" data-testid="view3d-quality" title="No hardware GPU: fewer rays, no shading">
              Software GPU · reduced quality
            </div>
          )}
          {store.mode === 'isosurface' && surface && !store.computing && (
            <div className="view3d-info" data-testid="view3d-surface-info">
              {surface.triangles === 0
                ? 'No surface at this threshold'
                : `${formatTriangles(surface.triangles)} triangles${surface.factors.some((f) => f > 1) ? ` · ${surface.factors.join('×')} voxel blocks` : ''}`}
            </div>
          )}
        </>
      )}
    </div>
  );
});
