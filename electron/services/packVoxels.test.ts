import { describe, expect, it } from 'vitest';
import { packVoxels, voxelTypeFor } from './packVoxels';

describe('packVoxels', () => {
  it('packs whole values in int16 range as int16, exactly', () => {
    const voxels = new Float32Array(new SharedArrayBuffer(16));
    voxels.set([-1024, 0, 3071, 32767]);
    expect(voxelTypeFor(voxels, [-1024, 32767])).toBe('int16');
    const packed = packVoxels(voxels, 'int16');
    expect(packed).toBeInstanceOf(Int16Array);
    expect(Array.from(packed)).toEqual([-1024, 0, 3071, 32767]);
    expect(packed.buffer).not.toBeInstanceOf(SharedArrayBuffer);
  });

  it('keeps fractional or out-of-range values as float32', () => {
    expect(voxelTypeFor(new Float32Array([1, 2.5]), [1, 2.5])).toBe('float32');
    expect(voxelTypeFor(new Float32Array([0, 40000]), [0, 40000])).toBe('float32');
    const packed = packVoxels(new Float32Array([0.25, -7.5]), 'float32');
    expect(Array.from(packed)).toEqual([0.25, -7.5]);
  });
});
