/**
 * What a straightening holds in memory while it runs, counted the same way by the
 * exporter's budget check and the Reformat panel's estimate: a float32 value and a mask
 * byte per output voxel, plus, for the SIMD sampler (nearest and linear), the volume's
 * copy in WebAssembly memory (room for float32: int16 when lossless, but a volume that
 * is not falls back to float32).
 */
import type { Interpolation } from './reslicePlane';

export const BYTES_PER_OUTPUT_VOXEL = 5;

export interface StraighteningSize {
  columns: number;
  rows: number;
  slices: number;
  /** Voxels of the source volume. */
  volumeVoxels: number;
  interpolation: Interpolation;
}

export function straighteningMemoryBytes({ columns, rows, slices, volumeVoxels, interpolation }: StraighteningSize): number {
  const output = BYTES_PER_OUTPUT_VOXEL * columns * rows * slices;
  return output + (interpolation === 'cubic' ? 0 : 4 * volumeVoxels);
}
