/**
 * The renderer gets each volume once, for its 3D texture and reslicing. CT values are
 * whole Hounsfield units, so int16 carries them exactly in half the bytes of float32;
 * anything else (fractional rescale, out-of-range values) stays float32.
 */
export function voxelTypeFor(voxels: Float32Array, range: [number, number]): 'int16' | 'float32' {
  if (range[0] < -32768 || range[1] > 32767) return 'float32';
  for (let n = 0; n < voxels.length; n++) {
    const v = voxels[n]!;
    if (v !== Math.round(v)) return 'float32';
  }
  return 'int16';
}

/** A copy in an ordinary (transferable, cloneable) buffer: the source lives in a SharedArrayBuffer. */
export function packVoxels(voxels: Float32Array, type: 'int16' | 'float32'): Int16Array | Float32Array {
  if (type === 'float32') return new Float32Array(voxels);
  return Int16Array.from(voxels);
}
