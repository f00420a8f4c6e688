/** What the renderer's store and IPC tests share: a main process whose events the test fires by hand. */
import type { EventChannel, Events, InvokeChannel, InvokeOutcome, InvokeRequest, LumenBridge } from '../../shared/contracts/ipc';

/** A bridge with working subscriptions; each test scripts `invoke`. */
export abstract class FakeBridge implements LumenBridge {
  private readonly listeners = new Map<EventChannel, Set<(p: never) => void>>();

  abstract invoke<C extends InvokeChannel>(channel: C, req: InvokeRequest<C>): Promise<InvokeOutcome<C>>;

  on<E extends EventChannel>(channel: E, listener: (payload: Events[E]) => void): () => void {
    const set = this.listeners.get(channel) ?? new Set();
    this.listeners.set(channel, set);
    set.add(listener as (p: never) => void);
    return () => set.delete(listener as (p: never) => void);
  }

  /** Delivers an event to its subscribers, as main's would arrive. */
  emit<E extends EventChannel>(channel: E, payload: Events[E]): void {
    for (const l of this.listeners.get(channel) ?? []) l(payload as never);
  }

  get listenerCount(): number {
    return [...this.listeners.values()].reduce((n, s) => n + s.size, 0);
  }
}
