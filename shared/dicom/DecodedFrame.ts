/**
 * One frame's stored pixel values, as the file holds them once decompressed: not
 * rescaled (apply toModalityValues once), interleaved (RGBRGB...) for colour.
 */
export type StoredPixels = Uint8Array | Int8Array | Uint16Array | Int16Array | Uint32Array | Int32Array | Float32Array;

export interface DecodedFrame {
  width: number;
  height: number;
  samplesPerPixel: number;
  bitsStored: number;
  signed: boolean;
  pixels: StoredPixels;
  /** Stored as MONOCHROME1 (low values bright): left as stored; display inverts. */
  monochrome1: boolean;
  /** Photometric interpretation of `pixels` after decoding (YBR_* arrive as 'RGB'). */
  photometricInterpretation: string;
}
