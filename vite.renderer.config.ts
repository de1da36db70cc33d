/** The renderer bundle: src/renderer → dist/renderer, relative paths so Electron can load it from file://. */
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import { gazetteerPlugin } from './scripts/gazetteer/gazetteer-plugin.js';

export default defineConfig({
  root: fileURLToPath(new URL('./src/renderer', import.meta.url)),
  base: './',
  publicDir: false,
  esbuild: { jsx: 'automatic' },
  plugins: [gazetteerPlugin()],
  build: {
    outDir: fileURLToPath(new URL('./dist/renderer', import.meta.url)),
    emptyOutDir: true,
    chunkSizeWarningLimit: 4000,
    sourcemap: false,
  },
  logLevel: 'warn',
});
