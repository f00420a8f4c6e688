/**
 * NIfTI-1 single files (.nii, and .nii.gz when gzipped). NIfTI is RAS on disk:
 * x grows to the patient's Right→Left inverted, i.e. rasFromLps = diag(−1, −1, 1), so
 * the sform rows are ijkToLps with its x and y rows negated. sform_code and qform_code
 * are 1 (scanner); the qform is the same affine as spacing, a rotation quaternion
 * and qfac, and is left unset (code 0) when the axes are not orthogonal (gantry tilt),
 * which a quaternion cannot express. Header fields are float32, so geometry survives
 * to float32 precision (≈1e-7 relative).
 */
import type { Vec3 } from '../dicom/DicomHeader';
import { affineFromAxes, decomposeAffine } from './affine';
import { gunzip, gzip, isGzip } from './gzip';
import { littleEndianBytes, voxelsFromBytes } from './volumeBytes';
import { concatBytes } from '../bytes';
import { VolumeFileError, voxelTypeOf, type VolumeImage, type VoxelTypeName } from './VolumeImage';

const HEADER_SIZE = 348;
const VOX_OFFSET = 352;

const DATATYPES: Record<VoxelTypeName, number> = {
  uint8: 2, int16: 4, int32: 8, float32: 16, float64: 64, int8: 256, uint16: 512, uint32: 768,
};
const TYPE_BY_CODE = new Map(Object.entries(DATATYPES).map(([name, code]) => [code, name as VoxelTypeName]));

/** LPS ↔ RAS: negate x and y (an involution, so one function serves both ways). */
export function flipXY(v: Vec3): Vec3 {
  return [0 - v[0], 0 - v[1], v[2]]; // 0 − x, not −x: no negative zeros in headers
}

export function writeNifti(image: VolumeImage, options: { gzip?: boolean; description?: string } = {}): Uint8Array {
  const header = new ArrayBuffer(VOX_OFFSET);
  const dv = new DataView(header);
  const type = voxelTypeOf(image.voxels);
  const m = image.ijkToLps;
  const { spacing, directions } = decomposeAffine(m);

  dv.setInt32(0, HEADER_SIZE, true);
  dv.setUint8(38, 'r'.charCodeAt(0));
  const dim = [3, ...image.dimensions, 1, 1, 1, 1];
  dim.forEach((d, i) => dv.setInt16(40 + 2 * i, d, true));
  dv.setInt16(70, DATATYPES[type], true);
  dv.setInt16(72, 8 * image.voxels.BYTES_PER_ELEMENT, true);

  // Rotation part in RAS, with the third axis flipped when the axes are left-handed (qfac −1).
  const rasAxes = directions.map(flipXY) as [Vec3, Vec3, Vec3];
  const det = determinant(rasAxes);
  const qfac = det < 0 ? -1 : 1;
  const pixdim = [qfac, spacing[0], spacing[1], spacing[2], 1, 1, 1, 1];
  pixdim.forEach((p, i) => dv.setFloat32(76 + 4 * i, p, true));
  dv.setFloat32(108, VOX_OFFSET, true);
  dv.setFloat32(112, 1, true); // scl_slope: values are stored as they are
  dv.setFloat32(116, 0, true);
  dv.setUint8(123, 2); // xyzt_units: NIFTI_UNITS_MM
  writeAscii(dv, 148, 80, options.description ?? 'Lumen export (LPS source, RAS on disk)');

  const origin = flipXY([m[3], m[7], m[11]]);
  const orthogonal = isOrthonormal(rasAxes);
  dv.setInt16(252, orthogonal ? 1 : 0, true); // qform_code: NIFTI_XFORM_SCANNER_ANAT
  dv.setInt16(254, 1, true); // sform_code
  if (orthogonal) {
    const r = rasAxes.map((a, c) => (c === 2 ? [a[0] * qfac, a[1] * qfac, a[2] * qfac] : a)) as [Vec3, Vec3, Vec3];
    const [b, c, d] = quaternionFromAxes(r);
    dv.setFloat32(256, b, true);
    dv.setFloat32(260, c, true);
    dv.setFloat32(264, d, true);
  }
  dv.setFloat32(268, origin[0], true);
  dv.setFloat32(272, origin[1], true);
  dv.setFloat32(276, origin[2], true);
  // sform rows = rasFromLps · ijkToLps.
  for (let row = 0; row < 3; row++) {
    const sign = row < 2 ? -1 : 1;
    for (let c = 0; c < 4; c++) dv.setFloat32(280 + 16 * row + 4 * c, sign * m[4 * row + c] + 0, true);
  }
  writeAscii(dv, 344, 4, 'n+1\0');

  const file = concatBytes([new Uint8Array(header), littleEndianBytes(image.voxels)]);
  return options.gzip ? gzip(file) : file;
}

export interface NiftiReadOptions {
  /** Which transform to trust; default: sform if its code is set, else qform, else pixdim. */
  use?: 'sform' | 'qform';
}

export function readNifti(fileBytes: Uint8Array, options: NiftiReadOptions = {}): VolumeImage {
  const bytes = isGzip(fileBytes) ? gunzip(fileBytes) : fileBytes;
  if (bytes.length < HEADER_SIZE) throw new VolumeFileError('not a NIfTI-1 file (shorter than its header)');
  let dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let le = true;
  if (dv.getInt32(0, true) !== HEADER_SIZE) {
    if (dv.getInt32(0, false) !== HEADER_SIZE) throw new VolumeFileError('not a NIfTI-1 file (sizeof_hdr is not 348)');
    le = false;
  }
  const magic = String.fromCharCode(bytes[344], bytes[345], bytes[346]);
  if (magic !== 'n+1') throw new VolumeFileError('only single-file NIfTI-1 (magic "n+1") is supported');
  dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const ndim = dv.getInt16(40, le);
  if (ndim < 3 || ndim > 7) throw new VolumeFileError(`unsupported NIfTI dimension count ${ndim}`);
  const dims: [number, number, number] = [dv.getInt16(42, le), dv.getInt16(44, le), dv.getInt16(46, le)];
  const type = TYPE_BY_CODE.get(dv.getInt16(70, le));
  if (!type) throw new VolumeFileError(`unsupported NIfTI datatype ${dv.getInt16(70, le)}`);
  const pixdim = Array.from({ length: 8 }, (_, i) => dv.getFloat32(76 + 4 * i, le));
  const voxOffset = Math.round(dv.getFloat32(108, le));
  const qformCode = dv.getInt16(252, le);
  const sformCode = dv.getInt16(254, le);

  const use = options.use ?? (sformCode > 0 ? 'sform' : qformCode > 0 ? 'qform' : undefined);
  let rasAxes: [Vec3, Vec3, Vec3];
  let rasOrigin: Vec3;
  if (use === 'sform') {
    const row = (r: number) => Array.from({ length: 4 }, (_, c) => dv.getFloat32(280 + 16 * r + 4 * c, le));
    const s = [row(0), row(1), row(2)];
    rasAxes = [0, 1, 2].map((c) => [s[0][c], s[1][c], s[2][c]]) as [Vec3, Vec3, Vec3];
    rasOrigin = [s[0][3], s[1][3], s[2][3]];
  } else if (use === 'qform') {
    const [b, c, d] = [dv.getFloat32(256, le), dv.getFloat32(260, le), dv.getFloat32(264, le)];
    const a = Math.sqrt(Math.max(0, 1 - (b * b + c * c + d * d)));
    const r = [
      [a * a + b * b - c * c - d * d, 2 * (b * c - a * d), 2 * (b * d + a * c)],
      [2 * (b * c + a * d), a * a + c * c - b * b - d * d, 2 * (c * d - a * b)],
      [2 * (b * d - a * c), 2 * (c * d + a * b), a * a + d * d - c * c - b * b],
    ];
    const qfac = pixdim[0] < 0 ? -1 : 1;
    const scale = [pixdim[1], pixdim[2], pixdim[3] * qfac];
    rasAxes = [0, 1, 2].map((col) => [r[0][col] * scale[col], r[1][col] * scale[col], r[2][col] * scale[col]]) as [Vec3, Vec3, Vec3];
    rasOrigin = [dv.getFloat32(268, le), dv.getFloat32(272, le), dv.getFloat32(276, le)];
  } else {
    // "Method 1" of nifti1.h: no orientation, just voxel sizes.
    rasAxes = [[pixdim[1], 0, 0], [0, pixdim[2], 0], [0, 0, pixdim[3]]];
    rasOrigin = [0, 0, 0];
  }
  const count = dims[0] * dims[1] * dims[2];
  return {
    dimensions: dims,
    ijkToLps: affineFromAxes(rasAxes.map(flipXY) as [Vec3, Vec3, Vec3], flipXY(rasOrigin)),
    voxels: voxelsFromBytes(bytes.subarray(voxOffset), type, count, le),
  };
}

function writeAscii(dv: DataView, at: number, max: number, text: string): void {
  for (let i = 0; i < Math.min(max, text.length); i++) dv.setUint8(at + i, text.charCodeAt(i) & 0x7f);
}

function determinant([x, y, z]: [Vec3, Vec3, Vec3]): number {
  return x[0] * (y[1] * z[2] - y[2] * z[1]) - y[0] * (x[1] * z[2] - x[2] * z[1]) + z[0] * (x[1] * y[2] - x[2] * y[1]);
}

function isOrthonormal(axes: [Vec3, Vec3, Vec3]): boolean {
  const dot = (a: Vec3, b: Vec3) => a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
  return Math.abs(dot(axes[0], axes[1])) < 1e-4 && Math.abs(dot(axes[0], axes[2])) < 1e-4 && Math.abs(dot(axes[1], axes[2])) < 1e-4;
}

/** nifti_mat44_to_quatern for a proper rotation whose columns are `r`; returns (b, c, d) with a ≥ 0. */
function quaternionFromAxes(r: [Vec3, Vec3, Vec3]): [number, number, number] {
  // r[col][row] → element (row, col)
  const e = (row: number, col: number) => r[col][row];
  const [r11, r22, r33] = [e(0, 0), e(1, 1), e(2, 2)];
  let a = r11 + r22 + r33 + 1;
  let b: number, c: number, d: number;
  if (a > 0.5) {
    a = 0.5 * Math.sqrt(a);
    b = (0.25 * (e(2, 1) - e(1, 2))) / a;
    c = (0.25 * (e(0, 2) - e(2, 0))) / a;
    d = (0.25 * (e(1, 0) - e(0, 1))) / a;
  } else {
    const xd = 1 + r11 - (r22 + r33);
    const yd = 1 + r22 - (r11 + r33);
    const zd = 1 + r33 - (r11 + r22);
    if (xd > 1) {
      b = 0.5 * Math.sqrt(xd);
      c = (0.25 * (e(0, 1) + e(1, 0))) / b;
      d = (0.25 * (e(0, 2) + e(2, 0))) / b;
      a = (0.25 * (e(2, 1) - e(1, 2))) / b;
    } else if (yd > 1) {
      c = 0.5 * Math.sqrt(yd);
      b = (0.25 * (e(0, 1) + e(1, 0))) / c;
      d = (0.25 * (e(1, 2) + e(2, 1))) / c;
      a = (0.25 * (e(0, 2) - e(2, 0))) / c;
    } else {
      d = 0.5 * Math.sqrt(zd);
      b = (0.25 * (e(0, 2) + e(2, 0))) / d;
      c = (0.25 * (e(1, 2) + e(2, 1))) / d;
      a = (0.25 * (e(1, 0) - e(0, 1))) / d;
    }
    if (a < 0) {
      b = -b;
      c = -c;
      d = -d;
    }
  }
  return [b, c, d];
}
