// Source mode only (vitest, tsx): Node 20 workers ignore `--import tsx` in execArgv,
// so the TypeScript worker entry is loaded through tsx's API instead. The bundled app
// starts out/node/lumenWorker.js directly and never uses this file.
import { tsImport } from 'tsx/esm/api';

await tsImport(new URL('./lumenWorker.ts', import.meta.url).href, import.meta.url);
