/**
 * The Electron transport: one ipcMain.handle per allow-listed invoke channel, each
 * going through dispatchInvoke, and events sent to the app's windows. Electron's
 * structured clone already carries typed arrays natively, so no wire format here.
 * This is the only transport file that imports 'electron'.
 */
import { ipcMain, type IpcMainInvokeEvent, type WebContents } from 'electron';
import { INVOKE_CHANNELS, type EventChannel, type Events, type InvokeChannel, type InvokeOutcome } from '../../shared/contracts/ipc';
import type { EventSink, InvokeHandlers } from '../services/InvokeHandlers';
import { dispatchInvoke } from './dispatchInvoke';

export interface IpcMainTransportOptions {
  /** True for URLs of the app's own pages; requests from any other frame are refused. */
  isTrustedUrl: (url: string) => boolean;
  log?: (message: string) => void;
}

export class IpcMainTransport implements EventSink {
  private readonly targets = new Set<WebContents>();
  private served = false;

  constructor(private readonly options: IpcMainTransportOptions) {}

  serve(handlers: InvokeHandlers): void {
    if (this.served) throw new Error('IpcMainTransport.serve called twice');
    this.served = true;
    for (const channel of INVOKE_CHANNELS) {
      ipcMain.handle(channel, (event, payload: unknown) => this.answer(handlers, channel, event, payload));
    }
  }

  /** Events go to every registered window until it is destroyed. */
  addTarget(webContents: WebContents): void {
    this.targets.add(webContents);
    webContents.once('destroyed', () => this.targets.delete(webContents));
  }

  emit<E extends EventChannel>(channel: E, payload: Events[E]): void {
    for (const target of this.targets) {
      if (!target.isDestroyed()) target.send(channel, payload);
    }
  }

  dispose(): void {
    if (!this.served) return;
    for (const channel of INVOKE_CHANNELS) ipcMain.removeHandler(channel);
    this.served = false;
  }

  private answer(handlers: InvokeHandlers, channel: InvokeChannel, event: IpcMainInvokeEvent, payload: unknown): Promise<InvokeOutcome<InvokeChannel>> {
    const url = event.senderFrame?.url ?? '';
    if (!this.options.isTrustedUrl(url)) {
      this.options.log?.(`[lumen] refused ${channel} from untrusted frame ${url}`);
      return Promise.resolve({ ok: false, error: { code: 'invalid-request', message: 'This page may not talk to Lumen.' } });
    }
    return dispatchInvoke(handlers, channel, payload, this.options.log);
  }
}
