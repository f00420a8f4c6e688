// Bit-level reader over an entropy-coded segment (T.81 F.2.2.5, B.1.1.5).
// It removes stuffed zero bytes and stops at the next marker. Past a marker or the
// end of input it feeds zero bits so that look-ahead stays simple, but consuming any
// of those padding bits is an error: a valid scan never needs them.

import { JpegFormatError } from './jpegMarkers';

export class JpegBitReader {
  private buffer = 0;
  private bitCount = 0;
  /** Padding (non-data) bits at the low end of `buffer`. */
  private paddingBits = 0;

  constructor(
    private readonly data: Uint8Array,
    public position: number,
  ) {}

  /** Ensures at least `n` (<= 24) bits are buffered. */
  private fill(n: number): void {
    while (this.bitCount < n) {
      let byte = 0;
      if (this.paddingBits === 0 && this.position < this.data.length) {
        byte = this.data[this.position];
        if (byte === 0xff) {
          const next = this.position + 1 < this.data.length ? this.data[this.position + 1] : -1;
          if (next === 0x00) {
            this.position += 2;
          } else {
            // A marker (or end of data): leave it for the caller and pad.
            byte = 0;
            this.paddingBits += 8;
          }
        } else {
          this.position++;
        }
      } else {
        this.paddingBits += 8;
      }
      this.buffer = ((this.buffer << 8) | byte) >>> 0;
      this.bitCount += 8;
    }
  }

  /** The next 16 bits without consuming them (for table look-up). */
  peek16(): number {
    this.fill(16);
    return (this.buffer >>> (this.bitCount - 16)) & 0xffff;
  }

  skip(n: number): void {
    if (n > this.bitCount - this.paddingBits) this.failTruncated();
    this.bitCount -= n;
    this.buffer &= this.bitCount === 0 ? 0 : 0xffffffff >>> (32 - this.bitCount);
  }

  /** RECEIVE(n) of F.2.2.4, n in 0..16. */
  receive(n: number): number {
    if (n === 0) return 0;
    this.fill(n);
    if (n > this.bitCount - this.paddingBits) this.failTruncated();
    this.bitCount -= n;
    const value = (this.buffer >>> this.bitCount) & ((1 << n) - 1);
    this.buffer &= this.bitCount === 0 ? 0 : 0xffffffff >>> (32 - this.bitCount);
    return value;
  }

  /** RECEIVE then EXTEND (F.2.2.1): sign-extends an n-bit magnitude category value. */
  receiveExtend(n: number): number {
    if (n === 0) return 0;
    const v = this.receive(n);
    return v < 1 << (n - 1) ? v - (1 << n) + 1 : v;
  }

  readBit(): number {
    return this.receive(1);
  }

  /**
   * Drops the partial byte (its bits are fill) and returns the marker that follows,
   * skipping fill bytes 0xFF, or -1 at the end of input. Does not consume the marker.
   */
  alignToMarker(): number {
    // Buffered bits are fill or look-ahead: the reader never passes a marker, so the
    // marker is at or after `position`. Unused data bytes before it are skipped.
    this.buffer = 0;
    this.bitCount = 0;
    this.paddingBits = 0;
    let at = this.position;
    while (at < this.data.length && this.data[at] !== 0xff) at++;
    while (at + 1 < this.data.length && this.data[at + 1] === 0xff) at++;
    this.position = at;
    return at + 1 < this.data.length ? (this.data[at] << 8) | this.data[at + 1] : -1;
  }

  private failTruncated(): never {
    const atEnd = this.position >= this.data.length;
    throw new JpegFormatError(
      atEnd
        ? 'entropy-coded data truncated (end of input inside a scan)'
        : `corrupt entropy-coded data (marker 0x${this.data[this.position].toString(16)}${(this.data[this.position + 1] ?? 0).toString(16)} reached inside an MCU at byte ${this.position})`,
    );
  }
}
