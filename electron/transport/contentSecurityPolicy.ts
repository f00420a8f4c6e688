/**
 * The one Content-Security-Policy of the renderer, sent as a header by the Electron
 * session and by the loopback harness, and repeated as a <meta> in renderer/index.html
 * (a test keeps the two identical). No remote content, no eval beyond WebAssembly,
 * and the only socket is the loopback transport.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self' 'wasm-unsafe-eval'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self' data:",
  "connect-src 'self' ws://127.0.0.1:*",
  "worker-src 'self' blob:",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');
