/**
 * The scrubber's buffer bar as one CSS gradient: a hard-edged stripe per run of frames
 * in the same state (not decoded, decoded, failed), like the buffered range of a video
 * player. Frame i covers [i/n, (i+1)/n] of the bar.
 */
export const BUFFER_COLOURS = ['transparent', 'rgba(98, 203, 242, 0.38)', 'rgba(240, 113, 103, 0.95)'] as const;

export function bufferGradient(states: ArrayLike<number>): string {
  const n = states.length;
  if (n === 0) return 'none';
  const stops: string[] = [];
  let start = 0;
  for (let i = 1; i <= n; i++) {
    if (i < n && states[i] === states[start]) continue;
    const colour = BUFFER_COLOURS[states[start]] ?? BUFFER_COLOURS[0];
    const from = ((start / n) * 100).toFixed(3);
    const to = ((i / n) * 100).toFixed(3);
    stops.push(`${colour} ${from}%`, `${colour} ${to}%`);
    start = i;
  }
  return `linear-gradient(to right, ${stops.join(', ')})`;
}
