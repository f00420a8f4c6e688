/**
 * A volume as the renderer holds it: uploaded once from main, then resliced for the
 * slice views and handed to vtk.js for the 3D view. Never made observable: stores
 * keep it with `observable.ref`.
 */
import type { VolumeDescription } from '../../shared/contracts/ipc';

export interface RendererVolume extends VolumeDescription {
  /** Modality values (HU for CT), column fastest, then row, then slice. */
  voxels: Int16Array | Float32Array;
}
