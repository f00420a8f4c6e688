/**
 * The sentences the study browser shows under a series. Written for a clinician: what
 * is odd about the images, where, and what Lumen did about it.
 */
import type { DicomHeader, Vec3 } from './DicomHeader';
import type { SliceGap } from './volumeGeometry';

/** Shown for tilts below this are float noise in the IPPs, not a gantry tilt. */
export const MIN_REPORTED_TILT_DEG = 0.05;

/** Millimetres with one decimal and a true minus sign, as on a console. */
export function mm(value: number): string {
  const s = (Math.abs(value) < 0.05 ? 0 : value).toFixed(1);
  return `${s.replace('-', '−')} mm`;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** "z = −120.0 mm" for the patient axis the normal mostly follows, else an offset along the normal. */
function slicePlace(position: Vec3, normal: Vec3, originOffset: number, offset: number): string {
  const a = normal.map(Math.abs);
  const axis = a[2] >= 0.7 ? 2 : a[1] >= 0.7 ? 1 : a[0] >= 0.7 ? 0 : undefined;
  if (axis !== undefined) return `${'xyz'[axis]} = ${mm(position[axis])}`;
  return `${mm(offset - originOffset)} along the slice normal`;
}

export function gantryTiltWarning(degrees: number): string {
  return `Gantry tilt of ${degrees.toFixed(1)}°: slices are sheared; Lumen keeps the exact geometry.`;
}

export function gapWarnings(gaps: readonly SliceGap[], nominalSpacing: number, normal: Vec3): string[] {
  const offset = (p: Vec3) => p[0] * normal[0] + p[1] * normal[1] + p[2] * normal[2];
  const origin = gaps.length ? offset(gaps[0].before) : 0;
  const place = (p: Vec3) => slicePlace(p, normal, origin, offset(p));
  const elsewhere = `(spacing ${mm(nominalSpacing)} elsewhere)`;
  const lines = gaps.slice(0, 3).map((g) =>
    g.missing > 0
      ? `${plural(g.missing, 'slice')} missing between ${place(g.before)} and ${place(g.after)} ${elsewhere}.`
      : `Uneven slice spacing: ${mm(g.distance)} between ${place(g.before)} and ${place(g.after)} ${elsewhere}.`,
  );
  if (gaps.length > 3) lines.push(`${gaps.length - 3} more spacing irregularities; Lumen places every slice at its true position.`);
  return lines;
}

export function duplicatePositionWarning(count: number): string {
  return `${plural(count, 'image')} at the same position as another slice ${count === 1 ? 'was' : 'were'} left out of the volume.`;
}

export function missingGeometryWarning(missing: readonly string[]): string {
  return `Missing geometry tags (${missing.join(', ')}): shown as separate images, not as a volume; no measurements in mm.`;
}

export function notAStackWarning(reason: 'not-parallel' | 'not-collinear'): string {
  return reason === 'not-parallel'
    ? 'Frames have different orientations: shown as separate images, not as a volume.'
    : 'Slices do not line up into one stack: shown as separate images, not as a volume.';
}

export function synthesisedUidWarning(): string {
  return 'No Series Instance UID: Lumen grouped these files by frame of reference, orientation, image size and folder.';
}

export function splitSourceWarning(splitOff: readonly string[], uids: readonly string[]): string {
  return `Mixed image sizes or orientations: ${splitOff.join('; ')} split off into series ${uids.join(', ')}.`;
}

export function splitOffWarning(args: { sourceUid: string; what: string; count: number; main: string; reasons: readonly string[] }): string {
  return `Split from series ${args.sourceUid}: ${args.what} ${args.count === 1 ? 'differs' : 'differ'} in ${args.reasons.join(' and ')} from the other ${args.main}.`;
}

const LOSSY_SYNTAXES: Record<string, string> = {
  '1.2.840.10008.1.2.4.50': 'JPEG baseline',
  '1.2.840.10008.1.2.4.51': 'JPEG extended',
  '1.2.840.10008.1.2.4.81': 'JPEG-LS near-lossless',
  '1.2.840.10008.1.2.4.91': 'JPEG 2000',
  '1.2.840.10008.1.2.4.93': 'JPEG 2000 multi-component',
  '1.2.840.10008.1.2.4.100': 'MPEG-2',
  '1.2.840.10008.1.2.4.101': 'MPEG-2',
  '1.2.840.10008.1.2.4.102': 'MPEG-4',
  '1.2.840.10008.1.2.4.103': 'MPEG-4',
  '1.2.840.10008.1.2.4.104': 'MPEG-4',
  '1.2.840.10008.1.2.4.105': 'MPEG-4',
  '1.2.840.10008.1.2.4.106': 'MPEG-4',
  '1.2.840.10008.1.2.4.107': 'HEVC',
  '1.2.840.10008.1.2.4.108': 'HEVC',
  '1.2.840.10008.1.2.4.202': 'HTJ2K',
  '1.2.840.10008.1.2.4.203': 'HTJ2K',
};

export function lossyWarning(headers: readonly DicomHeader[]): string | undefined {
  const lossy = headers.filter((h) => h.lossyImageCompression || LOSSY_SYNTAXES[h.transferSyntaxUid]);
  if (lossy.length === 0) return undefined;
  const names = [...new Set(lossy.map((h) => LOSSY_SYNTAXES[h.transferSyntaxUid]).filter(Boolean))];
  const what = names.length ? `Lossy compressed (${names.join(', ')})` : 'Lossy compressed earlier (Lossy Image Compression 01)';
  const share = lossy.length < headers.length ? ` in ${lossy.length} of ${headers.length} files` : '';
  return `${what}${share}: not for primary diagnosis.`;
}
