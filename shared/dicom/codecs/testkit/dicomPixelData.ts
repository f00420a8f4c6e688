// Test-only: pulls pixel data out of a DICOM file with dicom-parser, an independent
// parser, so codec tests do not depend on the project's own header reader.

import dicomParser from 'dicom-parser';

export interface PixelDataInfo {
  transferSyntax: string;
  rows: number;
  columns: number;
  samplesPerPixel: number;
  bitsAllocated: number;
  bitsStored: number;
  pixelRepresentation: number;
  planarConfiguration: number;
  photometric: string;
  frames: number;
}

export function readPixelDataInfo(bytes: Uint8Array): PixelDataInfo {
  const ds = dicomParser.parseDicom(bytes);
  return {
    transferSyntax: (ds.string('x00020010') ?? '').trim(),
    rows: ds.uint16('x00280010') ?? 0,
    columns: ds.uint16('x00280011') ?? 0,
    samplesPerPixel: ds.uint16('x00280002') ?? 1,
    bitsAllocated: ds.uint16('x00280100') ?? 0,
    bitsStored: ds.uint16('x00280101') ?? 0,
    pixelRepresentation: ds.uint16('x00280103') ?? 0,
    planarConfiguration: ds.uint16('x00280006') ?? 0,
    photometric: (ds.string('x00280004') ?? '').trim(),
    frames: Number.parseInt(ds.string('x00280008') ?? '1', 10) || 1,
  };
}

/** The raw bytes of a native (uncompressed, little endian) PixelData element. */
export function readNativePixelBytes(bytes: Uint8Array): Uint8Array {
  const ds = dicomParser.parseDicom(bytes);
  const element = ds.elements.x7fe00010;
  if (!element || element.encapsulatedPixelData) throw new Error('no native PixelData');
  return bytes.subarray(element.dataOffset, element.dataOffset + element.length);
}

/** One byte array per frame of encapsulated PixelData (fragments of a frame concatenated). */
export function readEncapsulatedFrames(bytes: Uint8Array): Uint8Array[] {
  const ds = dicomParser.parseDicom(bytes);
  const element = ds.elements.x7fe00010;
  const fragments = element?.fragments;
  if (!element || !fragments) throw new Error('no encapsulated PixelData');
  const frames = readPixelDataInfo(bytes).frames;
  if (frames === fragments.length) {
    return fragments.map((f) => bytes.subarray(f.position, f.position + f.length));
  }
  if (frames === 1) {
    return [Uint8Array.from(dicomParser.readEncapsulatedPixelDataFromFragments(ds, element, 0, fragments.length))];
  }
  const table = element.basicOffsetTable?.length ? element.basicOffsetTable : dicomParser.createJPEGBasicOffsetTable(ds, element);
  return Array.from({ length: frames }, (_, i) => Uint8Array.from(dicomParser.readEncapsulatedImageFrame(ds, element, i, table)));
}
