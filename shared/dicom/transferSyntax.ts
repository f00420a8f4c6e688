/** Transfer syntax UIDs Lumen reads, and what each implies for parsing and pixels. */
export const TransferSyntax = {
  ImplicitLittle: '1.2.840.10008.1.2',
  ExplicitLittle: '1.2.840.10008.1.2.1',
  Deflated: '1.2.840.10008.1.2.1.99',
  ExplicitBig: '1.2.840.10008.1.2.2',
  JpegBaseline: '1.2.840.10008.1.2.4.50',
  JpegExtended: '1.2.840.10008.1.2.4.51',
  JpegLossless: '1.2.840.10008.1.2.4.57',
  JpegLosslessSV1: '1.2.840.10008.1.2.4.70',
  JpegLsLossless: '1.2.840.10008.1.2.4.80',
  JpegLsNearLossless: '1.2.840.10008.1.2.4.81',
  Jpeg2000Lossless: '1.2.840.10008.1.2.4.90',
  Jpeg2000: '1.2.840.10008.1.2.4.91',
  HtJ2kLossless: '1.2.840.10008.1.2.4.201',
  HtJ2kLosslessRpcl: '1.2.840.10008.1.2.4.202',
  HtJ2k: '1.2.840.10008.1.2.4.203',
  Rle: '1.2.840.10008.1.2.5',
} as const;

export type PixelCodec = 'native' | 'jpeg-dct' | 'jpeg-lossless' | 'jpeg-ls' | 'jpeg2000' | 'rle';

const CODEC_BY_UID: Record<string, PixelCodec> = {
  [TransferSyntax.ImplicitLittle]: 'native',
  [TransferSyntax.ExplicitLittle]: 'native',
  [TransferSyntax.Deflated]: 'native',
  [TransferSyntax.ExplicitBig]: 'native',
  [TransferSyntax.JpegBaseline]: 'jpeg-dct',
  [TransferSyntax.JpegExtended]: 'jpeg-dct',
  [TransferSyntax.JpegLossless]: 'jpeg-lossless',
  [TransferSyntax.JpegLosslessSV1]: 'jpeg-lossless',
  [TransferSyntax.JpegLsLossless]: 'jpeg-ls',
  [TransferSyntax.JpegLsNearLossless]: 'jpeg-ls',
  [TransferSyntax.Jpeg2000Lossless]: 'jpeg2000',
  [TransferSyntax.Jpeg2000]: 'jpeg2000',
  [TransferSyntax.HtJ2kLossless]: 'jpeg2000',
  [TransferSyntax.HtJ2kLosslessRpcl]: 'jpeg2000',
  [TransferSyntax.HtJ2k]: 'jpeg2000',
  [TransferSyntax.Rle]: 'rle',
};

const LOSSY = new Set<string>([
  TransferSyntax.JpegBaseline,
  TransferSyntax.JpegExtended,
  TransferSyntax.JpegLsNearLossless,
  TransferSyntax.Jpeg2000,
  TransferSyntax.HtJ2k,
  '1.2.840.10008.1.2.4.100', // MPEG2 and later video syntaxes: all lossy
  '1.2.840.10008.1.2.4.101',
  '1.2.840.10008.1.2.4.102',
  '1.2.840.10008.1.2.4.103',
  '1.2.840.10008.1.2.4.104',
  '1.2.840.10008.1.2.4.105',
  '1.2.840.10008.1.2.4.106',
]);

/** The codec for a transfer syntax, or undefined when Lumen cannot decode it. */
export function pixelCodecFor(uid: string): PixelCodec | undefined {
  return CODEC_BY_UID[uid];
}

export function isLossyTransferSyntax(uid: string): boolean {
  return LOSSY.has(uid);
}

/** Pixel data stored as fragments in items rather than one native value. */
export function isEncapsulated(uid: string): boolean {
  const codec = CODEC_BY_UID[uid];
  return codec !== undefined ? codec !== 'native' : uid.startsWith('1.2.840.10008.1.2.4.') || uid === TransferSyntax.Rle;
}
