/**
 * The loopback WebSocket transport of the browser harness: the same handlers the
 * Electron shell binds to ipcMain, reached over `ws://127.0.0.1:<port>/ipc?token=…`.
 * Every request goes through dispatchInvoke; events are broadcast to every client.
 * Messages use the binary wire format so typed arrays travel as raw bytes.
 */
import type http from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, WebSocket, type RawData } from 'ws';
import type { EventChannel, Events } from '../../shared/contracts/ipc';
import { decodeMessage, encodeMessage, type WireMessage } from '../../shared/contracts/wireFormat';
import type { EventSink, InvokeHandlers } from '../services/InvokeHandlers';
import { dispatchInvoke } from './dispatchInvoke';
import { tokenMatches } from './loopbackToken';

export interface WebSocketTransportOptions {
  /** The loopback HTTP server to share (it must listen on 127.0.0.1). */
  server: http.Server;
  token: string;
  /** URL path of the socket; '/ipc' by default. */
  path?: string;
  log?: (message: string) => void;
}

/** Frames larger than this are refused; a 1024² Float32 frame is 4 MB. */
const MAX_PAYLOAD_BYTES = 64 * 1024 * 1024;

export class WebSocketTransport implements EventSink {
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: MAX_PAYLOAD_BYTES });
  private readonly server: http.Server;
  private readonly token: string;
  private readonly path: string;
  private readonly log: (message: string) => void;
  private handlers: InvokeHandlers | null = null;
  private readonly onUpgrade = (req: http.IncomingMessage, socket: Duplex, head: Buffer): void => this.upgrade(req, socket, head);

  constructor({ server, token, path = '/ipc', log = (m) => console.error(m) }: WebSocketTransportOptions) {
    this.server = server;
    this.token = token;
    this.path = path;
    this.log = log;
    server.on('upgrade', this.onUpgrade);
    this.wss.on('connection', (socket) => this.attach(socket));
  }

  /**
   * The services need this transport as their event sink before their handlers
   * exist, so handlers are bound in a second step.
   */
  serve(handlers: InvokeHandlers): void {
    this.handlers = handlers;
  }

  get clientCount(): number {
    return this.wss.clients.size;
  }

  emit<E extends EventChannel>(channel: E, payload: Events[E]): void {
    if (this.wss.clients.size === 0) return;
    const frame = encodeMessage({ kind: 'event', channel, payload } as WireMessage);
    for (const client of this.wss.clients) {
      if (client.readyState === WebSocket.OPEN) client.send(frame);
    }
  }

  async close(): Promise<void> {
    this.server.off('upgrade', this.onUpgrade);
    for (const client of this.wss.clients) client.close(1001, 'Lumen is shutting down');
    await new Promise<void>((resolve) => {
      const deadline = setTimeout(() => {
        for (const client of this.wss.clients) client.terminate();
      }, 1000);
      this.wss.close(() => {
        clearTimeout(deadline);
        resolve();
      });
    });
  }

  private upgrade(req: http.IncomingMessage, socket: Duplex, head: Buffer): void {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (url.pathname !== this.path) return; // another upgrade handler may own it
    if (!tokenMatches(url.searchParams.get('token'), this.token) || !this.isAllowedOrigin(req.headers.origin)) {
      socket.end('HTTP/1.1 403 Forbidden\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => this.wss.emit('connection', ws, req));
  }

  /** Browsers always send Origin; only the harness's own page may connect (blocks cross-site hijacking). */
  private isAllowedOrigin(origin: string | undefined): boolean {
    if (origin === undefined) return true; // non-browser client (tests, tools) holding the token
    const port = (this.server.address() as { port?: number } | null)?.port;
    return origin === `http://127.0.0.1:${port}` || origin === `http://localhost:${port}`;
  }

  private attach(socket: WebSocket): void {
    socket.on('message', (data: RawData, isBinary: boolean) => {
      if (!isBinary) {
        socket.close(1003, 'Lumen expects binary frames');
        return;
      }
      void this.answer(socket, toBytes(data));
    });
    socket.on('error', (err) => this.log(`[lumen] websocket client error: ${err.message}`));
  }

  private async answer(socket: WebSocket, frame: Uint8Array): Promise<void> {
    let message: WireMessage;
    try {
      message = decodeMessage(frame);
    } catch (err) {
      this.log(`[lumen] dropped a malformed frame: ${(err as Error).message}`);
      return;
    }
    if (message.kind !== 'request') return;
    const outcome = this.handlers
      ? await dispatchInvoke(this.handlers, message.channel, message.payload, this.log)
      : ({ ok: false, error: { code: 'internal', message: 'Lumen is still starting; please try again in a moment.' } } as const);
    if (socket.readyState !== WebSocket.OPEN) return;
    try {
      socket.send(encodeMessage({ kind: 'response', id: message.id, outcome }));
    } catch (err) {
      this.log(`[lumen] could not encode the ${message.channel} response: ${(err as Error).message}`);
      socket.send(
        encodeMessage({ kind: 'response', id: message.id, outcome: { ok: false, error: { code: 'internal', message: `Lumen could not send the result of "${message.channel}".` } } }),
      );
    }
  }
}

function toBytes(data: RawData): Uint8Array {
  if (Array.isArray(data)) return Buffer.concat(data);
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  return data;
}
