/**
 * Why a file could not be read, in a sentence a clinician understands
 * ("not a DICOM file", "pixel data truncated: expected 524288 bytes, found 299000").
 * Every reader in shared/dicom and the pixel decoders throw only this (or
 * HeaderNeedsMoreBytes), so callers can report a file as skipped without guessing.
 */
export class DicomReadError extends Error {
  override readonly name = 'DicomReadError';
  constructor(readonly reason: string, readonly file?: string) {
    super(file === undefined ? reason : `${file}: ${reason}`);
  }
}

/**
 * Not an error: the caller passed only a prefix of the file and the header runs past
 * it. Re-read the whole file and call again.
 */
export class HeaderNeedsMoreBytes extends Error {
  override readonly name = 'HeaderNeedsMoreBytes';
  constructor(readonly bytesGiven: number, readonly fileSize: number) {
    super(`DICOM header continues beyond the first ${bytesGiven} of ${fileSize} bytes`);
  }
}
