/**
 * RTK's ThreeDCircularProjectionGeometry XML (rtkThreeDCircularProjectionGeometryXMLFile,
 * format version 3), read and written so a Lumen run can be cross-checked with RTK.
 *
 * Frames. RTK's fixed frame has the rotation axis along y and the detector normal to z
 * at gantry angle 0, source at +z. The map to LPS used here is
 *   RTK x → L,  RTK y → I (−S),  RTK z → P,   i.e. LPS (x, y, z) = RTK (x, z, −y),
 * a proper rotation under which RTK's detector axes (u along x, v along y) become the
 * C-arm convention's u (columns) and v (rows, to the feet) and RTK's source at +z becomes
 * the posterior source of the AP view. Then, per view (cArmGeometry.ts):
 *   GantryAngle = −primary,  OutOfPlaneAngle = −secondary,  InPlaneAngle = 0,
 *   SourceToIsocenterDistance = sod,  SourceToDetectorDistance = sid,
 *   ProjectionOffsetX/Y = −offsetMm (u, v),  SourceOffsetX/Y = 0,
 * angles written wrapped to [0°, 360°) as RTK stores them. RTK's projection stack must
 * be centred (origin −(n − 1)/2 · spacing along u and v, identity direction), with the
 * same column and row order as Lumen's, and a volume RTK reconstructs is in RTK's frame.
 * Geometries Lumen's model cannot hold — in-plane rotation, source offsets, cylindrical
 * or parallel detectors, detector offsets that change from view to view — are refused.
 */
import { UserError } from '../contracts/UserError';
import type { CArmView, ConeBeamGeometry, DetectorGeometry } from '../recon/cArmGeometry';

/** One projection's parameters in RTK's terms (angles in degrees, distances in mm). */
export interface RtkProjection {
  sourceToIsocenterDistance: number;
  sourceToDetectorDistance: number;
  gantryAngle: number;
  outOfPlaneAngle: number;
  inPlaneAngle: number;
  sourceOffsetX: number;
  sourceOffsetY: number;
  projectionOffsetX: number;
  projectionOffsetY: number;
}

/** LPS point (x, y, z) in RTK's fixed frame. */
export function lpsToRtk([x, y, z]: [number, number, number]): [number, number, number] {
  return [x, -z, y];
}

const RAD = Math.PI / 180;
const wrap360 = (deg: number) => {
  const w = ((deg % 360) + 360) % 360;
  return w === 0 ? 0 : w; // no −0 in the file
};

/**
 * RTK's 3×4 projection matrix (row-major) from its documented construction:
 * M_P = T(SourceOffset − ProjectionOffset) · Magnification(−SDD, −SID) · T(−SourceOffset) · M_R,
 * M_R = Rz(−InPlane) · Rx(−OutOfPlane) · Ry(−Gantry). Maps RTK's fixed frame to detector mm.
 */
export function rtkProjectionMatrix(p: RtkProjection): number[] {
  const rz = rotation(2, -p.inPlaneAngle * RAD);
  const rx = rotation(0, -p.outOfPlaneAngle * RAD);
  const ry = rotation(1, -p.gantryAngle * RAD);
  const r = multiply3(rz, multiply3(rx, ry));
  const sdd = p.sourceToDetectorDistance;
  const sid = p.sourceToIsocenterDistance;
  // Rotated point q = R·x; shifted q − (sx, sy, 0); magnified (−sdd·qx', −sdd·qy', qz − sid);
  // then the detector translation adds (sx − px, sy − py) times the homogeneous row.
  const tx = p.sourceOffsetX - p.projectionOffsetX;
  const ty = p.sourceOffsetY - p.projectionOffsetY;
  const row2 = [r[6], r[7], r[8], -sid];
  const row0 = [-sdd * r[0] + tx * r[6], -sdd * r[1] + tx * r[7], -sdd * r[2] + tx * r[8], sdd * p.sourceOffsetX - tx * sid];
  const row1 = [-sdd * r[3] + ty * r[6], -sdd * r[4] + ty * r[7], -sdd * r[5] + ty * r[8], sdd * p.sourceOffsetY - ty * sid];
  return [...row0, ...row1, ...row2];
}

function rotation(axis: 0 | 1 | 2, angle: number): number[] {
  const c = Math.cos(angle);
  const s = Math.sin(angle);
  if (axis === 0) return [1, 0, 0, 0, c, -s, 0, s, c];
  if (axis === 1) return [c, 0, s, 0, 1, 0, -s, 0, c];
  return [c, -s, 0, s, c, 0, 0, 0, 1];
}

function multiply3(a: number[], b: number[]): number[] {
  const out = new Array<number>(9).fill(0);
  for (let r = 0; r < 3; r++) for (let c = 0; c < 3; c++) for (let k = 0; k < 3; k++) out[3 * r + c] += a[3 * r + k] * b[3 * k + c];
  return out;
}

export function rtkFromView(view: CArmView, detector: DetectorGeometry): RtkProjection {
  const [offsetU, offsetV] = detector.offsetMm ?? [0, 0];
  return {
    sourceToIsocenterDistance: view.sod,
    sourceToDetectorDistance: view.sid,
    gantryAngle: wrap360(-view.primaryDeg),
    outOfPlaneAngle: wrap360(-view.secondaryDeg),
    inPlaneAngle: 0,
    sourceOffsetX: 0,
    sourceOffsetY: 0,
    projectionOffsetX: offsetU === 0 ? 0 : -offsetU,
    projectionOffsetY: offsetV === 0 ? 0 : -offsetV,
  };
}

/** Parameters written once when equal for every projection, skipped when also at RTK's default 0. */
const GLOBAL_CANDIDATES: readonly (keyof RtkProjection)[] = [
  'sourceToIsocenterDistance',
  'sourceToDetectorDistance',
  'sourceOffsetX',
  'sourceOffsetY',
  'projectionOffsetX',
  'projectionOffsetY',
  'inPlaneAngle',
  'outOfPlaneAngle',
];

const ELEMENT: Record<keyof RtkProjection, string> = {
  sourceToIsocenterDistance: 'SourceToIsocenterDistance',
  sourceToDetectorDistance: 'SourceToDetectorDistance',
  gantryAngle: 'GantryAngle',
  outOfPlaneAngle: 'OutOfPlaneAngle',
  inPlaneAngle: 'InPlaneAngle',
  sourceOffsetX: 'SourceOffsetX',
  sourceOffsetY: 'SourceOffsetY',
  projectionOffsetX: 'ProjectionOffsetX',
  projectionOffsetY: 'ProjectionOffsetY',
};

/** C++ ostream with precision 15: up to 15 significant digits, shortest form. */
const number15 = (x: number) => String(Number(x.toPrecision(15)));

/** The XML RTK's writer produces for these projections (same element order and layout). */
export function formatRtkGeometryXml(projections: readonly RtkProjection[]): string {
  if (projections.length === 0) throw new UserError('invalid-request', 'The geometry has no projections to write.');
  const lines = ['<?xml version="1.0"?>', '<!DOCTYPE RTKGEOMETRY>', '<RTKThreeDCircularGeometry version="3">'];
  const global = new Set<keyof RtkProjection>();
  for (const key of GLOBAL_CANDIDATES) {
    const first = projections[0][key];
    if (projections.every((p) => p[key] === first)) {
      global.add(key);
      if (first !== 0) lines.push(`    <${ELEMENT[key]}>${number15(first)}</${ELEMENT[key]}>`);
    }
  }
  const perProjection: (keyof RtkProjection)[] = ['gantryAngle', ...GLOBAL_CANDIDATES.filter((key) => !global.has(key))];
  for (const p of projections) {
    lines.push('  <Projection>');
    for (const key of perProjection) lines.push(`    <${ELEMENT[key]}>${number15(p[key])}</${ELEMENT[key]}>`);
    const m = rtkProjectionMatrix(p);
    lines.push('    <Matrix>');
    for (let r = 0; r < 3; r++) lines.push(`      ${m.slice(4 * r, 4 * r + 4).map((x) => number15(x).padStart(19)).join(' ')}`);
    lines.push('    </Matrix>');
    lines.push('  </Projection>');
  }
  lines.push('</RTKThreeDCircularGeometry>', '');
  return lines.join('\n');
}

/**
 * Projections of an RTK geometry file, read the way RTK's reader does: values persist
 * from element to element (a global value applies to every projection after it unless a
 * projection overrides it), and each projection's Matrix, when present, must agree with
 * its parameters to 0.001.
 */
export function parseRtkGeometryXml(xml: string): RtkProjection[] {
  const body = xml.replace(/<!--[\s\S]*?-->/g, '').replace(/<[?!][^>]*>/g, '');
  const root = /<RTKThreeDCircularGeometry\b([^>]*)>/.exec(body);
  if (!root) throw new UserError('unreadable', 'This is not an RTK geometry file (no RTKThreeDCircularGeometry element).');
  const version = Number(/version\s*=\s*"(\d+)"/.exec(root[1])?.[1] ?? NaN);
  if (version !== 2 && version !== 3) throw new UserError('unsupported', `RTK geometry version ${version} is not supported (versions 2 and 3 are).`);
  const current: RtkProjection = {
    sourceToIsocenterDistance: 0,
    sourceToDetectorDistance: 0,
    gantryAngle: 0,
    outOfPlaneAngle: 0,
    inPlaneAngle: 0,
    sourceOffsetX: 0,
    sourceOffsetY: 0,
    projectionOffsetX: 0,
    projectionOffsetY: 0,
  };
  const byElement = new Map(Object.entries(ELEMENT).map(([key, element]) => [element.toLowerCase(), key as keyof RtkProjection]));
  byElement.set('angle', 'gantryAngle'); // RTK's reader still accepts the old name
  const projections: RtkProjection[] = [];
  let matrix: number[] | undefined;
  const elements = /<(\w+)[^>]*?(\/?)>([^<]*)(?:<\/\1>)?|<\/(\w+)>/g;
  for (let match = elements.exec(body); match; match = elements.exec(body)) {
    const [, name, , text, closing] = match;
    if (closing !== undefined) {
      if (closing === 'Projection') {
        const projection = { ...current };
        if (matrix) checkMatrix(matrix, projection, projections.length);
        projections.push(projection);
        matrix = undefined;
      }
      continue;
    }
    const lower = name.toLowerCase();
    if (lower === 'radiuscylindricaldetector' && Number(text) !== 0) {
      throw new UserError('unsupported', 'The RTK geometry describes a cylindrical detector; Lumen reconstructs flat-panel geometries only.');
    }
    if (lower === 'matrix') {
      matrix = text.trim().split(/\s+/).map(Number);
      continue;
    }
    const key = byElement.get(lower);
    if (key) {
      const value = Number(text.trim());
      if (!Number.isFinite(value)) throw new UserError('unreadable', `RTK geometry: <${name}> holds "${text.trim()}", not a number.`);
      current[key] = value;
    }
  }
  if (projections.length === 0) throw new UserError('unreadable', 'The RTK geometry file lists no projections.');
  return projections;
}

function checkMatrix(matrix: number[], projection: RtkProjection, index: number): void {
  const expected = rtkProjectionMatrix(projection);
  if (matrix.length !== 12 || matrix.some((x, n) => !(Math.abs(x - expected[n]) <= 1e-3))) {
    throw new UserError('unreadable', `RTK geometry: the matrix of projection ${index + 1} does not agree with its parameters.`);
  }
}

/** The geometry as RTK's XML (see the frame mapping above). */
export function writeRtkGeometry(g: ConeBeamGeometry): string {
  return formatRtkGeometryXml(g.views.map((view) => rtkFromView(view, g.detector)));
}

/**
 * A cone-beam geometry from RTK's XML and the projections' detector (size and pitch,
 * which the XML does not hold). Primary angles are unwrapped so that consecutive views
 * differ by less than 180°, the first in (−180°, 180°].
 */
export function readRtkGeometry(xml: string, detector: Omit<DetectorGeometry, 'offsetMm'>): ConeBeamGeometry {
  const projections = parseRtkGeometryXml(xml);
  const refuse = (what: string) => {
    throw new UserError('unsupported', `The RTK geometry has ${what}, which Lumen's C-arm model cannot represent.`);
  };
  const first = projections[0];
  for (const p of projections) {
    if (p.sourceToDetectorDistance === 0) refuse('a parallel beam (SourceToDetectorDistance 0)');
    if (wrap360(p.inPlaneAngle) !== 0) refuse('an in-plane detector rotation');
    if (p.sourceOffsetX !== 0 || p.sourceOffsetY !== 0) refuse('source offsets');
    if (p.projectionOffsetX !== first.projectionOffsetX || p.projectionOffsetY !== first.projectionOffsetY) refuse('detector offsets that change between projections');
  }
  const normalise = (deg: number) => {
    const w = wrap360(deg);
    return w > 180 ? w - 360 : w;
  };
  const views: CArmView[] = [];
  for (const p of projections) {
    let primaryDeg = normalise(-p.gantryAngle);
    const previous = views[views.length - 1];
    if (previous) primaryDeg = previous.primaryDeg + normalise(primaryDeg - previous.primaryDeg);
    views.push({ primaryDeg, secondaryDeg: normalise(-p.outOfPlaneAngle), sid: p.sourceToDetectorDistance, sod: p.sourceToIsocenterDistance });
  }
  const offsetMm: [number, number] = [first.projectionOffsetX === 0 ? 0 : -first.projectionOffsetX, first.projectionOffsetY === 0 ? 0 : -first.projectionOffsetY];
  return { views, detector: { ...detector, offsetMm } };
}
