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
    expect(s.writes[0]).toMatch(/^\rreading headers  \[#{15}\.{15}\] 5\/10\u001b\[K$/);
    expect(s.writes[1]).toMatch(/\[#{30}\] 10\/10/);
    bar.clear();
    expect(s.writes.at(-1)).toBe('\r\u001b[K');
  });
});
