/**
 * Patient-orientation letters for the edges of a 3D view, from the camera's view-up
 * and direction of projection in LPS. Screen right is DOP × view-up (vtk.js cameras
 * are right-handed: x right, y up, looking down −z).
 */
import { cross, dot, normalize, scale, sub, type Vec3 } from '../../../shared/math/vec3';

export interface EdgeLetters {
  left: string;
  right: string;
  top: string;
  bottom: string;
}

/**
 * Letters along which an LPS direction points, dominant axis first (e.g. "LA" for a
 * mostly-left, somewhat-anterior direction). Components below `minComponent` are left
 * out so a slightly tilted view still reads "L" rather than "LAS".
 */
export function directionLetters(direction: Vec3, minComponent = 0.3): string {
  const n = normalize(direction);
  const parts: { letter: string; weight: number }[] = [
    { letter: n[0] >= 0 ? 'L' : 'R', weight: Math.abs(n[0]) },
    { letter: n[1] >= 0 ? 'P' : 'A', weight: Math.abs(n[1]) },
    { letter: n[2] >= 0 ? 'S' : 'I', weight: Math.abs(n[2]) },
  ];
  parts.sort((x, y) => y.weight - x.weight);
  const kept = parts.filter((p, index) => index === 0 || p.weight >= minComponent);
  return kept.map((p) => p.letter).join('');
}

/** The letters at the four screen edges for a camera (view-up need not be orthogonal to DOP). */
export function edgeLetters(viewUp: Vec3, directionOfProjection: Vec3): EdgeLetters {
  const dop = normalize(directionOfProjection);
  const up = normalize(sub(viewUp, scale(dop, dot(viewUp, dop))));
  const right = normalize(cross(dop, up));
  return {
    right: directionLetters(right),
    left: directionLetters(scale(right, -1)),
    top: directionLetters(up),
    bottom: directionLetters(scale(up, -1)),
  };
}
