import { describe, expect, it } from 'vitest';
import type { Vec3 } from '../dicom/DicomHeader';
import { affineFromAxes } from './affine';
import { readMetaImage, writeMetaImage } from './metaImage';
import { readNifti, writeNifti } from './nifti';
import { readNrrd, writeNrrd } from './nrrd';
import type { VolumeImage } from './VolumeImage';

function lpsOf(m: readonly number[], [i, j, k]: Vec3): Vec3 {
  return [0, 1, 2].map((r) => m[4 * r] * i + m[4 * r + 1] * j + m[4 * r + 2] * k + m[4 * r + 3]) as Vec3;
}

function rotation(axisIn: Vec3, deg: number): [Vec3, Vec3, Vec3] {
  const n = Math.hypot(...axisIn);
  const [x, y, z] = axisIn.map((v) => v / n);
  const t = (deg * Math.PI) / 180;
  const c = Math.cos(t);
  const s = Math.sin(t);
  const C = 1 - c;
  // Columns of the rotation matrix (Rodrigues).
  return [
    [c + x * x * C, y * x * C + z * s, z * x * C - y * s],
    [x * y * C - z * s, c + y * y * C, z * y * C + x * s],
    [x * z * C + y * s, y * z * C - x * s, c + z * z * C],
  ];
}

function image(axes: [Vec3, Vec3, Vec3], spacing: Vec3, origin: Vec3, dims: [number, number, number] = [7, 5, 4]): VolumeImage {
  const scaled = axes.map((a, c) => a.map((v) => v * spacing[c])) as [Vec3, Vec3, Vec3];
  const voxels = new Int16Array(dims[0] * dims[1] * dims[2]);
  // Asymmetric content: a flip or transposition of any axis changes it.
  for (let n = 0; n < voxels.length; n++) voxels[n] = (n * 37) % 2001 - 1000;
  return { dimensions: dims, ijkToLps: affineFromAxes(scaled, origin), voxels };
}

const oblique = image(rotation([0.3, -0.5, 0.8], 27), [0.7, 0.8, 2.5], [-100.5, 20.25, 33]);
const leftHanded = (() => {
  const r = rotation([1, 1, 0], 15);
  return image([r[0], r[1], [-r[2][0], -r[2][1], -r[2][2]]], [0.5, 0.5, 1.25], [12, -7, -300]);
})();
// Gantry tilt: the slice axis is not perpendicular to the rows and columns.
const sheared = image([[1, 0, 0], [0, 1, 0], [0, Math.sin(0.3), Math.cos(0.3)]], [0.6, 0.6, 3], [-150, -150, -80]);
const corners: Vec3[] = [[0, 0, 0], [6, 0, 0], [0, 4, 0], [0, 0, 3], [6, 4, 3], [3, 2, 1]];

const formats = {
  'NRRD raw': { write: (v: VolumeImage) => writeNrrd(v), read: readNrrd, tol: 1e-12 },
  'NRRD gzip': { write: (v: VolumeImage) => writeNrrd(v, { gzip: true }), read: readNrrd, tol: 1e-12 },
  'NIfTI .nii': { write: (v: VolumeImage) => writeNifti(v), read: (b: Uint8Array) => readNifti(b), tol: 1e-4 },
  'NIfTI .nii.gz': { write: (v: VolumeImage) => writeNifti(v, { gzip: true }), read: (b: Uint8Array) => readNifti(b), tol: 1e-4 },
  'MetaImage .mha': { write: (v: VolumeImage) => writeMetaImage(v), read: readMetaImage, tol: 1e-12 },
  'MetaImage compressed': { write: (v: VolumeImage) => writeMetaImage(v, { compress: true }), read: readMetaImage, tol: 1e-12 },
};

describe.each(Object.entries(formats))('%s round trip', (_name, { write, read, tol }) => {
  it.each([
    ['oblique', oblique],
    ['left-handed', leftHanded],
    ['gantry-tilted', sheared],
  ] as const)('keeps values and every voxel position (%s)', (_label, source) => {
    const back = read(write(source));
    expect(back.dimensions).toEqual(source.dimensions);
    expect(back.voxels).toBeInstanceOf(Int16Array);
    expect(Array.from(back.voxels)).toEqual(Array.from(source.voxels));
    for (const ijk of corners) {
      const want = lpsOf(source.ijkToLps, ijk);
      const got = lpsOf(back.ijkToLps, ijk);
      for (let a = 0; a < 3; a++) expect(Math.abs(got[a] - want[a])).toBeLessThan(tol * (1 + Math.abs(want[a])));
    }
  });

  it('keeps float voxels', () => {
    const f = { ...oblique, voxels: Float32Array.from(oblique.voxels, (v) => v / 3) };
    expect(Array.from(read(write(f)).voxels)).toEqual(Array.from(f.voxels));
  });
});

describe('NIfTI is RAS on disk', () => {
  // LPS affine: 0.5 mm columns along +L, 0.5 mm rows along +P, 2 mm slices along +S, origin (10, 20, 30) LPS.
  const axial = image([[1, 0, 0], [0, 1, 0], [0, 0, 1]], [0.5, 0.5, 2], [10, 20, 30]);
  const bytes = writeNifti(axial);
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const f32 = (at: number) => dv.getFloat32(at, true);

  it('writes the sform as rasFromLps · ijkToLps, by hand', () => {
    const srow = [0, 1, 2, 3].map((c) => [f32(280 + 4 * c), f32(296 + 4 * c), f32(312 + 4 * c)]);
    // Columns of the sform: x axis (−0.5, 0, 0), y axis (0, −0.5, 0), z axis (0, 0, 2), origin (−10, −20, 30).
    expect(srow).toEqual([[-0.5, 0, 0], [0, -0.5, 0], [0, 0, 2], [-10, -20, 30]]);
    expect(dv.getInt16(254, true)).toBe(1); // sform_code scanner
    expect(dv.getInt16(252, true)).toBe(1); // qform_code scanner
    expect(dv.getUint8(123)).toBe(2); // mm
    expect([f32(80), f32(84), f32(88)]).toEqual([0.5, 0.5, 2]);
  });

  it('writes the qform as a 180° turn about z (LPS→RAS) with the same origin', () => {
    // diag(−1, −1, 1) is a rotation by π about z: quaternion (a, b, c, d) = (0, 0, 0, 1), qfac +1.
    expect([f32(256), f32(260), f32(264)]).toEqual([0, 0, 1]);
    expect(f32(76)).toBe(1);
    expect([f32(268), f32(272), f32(276)]).toEqual([-10, -20, 30]);
  });

  it('reads the same geometry from the qform as from the sform', () => {
    for (const source of [oblique, leftHanded]) {
      const b = writeNifti(source);
      const fromS = readNifti(b, { use: 'sform' }).ijkToLps;
      const fromQ = readNifti(b, { use: 'qform' }).ijkToLps;
      for (let n = 0; n < 12; n++) expect(Math.abs(fromQ[n] - fromS[n])).toBeLessThan(1e-4);
    }
  });

  it('leaves the qform unset for a gantry-tilted stack, which no rotation describes', () => {
    const b = writeNifti(sheared);
    expect(new DataView(b.buffer).getInt16(252, true)).toBe(0);
  });
});

describe('MetaImage follows ITK', () => {
  const text = (b: Uint8Array) => new TextDecoder().decode(b.subarray(0, 600));

  it('names an identity LPS volume RAI and writes directions axis by axis', () => {
    const axial = image([[1, 0, 0], [0, 1, 0], [0, 0, 1]], [0.5, 0.5, 2], [10, 20, 30]);
    const header = text(writeMetaImage(axial));
    expect(header).toContain('AnatomicalOrientation = RAI');
    expect(header).toContain('TransformMatrix = 1 0 0 0 1 0 0 0 1');
    expect(header).toContain('Offset = 10 20 30');
    expect(header).toContain('ElementSpacing = 0.5 0.5 2');
    expect(header).toContain('ElementType = MET_SHORT');
  });

  it('lists the direction of index axis 0 first (a coronal stack)', () => {
    // Columns along +L, rows along −S (down the patient), slices along +P.
    const coronal = image([[1, 0, 0], [0, 0, -1], [0, 1, 0]], [1, 1, 1], [0, 0, 0]);
    const header = text(writeMetaImage(coronal));
    expect(header).toContain('TransformMatrix = 1 0 0 0 0 -1 0 1 0');
    expect(header).toContain('AnatomicalOrientation = RSA');
  });
});

describe('NRRD header', () => {
  it('states LPS space, directions and origin exactly', () => {
    const axial = image([[1, 0, 0], [0, 1, 0], [0, 0, 1]], [0.564453125, 0.564453125, 3], [-144.2, -300.7, -1020.5]);
    const header = new TextDecoder().decode(writeNrrd(axial).subarray(0, 500));
    expect(header).toContain('space: left-posterior-superior');
    expect(header).toContain('space directions: (0.564453125,0,0) (0,0.564453125,0) (0,0,3)');
    expect(header).toContain('space origin: (-144.2,-300.7,-1020.5)');
    expect(header).toContain('type: short');
  });

  it('writes spacings instead of LPS geometry when asked (images no affine places), and reads them back', () => {
    const flat = { dimensions: [3, 2, 2] as [number, number, number], ijkToLps: [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1], voxels: Float32Array.from({ length: 12 }, (_, n) => n / 4) };
    const bytes = writeNrrd(flat, { spacings: [0.5, 0.5, 1.25] });
    const header = new TextDecoder().decode(bytes.subarray(0, 300));
    expect(header).toContain('spacings: 0.5 0.5 1.25');
    expect(header).not.toMatch(/space( directions| origin)?:/);
    // Read as a Node Buffer, as fs.readFileSync returns it: its slice() is a view, not a copy.
    const back = readNrrd(Buffer.from(bytes));
    expect(back.ijkToLps).toEqual([0.5, 0, 0, 0, 0, 0.5, 0, 0, 0, 0, 1.25, 0, 0, 0, 0, 1]);
    expect(Array.from(back.voxels)).toEqual(Array.from(flat.voxels));
  });

  it('converts a RAS-space file to LPS', () => {
    const ras = [
      'NRRD0004', 'type: uchar', 'dimension: 3', 'space: right-anterior-superior', 'sizes: 2 1 1',
      'space directions: (2,0,0) (0,3,0) (0,0,4)', 'endian: little', 'encoding: raw', 'space origin: (5,6,7)', '', '',
    ].join('\n');
    const bytes = new Uint8Array([...new TextEncoder().encode(ras), 9, 8]);
    const back = readNrrd(bytes);
    expect(back.ijkToLps).toEqual([-2, 0, 0, -5, 0, -3, 0, -6, 0, 0, 4, 7, 0, 0, 0, 1]);
    expect(Array.from(back.voxels)).toEqual([9, 8]);
  });
});
