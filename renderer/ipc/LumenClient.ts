/**
 * The typed client the stores use: `invoke` resolves to the value or throws a
 * UserError whose message can be shown as is; `on` returns a disposer.
 */
import type { EventChannel, Events, InvokeChannel, InvokeRequest, InvokeResponse, LumenBridge } from '../../shared/contracts/ipc';
import { UserError } from '../../shared/contracts/UserError';

export class LumenClient {
  constructor(private readonly bridge: LumenBridge) {}

  async invoke<C extends InvokeChannel>(channel: C, req: InvokeRequest<C>): Promise<InvokeResponse<C>> {
    let outcome;
    try {
      outcome = await this.bridge.invoke(channel, req);
    } catch (err) {
      console.error(`[lumen] ${channel} did not reach main`, err);
      throw new UserError('internal', 'Lumen could not reach its background process. Please restart Lumen.');
    }
    if (outcome.ok) return outcome.value;
    throw UserError.fromPayload(outcome.error);
  }

  on<E extends EventChannel>(channel: E, listener: (payload: Events[E]) => void): () => void {
    return this.bridge.on(channel, listener);
  }

  /** The filesystem path of a dropped file or folder; null where the shell cannot know it (browser). */
  pathForFile(file: File): string | null {
    return this.bridge.pathForFile?.(file) ?? null;
  }
}

/** The message to show for anything a call threw. */
export function messageOf(err: unknown): string {
  if (err instanceof UserError) return err.message;
  return 'Something went wrong in Lumen. Please try again.';
}
