/**
 * The paths drawn on (or imported onto) the open volume: named, coloured curves of control
 * points in LPS mm. The slice views place, drag, insert and delete points; the Reformat panel
 * straightens along the active path. Every change to the paths is one step of a linear
 * undo history (a drag is one step however many moves it makes); a locked path refuses edits.
 * Paths are replaced whole on every edit, so a snapshot of the history is just the array.
 */
import { makeAutoObservable, observableRef } from 'mobx';
import type { SessionPath } from '../../shared/contracts/ipc';
import { controlPointTangent, snapToCentre, type LumenContrast, type SnapVolume } from '../../shared/curve/snapToCentre';
import { readMarkups, writeMarkups } from '../../shared/io/markups';
import type { Vec3 } from '../../shared/math/vec3';

export interface VolumePath {
  id: number;
  name: string;
  closed: boolean;
  /** Locked paths refuse every edit but unlocking. */
  locked: boolean;
  /** Control points, LPS mm. */
  points: Vec3[];
  colour: string;
}

/** Distinct on dark images, and unlike the crosshair's red/green/yellow. */
export const PATH_COLOURS = ['#4fc3f7', '#ff8a65', '#ba68c8', '#aed581', '#f06292', '#4db6ac'];
/** What every view says when a press would edit a locked path. */
export function lockedPathNotice(name: string): string {
  return `“${name}” is locked: unlock it in the path list to edit it.`;
}

/** Older steps are forgotten beyond this. */
const MAX_UNDO_STEPS = 500;

interface Snapshot {
  paths: VolumePath[];
  activeId: number | null;
  selectedPoint: number | null;
}

/** What "Snap to centre" did, for the panel to say. */
export interface SnapReport {
  /** Distances the snapped points moved, mm. */
  moved: number[];
  /** Points left where they were, with the reason. */
  refused: { index: number; reason: string }[];
  /** Lumen diameter at the (last) snapped point, mm. */
  diameterMm: number | null;
}

export class PathStore {
  paths: VolumePath[] = [];
  activeId: number | null = null;
  /** Index of the selected control point of the active path (Delete removes it; snap moves it). */
  selectedPoint: number | null = null;
  /** Counts every change to the paths (edits, undo, redo; not a new volume's clear or a session restore): the session saves on it. */
  edits = 0;
  lastSnap: SnapReport | null = null;
  private undoStack: Snapshot[] = [];
  private redoStack: Snapshot[] = [];
  /** The state before a gesture (a drag): its moves are one undo step. */
  private gestureStart: Snapshot | null = null;
  private nextId = 1;

  constructor() {
    makeAutoObservable<PathStore, 'undoStack' | 'redoStack' | 'nextId' | 'gestureStart'>(
      this,
      { paths: observableRef, lastSnap: observableRef, undoStack: observableRef, redoStack: observableRef, nextId: false, gestureStart: false },
      { autoBind: true },
    );
  }

  get active(): VolumePath | null {
    return this.paths.find((p) => p.id === this.activeId) ?? null;
  }

  /** The active path, if it may be edited. */
  get editable(): VolumePath | null {
    const path = this.active;
    return path && !path.locked ? path : null;
  }

  get canUndo(): boolean {
    return this.undoStack.length > 0;
  }

  get canRedo(): boolean {
    return this.redoStack.length > 0;
  }

  /** The paths as the session keeps them. */
  get session(): SessionPath[] {
    return this.paths.map(({ name, colour, closed, locked, points }) => ({ name, colour, closed, locked, points }));
  }

  /** Starts a new, empty path and makes it active. */
  newPath(name?: string): VolumePath {
    this.record();
    return this.createPath(name);
  }

  select(id: number): void {
    if (this.paths.some((p) => p.id === id) && id !== this.activeId) {
      this.activeId = id;
      this.selectedPoint = null;
    }
  }

  /** Selects a control point of the active path (null: none). */
  selectPoint(index: number | null): void {
    const count = this.active?.points.length ?? 0;
    this.selectedPoint = index !== null && index >= 0 && index < count ? index : null;
  }

  /** Appends a control point to the active path (creating one if there is none) and selects it. False when the path is locked. */
  addPoint(p: Vec3): boolean {
    if (this.active?.locked) return false;
    this.record();
    const path = this.active ?? this.createPath();
    this.replace({ ...path, points: [...path.points, p] });
    this.selectedPoint = path.points.length;
    return true;
  }

  /** Inserts a control point before `index` of the active path (between index − 1 and index) and selects it. */
  insertPoint(index: number, p: Vec3): boolean {
    const path = this.editable;
    if (!path || index < 0 || index > path.points.length) return false;
    this.record();
    this.replace({ ...path, points: [...path.points.slice(0, index), p, ...path.points.slice(index)] });
    this.selectedPoint = index;
    return true;
  }

  /** Moves control point `index` of the active path. Inside a gesture the moves make one undo step. */
  movePoint(index: number, p: Vec3): boolean {
    const path = this.editable;
    if (!path || index < 0 || index >= path.points.length) return false;
    this.record();
    this.replace({ ...path, points: path.points.map((q, n) => (n === index ? p : q)) });
    return true;
  }

  /** Deletes a control point of the active path (the selected one by default). */
  deletePoint(index: number | null = this.selectedPoint): boolean {
    const path = this.editable;
    if (!path || index === null || index < 0 || index >= path.points.length) return false;
    this.record();
    this.replace({ ...path, points: path.points.filter((_, n) => n !== index) });
    this.selectedPoint = null;
    return true;
  }

  removeLastPoint(): boolean {
    const path = this.editable;
    if (!path || path.points.length === 0) return false;
    return this.deletePoint(path.points.length - 1);
  }

  setClosed(closed: boolean): void {
    const path = this.editable;
    if (!path || path.closed === closed) return;
    this.record();
    this.replace({ ...path, closed });
  }

  rename(id: number, name: string): void {
    const path = this.paths.find((p) => p.id === id);
    const trimmed = name.trim().slice(0, 200);
    if (!path || path.locked || !trimmed || trimmed === path.name) return;
    this.record();
    this.replace({ ...path, name: trimmed });
  }

  recolour(id: number, colour: string): void {
    const path = this.paths.find((p) => p.id === id);
    if (!path || path.locked || !/^#[0-9a-f]{6}$/i.test(colour) || colour === path.colour) return;
    this.record();
    this.replace({ ...path, colour });
  }

  /** Locking is a step of the history too, so undo never edits a path behind its lock. */
  setLocked(id: number, locked: boolean): void {
    const path = this.paths.find((p) => p.id === id);
    if (!path || path.locked === locked) return;
    this.record();
    this.replace({ ...path, locked });
  }

  deleteActive(): void {
    if (!this.editable) return;
    this.record();
    this.paths = this.paths.filter((p) => p.id !== this.activeId);
    this.activeId = this.paths.at(-1)?.id ?? null;
    this.selectedPoint = null;
  }

  /** Adds every curve of a Slicer markups file (LPS or RAS) as one undo step; returns how many. Throws MarkupsFileError. */
  importMarkups(json: string): number {
    const curves = readMarkups(json).filter((m) => m.points.length >= 2);
    if (curves.length === 0) throw new Error('the file holds no curve with at least two control points');
    this.record();
    for (const curve of curves) {
      const path = this.createPath(curve.name || undefined);
      this.replace({ ...path, closed: curve.closed, points: curve.points });
    }
    return curves.length;
  }

  /** The active path as a Slicer markups file (LPS). */
  exportActive(): string | null {
    const path = this.active;
    return path ? writeMarkups([{ name: path.name, closed: path.closed, points: path.points }]) : null;
  }

  /**
   * Moves the selected control point (or every point, `all`) of the active path to the centroid of
   * the lumen in the plane ⟂ the path there; one undo step. Points with no lumen stay put.
   */
  snapToCentre(volume: SnapVolume, lumen: LumenContrast, all = false): SnapReport | null {
    const path = this.editable;
    if (!path) return null;
    const indices = all ? path.points.map((_, n) => n) : this.selectedPoint !== null ? [this.selectedPoint] : [];
    const report: SnapReport = { moved: [], refused: [], diameterMm: null };
    const points = [...path.points];
    for (const index of indices) {
      const tangent = controlPointTangent(path.points, index, path.closed);
      if (!tangent) {
        report.refused.push({ index, reason: 'a path needs two points to have a direction' });
        continue;
      }
      const result = snapToCentre({ volume, point: path.points[index]!, tangent, lumen });
      if (!result.ok) {
        report.refused.push({ index, reason: result.reason });
        continue;
      }
      points[index] = result.point;
      report.moved.push(result.movedMm);
      report.diameterMm = result.diameterMm;
    }
    if (report.moved.length > 0) {
      this.record();
      this.replace({ ...path, points });
    }
    this.lastSnap = report;
    return report;
  }

  /** Starts a gesture (a drag): edits until endGesture are one undo step. */
  beginGesture(): void {
    this.gestureStart = this.snapshot();
  }

  endGesture(): void {
    const start = this.gestureStart;
    this.gestureStart = null;
    if (start && start.paths !== this.paths) this.push(start);
  }

  /** Abandons a gesture (Escape during a drag): the paths go back to how it found them, and no undo step is left. */
  cancelGesture(): void {
    const start = this.gestureStart;
    this.gestureStart = null;
    if (start && start.paths !== this.paths) this.apply(start);
  }

  undo(): void {
    this.endGesture();
    const previous = this.undoStack.at(-1);
    if (!previous) return;
    this.undoStack = this.undoStack.slice(0, -1);
    this.redoStack = [...this.redoStack, this.snapshot()];
    this.apply(previous);
  }

  redo(): void {
    this.endGesture();
    const next = this.redoStack.at(-1);
    if (!next) return;
    this.redoStack = this.redoStack.slice(0, -1);
    this.undoStack = [...this.undoStack, this.snapshot()];
    this.apply(next);
  }

  /** A new volume: its paths start afresh, with no history. */
  clear(): void {
    this.paths = [];
    this.restore([]);
  }

  /** The saved paths of a volume's session, in front of any drawn while they loaded; the history starts afresh. */
  restore(saved: readonly SessionPath[]): void {
    const drawn = this.paths;
    this.paths = [];
    this.activeId = null;
    this.nextId = 1;
    for (const s of saved) this.replace({ ...this.createPath(s.name), colour: s.colour, closed: s.closed, locked: s.locked, points: s.points.map((p) => [p[0], p[1], p[2]]) });
    for (const d of drawn) this.replace({ ...d, id: this.createPath(d.name).id });
    this.activeId = this.paths.at(-1)?.id ?? null;
    this.selectedPoint = null;
    this.lastSnap = null;
    this.undoStack = [];
    this.redoStack = [];
    this.gestureStart = null;
  }

  private createPath(name?: string): VolumePath {
    const id = this.nextId++;
    const path: VolumePath = { id, name: name ?? this.unusedName(id), closed: false, locked: false, points: [], colour: PATH_COLOURS[(id - 1) % PATH_COLOURS.length]! };
    this.paths = [...this.paths, path];
    this.activeId = id;
    this.selectedPoint = null;
    return path;
  }

  /** "Path n" from n = id up, skipping names in use (restored or imported paths keep theirs). */
  private unusedName(from: number): string {
    const taken = new Set(this.paths.map((p) => p.name));
    let n = from;
    while (taken.has(`Path ${n}`)) n++;
    return `Path ${n}`;
  }

  private snapshot(): Snapshot {
    return { paths: this.paths, activeId: this.activeId, selectedPoint: this.selectedPoint };
  }

  /** Before an edit: remember the state it changes (within a gesture, the gesture's start already is). */
  private record(): void {
    this.edits++;
    this.lastSnap = null;
    if (!this.gestureStart) this.push(this.snapshot());
  }

  private push(snapshot: Snapshot): void {
    this.undoStack = [...this.undoStack.slice(-(MAX_UNDO_STEPS - 1)), snapshot];
    this.redoStack = [];
  }

  private apply(snapshot: Snapshot): void {
    this.paths = snapshot.paths;
    this.activeId = snapshot.activeId;
    this.selectedPoint = snapshot.selectedPoint;
    this.lastSnap = null;
    this.edits++;
  }

  private replace(path: VolumePath): void {
    this.paths = this.paths.map((p) => (p.id === path.id ? path : p));
  }
}
