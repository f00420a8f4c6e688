/**
 * What happens to each decoded view before its line integrals, in the filtering workers:
 * dark/flat correction (LIN runs, lineIntegrals.ts), then N×N binning (binViews.ts). The
 * run's geometry is binned here, once, so every later stage (air level, filter,
 * backprojection, field of view, report) sees the binned detector.
 */
import { UserError } from '../contracts/UserError';
import { binnedGeometry, binView } from './binViews';
import { flatFieldCorrect, type DetectorCalibration } from './lineIntegrals';
import type { RotationalRun } from './rotationalRun';

export interface PreprocessingParameters extends DetectorCalibration {
  /** N×N detector binning; 1 or omitted: none. */
  binning?: number;
}

/** What a worker needs to preprocess the views of one run. */
export interface ViewPreprocessing extends PreprocessingParameters {
  /** The run's own detector size, before binning: what every decoded view measures. */
  columns: number;
  rows: number;
}

/**
 * The run as the reconstruction sees it (binned geometry) and what each view needs, or
 * the run unchanged when there is nothing to do. Throws a UserError for parameters that
 * do not fit the run. Dark and flat images move to shared memory, so the tasks that
 * each receive them share one copy.
 */
export function preprocessRun<R extends Pick<RotationalRun, 'geometry' | 'intensity'>>(run: R, params: PreprocessingParameters): { run: R; preprocessing?: ViewPreprocessing } {
  const { columns, rows } = run.geometry.detector;
  const binning = params.binning ?? 1;
  if (!Number.isInteger(binning) || binning < 1 || binning > Math.min(columns, rows) / 2) {
    throw new UserError('invalid-request', `Binning must be a whole number from 1 to ${Math.floor(Math.min(columns, rows) / 2)} for this ${columns}×${rows} detector, not ${binning}.`);
  }
  const preprocessing: ViewPreprocessing = { columns, rows, ...(binning > 1 ? { binning } : {}) };
  for (const name of ['dark', 'flat'] as const) {
    const image = params[name];
    if (!image) continue;
    if (run.intensity === 'LOG') {
      throw new UserError('invalid-request', `A ${name} image corrects intensities proportional to the X-rays (LIN), but this run's pixels are logarithmic (LOG).`);
    }
    if (image.length !== columns * rows) {
      throw new UserError('invalid-request', `The ${name} image has ${image.length} pixels, but the run's projections are ${columns}×${rows} (${columns * rows}).`);
    }
    const shared = new Float32Array(new SharedArrayBuffer(image.byteLength));
    shared.set(image);
    preprocessing[name] = shared;
  }
  if (binning === 1 && !preprocessing.dark && !preprocessing.flat) return { run };
  return { run: binning > 1 ? { ...run, geometry: binnedGeometry(run.geometry, binning) } : run, preprocessing };
}

/**
 * One decoded view (the run's size, its modality units) made ready for line integrals:
 * calibrated in place, then binned into a new array.
 */
export function preprocessView(values: Float32Array, p: ViewPreprocessing): Float32Array {
  const calibrated = p.dark || p.flat ? flatFieldCorrect(values, p.columns, p.rows, p, values) : values;
  return p.binning && p.binning > 1 ? binView(calibrated, p.columns, p.rows, p.binning) : calibrated;
}
