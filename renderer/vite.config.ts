// Builds the renderer into dist/renderer with relative asset paths, so the same files load
// from file:// in Electron and over HTTP from the `serve` bridge.
import { defineConfig } from 'vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  root: here,
  base: './',
  plugins: [svelte()],
  build: {
    outDir: fileURLToPath(new URL('../dist/renderer', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
    // the app is one small bundle; no need to warn about zod's size
    chunkSizeWarningLimit: 1024,
  },
});
