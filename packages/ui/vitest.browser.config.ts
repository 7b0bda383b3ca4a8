import { defineConfig } from 'vitest/config';

// Browser tests: the built UI served by the real API on loopback, driven by playwright-core
// through Debian's Chromium. One file at a time (one server and one browser each); 2 cores.
export default defineConfig({
  test: {
    include: ['test/**/*.browser.ts'],
    pool: 'forks',
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 90_000,
    reporters: ['default'],
  },
});
