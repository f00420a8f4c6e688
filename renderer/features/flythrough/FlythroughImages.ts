/**
 * The two straightened images the flythrough shows beside the endoscopic view, cut from the
 * volume the renderer holds through the plan's own sliceToWorld matrices (the Reformat
 * workspace's cuts, so both agree pixel for pixel): the cross-section at the camera's sample,
 * recut on every step, and the long-axis (CPR) cut along the whole path, recut only when the
 * plan changes (the cursor line shows the position). Both are cropped to a field around the
 * path: a 512-pixel reformat slice is 30 cm of chest, and the flythrough needs the lumen and
 * its surroundings. MobX reactions drive the cuts, so they run, and are timed, with the step.
 */
import { computed, makeObservable, observableRef, reaction, type IReactionDisposer } from 'mobx';
import { invertAffine, multiply, type Mat4 } from '../../../shared/math/mat4';
import type { Interpolation } from '../../../shared/reformat/reslicePlane';
import type { FlythroughStore } from '../../stores/FlythroughStore';
import type { ReformatStore } from '../../stores/ReformatStore';
import type { RendererVolume } from '../../viewers/RendererVolume';
import { crossSection, cutLine, longAxisCut } from '../../viewers/straightened/straightenedImages';
import type { PlaneImage } from '../reformat/PlaneImageView';

/** Side of the cross-section's field around the path point, mm. */
export const FIELD_MM = 100;
/** Width of the long-axis cut, mm: the lumen and its wall, so the tall strip stays legible. */
export const LONG_FIELD_MM = 50;

/**
 * The `size × size` slice centred on the same point as a `columns × rows` one: the path point
 * stays at the centre pixel ((size − 1)/2, (size − 1)/2), pixel steps unchanged.
 */
export function centredCrop(sliceToWorld: Mat4, columns: number, rows: number, size: number): Mat4 {
  const dc = (columns - size) / 2;
  const dr = (rows - size) / 2;
  return multiply(sliceToWorld, [1, 0, 0, dc, 0, 1, 0, dr, 0, 0, 1, 0, 0, 0, 0, 1]);
}

/** Pixels across a field of `mm` at the plan's spacing, no more than the plan's slice. */
export function fieldPixels(columns: number, rows: number, spacing: number, mm = FIELD_MM): number {
  return Math.max(1, Math.min(columns, rows, Math.round(mm / spacing)));
}

interface Field {
  /** The plan's sliceToWorld matrices, cropped. */
  planes: Mat4[];
  size: number;
  /** The long-axis cut's width, pixels (its line runs through the middle of `size`). */
  longWidth: number;
  spacing: number;
  step: number;
  interpolation: Interpolation;
  angleDeg: number;
}

export class FlythroughImages {
  cross: PlaneImage | null = null;
  /** (column, row, 0, 1) of the cross-section → LPS mm. */
  crossToWorld: Mat4 | null = null;
  long: PlaneImage | null = null;
  /** The last cross-section cut and the last long-axis cut, ms. */
  crossMs = 0;
  longMs = 0;
  /** Cross-sections cut so far: how many steps moved the linked views. */
  crossCuts = 0;
  private readonly lpsToIjk: Mat4;
  private disposers: IReactionDisposer[] = [];

  constructor(
    private readonly flythrough: FlythroughStore,
    private readonly reformat: ReformatStore,
    private readonly volume: RendererVolume,
  ) {
    makeObservable<FlythroughImages, 'field'>(this, { cross: observableRef, crossToWorld: observableRef, long: observableRef, field: computed });
    this.lpsToIjk = invertAffine(volume.ijkToLps);
  }

  /** Cuts now and after every change until stop(). */
  start(): void {
    this.stop();
    this.disposers = [
      reaction(
        () => this.field,
        (field) => this.cutLong(field),
        { fireImmediately: true },
      ),
      reaction(
        () => ({ field: this.field, index: this.flythrough.sampleIndex }),
        ({ field, index }) => this.cutCross(field, index),
        { fireImmediately: true, equals: (a, b) => a.field === b.field && a.index === b.index },
      ),
    ];
  }

  stop(): void {
    this.disposers.splice(0).forEach((d) => d());
  }

  /** The cropped planes and how to sample them; a new object only when the plan, sampling or cut angle changes. */
  private get field(): Field | null {
    const plan = this.reformat.plan;
    const params = this.reformat.parameters;
    if (!plan || !params) return null;
    const size = fieldPixels(params.columns, params.rows, params.spacing);
    return {
      planes: plan.sliceToWorld.map((m) => centredCrop(m, params.columns, params.rows, size)),
      size,
      longWidth: fieldPixels(params.columns, params.rows, params.spacing, LONG_FIELD_MM),
      spacing: params.spacing,
      step: params.step,
      interpolation: params.interpolation,
      angleDeg: this.reformat.cutAngleDeg,
    };
  }

  private cutLong(field: Field | null): void {
    if (!field) {
      this.long = null;
      return;
    }
    const started = performance.now();
    // The cut line of a longWidth square centred in the field's: same centre, shorter.
    const planes = field.planes.map((m) => centredCrop(m, field.size, field.size, field.longWidth));
    const line = cutLine(field.longWidth, field.longWidth, field.angleDeg);
    const pixels = longAxisCut(this.volume, this.lpsToIjk, planes, line, field.interpolation);
    this.long = { width: line.width, height: planes.length, pixels, pixelMm: [field.spacing, field.step] };
    this.longMs = performance.now() - started;
  }

  private cutCross(field: Field | null, index: number): void {
    const plane = field?.planes[index];
    if (!field || !plane) {
      this.cross = null;
      this.crossToWorld = null;
      return;
    }
    const started = performance.now();
    const pixels = crossSection(this.volume, this.lpsToIjk, plane, field.size, field.size, field.interpolation);
    this.cross = { width: field.size, height: field.size, pixels, pixelMm: [field.spacing, field.spacing] };
    this.crossToWorld = plane;
    this.crossMs = performance.now() - started;
    this.crossCuts++;
  }
}
