import type { AllocationBookSpec } from './generate-book.js';

/**
 * The bundled sample book (`keel allocate` without a file): 48 trades of UST and corporate bonds,
 * 5 PB accounts with six constraints each (leverage ratio, margin ≤, cash ≥, minimum gross
 * balance ≥, dv01 ≤, corporate concentration), 1,000 generated 10-day scenarios, financing
 * cost plus headroom in the objective. `sample-book.json` is this spec's output, committed so it
 * can be read and diffed; `sample.test.ts` checks that they agree.
 * Regenerate with `pnpm tsx packages/core/src/allocation/sample/write-sample.ts`.
 */
export const SAMPLE_BOOK_SPEC: AllocationBookSpec = {
  trades: 48,
  accounts: 5,
  scenarios: 1000,
  constraintsPerAccount: 6,
  seed: 20_250_611,
  horizonDays: 10,
  slack: [0.03, 0.2],
  objective: {
    terms: [
      { kind: 'financingCost', weight: 1 },
      { kind: 'headroom', weight: 0.2 },
    ],
  },
  strategy: 'exact',
};
