// Test-only: writes tiny single-component JPEG codestreams whose blocks carry only a
// DC term, so the decoded value of every sample is known analytically:
// sample = 2^(P-1) + DC * q / 8 (the 2-D IDCT of a DC-only block is flat).

export interface DcOnlyJpegSpec {
  precision: 8 | 12;
  width: number;
  height: number;
  /** Quantisation value used for every coefficient (16-bit DQT when > 255). */
  quant: number;
  /** DC differences, one per 8x8 block in raster order. */
  dcDifferences: number[];
  restartInterval?: number;
}

class BitWriter {
  readonly bytes: number[] = [];
  private acc = 0;
  private count = 0;

  write(value: number, length: number): void {
    for (let i = length - 1; i >= 0; i--) {
      this.acc = (this.acc << 1) | ((value >> i) & 1);
      if (++this.count === 8) this.flushByte();
    }
  }

  /** Pads the final byte with 1-bits, as T.81 F.1.2.3 requires. */
  align(): void {
    while (this.count !== 0) this.write(1, 1);
  }

  private flushByte(): void {
    this.bytes.push(this.acc);
    if (this.acc === 0xff) this.bytes.push(0x00); // byte stuffing
    this.acc = 0;
    this.count = 0;
  }
}

function segment(marker: number, body: number[]): number[] {
  const length = body.length + 2;
  return [0xff, marker, length >> 8, length & 0xff, ...body];
}

function category(value: number): number {
  let n = 0;
  for (let magnitude = Math.abs(value); magnitude > 0; magnitude >>= 1) n++;
  return n;
}

export function buildDcOnlyJpeg(spec: DcOnlyJpegSpec): Uint8Array {
  const { precision, width, height, quant, dcDifferences, restartInterval = 0 } = spec;
  const wide = quant > 255;
  const dqt = [wide ? 0x10 : 0x00];
  for (let k = 0; k < 64; k++) dqt.push(...(wide ? [quant >> 8, quant & 0xff] : [quant]));
  // DC table: categories 0..15 as the sixteen 5-bit codes. AC table: EOB as the code '0'.
  const dcCounts = new Array(16).fill(0);
  dcCounts[4] = 16;
  const dcSymbols = Array.from({ length: 16 }, (_, i) => i);
  const acCounts = new Array(16).fill(0);
  acCounts[0] = 1;
  const sof = [precision, height >> 8, height & 0xff, width >> 8, width & 0xff, 1, 1, 0x11, 0];
  const bits = new BitWriter();
  const scanBytes: number[] = [];
  let restartIndex = 0;
  dcDifferences.forEach((diff, block) => {
    if (restartInterval > 0 && block > 0 && block % restartInterval === 0) {
      bits.align();
      scanBytes.push(...bits.bytes.splice(0), 0xff, 0xd0 + (restartIndex++ & 7));
    }
    const size = category(diff);
    bits.write(size, 5);
    if (size > 0) bits.write(diff < 0 ? diff + (1 << size) - 1 : diff, size);
    bits.write(0, 1); // EOB
  });
  bits.align();
  scanBytes.push(...bits.bytes);
  return Uint8Array.from([
    0xff, 0xd8,
    ...segment(0xdb, dqt),
    ...segment(precision === 8 && !wide ? 0xc0 : 0xc1, sof),
    ...segment(0xc4, [0x00, ...dcCounts, ...dcSymbols]),
    ...segment(0xc4, [0x10, ...acCounts, 0x00]),
    ...(restartInterval > 0 ? segment(0xdd, [restartInterval >> 8, restartInterval & 0xff]) : []),
    ...segment(0xda, [1, 1, 0x00, 0, 63, 0]),
    ...scanBytes,
    0xff, 0xd9,
  ]);
}
