/**
 * Minimal PNG writing for previews and projections: 8-bit greyscale only, which is all a
 * windowed CT image needs, in pure TypeScript (zlib via fflate) so it runs anywhere shared/ does.
 */
import { zlibSync } from 'fflate';

const SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/** CRC-32 (ISO 3309 / PNG), reflected polynomial 0xEDB88320, table built once on first use. */
let crcTable: Uint32Array | undefined;

function crc32(bytes: Uint8Array, start: number, end: number): number {
  if (crcTable === undefined) {
    crcTable = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      crcTable[n] = c >>> 0;
    }
  }
  let c = 0xffffffff;
  for (let p = start; p < end; p++) c = crcTable[(c ^ bytes[p]!) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** A chunk: length, type, data, CRC over type + data. */
function chunk(type: string, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, data.length);
  for (let c = 0; c < 4; c++) out[4 + c] = type.charCodeAt(c);
  out.set(data, 8);
  view.setUint32(8 + data.length, crc32(out, 4, 8 + data.length));
  return out;
}

/** 8-bit greyscale PNG (colour type 0), every row with filter type 0 (None), zlib via fflate. */
export function encodeGreyPng(width: number, height: number, grey: Uint8Array): Uint8Array {
  for (const [name, v] of [['width', width], ['height', height]] as const) {
    // PNG limits both to 2^31 − 1; zero-sized images are not allowed.
    if (!Number.isInteger(v) || v < 1 || v > 0x7fffffff) throw new RangeError(`encodeGreyPng: ${name} must be an integer in [1, 2^31 − 1], got ${v}`);
  }
  if (grey.length !== width * height) throw new RangeError(`encodeGreyPng: ${grey.length} pixels for ${width}×${height}`);

  const header = new Uint8Array(13);
  const hv = new DataView(header.buffer);
  hv.setUint32(0, width);
  hv.setUint32(4, height);
  header[8] = 8; // bit depth
  header[9] = 0; // colour type: greyscale
  header[10] = 0; // compression: deflate
  header[11] = 0; // filter method 0
  header[12] = 0; // no interlace

  const raw = new Uint8Array((width + 1) * height);
  for (let y = 0; y < height; y++) {
    // raw[y·(width + 1)] stays 0: filter type None.
    raw.set(grey.subarray(y * width, (y + 1) * width), y * (width + 1) + 1);
  }
  const parts = [Uint8Array.from(SIGNATURE), chunk('IHDR', header), chunk('IDAT', zlibSync(raw, { level: 6 })), chunk('IEND', new Uint8Array(0))];
  const out = new Uint8Array(parts.reduce((sum, p) => sum + p.length, 0));
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}

/**
 * Float image → 8-bit grey through a linear window: center − width/2 → 0, center + width/2 →
 * 255, clamped outside, rounded to nearest. NaN (no data) → 0. Width must be positive.
 */
export function windowToGrey(pixels: Float32Array, center: number, width: number): Uint8Array {
  if (!Number.isFinite(center)) throw new RangeError(`windowToGrey: center must be finite, got ${center}`);
  if (!(width > 0) || !Number.isFinite(width)) throw new RangeError(`windowToGrey: width must be a positive number, got ${width}`);
  const low = center - width / 2;
  // Uint8Array stores NaN as 0, but clamping is explicit so the rounding is too.
  const out = new Uint8Array(pixels.length);
  for (let p = 0; p < pixels.length; p++) {
    const v = pixels[p]!;
    if (v !== v) continue;
    // ·255 before /width: exact for integer HU windows, so 127.5 rounds up as written.
    const g = Math.round(((v - low) * 255) / width);
    out[p] = g <= 0 ? 0 : g >= 255 ? 255 : g;
  }
  return out;
}

/**
 * A display window spanning the `low`..`high` percentiles (default 1st..99th) of the finite
 * values, for projections whose range is unknown. Percentiles interpolate linearly between
 * order statistics (numpy's default). A constant image, or one without finite values, gets a
 * width of 1 so the window stays usable (its pixels map to mid grey).
 */
export function percentileWindow(pixels: Float32Array, low = 1, high = 99): { center: number; width: number } {
  if (!(low >= 0 && low < high && high <= 100)) throw new RangeError(`percentileWindow: need 0 ≤ low < high ≤ 100, got ${low}, ${high}`);
  let n = 0;
  for (let p = 0; p < pixels.length; p++) if (Number.isFinite(pixels[p]!)) n++;
  if (n === 0) return { center: 0, width: 1 };
  const finite = new Float32Array(n);
  n = 0;
  for (let p = 0; p < pixels.length; p++) {
    const v = pixels[p]!;
    if (Number.isFinite(v)) finite[n++] = v;
  }
  finite.sort(); // typed-array sort is numeric
  const at = (q: number): number => {
    const pos = (q / 100) * (n - 1);
    const below = Math.floor(pos);
    const above = Math.min(n - 1, below + 1);
    return finite[below]! + (finite[above]! - finite[below]!) * (pos - below);
  };
  const lo = at(low);
  const hi = at(high);
  if (!(hi > lo)) return { center: lo, width: 1 };
  return { center: (lo + hi) / 2, width: hi - lo };
}
