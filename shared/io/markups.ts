/**
 * 3D Slicer markups JSON (`.mrk.json`, schema v1.0.3): how curves travel between Lumen and
 * Slicer. Lumen works in LPS; a file may store LPS or RAS per markup, and the reader converts.
 * Only geometry is read; display properties are Slicer's business and are written minimally
 * (Slicer fills in its defaults for anything missing).
 */
import type { Vec3 } from '../math/vec3';

export const MARKUPS_SCHEMA_URL =
  'https://raw.githubusercontent.com/slicer/slicer/master/Modules/Loadable/Markups/Resources/Schema/markups-schema-v1.0.3.json#';

/** A markups file that cannot be read, with a message the user can act on. */
export class MarkupsFileError extends Error {
  override readonly name = 'MarkupsFileError';
}

export type MarkupsCoordinateSystem = 'LPS' | 'RAS';

export interface Markup {
  name: string;
  /** Slicer's markup type: 'Curve', 'ClosedCurve', 'Fiducial', 'Line', … */
  type: 'Curve' | 'ClosedCurve' | 'Fiducial' | string;
  closed: boolean;
  /** Defined control points, LPS mm, in file order. */
  points: Vec3[];
}

export interface MarkupsCurve {
  name: string;
  closed: boolean;
  /** LPS mm. */
  points: Vec3[];
}

/** Millimetres per file unit: the schema allows micrometres too. */
const UNIT_SCALE: Record<string, number> = { mm: 1, um: 0.001 };

/**
 * Every markup in the file, its points converted to LPS mm. Control points whose
 * positionStatus is "undefined" (placeholders of fixed-count markups) carry no position and are
 * skipped. Throws MarkupsFileError for anything that is not a markups file with usable points.
 */
export function readMarkups(json: string): Markup[] {
  let root: unknown;
  try {
    root = JSON.parse(json);
  } catch (error) {
    throw new MarkupsFileError(`markups file is not valid JSON (${error instanceof Error ? error.message : String(error)})`);
  }
  if (!isRecord(root) || !Array.isArray(root.markups)) {
    throw new MarkupsFileError('not a Slicer markups file: there is no "markups" list');
  }
  if (root.markups.length === 0) throw new MarkupsFileError('the markups file contains no markups');
  return root.markups.map((markup: unknown, index) => readMarkup(markup, index));
}

function readMarkup(markup: unknown, index: number): Markup {
  const where = `markup ${index + 1}`;
  if (!isRecord(markup)) throw new MarkupsFileError(`${where} is not an object`);
  if (typeof markup.type !== 'string' || markup.type === '') throw new MarkupsFileError(`${where} has no "type"`);
  const type = markup.type;
  const name = typeof markup.name === 'string' && markup.name !== '' ? markup.name : `${type} ${index + 1}`;
  const named = `${where} ("${name}")`;
  const toLps = coordinateConversion(markup, named);
  const controlPoints = markup.controlPoints ?? [];
  if (!Array.isArray(controlPoints)) throw new MarkupsFileError(`${named}: "controlPoints" is not a list`);
  const points: Vec3[] = [];
  controlPoints.forEach((point: unknown, k) => {
    if (isRecord(point) && point.positionStatus === 'undefined') return;
    const label = isRecord(point) && typeof point.label === 'string' ? ` ("${point.label}")` : '';
    const position = isRecord(point) ? point.position : undefined;
    if (!Array.isArray(position) || position.length !== 3 || !position.every((v) => typeof v === 'number' && Number.isFinite(v))) {
      throw new MarkupsFileError(`${named}, control point ${k + 1}${label}: "position" must be 3 finite numbers`);
    }
    points.push(toLps(position as Vec3));
  });
  return { name, type, closed: type === 'ClosedCurve', points };
}

/** RAS → LPS negates x and y; units scale to mm. Both default as the schema says: LPS, mm. */
function coordinateConversion(markup: Record<string, unknown>, named: string): (p: Vec3) => Vec3 {
  const system = markup.coordinateSystem ?? 'LPS';
  if (system !== 'LPS' && system !== 'RAS') {
    throw new MarkupsFileError(`${named}: unsupported coordinateSystem ${JSON.stringify(system)} (expected "LPS" or "RAS")`);
  }
  // Units are a UCUM string, or a [code, scheme, meaning] triple whose code is the unit.
  const unitField = markup.coordinateUnits ?? 'mm';
  const unit = Array.isArray(unitField) ? unitField[0] : unitField;
  const scale = typeof unit === 'string' ? UNIT_SCALE[unit] : undefined;
  if (scale === undefined) throw new MarkupsFileError(`${named}: unsupported coordinateUnits ${JSON.stringify(unitField)} (expected "mm" or "um")`);
  const sign = system === 'RAS' ? -1 : 1;
  // "+ 0" turns the −0 of a negated RAS zero into 0: the same point then compares equal whichever system stored it.
  return ([x, y, z]) => [sign * x * scale + 0, sign * y * scale + 0, z * scale + 0];
}

/**
 * A markups file holding one Slicer curve per entry (ClosedCurve when closed), positions in
 * the requested coordinate system. Numbers are written at full precision, so reading the file
 * back gives the same LPS points exactly.
 */
export function writeMarkups(curves: readonly MarkupsCurve[], coordinateSystem: MarkupsCoordinateSystem = 'LPS'): string {
  if (coordinateSystem !== 'LPS' && coordinateSystem !== 'RAS') throw new Error(`unsupported coordinate system ${String(coordinateSystem)}`);
  const markups = curves.map((curve, index) => curveMarkup(curve, index, coordinateSystem));
  return `${JSON.stringify({ '@schema': MARKUPS_SCHEMA_URL, markups }, null, 2)}\n`;
}

function curveMarkup(curve: MarkupsCurve, index: number, coordinateSystem: MarkupsCoordinateSystem) {
  const sign = coordinateSystem === 'RAS' ? -1 : 1;
  // The per-point orientation is the identity in RAS, which Slicer writes as diag(−1, −1, 1) in LPS.
  const orientation = coordinateSystem === 'RAS' ? [1, 0, 0, 0, 1, 0, 0, 0, 1] : [-1, 0, 0, 0, -1, 0, 0, 0, 1];
  const controlPoints = curve.points.map((p, k) => {
    if (p.length !== 3 || !p.every(Number.isFinite)) throw new Error(`curve ${index + 1} ("${curve.name}"), point ${k + 1} is not three finite numbers`);
    return {
      id: String(k + 1),
      label: `${curve.name}-${k + 1}`,
      description: '',
      associatedNodeID: '',
      position: [sign * p[0], sign * p[1], p[2]],
      orientation,
      selected: true,
      locked: false,
      visibility: true,
      positionStatus: 'defined',
    };
  });
  return {
    type: curve.closed ? 'ClosedCurve' : 'Curve',
    name: curve.name,
    coordinateSystem,
    coordinateUnits: 'mm',
    locked: false,
    fixedNumberOfControlPoints: false,
    labelFormat: '%N-%d',
    lastUsedControlPointNumber: curve.points.length,
    controlPoints,
    measurements: [],
    display: { visibility: true, opacity: 1.0, color: [0.4, 1.0, 1.0], selectedColor: [1.0, 0.5, 0.5], propertiesLabelVisibility: true, pointLabelsVisibility: false },
  };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
