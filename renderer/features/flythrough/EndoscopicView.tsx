/**
 * The endoscopic pane: mounts EndoscopicRenderer in a div that fills it and pushes the store's
 * pose, view angle and path into it with reactions, so a step redraws it in the same task as
 * the slice views (no React render in between). Overlays the wall threshold and the state of
 * the wall surface (building, ready, failed).
 */
import { reaction } from 'mobx';
import { observer } from 'mobx-react-lite';
import { useEffect, useState, type RefObject } from 'react';
import type { FlythroughStore, LumenKind } from '../../stores/FlythroughStore';
import type { ReformatStore } from '../../stores/ReformatStore';
import type { RendererVolume } from '../../viewers/RendererVolume';
import { EndoscopicRenderer } from '../../viewers/endoscopy/EndoscopicRenderer';
import { DEFAULT_WALL_HU, WALL_HU_RANGE } from '../../viewers/endoscopy/endoscopicSurface';
import type { SurfaceEvent } from '../../viewers/volume3d/VolumeRenderer3D';

export interface EndoscopicViewProps {
  flythrough: FlythroughStore;
  reformat: ReformatStore;
  volume: RendererVolume;
  /** Set to the renderer while it is mounted: export and timing read its canvas and frame time. */
  rendererRef: RefObject<EndoscopicRenderer | null>;
}

const LUMEN_NAMES: Record<LumenKind, string> = { dark: 'air lumen', bright: 'contrast lumen' };

export const EndoscopicView = observer(function EndoscopicView({ flythrough, reformat, volume, rendererRef }: EndoscopicViewProps) {
  const [host, setHost] = useState<HTMLDivElement | null>(null);
  const [graphicsError, setGraphicsError] = useState<string | null>(null);
  const [surface, setSurface] = useState<SurfaceEvent | null>(null);
  const [wallHu, setWallHu] = useState<Record<LumenKind, number>>(DEFAULT_WALL_HU);
  const lumen = flythrough.lumen;

  useEffect(() => {
    if (!host) return;
    const renderer = new EndoscopicRenderer(host, { onGraphicsError: setGraphicsError, onSurface: setSurface });
    rendererRef.current = renderer;
    const disposers = [
      reaction(() => flythrough.viewAngleDeg, (deg) => renderer.setViewAngle(deg), { fireImmediately: true }),
      reaction(
        () => reformat.plan,
        (plan) => {
          const points = plan ? plan.sampled.samples.map((s) => s.point) : null;
          // A closed path's samples stop short of its start: close the line and the tube round it.
          if (points && reformat.path?.closed) points.push(points[0]!);
          renderer.setPath(points);
        },
        { fireImmediately: true },
      ),
      // Playing draws the coarse wall (cheap enough for every animation frame); the pause redraws the fine one.
      reaction(() => flythrough.moving, (moving) => renderer.setMoving(moving), { fireImmediately: true }),
      reaction(() => flythrough.pose, (pose) => renderer.setPose(pose), { fireImmediately: true }),
    ];
    const resizeObserver = new ResizeObserver(() => renderer.resize());
    resizeObserver.observe(host);
    // Let the 2D views paint first: uploading the volume texture takes longer than all of them.
    let timer: ReturnType<typeof setTimeout> | undefined;
    const frame = requestAnimationFrame(() => {
      timer = setTimeout(() => renderer.setVolume(volume), 0);
    });
    return () => {
      cancelAnimationFrame(frame);
      clearTimeout(timer);
      disposers.forEach((dispose) => dispose());
      resizeObserver.disconnect();
      rendererRef.current = null;
      renderer.dispose();
    };
  }, [host, flythrough, reformat, volume, rendererRef]);

  useEffect(() => {
    rendererRef.current?.setTransfer(lumen, wallHu[lumen]);
    // A new renderer (new host or volume) starts from the defaults: give it the current choice.
  }, [host, volume, lumen, wallHu, rendererRef]);

  const [low, high] = WALL_HU_RANGE[lumen];
  return (
    <div className="endoscopic-view" data-testid="endoscopic-view">
      <div className="endoscopic-canvas-host" data-testid="endoscopic-canvas-host" ref={setHost} />
      {graphicsError ? (
        <div className="endoscopic-message" data-testid="endoscopic-message" role="alert">
          {graphicsError}
        </div>
      ) : (
        <div className="endoscopic-overlay">
          <div className="view-name">Endoscopic · {LUMEN_NAMES[lumen]}</div>
          {/* Keys typed into the slider must not reach the flythrough's shortcuts. */}
          <label className="endoscopic-wall" onKeyDown={(event) => event.stopPropagation()} title="Values on the far side of this threshold are the wall">
            Wall <output data-testid="endoscopic-wall-value">{wallHu[lumen]} HU</output>
            <input
              type="range"
              data-testid="endoscopic-wall"
              min={low}
              max={high}
              step={10}
              value={wallHu[lumen]}
              onChange={(event) => setWallHu({ ...wallHu, [lumen]: Number(event.target.value) })}
            />
          </label>
          {surface?.kind === 'computing' && (
            <div className="endoscopic-status" data-testid="endoscopic-status" role="status">
              Building the lumen wall…
            </div>
          )}
          {surface?.kind === 'error' && (
            <div className="endoscopic-status is-error" data-testid="endoscopic-status" role="alert">
              {surface.message}
            </div>
          )}
          {surface?.kind === 'ready' && (
            <div className="muted" data-testid="endoscopic-surface" data-triangles={surface.triangles}>
              {surface.triangles === 0
                ? `No ${lumen === 'dark' ? 'air' : 'contrast'} lumen around the path at ${wallHu[lumen]} HU: is the path inside one, and is the lumen kind right?`
                : `${Math.round(surface.triangles / 1000)}k triangles`}
            </div>
          )}
        </div>
      )}
    </div>
  );
});
