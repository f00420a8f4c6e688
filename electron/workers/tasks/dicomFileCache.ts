/**
 * The last DICOM file a worker opened, bytes and header. Decoding the frames of a
 * multi-frame file one task at a time would otherwise re-read the whole file per frame.
 */
import fs from 'node:fs';
import type { DicomHeader } from '../../../shared/dicom/DicomHeader';
import { readDicomHeader } from '../../../shared/dicom/readDicomHeader';

export interface OpenedDicomFile {
  file: string;
  bytes: Uint8Array;
  header: DicomHeader;
}

let last: (OpenedDicomFile & { mtimeMs: number; size: number }) | undefined;

export function openDicomFile(file: string): OpenedDicomFile {
  const stat = fs.statSync(file);
  if (last && last.file === file && last.mtimeMs === stat.mtimeMs && last.size === stat.size) return last;
  const bytes = new Uint8Array(fs.readFileSync(file));
  const header = readDicomHeader(bytes, file, bytes.length);
  last = { file, bytes, header, mtimeMs: stat.mtimeMs, size: stat.size };
  return last;
}
