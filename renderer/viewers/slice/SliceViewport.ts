/**
 * Draws one slice view on a canvas. The plane image is resliced from the volume only
 * when the view's depth (or, in motion, its zoom) changes; window/level only remaps that
 * image to grey; zoom, pan and resizing only redraw it. State arrives through MobX reactions, so React
 * never re-renders for a slice change.
 */
import { reaction, type IReactionDisposer } from 'mobx';
import { invertAffine, multiply, type Mat4 } from '../../../shared/math/mat4';
import { reslicePlane } from '../../../shared/reformat/reslicePlane';
import { tintLabels } from '../labelTint';
import { windowFrameToRgba } from '../windowLevel';
import type { SliceViewState } from '../../stores/SliceViewState';
import type { ViewerStore } from '../../stores/ViewerStore';
import type { RendererVolume } from '../RendererVolume';
import { planeToScreen, slicePlane, type SlicePlane } from './sliceGeometry';

export interface SliceRenderTimings {
  resliceMs: number;
  drawMs: number;
  /** performance.now() when the image was first drawn at the view's real size (0 until then). */
  firstImageAt: number;
}

export class SliceViewport {
  /** The last reslice and draw durations, for the benchmark. */
  readonly timings: SliceRenderTimings = { resliceMs: 0, drawMs: 0, firstImageAt: 0 };
  private readonly lpsToIjk: Mat4;
  private plane: SlicePlane | null = null;
  private pixels = new Float32Array(0);
  /** The label overlay resliced onto this plane (nearest), or empty. */
  private labelPixels = new Float32Array(0);
  private readonly image = document.createElement('canvas');
  // Written from the CPU every slice change: keep it in CPU memory rather than uploading each time.
  private readonly imageContext = this.image.getContext('2d', { willReadFrequently: true })!;
  private imageData: ImageData | null = null;
  private readonly disposers: IReactionDisposer[];

  constructor(
    private readonly canvas: HTMLCanvasElement,
    private readonly view: SliceViewState,
    private readonly viewer: ViewerStore,
    private readonly volume: RendererVolume,
  ) {
    this.lpsToIjk = invertAffine(volume.ijkToLps);
    this.disposers = [
      // In motion (a flythrough playing or stepping), the image is cut at the screen's pixels where they
      // are coarser than the voxels: a zoomed-out view then reslices and uploads a fraction of
      // the pixels each frame; stopped, it is cut at full resolution again.
      reaction(
        () => ({ depth: this.view.depth, screenPixelMm: this.viewer.inMotion ? this.view.transform.mmPerPixel / (window.devicePixelRatio || 1) : 0 }),
        ({ depth, screenPixelMm }) => {
          this.reslice(depth, screenPixelMm);
          this.resliceLabels();
          this.remap();
          this.draw();
        },
        { fireImmediately: true, equals: (a, b) => a.depth === b.depth && a.screenPixelMm === b.screenPixelMm },
      ),
      reaction(
        () => this.viewer.labelOverlay,
        () => {
          this.resliceLabels();
          this.remap();
          this.draw();
        },
      ),
      reaction(
        () => [this.viewer.windowCenter, this.viewer.windowWidth],
        () => {
          this.remap();
          this.draw();
        },
      ),
      reaction(
        () => this.view.transform,
        () => this.draw(),
      ),
    ];
  }

  dispose(): void {
    this.disposers.forEach((d) => d());
  }

  private reslice(depth: number, screenPixelMm: number): void {
    const started = performance.now();
    const plane = slicePlane(this.volume, this.view.basis, depth, undefined, screenPixelMm);
    const count = plane.columns * plane.rows;
    if (this.pixels.length !== count) this.pixels = new Float32Array(count);
    // Outside the volume is NaN, which the grey mapping shows as black.
    reslicePlane(this.volume, { columns: plane.columns, rows: plane.rows, sliceToIjk: multiply(this.lpsToIjk, plane.sliceToWorld), interpolation: 'linear', background: NaN, out: this.pixels });
    if (this.image.width !== plane.columns || this.image.height !== plane.rows || !this.imageData) {
      this.image.width = plane.columns;
      this.image.height = plane.rows;
      this.imageData = new ImageData(plane.columns, plane.rows);
    }
    this.plane = plane;
    this.timings.resliceMs = performance.now() - started;
  }

  private resliceLabels(): void {
    const overlay = this.viewer.labelOverlay;
    const plane = this.plane;
    if (!overlay || !plane) {
      this.labelPixels = new Float32Array(0);
      return;
    }
    const count = plane.columns * plane.rows;
    if (this.labelPixels.length !== count) this.labelPixels = new Float32Array(count);
    reslicePlane(overlay, { columns: plane.columns, rows: plane.rows, sliceToIjk: multiply(this.lpsToIjk, plane.sliceToWorld), interpolation: 'nearest', background: 0, out: this.labelPixels });
  }

  private remap(): void {
    if (!this.imageData) return;
    windowFrameToRgba(this.pixels, 1, this.viewer.windowCenter, this.viewer.windowWidth, this.imageData.data);
    if (this.labelPixels.length === this.pixels.length) tintLabels(this.labelPixels, this.imageData.data);
    this.imageContext.putImageData(this.imageData, 0, 0);
  }

  private draw(): void {
    const started = performance.now();
    const t = this.view.transform;
    const dpr = window.devicePixelRatio || 1;
    const width = Math.round(t.width * dpr);
    const height = Math.round(t.height * dpr);
    if (this.canvas.width !== width) this.canvas.width = width;
    if (this.canvas.height !== height) this.canvas.height = height;
    const ctx = this.canvas.getContext('2d', { alpha: false })!;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.fillStyle = '#000';
    ctx.fillRect(0, 0, t.width, t.height);
    const plane = this.plane;
    if (plane) {
      const [x0, y0] = planeToScreen(t, plane.aMin, plane.bMin);
      const scale = plane.pixelMm / t.mmPerPixel;
      // Smooth when magnifying; when shrinking, the browser's filtering avoids aliasing too.
      ctx.imageSmoothingEnabled = true;
      ctx.imageSmoothingQuality = 'high';
      ctx.drawImage(this.image, x0, y0, plane.columns * scale, plane.rows * scale);
    }
    this.timings.drawMs = performance.now() - started;
    // Before the first layout the view is 1 px wide: that draw is not an image anyone sees.
    if (!this.timings.firstImageAt && plane && t.width > 1) this.timings.firstImageAt = performance.now();
  }
}
