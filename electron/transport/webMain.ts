/**
 * The browser harness (`npm run web`): the same services as the desktop app, served
 * to a browser over loopback HTTP + WebSocket with a per-run token. It prints one
 * line `Lumen web harness: http://127.0.0.1:<P>/?token=<T>` once listening; tests
 * and scripts parse it.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createLumenServices } from '../services/createLumenServices';
import type { ShellAdapter } from '../services/InvokeHandlers';
import { createLoopbackHttpServer, listenLoopback, LOOPBACK_HOST } from './loopbackHttpServer';
import { createLoopbackToken } from './loopbackToken';
import { parseWebHarnessArgs, UsageError } from './webHarnessArgs';
import { WebSocketTransport } from './webSocketTransport';

/** out/node/webMain.js and electron/transport/webMain.ts both sit two levels below the app root. */
const appRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

async function main(): Promise<void> {
  const args = parseWebHarnessArgs(process.argv.slice(2));
  const staticRoot = path.resolve(args.staticRoot ?? path.join(appRoot, 'out', 'renderer'));
  if (!fs.existsSync(path.join(staticRoot, 'index.html'))) {
    console.error(`Lumen web harness: the renderer is not built (${staticRoot}/index.html is missing). Run \`npm run build\` first.`);
    process.exit(3);
  }
  const sample = path.join(appRoot, 'assets', 'sample');
  const sampleFolder = fs.existsSync(sample) ? sample : null;
  const initialFolder = args.folder !== undefined ? path.resolve(args.folder) : sampleFolder;
  const stateDir = path.resolve(args.stateDir ?? path.join(os.homedir(), '.lumen', 'web-harness'));
  fs.mkdirSync(stateDir, { recursive: true });

  const token = createLoopbackToken();
  const server = createLoopbackHttpServer({ staticRoot, token });
  const transport = new WebSocketTransport({ server, token });
  const shell: ShellAdapter = {
    shell: 'web',
    // A browser cannot show a native picker for the machine running Lumen; the page uses its in-app folder browser.
    pickFolder: () => Promise.resolve(null),
    stateDir,
    initialFolder,
    sampleFolder,
  };
  const services = createLumenServices({
    shell,
    events: transport,
    ...(args.volumeLimitMb ? { volumeBudgetBytes: Math.round(args.volumeLimitMb * 1024 * 1024) } : {}),
  });
  transport.serve(services.handlers);

  const port = await listenLoopback(server, args.port);
  console.log(`Lumen web harness: http://${LOOPBACK_HOST}:${port}/?token=${token}`);
  console.log(initialFolder ? `Opening folder: ${initialFolder}` : 'No folder given and no bundled sample installed; pick one in the page.');

  let stopping = false;
  const stop = async (): Promise<void> => {
    if (stopping) return;
    stopping = true;
    await transport.close();
    await services.dispose();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    process.exit(0);
  };
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());
}

main().catch((err: unknown) => {
  if (err instanceof UsageError) {
    console.error(err.message);
    process.exit(2);
  }
  const code = (err as { code?: string }).code;
  console.error(code === 'EADDRINUSE' ? 'Lumen web harness: that port is already in use; pass --port 0 for a free one.' : `Lumen web harness failed to start: ${(err as Error).message ?? String(err)}`);
  process.exit(1);
});
