/** Keys of the flythrough; they take precedence over the 3-up keys while it is open. */
import type { FlythroughStore } from '../../stores/FlythroughStore';
import type { ViewerStore } from '../../stores/ViewerStore';

const PAGE_STEPS = 10;
const SPEED_FACTOR = 1.25;
const VIEW_ANGLE_STEP_DEG = 5;
const ROLL_STEP_DEG = 15;

/** Open or close the flythrough: in every workspace. */
export function flythroughToggleKeymap(flythrough: FlythroughStore): Record<string, () => void> {
  return { t: () => flythrough.toggleOpen() };
}

export function flythroughKeymap(flythrough: FlythroughStore, viewer: ViewerStore): Record<string, () => void> {
  const page = (direction: 1 | -1) => () => flythrough.jumpTo(flythrough.arcLength + direction * PAGE_STEPS * flythrough.stepMm);
  const faster = (): void => flythrough.setSpeed(flythrough.speedMmPerS * SPEED_FACTOR);
  const slower = (): void => flythrough.setSpeed(flythrough.speedMmPerS / SPEED_FACTOR);
  return {
    ' ': () => flythrough.togglePlay(),
    ArrowRight: () => flythrough.stepForward(),
    ArrowUp: () => flythrough.stepForward(),
    ArrowLeft: () => flythrough.stepBack(),
    ArrowDown: () => flythrough.stepBack(),
    PageUp: page(1),
    PageDown: page(-1),
    Home: () => flythrough.jumpToStart(),
    End: () => flythrough.jumpToEnd(),
    '+': faster,
    '=': faster,
    '-': slower,
    _: slower,
    l: () => flythrough.setLoop(!flythrough.loop),
    '[': () => flythrough.setViewAngle(flythrough.viewAngleDeg - VIEW_ANGLE_STEP_DEG),
    ']': () => flythrough.setViewAngle(flythrough.viewAngleDeg + VIEW_ANGLE_STEP_DEG),
    ',': () => flythrough.setRollOffset(flythrough.rollOffsetDeg - ROLL_STEP_DEG),
    '.': () => flythrough.setRollOffset(flythrough.rollOffsetDeg + ROLL_STEP_DEG),
    k: () => flythrough.addRollKeyframe(),
    n: () => flythrough.jumpToNextControlPoint(),
    Escape: () => (viewer.draftRuler ? viewer.cancelRuler() : flythrough.setOpen(false)),
  };
}
