// Builds the admin console (src/console) into dist/console, served by the Enclave server at /console/.
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

export default defineConfig({
  root: 'src/console',
  base: '/console/',
  plugins: [react()],
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
