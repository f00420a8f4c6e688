/**
 * C-arm angles as clinicians read them off the console: "LAO 32.1°  CRA 0.0°".
 * DICOM signs (PS3.3 C.8.7.5.1.2): primary > 0 is LAO, < 0 RAO; secondary > 0 is CRA,
 * < 0 CAU. The side is chosen from the rounded value, so −0.04° reads "LAO 0.0°", never
 * "RAO 0.0°"; exactly 0 takes the positive name, as consoles do.
 */

function named(deg: number, positive: string, negative: string): string {
  // Round the magnitude, so −5.55 and 5.55 read alike (Math.round alone rounds halves up).
  const tenths = Math.round(Math.abs(deg) * 10);
  const side = deg < 0 && tenths > 0 ? negative : positive;
  return `${side} ${(tenths / 10).toFixed(1)}°`;
}

/** "LAO 32.1°" or "RAO 100.0°". */
export function primaryAngleLabel(deg: number): string {
  return named(deg, 'LAO', 'RAO');
}

/** "CRA 12.0°" or "CAU 5.5°". */
export function secondaryAngleLabel(deg: number): string {
  return named(deg, 'CRA', 'CAU');
}

/** Both angles, two spaces apart; the secondary only where it is known. */
export function positionerAngleLabel(primaryDeg: number, secondaryDeg?: number): string {
  return secondaryDeg === undefined ? primaryAngleLabel(primaryDeg) : `${primaryAngleLabel(primaryDeg)}  ${secondaryAngleLabel(secondaryDeg)}`;
}

/** Time of a frame from the start of the run in whole ms, without locale separators. */
export function frameTimeLabel(index: number, frameTimeMs: number): string {
  return `${Math.round(index * frameTimeMs)} ms`;
}
