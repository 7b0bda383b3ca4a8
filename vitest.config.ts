import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// Tests import workspace packages from their sources, so no test waits for a build.
const root = fileURLToPath(new URL('.', import.meta.url));
const pkgs = '(solver-native|core|cli|api|fixtures)';

export default defineConfig({
  resolve: {
    alias: [
      { find: new RegExp(`^@keel/${pkgs}/(.+)$`), replacement: `${root}packages/$1/src/$2/index.ts` },
      { find: new RegExp(`^@keel/${pkgs}$`), replacement: `${root}packages/$1/src/index.ts` },
    ],
  },
  test: {
    include: ['packages/*/src/**/*.test.ts', 'benchmarks/src/**/*.test.ts'],
    pool: 'forks',
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
