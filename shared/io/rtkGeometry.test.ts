import { describe, expect, it } from 'vitest';
import { UserError } from '../contracts/UserError';
import { projectionMatrix, type ConeBeamGeometry } from '../recon/cArmGeometry';
import { parseRtkGeometryXml, readRtkGeometry, rtkProjectionMatrix, writeRtkGeometry } from './rtkGeometry';

type Matrix = number[][];
const mul = (a: Matrix, b: Matrix): Matrix => a.map((row) => b[0].map((_, c) => row.reduce((s, x, k) => s + x * b[k][c], 0)));
const rad = (deg: number) => (deg * Math.PI) / 180;

/** RTK's documented matrix (Geometry.md, "Final Matrix"), written out as the product of its factors. */
function rtkDocumentedMatrix(p: { sid: number; sdd: number; gantry: number; outOfPlane?: number; inPlane?: number; projX?: number; projY?: number; srcX?: number; srcY?: number }): Matrix {
  const [g, o, i] = [rad(p.gantry), rad(p.outOfPlane ?? 0), rad(p.inPlane ?? 0)];
  const [sx, sy, px, py] = [p.srcX ?? 0, p.srcY ?? 0, p.projX ?? 0, p.projY ?? 0];
  const rz = [[Math.cos(-i), -Math.sin(-i), 0, 0], [Math.sin(-i), Math.cos(-i), 0, 0], [0, 0, 1, 0], [0, 0, 0, 1]];
  const rx = [[1, 0, 0, 0], [0, Math.cos(-o), -Math.sin(-o), 0], [0, Math.sin(-o), Math.cos(-o), 0], [0, 0, 0, 1]];
  const ry = [[Math.cos(-g), 0, Math.sin(-g), 0], [0, 1, 0, 0], [-Math.sin(-g), 0, Math.cos(-g), 0], [0, 0, 0, 1]];
  const mr = mul(rz, mul(rx, ry));
  const t2 = [[1, 0, sx - px], [0, 1, sy - py], [0, 0, 1]];
  const mag = [[-p.sdd, 0, 0, 0], [0, -p.sdd, 0, 0], [0, 0, 1, -p.sid]];
  const t3 = [[1, 0, 0, -sx], [0, 1, 0, -sy], [0, 0, 1, 0], [0, 0, 0, 1]];
  return mul(t2, mul(mag, mul(t3, mr)));
}

const matrixText = (m: Matrix) => m.map((row) => `      ${row.map((x) => x.toPrecision(15).padStart(19)).join(' ')}`).join('\n');

/** An RTK-format file written by hand: globals once, gantry angles wrapping through 0°. */
const HAND_WRITTEN_PROJECTIONS = [
  { gantry: 100 },
  { gantry: 40 },
  { gantry: 340.5 },
  { gantry: 280 },
].map((p) => ({ ...p, sid: 785, sdd: 1195, outOfPlane: 350, projX: 3.5, projY: -2 }));
const HAND_WRITTEN = `<?xml version="1.0"?>
<!DOCTYPE RTKGEOMETRY>
<RTKThreeDCircularGeometry version="3">
    <SourceToIsocenterDistance>785</SourceToIsocenterDistance>
    <SourceToDetectorDistance>1195</SourceToDetectorDistance>
    <ProjectionOffsetX>3.5</ProjectionOffsetX>
    <ProjectionOffsetY>-2</ProjectionOffsetY>
    <OutOfPlaneAngle>350</OutOfPlaneAngle>
${HAND_WRITTEN_PROJECTIONS.map(
  (p) => `  <Projection>
    <GantryAngle>${p.gantry}</GantryAngle>
    <Matrix>
${matrixText(rtkDocumentedMatrix(p))}
    </Matrix>
  </Projection>`,
).join('\n')}
</RTKThreeDCircularGeometry>
`;

const DETECTOR = { columns: 120, rows: 100, pixelMm: [1.6, 1.4] as [number, number] };

describe('RTK geometry XML', () => {
  it('computes the matrix RTK itself wrote in its documentation example', () => {
    const m = rtkProjectionMatrix({
      sourceToIsocenterDistance: 1000,
      sourceToDetectorDistance: 1536,
      gantryAngle: 271.847274780273,
      outOfPlaneAngle: 0,
      inPlaneAngle: 0,
      sourceOffsetX: 0,
      sourceOffsetY: 0,
      projectionOffsetX: -117.056503295898,
      projectionOffsetY: -1.01195001602173,
    });
    const written = [
      -166.5093078829, 0, -1531.42837748039, -117056.503295898,
      -1.01142410874151, -1536, 0.0326206557691505, -1011.95001602173,
      -0.999480303105996, 0, 0.0322354417240802, -1000,
    ];
    written.forEach((x, n) => expect(m[n]).toBeCloseTo(x, 6));
  });

  it('reads a hand-written RTK file: angles mapped to the C-arm convention (primary = −gantry, secondary = −out-of-plane), unwrapped', () => {
    const g = readRtkGeometry(HAND_WRITTEN, DETECTOR);
    expect(g.views.map((v) => v.primaryDeg)).toEqual([-100, -40, 19.5, 80]);
    g.views.forEach((v) => {
      expect(v.secondaryDeg).toBeCloseTo(10, 12);
      expect(v.sod).toBe(785);
      expect(v.sid).toBe(1195);
    });
    expect(g.detector.offsetMm).toEqual([-3.5, 2]);
  });

  it("projects every LPS point where RTK's own matrix does (centred projection stack, RTK x = L, y = I, z = P)", () => {
    const g = readRtkGeometry(HAND_WRITTEN, DETECTOR);
    // LPS → RTK homogeneous, and RTK detector mm → pixel index of a centred stack.
    const lpsToRtk = [[1, 0, 0, 0], [0, 0, -1, 0], [0, 1, 0, 0], [0, 0, 0, 1]];
    const mmToPixel = [[1 / 1.6, 0, (120 - 1) / 2], [0, 1 / 1.4, (100 - 1) / 2], [0, 0, 1]];
    const points = [[0, 0, 0], [40, -25, 60], [-70, 30, -15], [10, 90, 35]];
    g.views.forEach((view, n) => {
      const rtk = mul(mmToPixel, mul(rtkDocumentedMatrix(HAND_WRITTEN_PROJECTIONS[n]), lpsToRtk));
      const ours = projectionMatrix(view, g.detector);
      for (const [x, y, z] of points) {
        const a = rtk.map((row) => row[0] * x + row[1] * y + row[2] * z + row[3]);
        const b = [0, 1, 2].map((r) => ours[4 * r] * x + ours[4 * r + 1] * y + ours[4 * r + 2] * z + ours[4 * r + 3]);
        expect(b[0] / b[2]).toBeCloseTo(a[0] / a[2], 8);
        expect(b[1] / b[2]).toBeCloseTo(a[1] / a[2], 8);
      }
    });
  });

  it('round-trips a spin through 0° with varying distances, in the layout RTK writes', () => {
    const g: ConeBeamGeometry = {
      views: Array.from({ length: 12 }, (_, f) => ({ primaryDeg: -100 + f * 20, secondaryDeg: -12.5, sid: 1200 + f, sod: 790 })),
      detector: { ...DETECTOR, offsetMm: [2.25, 0] },
    };
    const xml = writeRtkGeometry(g);
    expect(xml.startsWith('<?xml version="1.0"?>\n<!DOCTYPE RTKGEOMETRY>\n<RTKThreeDCircularGeometry version="3">\n')).toBe(true);
    expect(xml.match(/<SourceToIsocenterDistance>/g)).toHaveLength(1); // constant: written once, globally
    expect(xml.match(/<SourceToDetectorDistance>/g)).toHaveLength(12); // varies: per projection
    expect(xml).not.toMatch(/ProjectionOffsetY|InPlaneAngle|SourceOffset/); // RTK's defaults are left out
    expect(xml).toMatch(/<GantryAngle>100<\/GantryAngle>/);
    expect(xml).toMatch(/<OutOfPlaneAngle>12.5<\/OutOfPlaneAngle>/);
    const back = readRtkGeometry(xml, DETECTOR);
    back.views.forEach((v, n) => {
      expect(v.primaryDeg).toBeCloseTo(g.views[n].primaryDeg, 9);
      expect(v.secondaryDeg).toBeCloseTo(-12.5, 9);
      expect(v.sid).toBe(g.views[n].sid);
      expect(v.sod).toBe(790);
    });
    expect(back.detector.offsetMm).toEqual([2.25, 0]);
    // Every written matrix is the one RTK would compute (its reader checks them to 0.001).
    expect(() => parseRtkGeometryXml(xml)).not.toThrow();
  });

  it('refuses what the C-arm model cannot hold, and matrices that disagree with their parameters', () => {
    const refuse = (xml: string, pattern: RegExp) => {
      expect(() => readRtkGeometry(xml, DETECTOR)).toThrow(UserError);
      expect(() => readRtkGeometry(xml, DETECTOR)).toThrow(pattern);
    };
    const strip = HAND_WRITTEN.replace(/<Matrix>[\s\S]*?<\/Matrix>/g, '');
    refuse(strip.replace('<OutOfPlaneAngle>', '<InPlaneAngle>5</InPlaneAngle><OutOfPlaneAngle>'), /in-plane/);
    refuse(strip.replace('<OutOfPlaneAngle>', '<SourceOffsetX>20</SourceOffsetX><OutOfPlaneAngle>'), /source offsets/);
    refuse(strip.replace('<OutOfPlaneAngle>', '<RadiusCylindricalDetector>1536</RadiusCylindricalDetector><OutOfPlaneAngle>'), /cylindrical/);
    refuse(strip.replace('<GantryAngle>40</GantryAngle>', '<GantryAngle>40</GantryAngle><ProjectionOffsetX>9</ProjectionOffsetX>'), /offsets that change/);
    refuse(HAND_WRITTEN.replace('<GantryAngle>40</GantryAngle>', '<GantryAngle>41</GantryAngle>'), /does not agree/);
    refuse(HAND_WRITTEN.replace('version="3"', 'version="1"'), /version 1/);
    refuse('<Geometry/>', /not an RTK geometry/);
  });
});
