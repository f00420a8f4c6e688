/**
 * Binary framing for the loopback WebSocket transport. Frames, slices and thumbnails
 * are typed arrays; JSON would turn a 512×512 Float32Array into megabytes of digits,
 * so each typed array travels as raw bytes after a small JSON header:
 *
 *   [u32 LE header byte length][UTF-8 JSON header][pad to 8][buffer 0][pad to 8][buffer 1]…
 *
 * In the header each typed array is replaced by `{"$typed": "Float32Array", "i": n}`
 * and `b` lists the byte length of every buffer, in order. Buffers start on 8-byte
 * boundaries so the receiver can view them in place when the frame itself is aligned
 * (a browser WebSocket hands over a fresh ArrayBuffer, so it is).
 */
import type { EventChannel, Events, InvokeChannel, InvokeOutcome } from './ipc';

export interface WireRequest {
  kind: 'request';
  id: number;
  channel: string;
  payload: unknown;
}

export interface WireResponse {
  kind: 'response';
  id: number;
  outcome: InvokeOutcome<InvokeChannel>;
}

export interface WireEvent<E extends EventChannel = EventChannel> {
  kind: 'event';
  channel: E;
  payload: Events[E];
}

export type WireMessage = WireRequest | WireResponse | WireEvent;

const typedArrayConstructors = {
  Int8Array,
  Uint8Array,
  Uint8ClampedArray,
  Int16Array,
  Uint16Array,
  Int32Array,
  Uint32Array,
  Float32Array,
  Float64Array,
  BigInt64Array,
  BigUint64Array,
} as const;

type TypedArrayName = keyof typeof typedArrayConstructors;
type AnyTypedArray = InstanceType<(typeof typedArrayConstructors)[TypedArrayName]>;

interface TypedPlaceholder {
  $typed: TypedArrayName | 'ArrayBuffer';
  i: number;
}

interface WireHeader {
  m: unknown;
  b: number[];
}

const ALIGN = 8;
const align = (n: number): number => (n + ALIGN - 1) & ~(ALIGN - 1);

/** Thrown for frames that are not Lumen wire messages; the transport reports it as invalid-request. */
export class WireFormatError extends Error {
  override readonly name = 'WireFormatError';
}

function typedArrayName(value: ArrayBufferView): TypedArrayName | null {
  const name = value.constructor.name;
  // Node's Buffer is a Uint8Array subclass; it arrives as a plain Uint8Array.
  if (value instanceof Uint8Array) return name === 'Uint8ClampedArray' ? name : 'Uint8Array';
  return Object.hasOwn(typedArrayConstructors, name) ? (name as TypedArrayName) : null;
}

export function encodeMessage(message: WireMessage): Uint8Array {
  const buffers: Uint8Array[] = [];
  const replaced = JSON.stringify(message, function (this: unknown, key: string, value: unknown) {
    // Read the original from `this`: Buffer's toJSON would already have expanded `value`.
    const original = (this as Record<string, unknown>)[key];
    if (original instanceof ArrayBuffer) {
      buffers.push(new Uint8Array(original));
      return { $typed: 'ArrayBuffer', i: buffers.length - 1 } satisfies TypedPlaceholder;
    }
    if (ArrayBuffer.isView(original)) {
      const name = typedArrayName(original);
      if (name === null) throw new WireFormatError(`Cannot send a ${original.constructor.name} over the wire.`);
      buffers.push(new Uint8Array(original.buffer, original.byteOffset, original.byteLength));
      return { $typed: name, i: buffers.length - 1 } satisfies TypedPlaceholder;
    }
    return value;
  });
  const headerBytes = new TextEncoder().encode(`{"m":${replaced},"b":${JSON.stringify(buffers.map((b) => b.byteLength))}}`);

  let total = align(4 + headerBytes.byteLength);
  const offsets = buffers.map((b) => {
    const at = total;
    total = align(at + b.byteLength);
    return at;
  });
  const frame = new Uint8Array(total);
  new DataView(frame.buffer).setUint32(0, headerBytes.byteLength, true);
  frame.set(headerBytes, 4);
  buffers.forEach((b, i) => frame.set(b, offsets[i]));
  return frame;
}

function isPlaceholder(value: unknown): value is TypedPlaceholder {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const keys = Object.keys(value);
  const p = value as TypedPlaceholder;
  return keys.length === 2 && typeof p.$typed === 'string' && typeof p.i === 'number';
}

export function decodeMessage(frame: Uint8Array): WireMessage {
  if (frame.byteLength < 4) throw new WireFormatError('Frame too short.');
  const view = new DataView(frame.buffer, frame.byteOffset, frame.byteLength);
  const headerLength = view.getUint32(0, true);
  if (4 + headerLength > frame.byteLength) throw new WireFormatError('Header length exceeds the frame.');
  let header: WireHeader;
  try {
    header = JSON.parse(new TextDecoder().decode(frame.subarray(4, 4 + headerLength))) as WireHeader;
  } catch {
    throw new WireFormatError('Header is not JSON.');
  }
  if (typeof header !== 'object' || header === null || !Array.isArray(header.b)) {
    throw new WireFormatError('Header has no buffer table.');
  }

  const slices: Uint8Array[] = [];
  let at = align(4 + headerLength);
  for (const length of header.b) {
    if (!Number.isInteger(length) || length < 0 || at + length > frame.byteLength) {
      throw new WireFormatError('Buffer table exceeds the frame.');
    }
    slices.push(frame.subarray(at, at + length));
    at = align(at + length);
  }

  const revive = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(revive);
    if (typeof value !== 'object' || value === null) return value;
    if (isPlaceholder(value)) return materialise(value, slices);
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = revive(v);
    return out;
  };
  const message = revive(header.m);
  if (!isWireMessage(message)) throw new WireFormatError('Not a request, response or event.');
  return message;
}

function materialise(p: TypedPlaceholder, slices: Uint8Array[]): ArrayBuffer | AnyTypedArray {
  const bytes = slices[p.i];
  if (bytes === undefined) throw new WireFormatError(`Missing buffer ${p.i}.`);
  if (p.$typed === 'ArrayBuffer') return bytes.slice().buffer;
  if (!Object.hasOwn(typedArrayConstructors, p.$typed)) throw new WireFormatError(`Unknown array type ${p.$typed}.`);
  const Ctor = typedArrayConstructors[p.$typed];
  const size = Ctor.BYTES_PER_ELEMENT;
  if (bytes.byteLength % size !== 0) throw new WireFormatError(`${p.$typed} byte length is not a multiple of ${size}.`);
  // View in place when aligned; otherwise (Node may pool small frames at odd offsets) copy once.
  const source = bytes.byteOffset % size === 0 ? bytes : bytes.slice();
  return new Ctor(source.buffer as ArrayBuffer, source.byteOffset, source.byteLength / size);
}

function isWireMessage(value: unknown): value is WireMessage {
  if (typeof value !== 'object' || value === null) return false;
  const m = value as { kind?: unknown; id?: unknown; channel?: unknown; outcome?: unknown };
  switch (m.kind) {
    case 'request':
      return typeof m.id === 'number' && typeof m.channel === 'string';
    case 'response':
      return typeof m.id === 'number' && typeof m.outcome === 'object' && m.outcome !== null;
    case 'event':
      return typeof m.channel === 'string';
    default:
      return false;
  }
}
