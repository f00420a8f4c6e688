import type { Vec3 } from '../math/vec3';

/** One station of a sampled path: where it is, and the slice frame a straightened volume uses there. */
export interface PathSample {
  /** LPS mm. */
  point: Vec3;
  /** Unit tangent (direction of travel). */
  tangent: Vec3;
  /** Unit normal: the straightened slice's column direction. */
  normal: Vec3;
  /** Unit binormal = tangent × normal: the slice's row direction. (normal × binormal = tangent, right-handed.) */
  binormal: Vec3;
  /** Distance along the curve from its start, mm. */
  arcLength: number;
}
