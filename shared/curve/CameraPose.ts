import type { Vec3 } from '../math/vec3';

/**
 * Where a flythrough camera is and how it is turned, in LPS mm. `direction` and `up` are
 * unit and orthogonal; the screen's right is direction × up (vtk.js's convention), so with
 * up = −binormal the endoscopic view's right is the path frame's normal, as the
 * straightened cross-section's columns are.
 */
export interface CameraPose {
  position: Vec3;
  direction: Vec3;
  up: Vec3;
  /** Distance along the path, mm. */
  arcLength: number;
}
