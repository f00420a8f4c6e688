import vtkCamera from '@kitware/vtk.js/Rendering/Core/Camera';
import { describe, expect, it } from 'vitest';
import type { Vec3 } from '../../../shared/math/vec3';
import { directionLetters, edgeLetters } from './orientationLetters';

const LETTER_AXIS: Record<string, Vec3> = { L: [1, 0, 0], R: [-1, 0, 0], P: [0, 1, 0], A: [0, -1, 0], S: [0, 0, 1], I: [0, 0, -1] };

describe('edgeLetters', () => {
  it('anterior view, head up: patient left on screen right', () => {
    expect(edgeLetters([0, 0, 1], [0, 1, 0])).toEqual({ left: 'R', right: 'L', top: 'S', bottom: 'I' });
  });

  it('posterior view mirrors left and right', () => {
    expect(edgeLetters([0, 0, 1], [0, -1, 0])).toEqual({ left: 'L', right: 'R', top: 'S', bottom: 'I' });
  });

  it('left lateral view (from the patient left): anterior on screen left', () => {
    expect(edgeLetters([0, 0, 1], [-1, 0, 0])).toEqual({ left: 'A', right: 'P', top: 'S', bottom: 'I' });
  });

  it('axial from the feet, anterior up: the radiological L on the right', () => {
    expect(edgeLetters([0, -1, 0], [0, 0, 1])).toEqual({ left: 'R', right: 'L', top: 'A', bottom: 'P' });
  });

  it('orthogonalises a view-up that is not perpendicular to the projection', () => {
    expect(edgeLetters([0, 0.6, 0.8], [0, 1, 0])).toEqual({ left: 'R', right: 'L', top: 'S', bottom: 'I' });
  });

  it('names oblique directions dominant axis first and drops small components', () => {
    expect(directionLetters([0.8, -0.5, 0.1])).toBe('LA');
    expect(directionLetters([0.2, 0.1, -0.97])).toBe('I');
    expect(directionLetters([-0.58, 0.57, 0.58])).toBe('RSP');
  });

  it('agrees with where vtk.js projects each patient direction, for arbitrary rotated cameras', () => {
    const camera = vtkCamera.newInstance();
    let checked = 0;
    for (let n = 0; n < 24; n++) {
      camera.setFocalPoint(0, 0, 0);
      camera.setPosition(0, -500, 0);
      camera.setViewUp(0, 0, 1);
      camera.azimuth(n * 37);
      camera.elevation(((n * 23) % 170) - 85);
      camera.orthogonalizeViewUp();
      camera.roll(n * 11);
      const letters = edgeLetters(camera.getViewUp() as Vec3, camera.getDirectionOfProjection() as Vec3);
      // Independent truth: vtk's view matrix (returned row-major) takes world directions to camera x (right) / y (up).
      const v = camera.getViewMatrix();
      const toView = (d: Vec3): Vec3 => [v[0]! * d[0] + v[1]! * d[1] + v[2]! * d[2], v[4]! * d[0] + v[5]! * d[1] + v[6]! * d[2], v[8]! * d[0] + v[9]! * d[1] + v[10]! * d[2]];
      for (const [edge, screenAxis, sign] of [['right', 0, 1], ['left', 0, -1], ['top', 1, 1], ['bottom', 1, -1]] as const) {
        const dominant = letters[edge][0]!;
        const projected = toView(LETTER_AXIS[dominant]!)[screenAxis] * sign;
        // The dominant letter's axis points towards that edge more than any other patient axis does.
        for (const other of Object.keys(LETTER_AXIS)) expect(projected).toBeGreaterThanOrEqual(toView(LETTER_AXIS[other]!)[screenAxis] * sign - 1e-9);
        checked++;
      }
    }
    expect(checked).toBe(96);
  });
});
