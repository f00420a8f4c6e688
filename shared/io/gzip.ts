/** The one place volume files are (de)compressed: fflate, pure TypeScript. */
import { gunzipSync, gzipSync, unzlibSync, zlibSync } from 'fflate';

export function gzip(bytes: Uint8Array): Uint8Array {
  return gzipSync(bytes, { level: 6 });
}

export function gunzip(bytes: Uint8Array): Uint8Array {
  return gunzipSync(bytes);
}

/** zlib framing (RFC 1950), which MetaImage uses for CompressedData. */
export function zlibDeflate(bytes: Uint8Array): Uint8Array {
  return zlibSync(bytes, { level: 6 });
}

export function zlibInflate(bytes: Uint8Array): Uint8Array {
  return unzlibSync(bytes);
}

export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}
