#!/usr/bin/env node
// One build for every runtime: Node bundles (Electron main, CLI, web harness, workers),
// the sandboxed preload (CommonJS), and the renderer. `--if-needed` skips the build
// when out/ is newer than every source file.
import { build } from 'vite';
import { builtinModules } from 'node:module';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(fileURLToPath(new URL('..', import.meta.url)));
const out = path.join(root, 'out');
const stamp = path.join(out, '.build-stamp');
const sourceDirs = ['electron', 'renderer', 'shared', 'build'].map((d) => path.join(root, d));
const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));

const nodeEntries = {
  main: 'electron/main/index.ts',
  cli: 'electron/cli/index.ts',
  webMain: 'electron/transport/webMain.ts',
  lumenWorker: 'electron/workers/lumenWorker.ts',
};

function newestSourceMtime(dir) {
  let newest = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSourceMtime(full));
    else if (!entry.name.includes('.test.')) newest = Math.max(newest, fs.statSync(full).mtimeMs);
  }
  return newest;
}

function isUpToDate() {
  if (!fs.existsSync(stamp)) return false;
  const built = fs.statSync(stamp).mtimeMs;
  const sources = Math.max(...sourceDirs.filter((d) => fs.existsSync(d)).map(newestSourceMtime));
  return built > sources && built > fs.statSync(path.join(root, 'package.json')).mtimeMs;
}

const external = [
  'electron',
  ...builtinModules,
  ...builtinModules.map((m) => `node:${m}`),
  ...Object.keys(pkg.dependencies ?? {}),
];
const isExternal = (id) => external.some((e) => id === e || id.startsWith(`${e}/`));

/** A Node-side bundle (SSR mode: npm dependencies and built-ins stay external). */
async function buildForNode({ input, outDir, format, entryFileNames, sourcemap }) {
  await build({
    configFile: false,
    root,
    logLevel: 'warn',
    build: {
      ssr: true,
      target: 'node20',
      outDir,
      emptyOutDir: true,
      sourcemap,
      rollupOptions: {
        input,
        external: isExternal,
        output: { format, entryFileNames, chunkFileNames: '[name]-[hash].js' },
      },
    },
  });
}

async function buildNode() {
  const input = Object.fromEntries(
    Object.entries(nodeEntries)
      .filter(([, file]) => fs.existsSync(path.join(root, file)))
      .map(([name, file]) => [name, path.join(root, file)]),
  );
  await buildForNode({ input, outDir: path.join(out, 'node'), format: 'es', entryFileNames: '[name].js', sourcemap: true });
}

/** Sandboxed preloads must be CommonJS. */
async function buildPreload() {
  const entry = path.join(root, 'electron/preload/index.ts');
  if (!fs.existsSync(entry)) return;
  await buildForNode({ input: { index: entry }, outDir: path.join(out, 'preload'), format: 'cjs', entryFileNames: '[name].cjs', sourcemap: false });
}

async function buildRenderer() {
  if (!fs.existsSync(path.join(root, 'renderer/index.html'))) return;
  await build({ configFile: path.join(root, 'build/vite.renderer.config.ts'), logLevel: 'warn' });
}

export async function buildAll({ ifNeeded = false } = {}) {
  if (ifNeeded && isUpToDate()) return false;
  const started = Date.now();
  await buildNode();
  await buildPreload();
  await buildRenderer();
  fs.writeFileSync(stamp, new Date().toISOString());
  console.error(`Lumen built in ${((Date.now() - started) / 1000).toFixed(1)} s → ${path.relative(process.cwd(), out) || out}`);
  return true;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  buildAll({ ifNeeded: process.argv.includes('--if-needed') }).catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
