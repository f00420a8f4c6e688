/** Mouse-wheel and pointer arithmetic shared by every image view. */

/** Wheel distance per step: one notch of a mouse wheel (~100) is one slice; touchpads accumulate. */
const WHEEL_PER_STEP = 100;

/** Whole steps the wheel has turned (line-mode deltas scaled to pixels); the remainder stays in `accumulated`. */
export function wheelSteps(accumulated: { current: number }, e: WheelEvent): number {
  accumulated.current += e.deltaMode === 1 ? e.deltaY * 33 : e.deltaY;
  const steps = Math.trunc(accumulated.current / WHEEL_PER_STEP) || (Math.abs(accumulated.current) >= WHEEL_PER_STEP / 2 ? Math.sign(accumulated.current) : 0);
  if (steps !== 0) accumulated.current = 0;
  return steps;
}

/** A pointer event's position in CSS pixels relative to `host`'s top-left corner. */
export function pointerIn(host: HTMLElement, e: { clientX: number; clientY: number }): [number, number] {
  const rect = host.getBoundingClientRect();
  return [e.clientX - rect.left, e.clientY - rect.top];
}
