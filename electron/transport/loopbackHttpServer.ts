/**
 * The browser harness's HTTP side: serves the built renderer from one folder, on
 * 127.0.0.1 only. The page itself needs `?token=`; it then sets a same-site,
 * port-scoped cookie so the scripts and styles it loads are served without
 * repeating the token in every URL.
 */
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { CONTENT_SECURITY_POLICY } from './contentSecurityPolicy';
import { tokenMatches } from './loopbackToken';

const contentTypes: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.map': 'application/json',
};

export interface LoopbackServerOptions {
  /** Folder of the built renderer (out/renderer). */
  staticRoot: string;
  token: string;
}

export const LOOPBACK_HOST = '127.0.0.1';

export function createLoopbackHttpServer({ staticRoot, token }: LoopbackServerOptions): http.Server {
  const root = path.resolve(staticRoot);
  const server = http.createServer((req, res) => {
    const port = (server.address() as { port?: number } | null)?.port ?? 0;
    const cookieName = `lumen_token_${port}`;
    const url = new URL(req.url ?? '/', `http://${LOOPBACK_HOST}`);
    const baseHeaders = {
      'Content-Security-Policy': CONTENT_SECURITY_POLICY,
      'X-Content-Type-Options': 'nosniff',
      'Referrer-Policy': 'no-referrer',
      'Cache-Control': 'no-store',
    };
    const refuse = (status: number, text: string): void => {
      res.writeHead(status, { ...baseHeaders, 'Content-Type': 'text/plain; charset=utf-8' });
      res.end(text);
    };
    if (req.method !== 'GET' && req.method !== 'HEAD') return refuse(405, 'Method not allowed');

    const isPage = url.pathname === '/' || url.pathname === '/index.html';
    const queryToken = url.searchParams.get('token');
    const authorised = isPage ? tokenMatches(queryToken, token) : tokenMatches(queryToken, token) || tokenMatches(readCookie(req, cookieName), token);
    if (!authorised) return refuse(403, 'Forbidden: open the exact URL the Lumen web harness printed (it carries a per-run token).');

    const relative = isPage ? 'index.html' : decodeURIComponent(url.pathname).replace(/^\/+/, '');
    const file = path.resolve(root, relative);
    if (file !== root && !file.startsWith(root + path.sep)) return refuse(404, 'Not found');
    fs.stat(file, (err, stat) => {
      if (err || !stat.isFile()) return refuse(404, 'Not found');
      const headers: Record<string, string> = {
        ...baseHeaders,
        'Content-Type': contentTypes[path.extname(file).toLowerCase()] ?? 'application/octet-stream',
        'Content-Length': String(stat.size),
      };
      if (isPage) headers['Set-Cookie'] = `${cookieName}=${token}; Path=/; HttpOnly; SameSite=Strict`;
      res.writeHead(200, headers);
      if (req.method === 'HEAD') return void res.end();
      fs.createReadStream(file).pipe(res);
    });
  });
  return server;
}

function readCookie(req: http.IncomingMessage, name: string): string | null {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === name) return v.join('=');
  }
  return null;
}

/** Listens on 127.0.0.1 only; port 0 picks a free port. Resolves the bound port. */
export function listenLoopback(server: http.Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, LOOPBACK_HOST, () => {
      server.off('error', reject);
      resolve((server.address() as { port: number }).port);
    });
  });
}
