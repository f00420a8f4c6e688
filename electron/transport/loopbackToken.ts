/**
 * The per-run secret of the loopback harness. Anything on this machine can reach
 * 127.0.0.1, so the page and the WebSocket both demand the token the harness printed.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';

export function createLoopbackToken(): string {
  return randomBytes(24).toString('base64url');
}

/** Constant-time comparison, so the token cannot be guessed byte by byte from timing. */
export function tokenMatches(candidate: string | null | undefined, token: string): boolean {
  if (typeof candidate !== 'string') return false;
  const a = Buffer.from(candidate);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}
