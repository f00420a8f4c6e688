import { describe, expect, it } from 'vitest';
import { progressBar } from './progressBar';

function sink() {
  const writes: string[] = [];
  return { writes, write: (s: string) => writes.push(s) };
}

describe('progressBar', () => {
  it('writes nothing when stderr is not a terminal', () => {
    const s = sink();
    const bar = progressBar(s, false);
    bar.update('reading', 5, 10);
    bar.clear();
    expect(s.writes).toEqual([]);
  });

  it('redraws one line in place on a terminal and erases it when cleared', () => {
    const s = sink();
    const bar = progressBar(s, true);
    bar.update('reading headers', 5, 10);
    bar.update('reading headers', 6, 10); // within 100 ms: throttled
    bar.update('reading headers', 10, 10); // the last step is always drawn
    expect(s.writes).toHaveLength(2);
    const eraseToEnd = '\u001b[K';
    expect(s.writes[0]).toBe(`\r${'reading headers'.padEnd(16)} [${'#'.repeat(15)}${'.'.repeat(15)}] 5/10${eraseToEnd}`);
    expect(s.writes[1]).toBe(`\r${'reading headers'.padEnd(16)} [${'#'.repeat(30)}] 10/10${eraseToEnd}`);
    bar.clear();
    expect(s.writes.at(-1)).toBe('\r\u001b[K');
  });
});
