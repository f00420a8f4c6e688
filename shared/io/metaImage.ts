/**
 * MetaImage single files (.mha). ITK's convention, which MetaImage files follow:
 * world space is LPS, so no conversion; `Offset` is voxel (0,0,0)'s position;
 * `ElementSpacing` the axis lengths; `TransformMatrix` lists the unit direction of
 * index axis 0, then axis 1, then axis 2 (ITK writes GetDirection(i)[j] at 3i+j), i.e.
 * the direction matrix column by column. `AnatomicalOrientation` names the side each
 * axis comes from (ITK's "RAI" is an identity-oriented LPS volume) and is informative.
 */
import type { Vec3 } from '../dicom/DicomHeader';
import { affineFromAxes, decomposeAffine, originOf } from './affine';
import { zlibDeflate, zlibInflate } from './gzip';
import { formatNumber, littleEndianBytes, voxelsFromBytes } from './volumeBytes';
import { concatBytes } from '../bytes';
import { VolumeFileError, voxelTypeOf, type VolumeImage, type VoxelTypeName } from './VolumeImage';

const MET_TYPES: Record<VoxelTypeName, string> = {
  uint8: 'MET_UCHAR', int8: 'MET_CHAR', uint16: 'MET_USHORT', int16: 'MET_SHORT',
  uint32: 'MET_UINT', int32: 'MET_INT', float32: 'MET_FLOAT', float64: 'MET_DOUBLE',
};
const TYPE_BY_MET = new Map(Object.entries(MET_TYPES).map(([name, met]) => [met, name as VoxelTypeName]));

/** The side an LPS axis direction comes from, by its dominant component (ITK's naming). */
export function anatomicalOrientation(directions: [Vec3, Vec3, Vec3]): string {
  return directions
    .map((d) => {
      const k = [0, 1, 2].reduce((best, c) => (Math.abs(d[c]) > Math.abs(d[best]) ? c : best), 0);
      return ['RL', 'AP', 'IS'][k][d[k] >= 0 ? 0 : 1];
    })
    .join('');
}

/**
 * `channels` > 1 writes a vector image (values interleaved per voxel), as ITK reads a
 * displacement field: ElementNumberOfChannels = channels.
 */
export function writeMetaImage(image: VolumeImage, options: { compress?: boolean; channels?: number } = {}): Uint8Array {
  const channels = options.channels ?? 1;
  if (image.voxels.length !== channels * image.dimensions[0] * image.dimensions[1] * image.dimensions[2]) {
    throw new RangeError(`writeMetaImage: ${image.voxels.length} values do not fill ${image.dimensions.join('×')} voxels of ${channels} channel(s)`);
  }
  const { spacing, directions } = decomposeAffine(image.ijkToLps);
  const raw = littleEndianBytes(image.voxels);
  const data = options.compress ? zlibDeflate(raw) : raw;
  const nums = (v: readonly number[]) => v.map(formatNumber).join(' ');
  const header = [
    'ObjectType = Image',
    'NDims = 3',
    'BinaryData = True',
    'BinaryDataByteOrderMSB = False',
    `CompressedData = ${options.compress ? 'True' : 'False'}`,
    ...(options.compress ? [`CompressedDataSize = ${data.length}`] : []),
    `TransformMatrix = ${nums(directions.flat())}`,
    `Offset = ${nums(originOf(image.ijkToLps))}`,
    'CenterOfRotation = 0 0 0',
    `AnatomicalOrientation = ${anatomicalOrientation(directions)}`,
    `ElementSpacing = ${nums(spacing)}`,
    `DimSize = ${image.dimensions.join(' ')}`,
    ...(channels > 1 ? [`ElementNumberOfChannels = ${channels}`] : []),
    `ElementType = ${MET_TYPES[voxelTypeOf(image.voxels)]}`,
    'ElementDataFile = LOCAL',
    '',
  ].join('\n');
  return concatBytes([new TextEncoder().encode(header), data]);
}

export function readMetaImage(bytes: Uint8Array): VolumeImage {
  const fields = new Map<string, string>();
  let at = 0;
  for (;;) {
    const nl = bytes.indexOf(0x0a, at);
    if (nl < 0 || at > 1 << 20) throw new VolumeFileError('MetaImage header has no "ElementDataFile = LOCAL" line');
    const line = new TextDecoder().decode(bytes.subarray(at, nl)).replace(/\r$/, '');
    at = nl + 1;
    const eq = line.indexOf('=');
    if (eq < 0) continue;
    const key = line.slice(0, eq).trim();
    const value = line.slice(eq + 1).trim();
    fields.set(key, value);
    if (key === 'ElementDataFile') {
      if (value !== 'LOCAL') throw new VolumeFileError('only MetaImage files with LOCAL data (.mha) are supported');
      break;
    }
  }
  const numbers = (key: string, fallback?: number[]) => {
    const v = fields.get(key) ?? fields.get(key === 'TransformMatrix' ? 'Orientation' : key === 'Offset' ? 'Position' : key);
    if (v === undefined) {
      if (fallback) return fallback;
      throw new VolumeFileError(`MetaImage header lacks "${key}"`);
    }
    return v.split(/\s+/).map(Number);
  };
  if (Number(fields.get('NDims')) !== 3) throw new VolumeFileError('only 3-D MetaImage volumes are supported');
  const dims = numbers('DimSize') as [number, number, number];
  const type = TYPE_BY_MET.get(fields.get('ElementType') ?? '');
  if (!type) throw new VolumeFileError(`unsupported MetaImage ElementType "${fields.get('ElementType')}"`);
  if ((fields.get('ElementNumberOfChannels') ?? '1') !== '1') throw new VolumeFileError('only single-channel MetaImage volumes are supported');
  const spacing = numbers('ElementSpacing', numbers('ElementSize', [1, 1, 1]));
  const m = numbers('TransformMatrix', [1, 0, 0, 0, 1, 0, 0, 0, 1]);
  const origin = numbers('Offset', [0, 0, 0]) as Vec3;
  const axes = [0, 1, 2].map((i) => [m[3 * i] * spacing[i], m[3 * i + 1] * spacing[i], m[3 * i + 2] * spacing[i]]) as [Vec3, Vec3, Vec3];

  let data = bytes.subarray(at);
  if ((fields.get('CompressedData') ?? 'False').toLowerCase() === 'true') data = zlibInflate(data);
  const msb = (fields.get('BinaryDataByteOrderMSB') ?? fields.get('ElementByteOrderMSB') ?? 'False').toLowerCase() === 'true';
  return {
    dimensions: dims,
    ijkToLps: affineFromAxes(axes, origin),
    voxels: voxelsFromBytes(data, type, dims[0] * dims[1] * dims[2], !msb),
  };
}
