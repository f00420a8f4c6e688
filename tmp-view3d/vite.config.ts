// Throwaway dev page for the 3D view (deleted when the app wiring lands).
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import { fileURLToPath } from 'node:url';

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: './',
  plugins: [react()],
  build: { outDir: fileURLToPath(new URL('./dist', import.meta.url)), emptyOutDir: true, target: 'chrome120', chunkSizeWarningLimit: 8192 },
  server: { fs: { allow: [fileURLToPath(new URL('..', import.meta.url))] } },
});
