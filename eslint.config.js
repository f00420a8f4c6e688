// Lint rules, including the import layering of ARCHITECTURE.md §1 (VS Code style):
// shared/ imports only shared/; services and workers never import electron;
// the renderer reaches main only through renderer/ipc.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';

const nodeBuiltins = ['fs', 'path', 'os', 'child_process', 'worker_threads', 'zlib', 'crypto', 'http', 'net', 'url', 'stream', 'util', 'events'];
const nodeOnly = nodeBuiltins.flatMap((m) => [m, `node:${m}`, `${m}/*`, `node:${m}/*`]);

export default tseslint.config(
  { ignores: ['node_modules/', 'out/', 'dist/', 'test-results/', 'assets/', '**/*.d.ts'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-console': 'off',
    },
  },
  {
    files: ['shared/**/*.ts'],
    ignores: ['shared/**/*.test.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [
          { group: ['**/electron/**', '**/renderer/**', '**/test/**'], message: 'shared/ imports nothing of ours but shared/.' },
          { group: ['electron', 'react', 'mobx', '@kitware/*', ...nodeOnly], message: 'shared/ is pure TypeScript: no Node, DOM or UI APIs.' },
        ],
      }],
    },
  },
  {
    files: ['electron/services/**/*.ts', 'electron/workers/**/*.ts', 'electron/cli/**/*.ts', 'electron/transport/**/*.ts'],
    ignores: ['electron/transport/ipcMainTransport.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: [{ name: 'electron', message: 'Only electron/main, electron/preload and the ipcMain transport may import electron.' }],
        patterns: [{ group: ['**/renderer/**'], message: 'Main-process code never imports the renderer.' }],
      }],
    },
  },
  {
    files: ['renderer/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
    plugins: { 'react-hooks': reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      'no-restricted-imports': ['error', {
        paths: [{ name: 'electron', message: 'The renderer reaches main only through renderer/ipc.' }],
        patterns: [
          { group: ['**/electron/**'], message: 'The renderer reaches main only through renderer/ipc.' },
          { group: nodeOnly, message: 'The renderer is sandboxed: no Node APIs.' },
        ],
      }],
    },
  },
);
