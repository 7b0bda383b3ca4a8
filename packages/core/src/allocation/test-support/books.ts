import type { AllocationRequestInput } from '../schema.js';

/** A small hand-built book: two bonds, two trades, two accounts. Tests mutate copies of it. */
export function tinyBook(): AllocationRequestInput {
  return {
    securities: [
      { id: 'UST10', type: 'government', price: 100, accrued: 0, dv01: 0.08, duration: 8, convexity: 70 },
      { id: 'CORP5', type: 'corporate', price: 100, accrued: 1, dv01: 0.045, duration: 4.5, issuer: 'ACME', rating: 'BBB' },
    ],
    trades: [
      { id: 'T1', side: 'buy', security: 'UST10', quantity: 10_000_000 },
      { id: 'T2', side: 'sell', security: 'CORP5', quantity: 5_000_000 },
    ],
    accounts: [
      {
        id: 'A',
        cash: 5_000_000,
        positions: { UST10: 2_000_000 },
        financing: { government: { long: 0.05, short: 0.04 }, corporate: { long: 0.06, short: 0.07 } },
        metrics: [{ id: 'gross', terms: [{ value: 'gross' }] }],
        constraints: [{ id: 'lev', ratio: ['gross', 'equity'], op: '<=', limit: 10 }],
      },
      {
        id: 'B',
        cash: 5_000_000,
        financing: { government: { long: 0.045, short: 0.04 }, corporate: { long: 0.055, short: 0.06 } },
        metrics: [{ id: 'gross', terms: [{ value: 'gross' }] }],
        constraints: [{ id: 'grossMax', metric: 'gross', op: '<=', limit: 20_000_000 }],
      },
    ],
    scenarios: { returns: [[-0.01, 0.005], [0.02, -0.03]] },
    options: { strategy: 'greedy', horizonDays: 30 },
  };
}

/** Deep-mutable copy for tests that break one field. */
export function mutable(book: AllocationRequestInput): any {
  return structuredClone(book);
}
