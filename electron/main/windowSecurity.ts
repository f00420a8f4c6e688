/**
 * Hardening that applies to every web contents of the app: the CSP header on every
 * response, no permissions, no new windows, no navigation away from the app page,
 * no <webview>. The renderer never shows remote content.
 */
import { app, session, type WebContents } from 'electron';
import { CONTENT_SECURITY_POLICY } from '../transport/contentSecurityPolicy';

export function installSessionPolicy(): void {
  session.defaultSession.webRequest.onHeadersReceived((details, callback) => {
    callback({
      responseHeaders: {
        ...details.responseHeaders,
        'Content-Security-Policy': [CONTENT_SECURITY_POLICY],
        'X-Content-Type-Options': ['nosniff'],
      },
    });
  });
  session.defaultSession.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  session.defaultSession.setPermissionCheckHandler(() => false);
}

/** `isAppUrl` decides which URLs are the app itself; everything else is refused. */
export function lockDownWebContents(isAppUrl: (url: string) => boolean): void {
  app.on('web-contents-created', (_event, contents: WebContents) => {
    contents.setWindowOpenHandler(() => ({ action: 'deny' }));
    contents.on('will-navigate', (event, url) => {
      if (!isAppUrl(url)) event.preventDefault();
    });
    contents.on('will-redirect', (event, url) => {
      if (!isAppUrl(url)) event.preventDefault();
    });
    contents.on('will-attach-webview', (event) => event.preventDefault());
  });
}
