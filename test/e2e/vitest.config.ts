import { defineConfig } from 'vitest/config';
import { fileURLToPath } from 'node:url';

// Browser and Electron end-to-end specs. They drive the built app (out/), so run
// `npm run build` first (`npm test` does). One file at a time: each starts a harness
// process and a browser.
export default defineConfig({
  root: fileURLToPath(new URL('../..', import.meta.url)),
  test: {
    include: ['test/e2e/**/*.spec.ts'],
    environment: 'node',
    testTimeout: 120_000,
    hookTimeout: 120_000,
    fileParallelism: false,
    pool: 'forks',
    reporters: ['default', ['json', { outputFile: 'test-results/e2e.json' }]],
  },
});
