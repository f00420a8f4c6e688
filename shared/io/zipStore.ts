/**
 * An uncompressed ("stored", method 0) ZIP archive of named files, built in memory, e.g. a
 * flythrough's PNG frames: PNG is already deflated, so a second deflate would cost time for
 * nothing. fflate writes the archive (local headers, CRC-32, central directory).
 */
import { zipSync, type Zippable } from 'fflate';

export interface ZipEntry {
  /** Path inside the archive, '/'-separated, unique. */
  name: string;
  bytes: Uint8Array;
}

export function zipStore(entries: readonly ZipEntry[], modified: Date = new Date()): Uint8Array {
  // No prototype: a name such as "constructor" must not look present already.
  const files: Zippable = Object.create(null) as Zippable;
  for (const { name, bytes } of entries) {
    if (!name || name.startsWith('/') || name.includes('\\')) throw new Error(`"${name}" is not a relative '/'-separated archive path`);
    // fflate takes a flat record keyed by path: a repeated name would silently replace the first.
    if (Object.hasOwn(files, name)) throw new Error(`"${name}" is in the archive twice`);
    files[name] = bytes;
  }
  return zipSync(files, { level: 0, mtime: modified });
}
