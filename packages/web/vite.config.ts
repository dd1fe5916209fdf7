// Builds the admin console (src/console) into dist/console, served by the Enclave server at /console/.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

export default defineConfig({
  root: 'src/console',
  base: '/console/',
  plugins: [react()],
  // The company ID rule (protocol) and the admin API's route table, types and plan rules (admin-api) come
  // from the packages' sources (the web is built before their dist exists on a fresh clone).
  resolve: {
    alias: [
      { find: /^@enclave\/protocol$/, replacement: fileURLToPath(new URL('../protocol/src/index.ts', import.meta.url)) },
      { find: /^@enclave\/admin-api$/, replacement: fileURLToPath(new URL('../admin-api/src/index.ts', import.meta.url)) },
    ],
  },
  build: {
    outDir: '../../dist/console',
    emptyOutDir: true,
    sourcemap: false,
    chunkSizeWarningLimit: 1024,
  },
  server: {
    // `npx vite` in packages/web: the console against a server on the default port.
    proxy: {
      '^/(networks|tags|iam|audit|console/session)': 'http://127.0.0.1:8080',
    },
  },
});
