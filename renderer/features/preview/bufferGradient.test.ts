import { describe, expect, it } from 'vitest';
import { BUFFER_COLOURS, bufferGradient } from './bufferGradient';

describe('buffer bar gradient', () => {
  it('draws one hard-edged stripe per run of frames in the same state, covering the bar exactly', () => {
    const [empty, ready, failed] = BUFFER_COLOURS;
    expect(bufferGradient([1, 1, 0, 2])).toBe(
      `linear-gradient(to right, ${ready} 0.000%, ${ready} 50.000%, ${empty} 50.000%, ${empty} 75.000%, ${failed} 75.000%, ${failed} 100.000%)`,
    );
    expect(bufferGradient(new Uint8Array(300).fill(1))).toBe(`linear-gradient(to right, ${ready} 0.000%, ${ready} 100.000%)`);
    expect(bufferGradient([])).toBe('none');
  });
});
