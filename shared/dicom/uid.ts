/**
 * DICOM UID generation. Random UIDs use the UUID-derived root 2.25 (PS3.5 B.2), whose
 * single component after the root is a 128-bit number in decimal, so they need no
 * registered organisation root and stay under the 64-character limit.
 */
const UUID_ROOT = '2.25';
const MAX_UID_LENGTH = 64;

function randomBigInt128(): bigint {
  const bytes = new Uint8Array(16);
  globalThis.crypto.getRandomValues(bytes);
  return bytesToBigInt(bytes);
}

function bytesToBigInt(bytes: Uint8Array): bigint {
  let n = 0n;
  for (const b of bytes) n = (n << 8n) | BigInt(b);
  return n;
}

/**
 * A fresh UID. Under a custom root the random component is shortened (decimal digits
 * dropped from the right) to keep the whole UID within 64 characters.
 */
export function newUid(root: string = UUID_ROOT): string {
  if (!isValidUid(root)) throw new Error(`Invalid UID root: ${root}`);
  const digits = randomBigInt128().toString();
  const room = MAX_UID_LENGTH - root.length - 1;
  if (room < 1) throw new Error(`UID root too long: ${root}`);
  // A component may not start with 0 (unless it is exactly "0"): strip leading zeros.
  const component = digits.slice(0, room).replace(/^0+(?=\d)/, '');
  return `${root}.${component}`;
}

const FNV128_OFFSET = 0x6c62272e07bb014262b821756295c58dn;
const FNV128_PRIME = 0x0000000001000000000000000000013bn;
const MASK128 = (1n << 128n) - 1n;

/** 128-bit FNV-1a over the UTF-8 bytes: stable across runs and platforms. */
function fnv1a128(text: string): bigint {
  let h = FNV128_OFFSET;
  for (const b of new TextEncoder().encode(text)) {
    h ^= BigInt(b);
    h = (h * FNV128_PRIME) & MASK128;
  }
  return h;
}

/**
 * A UID derived from a key, identical on every run: used where files lack a UID and
 * Lumen must still name the group it formed (so `--series UID` works twice).
 */
export function stableUid(key: string): string {
  return `${UUID_ROOT}.${fnv1a128(key).toString()}`;
}

/** PS3.5 9.1: digits and dots, ≤ 64 chars, no empty component, no leading zero. */
export function isValidUid(uid: string): boolean {
  if (uid.length === 0 || uid.length > MAX_UID_LENGTH) return false;
  return uid.split('.').every((c) => /^(0|[1-9]\d*)$/.test(c));
}
