/** Analytic geometry shared by the reformat tests: exact arc samples and their transforms. */
import type { PathSample } from '../curve/PathSample';
import { sliceToWorldOf } from './straighten';
import { straightenedTransforms, type StraightenedTransforms } from './straightenedFrames';

export function transformsOf(samples: PathSample[], columns: number, rows: number, spacing: number, step: number): StraightenedTransforms {
  const sliceToWorld = samples.map((s) => sliceToWorldOf(s, { columns, rows, spacing }));
  return straightenedTransforms(sliceToWorld, samples.map((s) => s.arcLength), [columns, rows], spacing, step);
}

/** Arc of a circle of radius R in the axial plane from (R, 0, 0), counter-clockwise; N points at the centre, B = +z. */
export function arcSamples(R: number, step: number, length: number): PathSample[] {
  const count = Math.floor(length / step + 1e-9) + 1;
  return Array.from({ length: count }, (_, k) => {
    const s = k * step;
    const a = s / R;
    return { point: [R * Math.cos(a), R * Math.sin(a), 0], tangent: [-Math.sin(a), Math.cos(a), 0], normal: [-Math.cos(a), -Math.sin(a), 0], binormal: [0, 0, 1], arcLength: s };
  });
}
