/**
 * Resolves the geometry of each frame of a header: per-frame functional groups
 * (enhanced multi-frame) win over the shared values, as PS3.3 C.7.6.16 specifies.
 */
import type { DicomHeader, Orientation, Vec3 } from './DicomHeader';
import { cross, dot, normalize } from '../math/vec3';

export interface ResolvedFrame {
  file: string;
  frameIndex: number;
  header: DicomHeader;
  position?: Vec3;
  orientation?: Orientation;
  pixelSpacing?: [number, number];
}

export function frameOrientation(h: DicomHeader, frameIndex = 0): Orientation | undefined {
  return h.perFrame?.[frameIndex]?.imageOrientationPatient ?? h.geometry.imageOrientationPatient;
}

export function framePixelSpacing(h: DicomHeader, frameIndex = 0): [number, number] | undefined {
  return h.perFrame?.[frameIndex]?.pixelSpacing ?? h.geometry.pixelSpacing;
}

function framePosition(h: DicomHeader, frameIndex: number): Vec3 | undefined {
  const perFrame = h.perFrame?.[frameIndex]?.imagePositionPatient;
  if (perFrame) return perFrame;
  // A shared IPP only locates a single-frame image; for a multi-frame without per-frame
  // positions every frame would claim the same plane.
  return h.numberOfFrames <= 1 ? h.geometry.imagePositionPatient : undefined;
}

/** Every frame of every header, in the order given. */
export function expandFrames(headers: readonly DicomHeader[]): ResolvedFrame[] {
  const frames: ResolvedFrame[] = [];
  for (const header of headers) {
    if (!header.hasPixelData) continue;
    const count = Math.max(1, header.numberOfFrames);
    for (let f = 0; f < count; f++) {
      frames.push({
        file: header.file,
        frameIndex: f,
        header,
        position: framePosition(header, f),
        orientation: frameOrientation(header, f),
        pixelSpacing: framePixelSpacing(header, f),
      });
    }
  }
  return frames;
}

export function rowCosines(o: Orientation): Vec3 {
  return [o[0], o[1], o[2]];
}

export function columnCosines(o: Orientation): Vec3 {
  return [o[3], o[4], o[5]];
}

/** Unit normal of the image plane: row cosines × column cosines. */
export function sliceNormal(o: Orientation): Vec3 {
  return normalize(cross(rowCosines(o), columnCosines(o)));
}

/** Same plane direction (both axes parallel within ~0.8°); both absent also counts as the same. */
export function sameOrientation(a: Orientation | undefined, b: Orientation | undefined): boolean {
  if (!a || !b) return a === b;
  return dot(rowCosines(a), rowCosines(b)) > 0.9999 && dot(columnCosines(a), columnCosines(b)) > 0.9999;
}

/** 'axial', 'coronal', 'sagittal' when the normal is within ~25° of an axis, else 'oblique'. */
export function planeName(o: Orientation): string {
  const n = sliceNormal(o).map(Math.abs);
  if (n[2] > 0.9) return 'axial';
  if (n[1] > 0.9) return 'coronal';
  if (n[0] > 0.9) return 'sagittal';
  return 'oblique';
}
