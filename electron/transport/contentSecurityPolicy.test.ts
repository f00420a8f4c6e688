import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { CONTENT_SECURITY_POLICY } from './contentSecurityPolicy';

const indexHtml = path.resolve(fileURLToPath(new URL('.', import.meta.url)), '..', '..', 'renderer', 'index.html');

describe('Content-Security-Policy', () => {
  it('the <meta> in renderer/index.html matches the header, minus frame-ancestors (ignored in <meta>)', () => {
    const html = fs.readFileSync(indexHtml, 'utf8');
    const meta = /http-equiv="Content-Security-Policy"\s+content="([^"]+)"/.exec(html)?.[1];
    const header = CONTENT_SECURITY_POLICY.split('; ').filter((d) => !d.startsWith('frame-ancestors')).join('; ');
    expect(meta).toBe(header);
  });

  it('allows no remote origin, no inline script and no eval beyond WebAssembly', () => {
    const directives = new Map(CONTENT_SECURITY_POLICY.split('; ').map((d) => [d.split(' ')[0], d.split(' ').slice(1)]));
    expect(directives.get('default-src')).toEqual(["'self'"]);
    expect(directives.get('script-src')).toEqual(["'self'", "'wasm-unsafe-eval'"]);
    expect(directives.get('object-src')).toEqual(["'none'"]);
    expect(directives.get('frame-ancestors')).toEqual(["'none'"]);
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/https?:|\*\.|'unsafe-eval'/);
    expect(directives.get('connect-src')).toEqual(["'self'", 'ws://127.0.0.1:*']);
  });
});
