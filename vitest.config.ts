import { defineConfig } from 'vitest/config';

// Unit and service tests: shared/ kernels and electron/ services, in Node.
// Browser end-to-end specs have their own config (test/e2e/vitest.config.ts).
export default defineConfig({
  test: {
    include: ['shared/**/*.test.ts', 'electron/**/*.test.ts', 'renderer/**/*.test.ts', 'test/fixtures/**/*.test.ts'],
    environment: 'node',
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    reporters: ['default', ['json', { outputFile: 'test-results/unit.json' }]],
  },
});
