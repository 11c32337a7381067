/// <reference types="vitest/config" />
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// In development (npm run dev) Vite serves the app and proxies the API to the Go
// server (make run), so cookies stay same-origin.
const api = process.env.APIKEYS_DEV_API ?? 'http://127.0.0.1:8080';

export default defineConfig({
  plugins: [react()],
  server: {
    port: 5173,
    proxy: {
      '/graphql': api,
      '/auth': api,
      '/audit': api,
      '/healthz': api,
    },
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    chunkSizeWarningLimit: 4096,
  },
  test: {
    environment: 'jsdom',
    setupFiles: ['./src/test/setup.ts'],
    include: ['src/**/*.spec.{ts,tsx}'],
    css: false,
    // Rendering Mantine in jsdom takes seconds on a loaded 2-core machine (CI, or tests
    // beside the browser tests): 5 s, the default, failed good tests there.
    testTimeout: 20_000,
  },
});
