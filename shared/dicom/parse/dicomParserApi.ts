/**
 * The slice of the `dicom-parser` package Lumen uses, typed for what we actually call.
 * The package is UMD: only its default export is reliable under Node ESM and Vite
 * alike, and its typings omit the DataSet/ByteStream constructors we need to parse a
 * data set at an offset of our choosing.
 */
import dicomParser from 'dicom-parser';
import type { ByteArrayParser, ByteStream, DataSet, Element } from 'dicom-parser';

export type { ByteArrayParser, ByteStream, DataSet, Element };

export interface MetaHeader extends DataSet {
  /** Offset of the first data-set element after group 0002. */
  position: number;
}

interface DicomParserModule {
  DataSet: new (parser: ByteArrayParser, bytes: Uint8Array, elements: Record<string, Element>) => DataSet;
  ByteStream: new (parser: ByteArrayParser, bytes: Uint8Array, position: number) => ByteStream;
  littleEndianByteArrayParser: ByteArrayParser;
  bigEndianByteArrayParser: ByteArrayParser;
  readPart10Header: (bytes: Uint8Array) => MetaHeader;
  parseDicomDataSetExplicit: (ds: DataSet, stream: ByteStream, maxPosition: number, options: { untilTag?: string }) => void;
  parseDicomDataSetImplicit: (
    ds: DataSet,
    stream: ByteStream,
    maxPosition: number,
    options: { untilTag?: string; vrCallback?: (tag: string) => string | undefined },
  ) => void;
}

export const dp = dicomParser as unknown as DicomParserModule;
