/**
 * The sandboxed preload: exposes `window.lumen` (the LumenBridge of the contract)
 * and nothing else. Channels are checked against the contract's allow-lists and
 * Electron's event object never reaches the page. Bundled as CommonJS, because
 * sandboxed preloads cannot be ES modules.
 */
import { contextBridge, ipcRenderer, webUtils, type IpcRendererEvent } from 'electron';
import { isEventChannel, isInvokeChannel, type LumenBridge } from '../../shared/contracts/ipc';

const bridge: LumenBridge = {
  invoke(channel, req) {
    if (!isInvokeChannel(channel)) return Promise.reject(new Error(`Unknown request channel "${String(channel)}"`));
    return ipcRenderer.invoke(channel, req);
  },
  on(channel, listener) {
    if (!isEventChannel(channel)) throw new Error(`Unknown event channel "${String(channel)}"`);
    const forward = (_event: IpcRendererEvent, payload: Parameters<typeof listener>[0]): void => listener(payload);
    ipcRenderer.on(channel, forward);
    return () => {
      ipcRenderer.removeListener(channel, forward);
    };
  },
  pathForFile(file) {
    const path = webUtils.getPathForFile(file);
    return path === '' ? null : path;
  },
};

contextBridge.exposeInMainWorld('lumen', bridge);
