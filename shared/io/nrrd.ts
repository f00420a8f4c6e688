/**
 * NRRD (teem's "nearly raw raster data") with one attached data block, raw or gzip.
 * Geometry is written in `space: left-posterior-superior`: `space directions` are the
 * ijkToLps columns and `space origin` its translation, so nothing is converted. The
 * reader also accepts RAS (and LPS/RAS abbreviations) and converts to LPS.
 */
import type { Vec3 } from '../dicom/DicomHeader';
import { affineFromAxes, axis, originOf } from './affine';
import { gunzip, gzip } from './gzip';
import { formatNumber, littleEndianBytes, voxelsFromBytes } from './volumeBytes';
import { concatBytes } from '../bytes';
import { VolumeFileError, voxelTypeOf, type VolumeImage, type VoxelTypeName } from './VolumeImage';

const NRRD_TYPES: Record<VoxelTypeName, string> = {
  uint8: 'uchar',
  int8: 'signed char',
  uint16: 'ushort',
  int16: 'short',
  uint32: 'uint',
  int32: 'int',
  float32: 'float',
  float64: 'double',
};

const TYPE_ALIASES: Record<string, VoxelTypeName> = {
  uchar: 'uint8', 'unsigned char': 'uint8', uint8: 'uint8', uint8_t: 'uint8',
  'signed char': 'int8', int8: 'int8', int8_t: 'int8',
  ushort: 'uint16', 'unsigned short': 'uint16', 'unsigned short int': 'uint16', uint16: 'uint16', uint16_t: 'uint16',
  short: 'int16', 'short int': 'int16', 'signed short': 'int16', 'signed short int': 'int16', int16: 'int16', int16_t: 'int16',
  uint: 'uint32', 'unsigned int': 'uint32', uint32: 'uint32', uint32_t: 'uint32',
  int: 'int32', 'signed int': 'int32', int32: 'int32', int32_t: 'int32',
  float: 'float32', double: 'float64',
};

const vector = (v: readonly number[]) => `(${v.map(formatNumber).join(',')})`;

/**
 * `spacings` instead of LPS geometry: for images (a straightened volume, a projection)
 * that no single affine places in the patient; their true mapping is saved beside them.
 */
export interface NrrdWriteOptions {
  gzip?: boolean;
  spacings?: readonly [number, number, number];
}

export function writeNrrd(image: VolumeImage, options: NrrdWriteOptions = {}): Uint8Array {
  const m = image.ijkToLps;
  const geometry = options.spacings
    ? [`spacings: ${options.spacings.map(formatNumber).join(' ')}`, 'kinds: domain domain domain']
    : ['space: left-posterior-superior', `space directions: ${[0, 1, 2].map((c) => vector(axis(m, c))).join(' ')}`, 'kinds: domain domain domain'];
  const header = [
    'NRRD0004',
    '# Complete NRRD file format specification at:',
    '# http://teem.sourceforge.net/nrrd/format.html',
    `type: ${NRRD_TYPES[voxelTypeOf(image.voxels)]}`,
    'dimension: 3',
    `sizes: ${image.dimensions.join(' ')}`,
    ...geometry,
    'endian: little',
    `encoding: ${options.gzip ? 'gzip' : 'raw'}`,
    ...(options.spacings ? [] : [`space origin: ${vector(originOf(m))}`]),
    '',
    '',
  ].join('\n');
  const raw = littleEndianBytes(image.voxels);
  return concatBytes([new TextEncoder().encode(header), options.gzip ? gzip(raw) : raw]);
}

export function readNrrd(bytes: Uint8Array): VolumeImage {
  const end = findBlankLine(bytes);
  const lines = new TextDecoder().decode(bytes.subarray(0, end.headerEnd)).split(/\r?\n/);
  if (!/^NRRD000[1-5]$/.test(lines[0] ?? '')) throw new VolumeFileError('not a NRRD file (no NRRD magic line)');
  const fields = new Map<string, string>();
  for (const line of lines.slice(1)) {
    if (line.startsWith('#') || line.trim() === '') continue;
    const at = line.indexOf(': ');
    if (at < 0) continue; // key:=value pairs carry no geometry
    fields.set(line.slice(0, at).trim().toLowerCase(), line.slice(at + 2).trim());
  }
  const need = (key: string) => {
    const v = fields.get(key);
    if (v === undefined) throw new VolumeFileError(`NRRD header lacks "${key}"`);
    return v;
  };
  if (fields.has('data file') || fields.has('datafile')) throw new VolumeFileError('detached NRRD data files are not supported');
  if (Number(need('dimension')) !== 3) throw new VolumeFileError('only 3-D NRRD volumes are supported');
  const type = TYPE_ALIASES[need('type').toLowerCase()];
  if (!type) throw new VolumeFileError(`unsupported NRRD type "${need('type')}"`);
  const dims = need('sizes').split(/\s+/).map(Number) as [number, number, number];

  const space = (fields.get('space') ?? 'left-posterior-superior').toLowerCase();
  const ras = space === 'right-anterior-superior' || space === 'ras';
  if (!ras && space !== 'left-posterior-superior' && space !== 'lps') throw new VolumeFileError(`unsupported NRRD space "${space}"`);
  const toLps = (v: Vec3): Vec3 => (ras ? [0 - v[0], 0 - v[1], v[2]] : v);
  // Without LPS geometry (a straightened volume), the per-axis spacings make a diagonal affine.
  const spacings = !fields.has('space directions') && fields.has('spacings') ? need('spacings').split(/\s+/).map(Number) : null;
  const vectors = spacings
    ? ([0, 1, 2].map((a) => [0, 1, 2].map((b) => (a === b ? spacings[a]! : 0))) as Vec3[])
    : [...need('space directions').matchAll(/\(([^)]*)\)/g)].map((m) => m[1].split(',').map(Number) as Vec3);
  if (vectors.length !== 3) throw new VolumeFileError('NRRD "space directions" must give three vectors');
  const originMatch = /\(([^)]*)\)/.exec(fields.get('space origin') ?? '(0,0,0)');
  const origin = (originMatch ? originMatch[1].split(',').map(Number) : [0, 0, 0]) as Vec3;

  const encoding = need('encoding').toLowerCase();
  let data = bytes.subarray(end.dataStart);
  if (encoding === 'gzip' || encoding === 'gz') data = gunzip(data);
  else if (encoding !== 'raw') throw new VolumeFileError(`unsupported NRRD encoding "${encoding}"`);
  const littleEndian = (fields.get('endian') ?? 'little').toLowerCase() !== 'big';
  return {
    dimensions: dims,
    ijkToLps: affineFromAxes([toLps(vectors[0]), toLps(vectors[1]), toLps(vectors[2])], toLps(origin)),
    voxels: voxelsFromBytes(data, type, dims[0] * dims[1] * dims[2], littleEndian),
  };
}

function findBlankLine(bytes: Uint8Array): { headerEnd: number; dataStart: number } {
  const limit = Math.min(bytes.length, 1 << 20);
  for (let i = 0; i + 1 < limit; i++) {
    if (bytes[i] === 0x0a && bytes[i + 1] === 0x0a) return { headerEnd: i, dataStart: i + 2 };
    if (bytes[i] === 0x0a && bytes[i + 1] === 0x0d && bytes[i + 2] === 0x0a) return { headerEnd: i, dataStart: i + 3 };
  }
  throw new VolumeFileError('NRRD header has no end (blank line)');
}
