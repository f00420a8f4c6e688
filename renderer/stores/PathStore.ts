/**
 * The paths drawn on (or imported onto) the open volume: named, coloured curves of control
 * points in LPS mm. The slice views place points with the path tool; the Reformat panel
 * straightens along the active path. Slicer markups JSON moves paths in and out.
 */
import { makeAutoObservable, observableRef } from 'mobx';
import { readMarkups, writeMarkups } from '../../shared/io/markups';
import type { Vec3 } from '../../shared/math/vec3';

export interface VolumePath {
  id: number;
  name: string;
  closed: boolean;
  /** Control points, LPS mm. */
  points: Vec3[];
  colour: string;
}

/** Distinct on dark images, and unlike the crosshair's red/green/yellow. */
const PATH_COLOURS = ['#4fc3f7', '#ff8a65', '#ba68c8', '#aed581', '#f06292', '#4db6ac'];

export class PathStore {
  paths: VolumePath[] = [];
  activeId: number | null = null;
  private nextId = 1;

  constructor() {
    makeAutoObservable<PathStore, 'nextId'>(this, { paths: observableRef, nextId: false }, { autoBind: true });
  }

  get active(): VolumePath | null {
    return this.paths.find((p) => p.id === this.activeId) ?? null;
  }

  /** Starts a new, empty path and makes it active. */
  newPath(name?: string): VolumePath {
    const id = this.nextId++;
    const path: VolumePath = { id, name: name ?? `Path ${id}`, closed: false, points: [], colour: PATH_COLOURS[(id - 1) % PATH_COLOURS.length]! };
    this.paths = [...this.paths, path];
    this.activeId = id;
    return path;
  }

  select(id: number): void {
    if (this.paths.some((p) => p.id === id)) this.activeId = id;
  }

  /** Appends a control point to the active path (creating one if there is none). */
  addPoint(p: Vec3): void {
    const path = this.active ?? this.newPath();
    this.replace({ ...path, points: [...path.points, p] });
  }

  removeLastPoint(): void {
    const path = this.active;
    if (path && path.points.length > 0) this.replace({ ...path, points: path.points.slice(0, -1) });
  }

  setClosed(closed: boolean): void {
    const path = this.active;
    if (path) this.replace({ ...path, closed });
  }

  deleteActive(): void {
    this.paths = this.paths.filter((p) => p.id !== this.activeId);
    this.activeId = this.paths.at(-1)?.id ?? null;
  }

  /** Adds every curve of a Slicer markups file (LPS or RAS); returns how many. Throws MarkupsFileError. */
  importMarkups(json: string): number {
    const curves = readMarkups(json).filter((m) => m.points.length >= 2);
    if (curves.length === 0) throw new Error('the file holds no curve with at least two control points');
    for (const curve of curves) {
      const path = this.newPath(curve.name || undefined);
      this.replace({ ...path, closed: curve.closed, points: curve.points });
    }
    return curves.length;
  }

  /** The active path as a Slicer markups file (LPS). */
  exportActive(): string | null {
    const path = this.active;
    return path ? writeMarkups([{ name: path.name, closed: path.closed, points: path.points }]) : null;
  }

  /** A new volume: its paths start afresh. */
  clear(): void {
    this.paths = [];
    this.activeId = null;
  }

  private replace(path: VolumePath): void {
    this.paths = this.paths.map((p) => (p.id === path.id ? path : p));
  }
}
