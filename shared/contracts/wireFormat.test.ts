import { describe, expect, it } from 'vitest';
import { decodeMessage, encodeMessage, WireFormatError, type WireMessage } from './wireFormat';

describe('wire format', () => {
  it('round-trips a frame response with typed arrays as typed arrays, bit-exact', () => {
    const pixels = new Float32Array(512 * 512);
    for (let i = 0; i < pixels.length; i++) pixels[i] = Math.sin(i) * 1000 - 0.125;
    pixels[7] = Number.NaN;
    pixels[8] = -0;
    const thumb = new Uint8Array([0, 1, 254, 255, 3]);
    const message: WireMessage = {
      kind: 'response',
      id: 41,
      outcome: {
        ok: true,
        value: { seriesUid: '1.2.3', index: 4, width: 512, height: 512, samplesPerPixel: 1, pixels, windowCenter: 40, windowWidth: 400, range: [-1000, 1000], nested: [{ thumb }] },
      },
    } as unknown as WireMessage;

    const frame = encodeMessage(message);
    const back = decodeMessage(frame) as unknown as { kind: string; id: number; outcome: { ok: true; value: { pixels: Float32Array; range: number[]; nested: { thumb: Uint8Array }[] } } };

    expect(back.kind).toBe('response');
    expect(back.id).toBe(41);
    expect(back.outcome.value.pixels).toBeInstanceOf(Float32Array);
    expect(back.outcome.value.nested[0]!.thumb).toBeInstanceOf(Uint8Array);
    expect(Array.from(back.outcome.value.nested[0]!.thumb)).toEqual([0, 1, 254, 255, 3]);
    expect(back.outcome.value.range).toEqual([-1000, 1000]);
    // Compare bits so NaN and -0 count.
    const a = new Uint32Array(pixels.buffer);
    const b = new Uint32Array(back.outcome.value.pixels.buffer, back.outcome.value.pixels.byteOffset, pixels.length);
    expect(b.length).toBe(a.length);
    expect(b.every((v, i) => v === a[i])).toBe(true);
  });

  it('costs raw bytes, not JSON digits: a 1 MB Float32 frame encodes to ~1 MB', () => {
    const pixels = new Float32Array(256 * 1024).map((_, i) => i * 0.001);
    const frame = encodeMessage({ kind: 'event', channel: 'job:onDidProgress', payload: { pixels } } as unknown as WireMessage);
    expect(frame.byteLength).toBeLessThan(pixels.byteLength + 256);
  });

  it('keeps every array type, subviews and Node Buffers', () => {
    const base = new Int16Array([1, -2, 3, -4, 5, -6]);
    const payload = {
      i8: new Int8Array([-128, 127]),
      u8c: new Uint8ClampedArray([0, 255]),
      sub: base.subarray(1, 4),
      u16: new Uint16Array([65535]),
      i32: new Int32Array([-2147483648]),
      u32: new Uint32Array([4294967295]),
      f64: new Float64Array([Math.PI]),
      big: new BigInt64Array([-5n]),
      buf: Buffer.from([9, 8, 7]),
      raw: new Uint8Array([1, 2, 3]).buffer,
      text: 'é ✓ 日本',
    };
    const back = decodeMessage(encodeMessage({ kind: 'request', id: 1, channel: 'x', payload })) as { payload: Record<string, unknown> };
    const p = back.payload;
    expect(p.i8).toEqual(new Int8Array([-128, 127]));
    expect(p.u8c).toEqual(new Uint8ClampedArray([0, 255]));
    expect(p.sub).toEqual(new Int16Array([-2, 3, -4]));
    expect(p.u16).toEqual(new Uint16Array([65535]));
    expect(p.i32).toEqual(new Int32Array([-2147483648]));
    expect(p.u32).toEqual(new Uint32Array([4294967295]));
    expect(p.f64).toEqual(new Float64Array([Math.PI]));
    expect(p.big).toEqual(new BigInt64Array([-5n]));
    expect(p.buf).toBeInstanceOf(Uint8Array);
    expect(Array.from(p.buf as Uint8Array)).toEqual([9, 8, 7]);
    expect(p.raw).toBeInstanceOf(ArrayBuffer);
    expect(Array.from(new Uint8Array(p.raw as ArrayBuffer))).toEqual([1, 2, 3]);
    expect(p.text).toBe('é ✓ 日本');
  });

  it('decodes a frame that sits at an odd offset inside a larger buffer (copies when misaligned)', () => {
    const frame = encodeMessage({ kind: 'request', id: 2, channel: 'x', payload: { f: new Float64Array([1.5, -2.5]) } });
    const host = new Uint8Array(frame.byteLength + 3);
    host.set(frame, 3);
    const back = decodeMessage(host.subarray(3)) as { payload: { f: Float64Array } };
    expect(Array.from(back.payload.f)).toEqual([1.5, -2.5]);
  });

  it('rejects garbage with a WireFormatError', () => {
    expect(() => decodeMessage(new Uint8Array([1, 2]))).toThrow(WireFormatError);
    expect(() => decodeMessage(new Uint8Array([255, 255, 0, 0, 1]))).toThrow(WireFormatError);
    const notJson = new Uint8Array([3, 0, 0, 0, 0x7b, 0x7b, 0x7b]);
    expect(() => decodeMessage(notJson)).toThrow(WireFormatError);
    const json = new TextEncoder().encode('{"m":{"kind":"nope"},"b":[]}');
    const f = new Uint8Array(4 + json.length);
    new DataView(f.buffer).setUint32(0, json.length, true);
    f.set(json, 4);
    expect(() => decodeMessage(f)).toThrow(/Not a request/);
    const lying = new TextEncoder().encode('{"m":{"kind":"event","channel":"x","payload":{"$typed":"Float32Array","i":0}},"b":[4000]}');
    const g = new Uint8Array(4 + lying.length);
    new DataView(g.buffer).setUint32(0, lying.length, true);
    g.set(lying, 4);
    expect(() => decodeMessage(g)).toThrow(/exceeds/);
  });
});
