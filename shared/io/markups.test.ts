import { describe, expect, it } from 'vitest';
import type { Vec3 } from '../math/vec3';
import { MarkupsFileError, readMarkups, writeMarkups } from './markups';

/** Points of a curve as Slicer 5 stores them (LPS), a closed loop, and a fiducial. */
const curveLps: Vec3[] = [[-12.5, 40.25, -100], [-10.125, 35, -80.5], [-4.75, 30.5, -61], [0.3333333333333333, 31, -40]];
const loopLps: Vec3[] = [[10, 0, 5], [0, 10, 5], [-10, 0, 5], [0, -10, 5]];

/** A file in the shape Slicer writes (trimmed display block), positions in the given system. */
function slicerFile(system: 'LPS' | 'RAS'): string {
  const toFile = ([x, y, z]: Vec3): Vec3 => (system === 'RAS' ? [-x, -y, z] : [x, y, z]);
  const controlPoints = (points: Vec3[], prefix: string) =>
    points.map((p, k) => ({
      id: String(k + 1),
      label: `${prefix}-${k + 1}`,
      description: '',
      associatedNodeID: 'vtkMRMLScalarVolumeNode1',
      position: toFile(p),
      orientation: [-1.0, -0.0, -0.0, -0.0, -1.0, -0.0, 0.0, 0.0, 1.0],
      selected: true,
      locked: false,
      visibility: true,
      positionStatus: 'defined',
    }));
  return JSON.stringify({
    '@schema': 'https://raw.githubusercontent.com/slicer/slicer/master/Modules/Loadable/Markups/Resources/Schema/markups-schema-v1.0.3.json#',
    markups: [
      {
        type: 'Curve',
        coordinateSystem: system,
        coordinateUnits: 'mm',
        locked: false,
        fixedNumberOfControlPoints: false,
        labelFormat: '%N-%d',
        lastUsedControlPointNumber: 4,
        controlPoints: controlPoints(curveLps, 'C'),
        measurements: [{ name: 'length', enabled: true, value: 63.2, units: 'mm', printFormat: '%-#4.4g%s' }],
        display: { visibility: true, opacity: 1.0, color: [0.4, 1.0, 1.0], glyphType: 'Sphere3D', lineThickness: 0.2 },
      },
      { type: 'ClosedCurve', name: 'Ring', coordinateSystem: system, controlPoints: controlPoints(loopLps, 'Ring') },
      { type: 'Fiducial', name: 'F', coordinateSystem: system, coordinateUnits: ['mm', 'UCUM', 'millimeter'], controlPoints: controlPoints([[1, 2, 3]], 'F') },
    ],
  });
}

describe('readMarkups', () => {
  it('reads a Slicer LPS file and the same points stored as RAS to identical LPS points', () => {
    const lps = readMarkups(slicerFile('LPS'));
    const ras = readMarkups(slicerFile('RAS'));
    expect(lps.map((m) => [m.type, m.closed, m.name])).toEqual([
      ['Curve', false, 'Curve 1'],
      ['ClosedCurve', true, 'Ring'],
      ['Fiducial', false, 'F'],
    ]);
    expect(lps[0].points).toEqual(curveLps);
    expect(lps[1].points).toEqual(loopLps);
    expect(lps[2].points).toEqual([[1, 2, 3]]);
    ras.forEach((markup, i) => {
      expect(markup.type).toBe(lps[i].type);
      expect(markup.points).toEqual(lps[i].points);
    });
    // And not just the same by accident: the RAS file's own numbers differ in x and y.
    const rasFile = JSON.parse(slicerFile('RAS')) as { markups: { controlPoints: { position: number[] }[] }[] };
    expect(rasFile.markups[0].controlPoints[0].position).toEqual([12.5, -40.25, -100]);
  });

  it('defaults to LPS mm, converts micrometres, skips placeholder points with no position', () => {
    const [markup] = readMarkups(
      JSON.stringify({
        '@schema': 'x',
        markups: [
          {
            type: 'Curve',
            coordinateUnits: 'um',
            controlPoints: [{ position: [1000, -2000, 500] }, { positionStatus: 'undefined' }, { position: [0, 0, 1500], positionStatus: 'defined' }],
          },
        ],
      }),
    );
    expect(markup.points).toEqual([[1, -2, 0.5], [0, 0, 1.5]]);
  });

  it.each([
    ['not JSON', '{"markups": [', /not valid JSON/],
    ['no markups list', '{"@schema": "x", "points": []}', /no "markups" list/],
    ['an array root', '[1, 2]', /no "markups" list/],
    ['an empty markups list', '{"markups": []}', /contains no markups/],
    ['a markup without type', '{"markups": [{"controlPoints": []}]}', /markup 1 has no "type"/],
    ['an unknown coordinate system', '{"markups": [{"type": "Curve", "coordinateSystem": "XYZ"}]}', /unsupported coordinateSystem "XYZ"/],
    ['unknown units', '{"markups": [{"type": "Curve", "coordinateUnits": "inch"}]}', /unsupported coordinateUnits "inch"/],
    ['control points not a list', '{"markups": [{"type": "Curve", "controlPoints": 3}]}', /"controlPoints" is not a list/],
    ['a point with 2 numbers', '{"markups": [{"type": "Curve", "name": "Aorta", "controlPoints": [{"position": [1, 2, 3]}, {"label": "A-2", "position": [1, 2]}]}]}', /markup 1 \("Aorta"\), control point 2 \("A-2"\): "position" must be 3 finite numbers/],
    ['a point with a string', '{"markups": [{"type": "Curve", "controlPoints": [{"position": [1, "2", 3]}]}]}', /control point 1: "position" must be 3 finite numbers/],
    ['a point without position', '{"markups": [{"type": "Curve", "controlPoints": [{"label": "x"}]}]}', /"position" must be 3 finite numbers/],
    ['a point with null', '{"markups": [{"type": "Curve", "controlPoints": [{"position": [1, null, 3]}]}]}', /"position" must be 3 finite numbers/],
  ])('rejects %s with a clear message', (_what, text, message) => {
    expect(() => readMarkups(text)).toThrow(MarkupsFileError);
    expect(() => readMarkups(text)).toThrow(message);
  });
});

describe('writeMarkups', () => {
  const curves = [
    { name: 'Centerline', closed: false, points: curveLps },
    { name: 'Ring', closed: true, points: loopLps },
  ];

  it.each(['LPS', 'RAS'] as const)('round-trips through %s exactly', (system) => {
    const text = writeMarkups(curves, system);
    const back = readMarkups(text);
    expect(back.map(({ name, closed, type }) => ({ name, closed, type }))).toEqual([
      { name: 'Centerline', closed: false, type: 'Curve' },
      { name: 'Ring', closed: true, type: 'ClosedCurve' },
    ]);
    back.forEach((m, i) => expect(m.points).toEqual(curves[i].points));
  });

  it('writes what Slicer 5 expects: schema, type, coordinate system and units, complete control points', () => {
    const file = JSON.parse(writeMarkups(curves, 'RAS')) as {
      '@schema': string;
      markups: { type: string; coordinateSystem: string; coordinateUnits: string; controlPoints: Record<string, unknown>[]; display: object }[];
    };
    expect(file['@schema']).toMatch(/markups-schema-v1\.0\.3\.json#$/);
    const [curve] = file.markups;
    expect(curve.coordinateSystem).toBe('RAS');
    expect(curve.coordinateUnits).toBe('mm');
    expect(curve.display).toBeTypeOf('object');
    expect(curve.controlPoints[1]).toEqual({
      id: '2',
      label: 'Centerline-2',
      description: '',
      associatedNodeID: '',
      position: [10.125, -35, -80.5],
      orientation: [1, 0, 0, 0, 1, 0, 0, 0, 1],
      selected: true,
      locked: false,
      visibility: true,
      positionStatus: 'defined',
    });
    expect(() => writeMarkups([{ name: 'bad', closed: false, points: [[0, 0, NaN]] }])).toThrow(/point 1 is not three finite numbers/);
  });
});
