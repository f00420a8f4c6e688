/**
 * STL, the 3D-printing exchange format: binary writer, and a reader for binary and
 * ASCII files. STL has no frame and no units: Lumen writes millimetres in the frame
 * its caller names (LPS unless asked for RAS) and says so in the 80-byte header.
 * STL stores every triangle with its own corners, so the reader welds corners with
 * bit-identical coordinates back into shared vertices.
 */
import type { TriangleMesh } from '../mesh/TriangleMesh';

const HEADER_BYTES = 80;
const TRIANGLE_BYTES = 50;

export function writeStl(mesh: TriangleMesh, header = 'Lumen surface'): Uint8Array {
  const { positions: p, triangles: t } = mesh;
  const count = t.length / 3;
  const bytes = new Uint8Array(HEADER_BYTES + 4 + TRIANGLE_BYTES * count);
  // "solid" at the start would make readers take the binary file for ASCII.
  const text = header.replace(/^solid/i, 'Solid').slice(0, HEADER_BYTES);
  for (let n = 0; n < text.length; n++) bytes[n] = text.charCodeAt(n) & 0x7f;
  const view = new DataView(bytes.buffer);
  view.setUint32(HEADER_BYTES, count, true);
  let at = HEADER_BYTES + 4;
  for (let n = 0; n < t.length; n += 3) {
    const a = 3 * t[n], b = 3 * t[n + 1], c = 3 * t[n + 2];
    const ux = p[b] - p[a], uy = p[b + 1] - p[a + 1], uz = p[b + 2] - p[a + 2];
    const vx = p[c] - p[a], vy = p[c + 1] - p[a + 1], vz = p[c + 2] - p[a + 2];
    const nx = uy * vz - uz * vy, ny = uz * vx - ux * vz, nz = ux * vy - uy * vx;
    const len = Math.hypot(nx, ny, nz) || 1;
    view.setFloat32(at, nx / len, true);
    view.setFloat32(at + 4, ny / len, true);
    view.setFloat32(at + 8, nz / len, true);
    at += 12;
    for (const v of [a, b, c]) {
      view.setFloat32(at, p[v], true);
      view.setFloat32(at + 4, p[v + 1], true);
      view.setFloat32(at + 8, p[v + 2], true);
      at += 12;
    }
    at += 2; // attribute byte count, 0
  }
  return bytes;
}

export class StlFileError extends Error {
  override readonly name = 'StlFileError';
}

/** Reads binary or ASCII STL into a welded mesh (float32 corners as stored). */
export function readStl(bytes: Uint8Array): TriangleMesh {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const binaryCount = bytes.length >= HEADER_BYTES + 4 ? view.getUint32(HEADER_BYTES, true) : -1;
  // A binary file's size is exact; ASCII files start with "solid" (and so do some binary ones, hence the size test first).
  if (binaryCount >= 0 && bytes.length === HEADER_BYTES + 4 + TRIANGLE_BYTES * binaryCount) {
    const corners = new Float32Array(9 * binaryCount);
    for (let n = 0; n < binaryCount; n++) {
      const at = HEADER_BYTES + 4 + TRIANGLE_BYTES * n + 12;
      for (let k = 0; k < 9; k++) corners[9 * n + k] = view.getFloat32(at + 4 * k, true);
    }
    return weld(corners);
  }
  const text = new TextDecoder().decode(bytes);
  if (!/^\s*solid/.test(text)) throw new StlFileError('neither a binary STL (size does not match its triangle count) nor an ASCII one');
  const values: number[] = [];
  for (const match of text.matchAll(/vertex\s+(\S+)\s+(\S+)\s+(\S+)/g)) values.push(Number(match[1]), Number(match[2]), Number(match[3]));
  if (values.length % 9 !== 0 || values.some((v) => !Number.isFinite(v))) throw new StlFileError('ASCII STL with a malformed facet');
  return weld(Float32Array.from(values));
}

/** Merges corners with bit-identical coordinates (an open-addressing hash on the float32 bits: millions of corners in a second). */
function weld(corners: Float32Array): TriangleMesh {
  const bits = new Uint32Array(corners.buffer, corners.byteOffset, corners.length);
  const count = corners.length / 3;
  let size = 1;
  while (size < 2 * count) size *= 2;
  const slots = new Int32Array(size).fill(-1);
  const firstCorner: number[] = [];
  const triangles = new Uint32Array(count);
  for (let c = 0; c < count; c++) {
    const [x, y, z] = [bits[3 * c], bits[3 * c + 1], bits[3 * c + 2]];
    let slot = (Math.imul(x, 0x9e3779b1) ^ Math.imul(y, 0x85ebca77) ^ Math.imul(z, 0xc2b2ae3d)) & (size - 1);
    for (;;) {
      const v = slots[slot];
      if (v === -1) {
        slots[slot] = firstCorner.length;
        triangles[c] = firstCorner.length;
        firstCorner.push(c);
        break;
      }
      const f = 3 * firstCorner[v];
      if (bits[f] === x && bits[f + 1] === y && bits[f + 2] === z) {
        triangles[c] = v;
        break;
      }
      slot = (slot + 1) & (size - 1);
    }
  }
  const positions = new Float64Array(3 * firstCorner.length);
  firstCorner.forEach((c, v) => positions.set(corners.subarray(3 * c, 3 * c + 3), 3 * v));
  return { positions, triangles };
}
