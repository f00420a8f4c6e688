/**
 * One slice view: the canvas (drawn by SliceViewport through reactions), its overlay,
 * and the mouse: left button = the active tool, middle = pan, right = window/level,
 * wheel = scroll slices (Ctrl+wheel zooms), double click = maximise.
 *
 * The path tool: a press on a control point of the active path drawn on this plane takes it
 * (select, and drag it within the plane); Alt+press inserts a point on the nearest span of
 * the curve; any other press adds a point at the end. A press and its drag are one undo step.
 */
import { observer } from 'mobx-react-lite';
import { useEffect, useRef, useState, type PointerEvent as ReactPointerEvent } from 'react';
import { add, addScaled, sub, type Vec3 } from '../../../shared/math/vec3';
import { lockedPathNotice } from '../../stores/PathStore';
import type { SliceViewState } from '../../stores/SliceViewState';
import type { ToolId, ViewerStore } from '../../stores/ViewerStore';
import type { RendererVolume } from '../../viewers/RendererVolume';
import { registerPerfProbe } from '../../viewers/perfProbe';
import { SliceViewport } from '../../viewers/slice/SliceViewport';
import { useStores } from '../../app/StoreContext';
import { SliceOverlay } from './SliceOverlay';
import { pointerIn, wheelSteps } from '../../viewers/wheelSteps';
import { hitControlPoint, nearestOnCurve } from '../../viewers/slice/pathCurve';
import { usePathKeys } from '../path-editor/usePathKeys';

interface Drag {
  tool: ToolId;
  x: number;
  y: number;
  startX: number;
  startY: number;
  /** Path tool: the control point dragged, where it was, and the plane point first pressed. */
  point?: { index: number; from: Vec3; grab: Vec3 };
}

export const SliceViewPanel = observer(function SliceViewPanel({ view, viewer, volume }: { view: SliceViewState; viewer: ViewerStore; volume: RendererVolume }) {
  const hostRef = useRef<HTMLDivElement>(null);
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const drag = useRef<Drag | null>(null);
  const wheel = useRef(0);
  const orientation = view.orientation;
  const { paths, layout } = useStores();
  const [overPoint, setOverPoint] = useState(false);
  usePathKeys();

  useEffect(() => {
    const viewport = new SliceViewport(canvasRef.current!, view, viewer, volume);
    const unregister = registerPerfProbe(`slice:${orientation}`, () => ({ seriesUid: volume.seriesUid, ...viewport.timings }));
    return () => {
      unregister();
      viewport.dispose();
    };
  }, [view, viewer, volume, orientation]);

  useEffect(() => {
    const host = hostRef.current!;
    const observer = new ResizeObserver(([entry]) => entry && view.setSize(entry.contentRect.width, entry.contentRect.height));
    observer.observe(host);
    // React's onWheel is passive; a non-passive listener lets the page not scroll.
    const onWheel = (e: WheelEvent): void => {
      e.preventDefault();
      const rect = host.getBoundingClientRect();
      if (e.ctrlKey || e.metaKey) {
        view.zoomAt(Math.exp(-e.deltaY * 0.0015), e.clientX - rect.left, e.clientY - rect.top);
        return;
      }
      const steps = wheelSteps(wheel, e);
      if (steps !== 0) {
        viewer.setActiveView(orientation);
        view.scroll(-steps);
      }
    };
    host.addEventListener('wheel', onWheel, { passive: false });
    return () => {
      observer.disconnect();
      host.removeEventListener('wheel', onWheel);
    };
  }, [view, viewer, orientation]);

  const local = (e: ReactPointerEvent): [number, number] => pointerIn(hostRef.current!, e);

  const onPointerDown = (e: ReactPointerEvent<HTMLDivElement>): void => {
    const [x, y] = local(e);
    viewer.setActiveView(orientation);
    const tool: ToolId = e.button === 1 ? 'pan' : e.button === 2 ? 'windowLevel' : e.shiftKey ? 'pan' : viewer.tool;
    e.currentTarget.setPointerCapture(e.pointerId);
    drag.current = { tool, x, y, startX: x, startY: y };
    if (tool === 'crosshair') viewer.setCrosshair(view.toWorld(x, y));
    if (tool === 'ruler') viewer.beginRuler(orientation, view.toWorld(x, y));
    if (tool === 'path') drag.current.point = pressPath(x, y, e.altKey) ?? undefined;
  };

  /** The path tool's press: take a point, insert one, or add one; returns the point to drag. */
  const pressPath = (x: number, y: number, insert: boolean): Drag['point'] | null => {
    const path = paths.active;
    const grab = view.toWorld(x, y);
    const hit = path && !insert ? hitControlPoint(view, path, x, y) : null;
    if (path && hit !== null) {
      paths.selectPoint(hit);
      if (path.locked) return null;
      paths.beginGesture();
      return { index: hit, from: path.points[hit]!, grab };
    }
    if (path?.locked) {
      layout.showNotice({ kind: 'info', text: lockedPathNotice(path.name) });
      return null;
    }
    paths.beginGesture();
    const nearest = insert && path ? nearestOnCurve(view, path, x, y) : null;
    // An inserted point goes where it was clicked, at the depth the curve has there.
    const added = nearest ? addScaled(grab, view.basis.normal, view.distanceFromPlane(nearest.point)) : grab;
    if (nearest) paths.insertPoint(nearest.insertAt, added);
    else paths.addPoint(added);
    return paths.selectedPoint === null ? null : { index: paths.selectedPoint, from: added, grab };
  };

  const onPointerMove = (e: ReactPointerEvent<HTMLDivElement>): void => {
    const [x, y] = local(e);
    viewer.setProbe(orientation, view.toWorld(x, y));
    const d = drag.current;
    if (!d) {
      const over = viewer.tool === 'path' && paths.active !== null && hitControlPoint(view, paths.active, x, y) !== null;
      if (over !== overPoint) setOverPoint(over);
      return;
    }
    const dx = x - d.x;
    const dy = y - d.y;
    d.x = x;
    d.y = y;
    switch (d.tool) {
      case 'crosshair':
        viewer.setCrosshair(view.toWorld(x, y));
        break;
      case 'ruler':
        viewer.dragRuler(view.toWorld(x, y));
        break;
      case 'pan':
        view.panBy(dx, dy);
        break;
      case 'path':
        // Within the plane: the point keeps its depth and its offset from where it was grabbed.
        if (d.point) paths.movePoint(d.point.index, add(d.point.from, sub(view.toWorld(x, y), d.point.grab)));
        break;
      case 'zoom':
        view.zoomAt(Math.exp(-dy * 0.01), d.startX, d.startY);
        break;
      case 'windowLevel':
        viewer.dragWindow(dx, dy);
        break;
    }
  };

  const onPointerUp = (): void => {
    if (drag.current?.tool === 'ruler') viewer.endRuler();
    if (drag.current?.tool === 'path') paths.endGesture();
    drag.current = null;
  };

  return (
    <div
      ref={hostRef}
      className={`slice-view tool-${viewer.tool}${viewer.activeView === orientation ? ' is-active' : ''}`}
      style={overPoint && viewer.tool === 'path' ? { cursor: 'move' } : undefined}
      data-testid={`view-${orientation}`}
      data-view={orientation}
      onPointerDown={onPointerDown}
      onPointerMove={onPointerMove}
      onPointerUp={onPointerUp}
      onPointerCancel={onPointerUp}
      onPointerLeave={() => viewer.setProbe(orientation, null)}
      onDoubleClick={() => viewer.toggleMaximised(orientation)}
      onContextMenu={(e) => e.preventDefault()}
    >
      <canvas ref={canvasRef} className="slice-canvas" data-testid={`canvas-${orientation}`} />
      <SliceOverlay view={view} viewer={viewer} paths={paths} />
    </div>
  );
});
