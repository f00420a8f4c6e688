/**
 * The C-arm cone-beam convention every reconstruction module shares (patient supine,
 * head first, LPS mm, isocentre at the origin).
 *
 * For primary angle a (LAO positive) and secondary angle b (cranial positive):
 *   d = (sin a·cos b, −cos a·cos b, sin b)   isocentre → detector. At a = b = 0 the
 *       detector is anterior (−P) and the beam runs posterior → anterior (AP view);
 *       LAO turns the detector towards the patient's left (+L), cranial towards the
 *       head (+S).
 *   source at −SOD·d, detector centre at (SID − SOD)·d on the central ray (plus the
 *       detector offset, if the data give one).
 *   u = (cos a, sin a, 0)                    increasing column index: the horizontal
 *       detector axis, perpendicular to d and to the patient axis S, so that at a = 0
 *       the patient's left is on the right of the image (radiological display).
 *   v = u × d (normalised)                   increasing row index: (0, 0, −1), the feet,
 *       at a = b = 0, so the head is at the top of the image. u · d = 0 for every a, b,
 *       hence (u, v, d) is always an orthonormal right-handed frame.
 *
 * A projection matrix then maps LPS to detector pixels: with w = (x − source) · d, the
 * depth along the central ray, column = SID·((x − source) · u)/(w·pixel_u) + centre_u.
 */
import { add, cross, normalize, scale, type Vec3 } from '../math/vec3';

/** One projection's C-arm pose. sid = source → detector, sod = source → isocentre, mm. */
export interface CArmView {
  primaryDeg: number;
  secondaryDeg: number;
  sid: number;
  sod: number;
}

export interface DetectorGeometry {
  columns: number;
  rows: number;
  /** Pixel pitch along u (columns) and v (rows), at the detector plane, mm. */
  pixelMm: [number, number];
  /** Where the central ray hits, relative to the array centre, mm along u and v; default 0. */
  offsetMm?: [number, number];
}

export interface ConeBeamGeometry {
  views: CArmView[];
  detector: DetectorGeometry;
}

export interface CArmFrame {
  d: Vec3;
  u: Vec3;
  v: Vec3;
  source: Vec3;
  detectorCentre: Vec3;
}

const RAD = Math.PI / 180;

export function cArmFrame(view: CArmView): CArmFrame {
  const a = view.primaryDeg * RAD;
  const b = view.secondaryDeg * RAD;
  const d: Vec3 = [Math.sin(a) * Math.cos(b), -Math.cos(a) * Math.cos(b), Math.sin(b)];
  const u: Vec3 = [Math.cos(a), Math.sin(a), 0];
  const v = normalize(cross(u, d));
  return { d, u, v, source: scale(d, -view.sod), detectorCentre: scale(d, view.sid - view.sod) };
}

/**
 * Detector coordinates (mm, relative to the central ray's hit point) of pixel centre
 * (column, row): the quantities the cosine weight and the fan angle are made of.
 */
export function detectorCoordinates(detector: DetectorGeometry, column: number, row: number): [number, number] {
  const [offsetU, offsetV] = detector.offsetMm ?? [0, 0];
  return [
    (column - (detector.columns - 1) / 2) * detector.pixelMm[0] - offsetU,
    (row - (detector.rows - 1) / 2) * detector.pixelMm[1] - offsetV,
  ];
}

/** LPS position of the centre of detector pixel (column, row). */
export function detectorPixel(_view: CArmView, detector: DetectorGeometry, frame: CArmFrame, column: number, row: number): Vec3 {
  const [du, dv] = detectorCoordinates(detector, column, row);
  return add(add(frame.detectorCentre, scale(frame.u, du)), scale(frame.v, dv));
}

/**
 * Row-major 3×4 matrix P with P·(x, y, z, 1) = (column·w, row·w, w) for an LPS point,
 * w = distance from the source along the central ray (positive in front of the source).
 */
export function projectionMatrix(view: CArmView, detector: DetectorGeometry): number[] {
  const { d, u, v, source } = cArmFrame(view);
  const [offsetU, offsetV] = detector.offsetMm ?? [0, 0];
  // Pixel index of the central ray's hit point.
  const cu = (detector.columns - 1) / 2 + offsetU / detector.pixelMm[0];
  const cv = (detector.rows - 1) / 2 + offsetV / detector.pixelMm[1];
  const fu = view.sid / detector.pixelMm[0];
  const fv = view.sid / detector.pixelMm[1];
  const rows = [
    [fu * u[0] + cu * d[0], fu * u[1] + cu * d[1], fu * u[2] + cu * d[2]],
    [fv * v[0] + cv * d[0], fv * v[1] + cv * d[1], fv * v[2] + cv * d[2]],
    [d[0], d[1], d[2]],
  ];
  // Translate by −source: the constant column is −row · source.
  return rows.flatMap((r) => [r[0], r[1], r[2], -(r[0] * source[0] + r[1] * source[1] + r[2] * source[2])]);
}

/**
 * Rotation angle of each view along the sweep, radians, 0 at the first view and
 * increasing in the sweep's direction (primary angles may run either way).
 */
export function sweepAngles(g: ConeBeamGeometry): Float64Array {
  const first = g.views[0]?.primaryDeg ?? 0;
  const last = g.views[g.views.length - 1]?.primaryDeg ?? first;
  const direction = last >= first ? 1 : -1;
  return Float64Array.from(g.views, (view) => direction * (view.primaryDeg - first) * RAD);
}

/** The sweep's direction in the primary angle: +1 towards LAO, −1 towards RAO. */
export function sweepDirection(g: ConeBeamGeometry): 1 | -1 {
  const first = g.views[0]?.primaryDeg ?? 0;
  const last = g.views[g.views.length - 1]?.primaryDeg ?? first;
  return last >= first ? 1 : -1;
}

/** Span between the first and last view and the mean step, degrees. */
function arcAndStep(g: ConeBeamGeometry): { arcDeg: number; meanStepDeg: number } {
  const beta = sweepAngles(g);
  const arcDeg = beta.length > 0 ? (beta[beta.length - 1] - beta[0]) / RAD : 0;
  return { arcDeg, meanStepDeg: beta.length > 1 ? arcDeg / (beta.length - 1) : 0 };
}

/**
 * A spin covers every ray twice (a full scan) when the views, each standing for one
 * angular step, span 360°: 180 views 2° apart from 0° to 358° are a full scan.
 */
export function isFullScan(g: ConeBeamGeometry): boolean {
  const { arcDeg, meanStepDeg } = arcAndStep(g);
  return arcDeg + meanStepDeg >= 360 - 1e-3;
}

/** Full fan angle, degrees: both detector edges seen from the source (offset included). */
function fullAngleDeg(halfWidthMm: number, offsetMm: number, sid: number): number {
  return (Math.atan((halfWidthMm - offsetMm) / sid) + Math.atan((halfWidthMm + offsetMm) / sid)) / RAD;
}

export interface GeometryReport {
  views: number;
  arcDeg: number;
  meanStepDeg: number;
  fanAngleDeg: number;
  coneAngleDeg: number;
  magnification: number;
  detectorMm: [number, number];
  shortScan: boolean;
  warnings: string[];
}

const mean = (values: number[]): number => values.reduce((s, x) => s + x, 0) / Math.max(1, values.length);

export function geometryReport(
  g: ConeBeamGeometry,
  notes: { defaultedDistances?: boolean; imageIntensifier?: boolean; intensity?: 'LIN' | 'LOG' } = {},
): GeometryReport {
  const { detector, views } = g;
  const { arcDeg, meanStepDeg } = arcAndStep(g);
  const sid = mean(views.map((view) => view.sid));
  const sod = mean(views.map((view) => view.sod));
  const [offsetU, offsetV] = detector.offsetMm ?? [0, 0];
  const detectorMm: [number, number] = [detector.columns * detector.pixelMm[0], detector.rows * detector.pixelMm[1]];
  const fanAngleDeg = fullAngleDeg(detectorMm[0] / 2, offsetU, sid);
  const coneAngleDeg = fullAngleDeg(detectorMm[1] / 2, offsetV, sid);
  const warnings: string[] = [];
  const fmt = (x: number) => x.toFixed(1);
  if (arcDeg < 180 + fanAngleDeg) {
    warnings.push(`The spin covers ${fmt(arcDeg)}°, less than 180° + the fan angle (${fmt(180 + fanAngleDeg)}°): some rays are never measured and the volume will show streaks.`);
  }
  const steps = views.slice(1).map((view, n) => view.primaryDeg - views[n].primaryDeg);
  const direction = sweepDirection(g);
  if (steps.some((step) => step * direction <= 0)) {
    warnings.push('The primary angles do not change monotonically from frame to frame: check the frame order and the angle increments.');
  }
  const secondary = views.map((view) => view.secondaryDeg);
  if (secondary.length > 0 && Math.max(...secondary) - Math.min(...secondary) > 1) {
    warnings.push(`The secondary angle varies by ${fmt(Math.max(...secondary) - Math.min(...secondary))}° during the spin: the orbit is not circular and short-scan weighting assumes it is.`);
  }
  if (notes.defaultedDistances) {
    warnings.push(`The source distances are missing from the data; defaults are used (source to detector ${fmt(sid)} mm, source to isocentre ${fmt(sod)} mm): sizes and positions scale with them.`);
  }
  if (notes.imageIntensifier) {
    warnings.push('The receptor is an image intensifier: its pincushion and S-distortion are not corrected, so the volume will be distorted towards the edges.');
  }
  if (notes.intensity === 'LOG') {
    warnings.push('The pixel intensities are logarithmic (LOG): line integrals are taken as the drop below the air level, in the vendor’s log units, so attenuation values are in the vendor’s scale, not mm⁻¹.');
  }
  return {
    views: views.length,
    arcDeg,
    meanStepDeg,
    fanAngleDeg,
    coneAngleDeg,
    magnification: sid / sod,
    detectorMm,
    shortScan: !isFullScan(g),
    warnings,
  };
}
