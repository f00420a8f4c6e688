/**
 * The LumenBridge of the browser harness: the same interface the Electron preload
 * exposes as `window.lumen`, over the loopback WebSocket and the binary wire format.
 */
import type { EventChannel, Events, InvokeChannel, InvokeOutcome, InvokeRequest, LumenBridge } from '../../shared/contracts/ipc';
import { decodeMessage, encodeMessage, type WireMessage } from '../../shared/contracts/wireFormat';

const lostConnection = {
  ok: false,
  error: { code: 'internal', message: 'Lost the connection to Lumen. Restart `npm run web` and reload this page.' },
} as const;

export class WebSocketBridge implements LumenBridge {
  private readonly socket: WebSocket;
  private readonly opened: Promise<boolean>;
  private nextId = 1;
  private closed = false;
  private readonly pending = new Map<number, (outcome: InvokeOutcome<InvokeChannel>) => void>();
  private readonly listeners = new Map<EventChannel, Set<(payload: never) => void>>();

  constructor(url: string) {
    this.socket = new WebSocket(url);
    this.socket.binaryType = 'arraybuffer';
    this.opened = new Promise((resolve) => {
      this.socket.addEventListener('open', () => resolve(true), { once: true });
      this.socket.addEventListener('close', () => resolve(false), { once: true });
    });
    this.socket.addEventListener('message', (event: MessageEvent<ArrayBuffer>) => this.receive(event.data));
    this.socket.addEventListener('close', () => {
      this.closed = true;
      for (const resolve of this.pending.values()) resolve(lostConnection);
      this.pending.clear();
    });
  }

  async invoke<C extends InvokeChannel>(channel: C, req: InvokeRequest<C>): Promise<InvokeOutcome<C>> {
    if (!(await this.opened) || this.closed) return lostConnection;
    const id = this.nextId++;
    return new Promise<InvokeOutcome<C>>((resolve) => {
      this.pending.set(id, resolve as (outcome: InvokeOutcome<InvokeChannel>) => void);
      this.socket.send(encodeMessage({ kind: 'request', id, channel, payload: req }));
    });
  }

  on<E extends EventChannel>(channel: E, listener: (payload: Events[E]) => void): () => void {
    let set = this.listeners.get(channel);
    if (!set) this.listeners.set(channel, (set = new Set()));
    const entry = listener as (payload: never) => void;
    set.add(entry);
    return () => {
      set.delete(entry);
    };
  }

  pathForFile(): string | null {
    return null; // a browser never learns where a dropped file lives on disk
  }

  private receive(data: ArrayBuffer): void {
    let message: WireMessage;
    try {
      message = decodeMessage(new Uint8Array(data));
    } catch (err) {
      console.error('[lumen] malformed message from the harness', err);
      return;
    }
    if (message.kind === 'response') {
      const resolve = this.pending.get(message.id);
      this.pending.delete(message.id);
      resolve?.(message.outcome);
    } else if (message.kind === 'event') {
      for (const listener of this.listeners.get(message.channel) ?? []) listener(message.payload as never);
    }
  }
}
