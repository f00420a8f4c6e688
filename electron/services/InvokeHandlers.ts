/**
 * What a transport needs from the services: one handler per invoke channel and a
 * sink for events. The services implement these without knowing which transport
 * (Electron ipcMain or the loopback WebSocket) serves them.
 */
import type { EventChannel, Events, InvokeChannel, InvokeRequest, InvokeResponse } from '../../shared/contracts/ipc';

export type InvokeHandlers = {
  [C in InvokeChannel]: (req: InvokeRequest<C>) => Promise<InvokeResponse<C>> | InvokeResponse<C>;
};

export interface EventSink {
  emit<E extends EventChannel>(channel: E, payload: Events[E]): void;
}

/** What differs between the Electron shell and the browser harness. */
export interface ShellAdapter {
  readonly shell: 'electron' | 'web';
  /** Native folder picker; resolves null when cancelled or unavailable. */
  pickFolder(): Promise<string | null>;
  /** Writable folder for app state (recent folders); never a source DICOM folder. */
  readonly stateDir: string;
  /** Folder to open at start, if any (command line, else the bundled sample). */
  readonly initialFolder: string | null;
  readonly sampleFolder: string | null;
}
