/**
 * Reads DICOM headers from a prefix of each file (the whole file only when the header
 * runs past the prefix). Every file ends up either as a header or as a skipped entry
 * with a reason; nothing here throws for a bad file.
 */
import fs from 'node:fs';
import type { DicomHeader } from '../../../shared/dicom/DicomHeader';
import { DicomReadError, HeaderNeedsMoreBytes } from '../../../shared/dicom/DicomReadError';
import { readDicomHeader } from '../../../shared/dicom/readDicomHeader';
import type { SkippedFile } from '../../../shared/dicom/SeriesSummary';
import { fileErrorReason } from '../fileErrorReason';

export function readHeaders(files: string[], prefixBytes: number): { headers: DicomHeader[]; skipped: SkippedFile[] } {
  const headers: DicomHeader[] = [];
  const skipped: SkippedFile[] = [];
  const prefix = Buffer.allocUnsafe(prefixBytes);
  for (const file of files) {
    try {
      headers.push(readOneHeader(file, prefix));
    } catch (err) {
      skipped.push({ file, reason: headerErrorReason(err) });
    }
  }
  return { headers, skipped };
}

function readOneHeader(file: string, prefix: Buffer): DicomHeader {
  const fd = fs.openSync(file, 'r');
  let size: number;
  let got: number;
  try {
    size = fs.fstatSync(fd).size;
    if (size === 0) throw new DicomReadError('empty file');
    got = fs.readSync(fd, prefix, 0, Math.min(prefix.length, size), 0);
  } finally {
    fs.closeSync(fd);
  }
  // A view, not a copy: the header keeps only strings and numbers, never the bytes.
  const bytes = new Uint8Array(prefix.buffer, prefix.byteOffset, got);
  try {
    return readDicomHeader(bytes, file, size);
  } catch (err) {
    if (!(err instanceof HeaderNeedsMoreBytes) || got >= size) throw err;
    return readDicomHeader(new Uint8Array(fs.readFileSync(file)), file, size);
  }
}

function headerErrorReason(err: unknown): string {
  if (err instanceof DicomReadError) return err.reason;
  if (err instanceof HeaderNeedsMoreBytes) return 'the DICOM header is truncated';
  return fileErrorReason(err);
}
