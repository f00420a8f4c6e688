/**
 * Builds a volume from frames using ImagePositionPatient / ImageOrientationPatient
 * only (never file names or instance numbers): sorts slices along the plane normal,
 * drops duplicate positions, measures spacing, finds gaps, and detects shear (gantry
 * tilt), keeping the exact geometry in `ijkToLps` so voxels sit where the patient was.
 */
import type { Orientation, Vec3 } from './DicomHeader';
import type { VolumeGeometry } from './SeriesPlan';
import { columnCosines, rowCosines, sameOrientation, sliceNormal, type ResolvedFrame } from './frameGeometry';
import { fromAxes } from '../math/mat4';
import { add, addScaled, dot, length, scale, sub } from '../math/vec3';

/** A step between consecutive slices that is not the nominal spacing. */
export interface SliceGap {
  /** Positions (IPP) of the slices either side of the gap, in stack order. */
  before: Vec3;
  after: Vec3;
  /** Distance between the two slice planes (mm). */
  distance: number;
  /** Whole slices missing when the gap is a multiple of the spacing; 0 for plain uneven spacing. */
  missing: number;
}

export type StackAnalysis =
  | {
      ok: true;
      geometry: VolumeGeometry;
      /** Kept frames in slice order. */
      frames: ResolvedFrame[];
      /** Frames dropped because another frame had the same position. */
      duplicates: number;
      gaps: SliceGap[];
    }
  | { ok: false; reason: 'missing-geometry' | 'not-parallel' | 'single-position' | 'not-collinear' };

/** Positions closer than this (mm) are the same slice. */
const SAME_POSITION_MM = 0.01;

function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

export function analyseStack(frames: readonly ResolvedFrame[], rows: number, columns: number): StackAnalysis {
  if (frames.length < 2 || frames.some((f) => !f.position || !f.orientation || !f.pixelSpacing)) {
    return { ok: false, reason: 'missing-geometry' };
  }
  const orientation = frames[0].orientation as Orientation;
  if (frames.some((f) => !sameOrientation(f.orientation, orientation))) return { ok: false, reason: 'not-parallel' };
  const n = sliceNormal(orientation);
  const p0 = frames[0].position as Vec3;

  const placed = frames
    .map((frame) => ({ frame, offset: dot(sub(frame.position as Vec3, p0), n) }))
    .sort((a, b) => a.offset - b.offset || a.frame.file.localeCompare(b.frame.file) || a.frame.frameIndex - b.frame.frameIndex);

  const kept: typeof placed = [];
  let duplicates = 0;
  for (const item of placed) {
    const last = kept[kept.length - 1];
    if (last && item.offset - last.offset < SAME_POSITION_MM) {
      if (length(sub(item.frame.position as Vec3, last.frame.position as Vec3)) < SAME_POSITION_MM) {
        duplicates++;
        continue;
      }
      // Same plane, different place: side-by-side tiles, not one stack.
      return { ok: false, reason: 'not-collinear' };
    }
    kept.push(item);
  }
  if (kept.length < 2) return { ok: false, reason: 'single-position' };

  const first = kept[0].frame.position as Vec3;
  const offsets = kept.map((k) => k.offset - kept[0].offset);
  const total = offsets[offsets.length - 1];
  // In-plane drift per mm along the normal: zero for an orthogonal stack, tan(tilt) for a sheared one.
  const inPlane = (k: number) => addScaled(sub(kept[k].frame.position as Vec3, first), n, -offsets[k]);
  const shearPerMm = scale(inPlane(kept.length - 1), 1 / total);
  const pixelSpacing = kept[0].frame.pixelSpacing as [number, number];
  const collinearTolerance = 0.01 + 0.1 * Math.min(pixelSpacing[0], pixelSpacing[1]);
  for (let k = 1; k < kept.length - 1; k++) {
    if (length(addScaled(inPlane(k), shearPerMm, -offsets[k])) > collinearTolerance) return { ok: false, reason: 'not-collinear' };
  }

  const steps = offsets.slice(1).map((o, k) => o - offsets[k]);
  const nominal = median(steps);
  const tolerance = Math.max(0.01, 0.01 * nominal);
  const gaps: SliceGap[] = [];
  steps.forEach((step, k) => {
    if (Math.abs(step - nominal) <= tolerance) return;
    const multiple = Math.round(step / nominal);
    const missing = multiple >= 2 && Math.abs(step - multiple * nominal) <= tolerance * multiple ? multiple - 1 : 0;
    gaps.push({ before: kept[k].frame.position as Vec3, after: kept[k + 1].frame.position as Vec3, distance: step, missing });
  });

  const sliceStep = scale(add(n, shearPerMm), nominal);
  const shearDeg = (Math.atan(length(shearPerMm)) * 180) / Math.PI;
  const colSpacing = pixelSpacing[1];
  const rowSpacing = pixelSpacing[0];
  const ijkToLps = fromAxes(scale(rowCosines(orientation), colSpacing), scale(columnCosines(orientation), rowSpacing), sliceStep, first);

  return {
    ok: true,
    frames: kept.map((k) => k.frame),
    duplicates,
    gaps,
    geometry: {
      ijkToLps,
      dimensions: [columns, rows, kept.length],
      spacing: [colSpacing, rowSpacing, nominal],
      orientation,
      normal: n,
      sliceStep,
      uniformSpacing: gaps.length === 0,
      sliceOffsets: offsets,
      shearDeg,
    },
  };
}
