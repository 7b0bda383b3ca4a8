import { fileURLToPath } from 'node:url';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { defineConfig } from 'vite';

// The UI talks to the API over HTTP only. Its typed client has no Node imports, so it is
// bundled from the api package's sources (no api build needed to build the UI).
const apiClient = fileURLToPath(new URL('../api/src/client/index.ts', import.meta.url));

export default defineConfig({
  plugins: [svelte()],
  resolve: { alias: [{ find: /^@keel\/api\/client$/, replacement: apiClient }] },
  build: { outDir: 'dist', emptyOutDir: true, target: 'es2022', chunkSizeWarningLimit: 600 },
  server: { proxy: { '/v1': 'http://127.0.0.1:8787', '/healthz': 'http://127.0.0.1:8787' } },
});
