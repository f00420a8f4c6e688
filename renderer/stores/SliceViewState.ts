/**
 * UI state of one slice view: its size on screen, zoom and pan. Everything else (the
 * plane's depth, slice number, screen ↔ patient mappings) is derived from the shared
 * crosshair and the volume geometry, so the three views can never disagree.
 */
import { makeAutoObservable } from 'mobx';
import type { Vec3 } from '../../shared/math/vec3';
import {
  edgeLabels,
  extentAlong,
  planeToScreen,
  planeToWorld,
  screenToPlane,
  sliceStepMm,
  VIEW_BASES,
  worldToPlane,
  type EdgeLabels,
  type Range,
  type SliceOrientation,
  type ViewBasis,
  type ViewTransform,
  type VolumeGeometry,
} from '../viewers/slice/sliceGeometry';

/** The view keeps a small margin around the fitted volume. */
const FIT_MARGIN = 1.04;
const MIN_ZOOM = 0.1;
const MAX_ZOOM = 40;

export interface CrosshairSource {
  readonly geometry: VolumeGeometry | null;
  readonly crosshair: Vec3;
  setCrosshair(p: Vec3): void;
}

export class SliceViewState {
  /** CSS pixels. */
  width = 0;
  height = 0;
  zoom = 1;
  /** Pan in mm, in the plane's right/down directions. */
  panA = 0;
  panB = 0;

  constructor(
    readonly orientation: SliceOrientation,
    private readonly source: CrosshairSource,
  ) {
    makeAutoObservable<SliceViewState, 'source'>(this, { orientation: false, source: false }, { autoBind: true });
  }

  get basis(): ViewBasis {
    return VIEW_BASES[this.orientation];
  }

  get labels(): EdgeLabels {
    return edgeLabels(this.basis);
  }

  get depth(): number {
    return worldToPlane(this.basis, this.source.crosshair).depth;
  }

  get step(): number {
    const g = this.source.geometry;
    return g ? sliceStepMm(g, this.basis.normal) : 1;
  }

  get depthRange(): Range {
    const g = this.source.geometry;
    return g ? extentAlong(g, this.basis.normal) : { min: 0, max: 0 };
  }

  get sliceCount(): number {
    const r = this.depthRange;
    return Math.max(1, Math.round((r.max - r.min) / this.step));
  }

  /** 1-based, in the direction of the view normal. */
  get sliceNumber(): number {
    return Math.min(this.sliceCount, Math.max(1, Math.floor((this.depth - this.depthRange.min) / this.step) + 1));
  }

  get transform(): ViewTransform {
    const g = this.source.geometry;
    const width = Math.max(1, this.width);
    const height = Math.max(1, this.height);
    if (!g) return { width, height, centreA: 0, centreB: 0, mmPerPixel: 1 };
    const ea = extentAlong(g, this.basis.right);
    const eb = extentAlong(g, this.basis.down);
    const fit = Math.max((ea.max - ea.min) / width, (eb.max - eb.min) / height) * FIT_MARGIN;
    return {
      width,
      height,
      centreA: (ea.min + ea.max) / 2 + this.panA,
      centreB: (eb.min + eb.max) / 2 + this.panB,
      mmPerPixel: fit / this.zoom,
    };
  }

  toScreen(p: Vec3): [number, number] {
    const { a, b } = worldToPlane(this.basis, p);
    return planeToScreen(this.transform, a, b);
  }

  /** The patient point under a screen point, on this view's plane. */
  toWorld(x: number, y: number): Vec3 {
    const [a, b] = screenToPlane(this.transform, x, y);
    return planeToWorld(this.basis, a, b, this.depth);
  }

  /** Distance (mm) of a point from this view's plane. */
  distanceFromPlane(p: Vec3): number {
    return worldToPlane(this.basis, p).depth - this.depth;
  }

  setSize(width: number, height: number): void {
    this.width = width;
    this.height = height;
  }

  /** Moves the crosshair `steps` lattice planes along the view normal, staying inside the volume. */
  scroll(steps: number): void {
    this.moveToDepth(this.depth + steps * this.step);
  }

  scrollTo(edge: 'first' | 'last'): void {
    this.moveToDepth(edge === 'first' ? -Infinity : Infinity);
  }

  private moveToDepth(target: number): void {
    const r = this.depthRange;
    const half = this.step / 2;
    const clamped = Math.min(r.max - half, Math.max(r.min + half, target));
    const p = this.source.crosshair;
    const n = this.basis.normal;
    const delta = clamped - this.depth;
    if (Math.abs(delta) < 1e-9) return;
    this.source.setCrosshair([p[0] + n[0] * delta, p[1] + n[1] * delta, p[2] + n[2] * delta]);
  }

  /** Zooms by `factor`, keeping the patient point under (x, y) where it is. */
  zoomAt(factor: number, x: number, y: number): void {
    const before = screenToPlane(this.transform, x, y);
    this.zoom = Math.min(MAX_ZOOM, Math.max(MIN_ZOOM, this.zoom * factor));
    const after = screenToPlane(this.transform, x, y);
    this.panA += before[0] - after[0];
    this.panB += before[1] - after[1];
  }

  panBy(dxPixels: number, dyPixels: number): void {
    const mm = this.transform.mmPerPixel;
    this.panA -= dxPixels * mm;
    this.panB -= dyPixels * mm;
  }

  resetCamera(): void {
    this.zoom = 1;
    this.panA = 0;
    this.panB = 0;
  }
}
