import { describe, expect, it } from 'vitest';
import { isValidUid, newUid, stableUid } from './uid';

describe('uid', () => {
  it('newUid gives valid, distinct UIDs under 2.25 and under a custom root', () => {
    const seen = new Set<string>();
    for (let n = 0; n < 2000; n++) {
      const uid = newUid();
      expect(isValidUid(uid)).toBe(true);
      expect(uid.startsWith('2.25.')).toBe(true);
      seen.add(uid);
    }
    expect(seen.size).toBe(2000);
    const long = newUid('1.2.826.0.1.3680043.8.498.123456789.123456789');
    expect(long.length).toBeLessThanOrEqual(64);
    expect(isValidUid(long)).toBe(true);
  });

  it('stableUid is deterministic, valid and key-sensitive', () => {
    expect(stableUid('a|b')).toBe(stableUid('a|b'));
    expect(stableUid('a|b')).not.toBe(stableUid('a|c'));
    expect(isValidUid(stableUid('x'))).toBe(true);
  });

  it('isValidUid rejects leading zeros, letters and empty components', () => {
    expect(isValidUid('1.02.3')).toBe(false);
    expect(isValidUid('1..3')).toBe(false);
    expect(isValidUid('1.2.3a')).toBe(false);
    expect(isValidUid('1.0.3')).toBe(true);
  });
});
