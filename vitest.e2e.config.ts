import { defineConfig } from 'vitest/config';

// End-to-end suites run against the BUILT packages (no source aliases), one file at a time,
// after `pnpm build`: real processes, real ports, a real browser.
export default defineConfig({
  test: {
    include: ['packages/*/test/**/*.e2e.ts'],
    fileParallelism: false,
    testTimeout: 300_000,
    hookTimeout: 120_000,
  },
});
