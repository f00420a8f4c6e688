/**
 * Lossless JPEG-LS encoding (CharLS) and DICOM encapsulation of the codestreams, for the
 * developer scripts that make the bundled samples small enough for the repository.
 */
import { createRequire } from 'node:module';

/** Transfer syntax of what encapsulatePixelData holds. */
export const JPEG_LS_LOSSLESS = '1.2.840.10008.1.2.4.80';

interface FrameInfo { width: number; height: number; bitsPerSample: number; componentCount: number }
interface CharLsEncoder {
  getDecodedBuffer(info: FrameInfo & { isSigned: boolean }): Uint8Array;
  encode(): void;
  getEncodedBuffer(): Uint8Array;
  delete(): void;
}
type CharLs = { JpegLSEncoder: new () => CharLsEncoder };

export type JpegLsEncode = (pixels: Uint16Array, width: number, height: number, bitsPerSample: number) => Uint8Array;

export async function loadJpegLsEncoder(): Promise<JpegLsEncode> {
  const require = createRequire(import.meta.url);
  const factory = require('@cornerstonejs/codec-charls/wasmjs') as (opts: object) => Promise<CharLs>;
  const charls = await factory({ print: () => {}, printErr: () => {} });
  return (pixels, width, height, bitsPerSample) => {
    const encoder = new charls.JpegLSEncoder();
    const input = encoder.getDecodedBuffer({ width, height, bitsPerSample, componentCount: 1, isSigned: false });
    input.set(new Uint8Array(pixels.buffer, pixels.byteOffset, pixels.byteLength));
    encoder.encode();
    const codestream = encoder.getEncodedBuffer().slice();
    encoder.delete();
    return codestream;
  };
}

/**
 * The Pixel Data element (7FE0,0010) holding one fragment per frame, with a Basic Offset
 * Table giving each frame's item offset (so readers find frame n without scanning).
 */
export function encapsulatePixelData(codestreams: readonly Uint8Array[]): Uint8Array {
  const padded = codestreams.map((c) => (c.length % 2 === 0 ? c : Uint8Array.from([...c, 0])));
  const bot = codestreams.length > 1 ? 4 * codestreams.length : 0;
  const total = 12 + 8 + bot + padded.reduce((n, c) => n + 8 + c.length, 0) + 8;
  const out = new Uint8Array(total);
  const dv = new DataView(out.buffer);
  dv.setUint16(0, 0x7fe0, true); dv.setUint16(2, 0x0010, true);
  out[4] = 0x4f; out[5] = 0x42; // OB
  dv.setUint32(8, 0xffffffff, true);
  dv.setUint16(12, 0xfffe, true); dv.setUint16(14, 0xe000, true); dv.setUint32(16, bot, true);
  let at = 20 + bot;
  let offset = 0;
  padded.forEach((c, n) => {
    if (bot) dv.setUint32(20 + 4 * n, offset, true);
    dv.setUint16(at, 0xfffe, true); dv.setUint16(at + 2, 0xe000, true); dv.setUint32(at + 4, c.length, true);
    out.set(c, at + 8);
    at += 8 + c.length;
    offset += 8 + c.length;
  });
  dv.setUint16(at, 0xfffe, true); dv.setUint16(at + 2, 0xe0dd, true); dv.setUint32(at + 4, 0, true);
  return out;
}
