/**
 * Voxel bytes on disk: little-endian for the writers; either byte order for the
 * readers, copied into an aligned array of the declared type.
 */
import { voxelConstructors, VolumeFileError, type VoxelArray, type VoxelTypeName } from './VolumeImage';

const hostLittleEndian = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

export function littleEndianBytes(voxels: VoxelArray): Uint8Array {
  const bytes = new Uint8Array(voxels.buffer, voxels.byteOffset, voxels.byteLength);
  return hostLittleEndian || voxels.BYTES_PER_ELEMENT === 1 ? bytes : swapped(bytes, voxels.BYTES_PER_ELEMENT);
}

export function voxelsFromBytes(bytes: Uint8Array, type: VoxelTypeName, count: number, littleEndian: boolean): VoxelArray {
  const Ctor = voxelConstructors[type];
  const need = count * Ctor.BYTES_PER_ELEMENT;
  if (bytes.length < need) throw new VolumeFileError(`voxel data is truncated: expected ${need} bytes, found ${bytes.length}`);
  // A real copy: Node's Buffer#slice would return a view into its (pooled) memory.
  let copy: Uint8Array<ArrayBuffer> = new Uint8Array(bytes.subarray(0, need));
  if (littleEndian !== hostLittleEndian && Ctor.BYTES_PER_ELEMENT > 1) copy = swapped(copy, Ctor.BYTES_PER_ELEMENT);
  return new Ctor(copy.buffer, 0, count);
}

function swapped(bytes: Uint8Array, width: number): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(bytes.length);
  for (let i = 0; i < bytes.length; i += width) for (let b = 0; b < width; b++) out[i + b] = bytes[i + width - 1 - b];
  return out;
}

/** Numbers in headers: the shortest text that reads back to the same double. */
export function formatNumber(n: number): string {
  return Object.is(n, -0) ? '0' : String(n);
}
