/**
 * One frame of a DICOM file -> stored pixel values, for every transfer syntax Lumen
 * reads. Codec failures, truncation and header/codestream disagreements all become a
 * DicomReadError with a reason a clinician can read; nothing else escapes.
 */
import { expandYbr422, ybrFullToRgb } from '../../../shared/dicom/colour';
import type { DecodedFrame, StoredPixels } from '../../../shared/dicom/DecodedFrame';
import type { DicomHeader } from '../../../shared/dicom/DicomHeader';
import { DicomReadError } from '../../../shared/dicom/DicomReadError';
import { decodeJpegDct } from '../../../shared/dicom/codecs/jpegDct';
import { decodeRle } from '../../../shared/dicom/codecs/rle';
import { frameBytes, openPixelData } from '../../../shared/dicom/pixelData';
import type { FrameBytes } from '../../../shared/dicom/pixelData';
import { storedFromCodec, unpackNative } from '../../../shared/dicom/storedPixels';
import type { SampleLayout } from '../../../shared/dicom/storedPixels';
import { pixelCodecFor } from '../../../shared/dicom/transferSyntax';
import type { PixelCodec } from '../../../shared/dicom/transferSyntax';
import { decodeJpegLossless } from './jpegLossless';
import { decodeJpeg2000, decodeJpegLs } from './wasmCodecs';
import type { CodecOutput } from './wasmCodecs';

const CODEC_NAMES: Record<PixelCodec, string> = {
  native: 'uncompressed',
  'jpeg-dct': 'JPEG',
  'jpeg-lossless': 'JPEG lossless',
  'jpeg-ls': 'JPEG-LS',
  jpeg2000: 'JPEG 2000',
  rle: 'RLE',
};

export async function decodeFrame(fileBytes: Uint8Array, header: DicomHeader, frameIndex: number): Promise<DecodedFrame> {
  const codec = pixelCodecFor(header.transferSyntaxUid);
  try {
    if (!codec) throw new DicomReadError(`unsupported compression (transfer syntax ${header.transferSyntaxUid})`);
    const layout = sampleLayout(header);
    const opened = openPixelData(fileBytes);
    const frame = frameBytes(opened, header, frameIndex);
    return await decodeWith(codec, frame, layout, header);
  } catch (e) {
    if (e instanceof DicomReadError) throw e;
    const detail = e instanceof Error ? e.message : String(e);
    throw new DicomReadError(`the ${CODEC_NAMES[codec ?? 'native']} pixel data is damaged and could not be decoded (${detail})`);
  }
}

/** How the header says samples are stored; throws DicomReadError when it cannot say. */
export function sampleLayout(h: DicomHeader): SampleLayout {
  const { rows, columns, bitsAllocated } = h;
  if (!rows || !columns) throw new DicomReadError('the image size (Rows/Columns) is missing');
  if (!bitsAllocated) throw new DicomReadError('Bits Allocated is missing');
  const bitsStored = h.bitsStored && h.bitsStored <= bitsAllocated ? h.bitsStored : bitsAllocated;
  const highBit = h.highBit !== undefined && h.highBit < bitsAllocated && h.highBit >= bitsStored - 1 ? h.highBit : bitsStored - 1;
  return {
    rows,
    columns,
    samplesPerPixel: Math.max(1, h.samplesPerPixel),
    bitsAllocated,
    bitsStored,
    highBit,
    signed: h.pixelRepresentation === 1,
    planarConfiguration: h.planarConfiguration ?? 0,
  };
}

async function decodeWith(codec: PixelCodec, frame: FrameBytes, layout: SampleLayout, h: DicomHeader): Promise<DecodedFrame> {
  const pi = (h.photometricInterpretation ?? (layout.samplesPerPixel === 3 ? 'RGB' : 'MONOCHROME2')).toUpperCase();
  if (frame.kind === 'native') {
    if (pi === 'YBR_FULL_422' && layout.samplesPerPixel === 3) {
      // Uncompressed 4:2:2 holds two samples per pixel: Y1 Y2 Cb Cr per pixel pair.
      const packed = unpackNative(frame.bytes, 0, frame.littleEndian, { ...layout, samplesPerPixel: 2, planarConfiguration: 0 });
      const pixels = expandYbr422(packed, layout.rows, layout.columns);
      ybrFullToRgb(pixels, layout.bitsStored);
      return result(layout, pixels, 'RGB');
    }
    return withColour(layout, unpackNative(frame.bytes, frame.bitOffset, frame.littleEndian, layout), pi);
  }
  const data = frame.bytes;
  switch (codec) {
    case 'rle': {
      const native = decodeRle(data, layout);
      return withColour(layout, unpackNative(native, 0, true, { ...layout, planarConfiguration: 0 }), pi);
    }
    case 'jpeg-dct': {
      const colorTransform = pi.startsWith('YBR') ? true : pi === 'RGB' ? false : undefined;
      const out = decodeJpegDct(data, colorTransform === undefined ? {} : { colorTransform });
      checkSize(out, layout);
      return result(layout, storedFromCodec(out.pixels, false, layout), layout.samplesPerPixel === 3 ? 'RGB' : pi);
    }
    case 'jpeg-lossless': {
      const out = decodeJpegLossless(data, layout.bitsAllocated);
      checkSize(out, layout);
      return withColour(layout, storedFromCodec(out.samples, false, layout), pi);
    }
    case 'jpeg-ls': {
      const out = await decodeJpegLs(data);
      checkSize(out, layout);
      return withColour(layout, storedFromCodec(out.samples, false, layout), pi);
    }
    case 'jpeg2000': {
      const out = await decodeJpeg2000(data);
      checkSize(out, layout);
      // OpenJPEG undoes the reversible/irreversible colour transform itself.
      return result(layout, storedFromCodec(out.samples, out.signed, layout), layout.samplesPerPixel === 3 ? 'RGB' : pi);
    }
    case 'native':
      throw new DicomReadError('uncompressed pixel data was found in fragments');
  }
}

function checkSize(out: Pick<CodecOutput, 'width' | 'height' | 'components'>, layout: SampleLayout): void {
  if (out.width !== layout.columns || out.height !== layout.rows || out.components !== layout.samplesPerPixel) {
    throw new DicomReadError(
      `the compressed frame is ${out.width}x${out.height} with ${out.components} sample(s) per pixel, ` +
        `but the header says ${layout.columns}x${layout.rows} with ${layout.samplesPerPixel}`,
    );
  }
}

/** Samples still in YBR_FULL after a codec that does no colour transform. */
function withColour(layout: SampleLayout, pixels: StoredPixels, pi: string): DecodedFrame {
  if (pi === 'YBR_FULL' && layout.samplesPerPixel === 3 && !layout.signed) {
    ybrFullToRgb(pixels, layout.bitsStored);
    return result(layout, pixels, 'RGB');
  }
  return result(layout, pixels, pi);
}

function result(layout: SampleLayout, pixels: StoredPixels, photometricInterpretation: string): DecodedFrame {
  return {
    width: layout.columns,
    height: layout.rows,
    samplesPerPixel: layout.samplesPerPixel,
    bitsStored: layout.bitsStored,
    signed: layout.signed,
    pixels,
    monochrome1: photometricInterpretation === 'MONOCHROME1',
    photometricInterpretation,
  };
}
