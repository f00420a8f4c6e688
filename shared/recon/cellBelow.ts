/**
 * The interpolation cell holding x, for x inside [0, last + 1] up to rounding: truncation is
 * the floor (x ≥ 0), and the last cell also serves its far face so the cell's upper taps
 * (index + 1) stay in the array. Shared by the projector's and FDK's bilinear samplers.
 */
export function cellBelow(x: number, last: number): number {
  const cell = x | 0;
  return cell > last ? last : cell;
}
