/**
 * Geometry of a frame from the classic image-plane attributes, or from an Enhanced
 * multi-frame functional-group item (Shared 5200,9229 / Per-frame 5200,9230), where
 * the same attributes sit one sequence deeper.
 */
import type { FrameGeometry, Orientation, Vec3 } from '../DicomHeader';
import type { ElementValues } from './ElementValues';

export function imagePlaneGeometry(v: ElementValues): FrameGeometry {
  const g: FrameGeometry = {};
  const ipp = v.vector('x00200032', 'Image Position (Patient)', 3);
  if (ipp) g.imagePositionPatient = ipp as Vec3;
  const iop = v.vector('x00200037', 'Image Orientation (Patient)', 6);
  if (iop) g.imageOrientationPatient = iop as Orientation;
  const ps = v.vector('x00280030', 'Pixel Spacing', 2);
  if (ps) g.pixelSpacing = ps as [number, number];
  const thickness = v.number('x00180050', 'Slice Thickness');
  if (thickness !== undefined) g.sliceThickness = thickness;
  const primary = v.number('x00181510', 'Positioner Primary Angle');
  if (primary !== undefined) g.positionerPrimaryAngle = primary;
  const secondary = v.number('x00181511', 'Positioner Secondary Angle');
  if (secondary !== undefined) g.positionerSecondaryAngle = secondary;
  return g;
}

const PLANE_POSITION = 'x00209113';
const PLANE_ORIENTATION = 'x00209116';
const PIXEL_MEASURES = 'x00289110';
/** Enhanced XA/XRF X-Ray Positioner macro. */
const POSITIONER_POSITION = 'x00189405';

/** Geometry carried by one functional-group item; only the fields it sets. */
export function functionalGroupGeometry(group: ElementValues): FrameGeometry {
  const g: FrameGeometry = {};
  for (const item of group.items(PLANE_POSITION).slice(0, 1)) Object.assign(g, defined(imagePlaneGeometry(item), ['imagePositionPatient']));
  for (const item of group.items(PLANE_ORIENTATION).slice(0, 1)) Object.assign(g, defined(imagePlaneGeometry(item), ['imageOrientationPatient']));
  for (const item of group.items(PIXEL_MEASURES).slice(0, 1)) Object.assign(g, defined(imagePlaneGeometry(item), ['pixelSpacing', 'sliceThickness']));
  for (const item of group.items(POSITIONER_POSITION).slice(0, 1)) {
    Object.assign(g, defined(imagePlaneGeometry(item), ['positionerPrimaryAngle', 'positionerSecondaryAngle']));
  }
  // Some writers put the angles directly in the group item.
  return { ...defined(imagePlaneGeometry(group), ['positionerPrimaryAngle', 'positionerSecondaryAngle']), ...g };
}

function defined(g: FrameGeometry, keys: (keyof FrameGeometry)[]): FrameGeometry {
  const out: FrameGeometry = {};
  for (const k of keys) if (g[k] !== undefined) (out as Record<string, unknown>)[k] = g[k];
  return out;
}

/** Later sources override earlier ones field by field. */
export function mergeGeometry(...sources: FrameGeometry[]): FrameGeometry {
  const out: FrameGeometry = {};
  for (const s of sources) Object.assign(out, defined(s, Object.keys(s) as (keyof FrameGeometry)[]));
  return out;
}
