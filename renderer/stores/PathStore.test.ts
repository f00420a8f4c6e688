/**
 * Path editing as a user does it, checked against the states it must return to: every edit is
 * one undo step (a drag however many moves), redo replays it, a locked path refuses edits, the
 * session keeps what the user drew, and snap to centre lands on an analytic tube's axis.
 */
import { describe, expect, it } from 'vitest';
import { fromAxes, transformPoint } from '../../shared/math/mat4';
import { writeMarkups } from '../../shared/io/markups';
import type { Vec3 } from '../../shared/math/vec3';
import { PathStore } from './PathStore';

const A: Vec3 = [0, 0, 0];
const B: Vec3 = [10, 0, 0];
const C: Vec3 = [20, 5, 0];
const D: Vec3 = [30, 5, 2];

function points(paths: PathStore): Vec3[] {
  return paths.active?.points ?? [];
}

describe('PathStore', () => {
  it('a new path never takes the name of one restored from the session', () => {
    const paths = new PathStore();
    paths.restore([{ name: 'Path 1', colour: '#4fc3f7', closed: false, locked: false, points: [A, B] }, { name: 'Path 3', colour: '#ff8a65', closed: false, locked: false, points: [B, C] }]);
    paths.newPath();
    paths.newPath();
    expect(paths.paths.map((p) => p.name)).toEqual(['Path 1', 'Path 3', 'Path 4', 'Path 5']);
  });

  it('add, move, insert, delete and close: each one undo step, redone in order', () => {
    const paths = new PathStore();
    paths.addPoint(A);
    paths.addPoint(B);
    paths.addPoint(C);
    expect(paths.paths).toHaveLength(1);
    expect(paths.selectedPoint).toBe(2);
    paths.movePoint(1, [10, 3, 0]);
    paths.insertPoint(2, [15, 4, 0]);
    expect(paths.selectedPoint).toBe(2);
    paths.deletePoint(0);
    paths.setClosed(true);
    const states = [[A], [A, B], [A, B, C], [A, [10, 3, 0], C], [A, [10, 3, 0], [15, 4, 0], C], [[10, 3, 0], [15, 4, 0], C]];
    expect(paths.active!.closed).toBe(true);
    paths.undo();
    expect(paths.active!.closed).toBe(false);
    for (let k = states.length - 1; k >= 0; k--) {
      expect(points(paths)).toEqual(states[k]);
      paths.undo();
    }
    // Undoing the first point undoes the path it created.
    expect(paths.paths).toEqual([]);
    expect(paths.canUndo).toBe(false);
    for (const state of states) {
      paths.redo();
      expect(points(paths)).toEqual(state);
    }
    paths.redo();
    expect(paths.active!.closed).toBe(true);
    expect(paths.canRedo).toBe(false);
  });

  it('a drag is one undo step however many moves it makes; a new edit forgets the redo', () => {
    const paths = new PathStore();
    [A, B, C].forEach(paths.addPoint);
    paths.beginGesture();
    for (let x = 10; x <= 14; x++) paths.movePoint(1, [x, 1, 0]);
    paths.endGesture();
    expect(points(paths)[1]).toEqual([14, 1, 0]);
    paths.undo();
    expect(points(paths)).toEqual([A, B, C]);
    paths.redo();
    expect(points(paths)[1]).toEqual([14, 1, 0]);
    paths.undo();
    paths.addPoint(D);
    expect(paths.canRedo).toBe(false);
    // A press that adds a point and drags it is one step too; a press that moves nothing is none.
    paths.beginGesture();
    paths.addPoint([40, 0, 0]);
    paths.movePoint(4, [41, 1, 0]);
    paths.endGesture();
    paths.beginGesture();
    paths.endGesture();
    paths.undo();
    expect(points(paths)).toEqual([A, B, C, D]);
  });

  it('a cancelled drag puts the point back and leaves no undo step; a cancel outside a drag does nothing', () => {
    const paths = new PathStore();
    [A, B, C].forEach(paths.addPoint);
    paths.selectPoint(1);
    const before = paths.paths;
    const edits = paths.edits;
    paths.beginGesture();
    for (let x = 10; x <= 14; x++) paths.movePoint(1, [x, 1, 0]);
    paths.cancelGesture();
    expect(points(paths)).toEqual([A, B, C]);
    expect(paths.paths).toBe(before);
    expect(paths.selectedPoint).toBe(1);
    // The session saves on edits: moving and moving back are both changes it must hear of.
    expect(paths.edits).toBeGreaterThan(edits);
    paths.undo();
    expect(points(paths)).toEqual([A, B]);
    paths.redo();
    paths.cancelGesture();
    expect(points(paths)).toEqual([A, B, C]);
  });

  it('Delete removes the selected point; U removes the last; both undoable', () => {
    const paths = new PathStore();
    [A, B, C].forEach(paths.addPoint);
    paths.selectPoint(1);
    expect(paths.deletePoint()).toBe(true);
    expect(points(paths)).toEqual([A, C]);
    expect(paths.selectedPoint).toBeNull();
    expect(paths.deletePoint()).toBe(false);
    paths.removeLastPoint();
    expect(points(paths)).toEqual([A]);
    paths.undo();
    paths.undo();
    expect(points(paths)).toEqual([A, B, C]);
    paths.selectPoint(7);
    expect(paths.selectedPoint).toBeNull();
  });

  it('a locked path refuses every edit but unlocking, and undo unlocks before it edits', () => {
    const paths = new PathStore();
    [A, B].forEach(paths.addPoint);
    const id = paths.activeId!;
    paths.setLocked(id, true);
    const locked = paths.active;
    expect(paths.addPoint(C)).toBe(false);
    expect(paths.movePoint(0, C)).toBe(false);
    expect(paths.insertPoint(1, C)).toBe(false);
    expect(paths.deletePoint(0)).toBe(false);
    expect(paths.removeLastPoint()).toBe(false);
    paths.setClosed(true);
    paths.rename(id, 'Renamed');
    paths.deleteActive();
    expect(paths.active).toBe(locked);
    expect(paths.editable).toBeNull();
    paths.undo();
    expect(paths.active!.locked).toBe(false);
    expect(points(paths)).toEqual([A, B]);
    paths.undo();
    expect(points(paths)).toEqual([A]);
  });

  it('rename, recolour, new and delete path, and a markups import are undoable steps', () => {
    const paths = new PathStore();
    [A, B].forEach(paths.addPoint);
    const first = paths.activeId!;
    paths.rename(first, '  Aorta ');
    paths.recolour(first, '#123456');
    paths.recolour(first, 'blue');
    expect(paths.active).toMatchObject({ name: 'Aorta', colour: '#123456' });
    const count = paths.importMarkups(writeMarkups([{ name: 'Airway', closed: false, points: [C, D] }, { name: 'Loop', closed: true, points: [A, B, C] }], 'RAS'));
    expect(count).toBe(2);
    expect(paths.paths.map((p) => p.name)).toEqual(['Aorta', 'Airway', 'Loop']);
    expect(paths.active).toMatchObject({ name: 'Loop', closed: true, points: [A, B, C] });
    paths.undo();
    expect(paths.paths.map((p) => p.name)).toEqual(['Aorta']);
    paths.redo();
    paths.select(first);
    paths.deleteActive();
    expect(paths.paths.map((p) => p.name)).toEqual(['Airway', 'Loop']);
    paths.undo();
    expect(paths.active).toMatchObject({ name: 'Aorta', points: [A, B] });
    paths.newPath('Empty');
    paths.undo();
    expect(paths.paths).toHaveLength(3);
    paths.undo();
    paths.undo();
    paths.undo();
    expect(paths.active).toMatchObject({ name: `Path ${first}`, colour: '#4fc3f7' });
  });

  it('the session keeps names, colours, closed and lock; a restore puts saved paths first and starts the history afresh', () => {
    const paths = new PathStore();
    [A, B].forEach(paths.addPoint);
    paths.rename(paths.activeId!, 'Vessel');
    paths.setClosed(false);
    paths.newPath('Loop');
    [A, B, C].forEach(paths.addPoint);
    paths.setClosed(true);
    paths.setLocked(paths.activeId!, true);
    const saved = paths.session;
    const editsBefore = paths.edits;

    const other = new PathStore();
    other.addPoint(D);
    other.restore(saved);
    expect(other.session).toEqual([...saved, { name: 'Path 1', colour: '#4fc3f7', closed: false, locked: false, points: [D] }]);
    expect(other.paths.map((p) => p.id)).toEqual([1, 2, 3]);
    expect(other.canUndo).toBe(false);
    paths.clear();
    expect([paths.paths, paths.activeId, paths.canUndo, paths.edits]).toEqual([[], null, false, editsBefore]);
  });

  it('snap to centre moves the selected point onto a bright tube’s axis in one undo step, and says why it cannot elsewhere', () => {
    // A bright tube (r = 3 mm) along S through (2.3, −1.4), in 1 mm voxels.
    const ijkToLps = fromAxes([1, 0, 0], [0, 1, 0], [0, 0, 1], [-16, -16, -12]);
    const dims: [number, number, number] = [33, 33, 25];
    const voxels = new Int16Array(dims[0] * dims[1] * dims[2]);
    for (let n = 0; n < voxels.length; n++) {
      const [x, y] = transformPoint(ijkToLps, [n % 33, Math.floor(n / 33) % 33, Math.floor(n / (33 * 33))]);
      let inside = 0;
      for (let a = -0.375; a < 0.5; a += 0.25) for (let b = -0.375; b < 0.5; b += 0.25) if (Math.hypot(x + a - 2.3, y + b + 1.4) < 3) inside++;
      voxels[n] = Math.round(40 + (inside / 16) * 400);
    }
    const volume = { dimensions: dims, voxels, ijkToLps };
    const paths = new PathStore();
    [[3.5, -1, -8], [1.5, -2.5, 0], [3, 0, 8]].forEach((p) => paths.addPoint(p as Vec3));
    paths.selectPoint(1);
    const report = paths.snapToCentre(volume, 'bright')!;
    expect(report.refused).toEqual([]);
    const snapped = points(paths)[1]!;
    expect(Math.hypot(snapped[0] - 2.3, snapped[1] + 1.4)).toBeLessThan(0.2);
    expect(report.moved[0]).toBeCloseTo(Math.hypot(1.5 - 2.3, -2.5 + 1.4), 0);
    expect(paths.lastSnap).toBe(report);
    paths.undo();
    expect(points(paths)[1]).toEqual([1.5, -2.5, 0]);
    expect(paths.lastSnap).toBeNull();

    const all = paths.snapToCentre(volume, 'bright', true)!;
    expect(all.moved).toHaveLength(3);
    for (const p of points(paths)) expect(Math.hypot(p[0] - 2.3, p[1] + 1.4)).toBeLessThan(0.3);
    const dark = paths.snapToCentre(volume, 'dark', true)!;
    expect(dark.moved).toEqual([]);
    expect(dark.refused.map((r) => r.index)).toEqual([0, 1, 2]);
    // Around a bright tube the "dark lumen" is the tissue, which does not close.
    expect(dark.refused[0]!.reason).toMatch(/does not close within 15 mm/);
  });
});
