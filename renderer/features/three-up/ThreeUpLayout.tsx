/**
 * The 2×2 grid: axial, coronal, sagittal and 3D. The splitters between them drag
 * (double-click one to even the grid); double-clicking a view maximises it.
 */
import { observer } from 'mobx-react-lite';
import { useRef, type PointerEvent as ReactPointerEvent, type ReactNode } from 'react';
import type { ViewerStore, ViewId } from '../../stores/ViewerStore';
import type { RendererVolume } from '../../viewers/RendererVolume';
import { SliceViewPanel } from './SliceViewPanel';

const CELLS: { id: ViewId; area: string }[] = [
  { id: 'axial', area: 'a' },
  { id: 'coronal', area: 'b' },
  { id: 'sagittal', area: 'c' },
  { id: '3d', area: 'd' },
];

export const ThreeUpLayout = observer(function ThreeUpLayout({ viewer, volume, view3d }: { viewer: ViewerStore; volume: RendererVolume; view3d: ReactNode }) {
  const gridRef = useRef<HTMLDivElement>(null);
  const maximised = viewer.maximised;
  const dragSplit = (axis: 'column' | 'row') => (e: ReactPointerEvent<HTMLDivElement>) => {
    const grid = gridRef.current!.getBoundingClientRect();
    e.currentTarget.setPointerCapture(e.pointerId);
    const move = (ev: PointerEvent): void => {
      if (axis === 'column') viewer.setSplit((ev.clientX - grid.left) / grid.width, viewer.splitRow);
      else viewer.setSplit(viewer.splitColumn, (ev.clientY - grid.top) / grid.height);
    };
    const target = e.currentTarget;
    const up = (): void => {
      target.removeEventListener('pointermove', move);
      target.removeEventListener('pointerup', up);
    };
    target.addEventListener('pointermove', move);
    target.addEventListener('pointerup', up);
  };
  const style = maximised
    ? { gridTemplateColumns: '1fr', gridTemplateRows: '1fr', gridTemplateAreas: `"${CELLS.find((c) => c.id === maximised)!.area}"` }
    : { gridTemplateColumns: `${viewer.splitColumn}fr ${1 - viewer.splitColumn}fr`, gridTemplateRows: `${viewer.splitRow}fr ${1 - viewer.splitRow}fr`, gridTemplateAreas: '"a b" "c d"' };

  return (
    <div className="three-up" ref={gridRef} style={style} data-testid="three-up" data-maximised={maximised ?? ''}>
      {CELLS.filter((c) => !maximised || c.id === maximised).map((c) => (
        <div key={c.id} className="three-up-cell" style={{ gridArea: c.area }}>
          {c.id === '3d' ? (
            <div className="view-3d-cell" onPointerDown={() => viewer.setActiveView('3d')} onDoubleClick={() => viewer.toggleMaximised('3d')}>
              {view3d}
            </div>
          ) : (
            <SliceViewPanel view={viewer.views[c.id]} viewer={viewer} volume={volume} />
          )}
        </div>
      ))}
      {!maximised && (
        <>
          <div className="splitter splitter-column" style={{ left: `calc(${viewer.splitColumn * 100}% - 3px)` }} onPointerDown={dragSplit('column')} onDoubleClick={() => viewer.setSplit(0.5, viewer.splitRow)} data-testid="splitter-column" />
          <div className="splitter splitter-row" style={{ top: `calc(${viewer.splitRow * 100}% - 3px)` }} onPointerDown={dragSplit('row')} onDoubleClick={() => viewer.setSplit(viewer.splitColumn, 0.5)} data-testid="splitter-row" />
        </>
      )}
    </div>
  );
});
