// Builds the web messenger (src/app) into dist/app, served by the Enclave server at /app/. The client
// SDK and the protocol are bundled from their TypeScript sources (the browser entry of
// @enclave/client and its IndexedDB store included), so every encryption step runs in the browser.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

const pkg = (path: string) => fileURLToPath(new URL(`../${path}`, import.meta.url));

export default defineConfig({
  root: 'src/app',
  base: '/app/',
  plugins: [react()],
  resolve: {
    alias: [
      { find: /^@enclave\/client\/browser$/, replacement: pkg('client/src/browser/index.ts') },
      { find: /^@enclave\/client$/, replacement: pkg('client/src/index.ts') },
      { find: /^@enclave\/protocol$/, replacement: pkg('protocol/src/index.ts') },
    ],
  },
  build: {
    outDir: '../../dist/app',
    emptyOutDir: true,
    sourcemap: false,
    target: 'es2022',
    chunkSizeWarningLimit: 2048,
    rollupOptions: {
      // The download service worker is its own entry at the app's root (/app/download-sw.js), so its
      // scope can be /app/dl/; it imports nothing, so it stays one self-contained script.
      input: { index: fileURLToPath(new URL('src/app/index.html', import.meta.url)), 'download-sw': fileURLToPath(new URL('src/app/download-sw.ts', import.meta.url)) },
      output: { entryFileNames: (chunk) => (chunk.name === 'download-sw' ? 'download-sw.js' : 'assets/[name]-[hash].js') },
      // zod's sources carry @__PURE__ comments in places Rollup ignores (harmless; it says so per file).
      onwarn(warning, warn) {
        if (warning.code !== 'INVALID_ANNOTATION') warn(warning);
      },
    },
  },
  server: {
    // `npx vite --config vite.app.config.ts` in packages/web: the messenger against a server on the default port.
    proxy: {
      '^/v1/socket': { target: 'ws://127.0.0.1:8080', ws: true },
      '^/v1/': 'http://127.0.0.1:8080',
    },
  },
});
