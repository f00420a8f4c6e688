/**
 * The files a DICOMDIR lists: every (0004,1500) Referenced File ID in its directory
 * records, resolved beside the DICOMDIR. IDs are backslash-separated path components.
 */
import fs from 'node:fs';
import path from 'node:path';
import dicomParser from 'dicom-parser';
import { DicomReadError } from '../../../shared/dicom/DicomReadError';

export function readDicomDir(file: string): { referencedFiles: string[] } {
  let dataSet;
  try {
    dataSet = dicomParser.parseDicom(new Uint8Array(fs.readFileSync(file)));
  } catch (err) {
    throw new DicomReadError(`DICOMDIR could not be parsed (${err instanceof Error ? err.message : String(err)})`, file);
  }
  const records = dataSet.elements.x00041220?.items ?? [];
  const base = path.dirname(file);
  const referencedFiles = new Set<string>();
  for (const record of records) {
    const id = record.dataSet?.string('x00041500');
    if (!id) continue;
    const parts = id.split('\\').map((p) => p.trim()).filter((p) => p.length > 0 && p !== '.' && p !== '..');
    if (parts.length > 0) referencedFiles.add(path.join(base, ...parts));
  }
  return { referencedFiles: [...referencedFiles] };
}
