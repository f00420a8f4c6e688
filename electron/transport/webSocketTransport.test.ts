import fs from 'node:fs';
import type http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { Events, FramePixels, InvokeOutcome, InvokeChannel } from '../../shared/contracts/ipc';
import { UserError } from '../../shared/contracts/UserError';
import { decodeMessage, encodeMessage, type WireMessage } from '../../shared/contracts/wireFormat';
import type { InvokeHandlers } from '../services/InvokeHandlers';
import { CONTENT_SECURITY_POLICY } from './contentSecurityPolicy';
import { createLoopbackHttpServer, listenLoopback } from './loopbackHttpServer';
import { createLoopbackToken } from './loopbackToken';
import { WebSocketTransport } from './webSocketTransport';

/** An in-memory service set: a ramp frame whose every pixel value is known. */
function inMemoryHandlers(transport: WebSocketTransport): InvokeHandlers {
  return {
    'app:getInfo': () => ({ version: '0.0.0-test', shell: 'web', sampleFolder: null, initialFolder: null }),
    'app:listRecentFolders': () => ({ folders: [] }),
    'dialog:pickFolder': () => ({ folder: null }),
    'fs:listFolder': ({ folder }) => {
      if (folder === '/boom') throw new Error('disk on fire at /secret/stack');
      throw new UserError('not-found', `The folder ${folder} does not exist.`);
    },
    'dicom:indexFolder': ({ folder }) => {
      setTimeout(() => transport.emit('job:onDidProgress', { jobId: 'j1', kind: 'dicom:index', done: 1, total: 2, stage: folder }), 5);
      return { jobId: 'j1' };
    },
    'series:getThumbnail': () => ({ width: 2, height: 1, pixels: new Uint8Array([0, 255]) }),
    'series:getFrame': ({ seriesUid, index }) => {
      const width = 64;
      const height = 32;
      const pixels = new Float32Array(width * height).map((_, i) => i - 1024 + index);
      return { seriesUid, index, width, height, samplesPerPixel: 1, pixels, windowCenter: 40, windowWidth: 400, range: [-1024 + index, width * height - 1025 + index] };
    },
    'volume:load': () => ({ jobId: 'j2' }),
    // A 4 MiB int16 volume whose value is known everywhere: −32768 + n mod 65536.
    'volume:getVoxels': ({ seriesUid }) => ({ seriesUid, voxels: Int16Array.from({ length: 1 << 21 }, (_, n) => (n & 0xffff) - 32768) }),
    'reformat:export': () => ({ jobId: 'j2' }),
    'reformat:mapBack': () => ({ jobId: 'j3' }),
    'labels:getVoxels': ({ labelsId }) => ({ labelsId, voxels: new Uint8Array([0, 1, 2]) }),
    'labels:save': ({ out }) => ({ file: out, format: 'nrrd' }),
    'paths:load': () => ({ paths: [] }),
    'paths:save': () => ({ savedAt: '1970-01-01T00:00:00.000Z' }),
    'recon:describe': () => {
      throw new UserError('not-found', 'unused');
    },
    'recon:reconstruct': () => ({ jobId: 'j4' }),
    'volume:export': () => ({ jobId: 'j5' }),
    'volume:exportSurface': () => ({ jobId: 'j6' }),
    'job:cancel': () => ({ cancelled: true }),
  };
}

class TestClient {
  private nextId = 1;
  private readonly pending = new Map<number, (o: InvokeOutcome<InvokeChannel>) => void>();
  readonly events: WireMessage[] = [];
  constructor(readonly socket: WebSocket) {
    socket.on('message', (data: Buffer) => {
      const m = decodeMessage(data);
      if (m.kind === 'response') this.pending.get(m.id)?.(m.outcome);
      else this.events.push(m);
    });
  }
  static connect(url: string, headers?: Record<string, string>): Promise<TestClient> {
    return new Promise((resolve, reject) => {
      const socket = new WebSocket(url, headers ? { headers } : undefined);
      socket.once('open', () => resolve(new TestClient(socket)));
      socket.once('unexpected-response', (_req, res: http.IncomingMessage) => reject(new Error(`HTTP ${res.statusCode}`)));
      socket.once('error', reject);
    });
  }
  invoke(channel: string, payload: unknown): Promise<InvokeOutcome<InvokeChannel>> {
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.pending.set(id, resolve);
      this.socket.send(encodeMessage({ kind: 'request', id, channel, payload }));
    });
  }
}

describe('WebSocket transport (loopback harness)', () => {
  const token = createLoopbackToken();
  let server: http.Server;
  let transport: WebSocketTransport;
  let port: number;
  let staticRoot: string;
  const logs: string[] = [];

  beforeAll(async () => {
    staticRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'lumen-static-'));
    fs.writeFileSync(path.join(staticRoot, 'index.html'), '<!doctype html><title>t</title>');
    fs.mkdirSync(path.join(staticRoot, 'assets'));
    fs.writeFileSync(path.join(staticRoot, 'assets', 'app.js'), 'console.log(1)');
    server = createLoopbackHttpServer({ staticRoot, token });
    transport = new WebSocketTransport({ server, token, log: (m) => logs.push(m) });
    transport.serve(inMemoryHandlers(transport));
    port = await listenLoopback(server, 0);
  });

  afterAll(async () => {
    await transport.close();
    await new Promise((r) => server.close(r));
    fs.rmSync(staticRoot, { recursive: true, force: true });
  });

  it('binds to 127.0.0.1 only', () => {
    const address = server.address() as { address: string; family: string };
    expect(address.address).toBe('127.0.0.1');
  });

  it('serves the page only with the token, with the CSP header, and never outside the static root', async () => {
    const base = `http://127.0.0.1:${port}`;
    expect((await fetch(`${base}/`)).status).toBe(403);
    expect((await fetch(`${base}/?token=wrong`)).status).toBe(403);
    expect((await fetch(`${base}/assets/app.js`)).status).toBe(403);
    const page = await fetch(`${base}/?token=${token}`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
    const cookie = page.headers.get('set-cookie')!.split(';')[0]!;
    const asset = await fetch(`${base}/assets/app.js`, { headers: { cookie } });
    expect(asset.status).toBe(200);
    expect(asset.headers.get('content-type')).toMatch(/javascript/);
    const escape = await fetch(`${base}/..%2f..%2fetc%2fpasswd`, { headers: { cookie } });
    expect(escape.status).toBe(404);
  });

  it('refuses a WebSocket with a wrong or missing token, or a foreign origin, with 403', async () => {
    await expect(TestClient.connect(`ws://127.0.0.1:${port}/ipc?token=nope`)).rejects.toThrow('HTTP 403');
    await expect(TestClient.connect(`ws://127.0.0.1:${port}/ipc`)).rejects.toThrow('HTTP 403');
    await expect(TestClient.connect(`ws://127.0.0.1:${port}/ipc?token=${token}`, { Origin: 'http://evil.example' })).rejects.toThrow('HTTP 403');
  });

  it('answers requests through dispatchInvoke: values, invalid payloads, user errors, hidden internals', async () => {
    const client = await TestClient.connect(`ws://127.0.0.1:${port}/ipc?token=${token}`, { Origin: `http://127.0.0.1:${port}` });
    const info = await client.invoke('app:getInfo', {});
    expect(info).toEqual({ ok: true, value: { version: '0.0.0-test', shell: 'web', sampleFolder: null, initialFolder: null } });

    const invalid = await client.invoke('series:getFrame', { seriesUid: 'x', index: -3 });
    expect(invalid.ok).toBe(false);
    expect(!invalid.ok && invalid.error.code).toBe('invalid-request');

    const unknown = await client.invoke('shell:exec', { cmd: 'rm -rf /' });
    expect(!unknown.ok && unknown.error.code).toBe('invalid-request');

    const missing = await client.invoke('fs:listFolder', { folder: '/nope' });
    expect(missing).toEqual({ ok: false, error: { code: 'not-found', message: 'The folder /nope does not exist.' } });

    const internal = await client.invoke('fs:listFolder', { folder: '/boom' });
    expect(!internal.ok && internal.error.code).toBe('internal');
    expect(JSON.stringify(internal)).not.toContain('/secret/stack');
    expect(logs.some((l) => l.includes('disk on fire'))).toBe(true);
    client.socket.close();
  });

  it('delivers typed arrays as typed arrays, bit-exact, and many requests concurrently', async () => {
    const client = await TestClient.connect(`ws://127.0.0.1:${port}/ipc?token=${token}`);
    const outcomes = await Promise.all([0, 1, 2, 3, 4].map((index) => client.invoke('series:getFrame', { seriesUid: '1.2', index })));
    outcomes.forEach((outcome, index) => {
      expect(outcome.ok).toBe(true);
      const frame = (outcome as { ok: true; value: FramePixels }).value;
      expect(frame.index).toBe(index);
      expect(frame.pixels).toBeInstanceOf(Float32Array);
      expect(frame.pixels.length).toBe(64 * 32);
      expect(frame.pixels[0]).toBe(-1024 + index);
      expect(frame.pixels[64 * 32 - 1]).toBe(64 * 32 - 1025 + index);
    });
    const thumb = await client.invoke('series:getThumbnail', { seriesUid: '1.2' });
    expect((thumb as { ok: true; value: { pixels: Uint8Array } }).value.pixels).toBeInstanceOf(Uint8Array);
    const volume = await client.invoke('volume:getVoxels', { seriesUid: '1.2' });
    const voxels = (volume as { ok: true; value: { voxels: Int16Array } }).value.voxels;
    expect(voxels).toBeInstanceOf(Int16Array);
    expect(voxels.length).toBe(1 << 21);
    expect([voxels[0], voxels[65535], voxels[65536 + 40000]]).toEqual([-32768, 32767, 40000 - 32768]);
    client.socket.close();
  });

  it('broadcasts events to every connected client', async () => {
    const a = await TestClient.connect(`ws://127.0.0.1:${port}/ipc?token=${token}`);
    const b = await TestClient.connect(`ws://127.0.0.1:${port}/ipc?token=${token}`);
    await a.invoke('dicom:indexFolder', { folder: '/data' });
    await new Promise((r) => setTimeout(r, 50));
    const expected: Events['job:onDidProgress'] = { jobId: 'j1', kind: 'dicom:index', done: 1, total: 2, stage: '/data' };
    for (const client of [a, b]) {
      expect(client.events).toContainEqual({ kind: 'event', channel: 'job:onDidProgress', payload: expected });
    }
    a.socket.close();
    b.socket.close();
  });

  it('closes clients cleanly on shutdown', async () => {
    const localServer = createLoopbackHttpServer({ staticRoot, token });
    const local = new WebSocketTransport({ server: localServer, token });
    const localPort = await listenLoopback(localServer, 0);
    const client = await TestClient.connect(`ws://127.0.0.1:${localPort}/ipc?token=${token}`);
    const closed = new Promise<number>((r) => client.socket.once('close', (code) => r(code)));
    // Before serve(): the transport answers but says it is still starting.
    const early = await client.invoke('app:getInfo', {});
    expect(!early.ok && early.error.code).toBe('internal');
    await local.close();
    expect(await closed).toBe(1001);
    expect(local.clientCount).toBe(0);
    await new Promise((r) => localServer.close(r));
  });
});
