/**
 * Finds the bridge to main: the preload's `window.lumen` in Electron, otherwise the
 * loopback WebSocket of the browser harness, authenticated with the page's `?token=`.
 */
import type { LumenBridge } from '../../shared/contracts/ipc';
import { WebSocketBridge } from './WebSocketBridge';

declare global {
  interface Window {
    lumen?: LumenBridge;
  }
}

export function createBridge(): LumenBridge {
  if (window.lumen) return window.lumen;
  const token = new URLSearchParams(window.location.search).get('token') ?? '';
  const url = `ws://${window.location.host}/ipc?token=${encodeURIComponent(token)}`;
  return new WebSocketBridge(url);
}
