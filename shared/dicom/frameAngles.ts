/**
 * The C-arm angles of every frame of an X-ray angiography series, and its nominal
 * frame time: what the projection viewer shows per frame ("RAO 32.1°  CRA 0.0°") and
 * what a reconstruction starts from.
 *
 * Sources, in order of precedence for each frame:
 * 1. Enhanced XA/XRF: the per-frame X-Ray Positioner macro (PS3.3 C.8.19.6.10), already
 *    merged into `header.perFrame[f].positionerPrimaryAngle` by readDicomHeader.
 * 2. Classic XA Positioner module (PS3.3 C.8.7.5): Positioner Primary/Secondary Angle
 *    (0018,1510/1511) plus the Positioner Angle Increments (0018,1520/1521).
 *
 * Increments follow PS3.3 C.8.7.5.1.3 "Positioner Angle Increments": either ONE value,
 * the average change per frame (angle[f] = start + f × increment), or one value per
 * frame, each an OFFSET from the initial angle (angle[f] = start + increment[f], so
 * increment[0] = 0); writers may also put absolute angles in the increments and set the
 * start angle to 0, which the same formula reads right. test/fixtures/rotationalRun.ts
 * writes offsets.
 *
 * Some devices write the per-frame list as frame-to-frame steps instead (angle[f] =
 * start + Σ increment[1..f]). The two readings cannot be told apart with certainty, so
 * Lumen does not guess: it keeps the standard's offset reading and, where the list looks
 * like steps (a non-zero first offset on a non-zero start angle, or an arm that would
 * stand still at a non-zero offset for most of the run), says so in a series warning.
 */
import type { DicomHeader } from './DicomHeader';
import type { FrameAngles } from './SeriesSummary';
import { isXray } from './classifySeries';

/** Angles closer than this are equal: DS values carry about 4 decimals. */
const ANGLE_EPS = 1e-4;

/** One frame of a series in display order: frame `frameIndex` of `header`. */
export interface AngleFrame {
  header: DicomHeader;
  frameIndex: number;
}

export interface SeriesFrameAngles {
  /** Absent when some frame's primary angle is unknown. */
  angles?: FrameAngles;
  /** Plain sentences for the series warnings (ambiguous or malformed increments). */
  warnings: string[];
}

type Axis = 'primary' | 'secondary';

const AXIS = {
  primary: { name: 'Positioner Primary Angle Increment (0018,1520)', start: 'positionerPrimaryAngle', increments: 'positionerPrimaryAngleIncrement' },
  secondary: { name: 'Positioner Secondary Angle Increment (0018,1521)', start: 'positionerSecondaryAngle', increments: 'positionerSecondaryAngleIncrement' },
} as const;

/**
 * True when a per-frame increment list, read as offsets from `start`, does not look like
 * offsets but like frame-to-frame steps (see the file comment).
 */
export function looksLikeFrameSteps(start: number, increments: readonly number[]): boolean {
  if (increments.length < 3) return false;
  // An offset list says where frame 0 is relative to itself: 0. Absolute angles (start 0) are the exception.
  if (Math.abs(increments[0]) > ANGLE_EPS && Math.abs(start) > ANGLE_EPS) return true;
  if (!increments.some((v) => Math.abs(v) > ANGLE_EPS)) return false; // a static arm, honestly described
  let still = 0;
  for (let f = 1; f < increments.length; f++) if (Math.abs(increments[f] - increments[f - 1]) <= ANGLE_EPS) still++;
  // Constant steps read as offsets park the arm at one non-zero offset for the whole run.
  return still >= (increments.length - 1) / 2;
}

/**
 * One axis of one header: the angle of each of its frames, or undefined where it is not
 * known. Warnings go to `warnings` (deduplicated by the caller).
 */
export function headerAxisAngles(h: DicomHeader, axis: Axis, warnings: string[]): (number | undefined)[] {
  const frames = Math.max(1, h.numberOfFrames);
  const { name } = AXIS[axis];
  const start = h[AXIS[axis].start];
  const increments = h[AXIS[axis].increments];
  const perFrameKey = axis === 'primary' ? 'positionerPrimaryAngle' : 'positionerSecondaryAngle';

  let fromModule: (f: number) => number | undefined = () => start;
  if (start !== undefined && increments && increments.length > 0 && frames > 1) {
    if (increments.length === 1) {
      const step = increments[0];
      fromModule = (f) => start + f * step;
    } else if (increments.length === frames) {
      fromModule = (f) => start + increments[f];
      if (looksLikeFrameSteps(start, increments)) {
        warnings.push(
          `The C-arm angles stored in ${name} look like frame-to-frame steps rather than offsets from the first frame. ` +
            'Lumen reads them as offsets, as the DICOM standard specifies, so the angle shown for each frame may be wrong.',
        );
      }
    } else {
      warnings.push(`${name} has ${increments.length} values for ${frames} frames, so the C-arm angle of each frame is unknown.`);
      fromModule = () => undefined;
    }
  }
  return Array.from({ length: frames }, (_, f) => h.perFrame?.[f]?.[perFrameKey] ?? fromModule(f));
}

/**
 * The angles of every frame of a series, in the order given. Only X-ray angiography
 * (XA/XRF, classic or enhanced) carries C-arm angles in this sense; other modalities
 * (for example mammography, PS3.3 C.8.11.7) use the same tags differently.
 */
export function seriesFrameAngles(frames: readonly AngleFrame[]): SeriesFrameAngles {
  if (frames.length === 0 || !frames.some((f) => isXray(f.header))) return { warnings: [] };
  const warnings: string[] = [];
  const perHeader = new Map<DicomHeader, { primary: (number | undefined)[]; secondary: (number | undefined)[] }>();
  const primaryDeg: number[] = [];
  const secondaryDeg: number[] = [];
  let secondaryKnown = true;
  for (const { header, frameIndex } of frames) {
    let angles = perHeader.get(header);
    if (!angles) {
      angles = { primary: headerAxisAngles(header, 'primary', warnings), secondary: headerAxisAngles(header, 'secondary', warnings) };
      perHeader.set(header, angles);
    }
    const primary = angles.primary[frameIndex];
    const secondary = angles.secondary[frameIndex];
    if (primary === undefined || !Number.isFinite(primary)) return { warnings: [...new Set(warnings)] };
    primaryDeg.push(primary);
    if (secondary === undefined || !Number.isFinite(secondary)) secondaryKnown = false;
    else secondaryDeg.push(secondary);
  }
  const angles: FrameAngles = { primaryDeg };
  if (secondaryKnown) angles.secondaryDeg = secondaryDeg;
  return { angles, warnings: [...new Set(warnings)] };
}

/**
 * Nominal time between frames in ms, for the default cine rate and the time readout:
 * Frame Time (0018,1063), else the mean of Frame Time Vector (0018,1065) after its first
 * entry (which is 0 by definition; Cine module, PS3.3 C.7.6.5). Undefined for single frames.
 */
export function nominalFrameTimeMs(h: DicomHeader): number | undefined {
  if (h.numberOfFrames < 2) return undefined;
  if (h.frameTime !== undefined && Number.isFinite(h.frameTime) && h.frameTime > 0) return h.frameTime;
  const vector = h.frameTimeVector?.slice(1).filter((v) => Number.isFinite(v) && v > 0);
  if (vector && vector.length > 0) return vector.reduce((a, b) => a + b, 0) / vector.length;
  return undefined;
}
