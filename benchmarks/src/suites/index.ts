import type { BenchSuite } from '../harness.js';

/** Every benchmark suite; add one line per suite. */
export const suites: readonly BenchSuite[] = [];
