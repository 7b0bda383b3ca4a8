import { describe, expect, it } from 'vitest';
import { allocate } from '../allocate.js';
import type { AllocationRequestInput } from '../schema.js';

/**
 * Two accounts, one 10M buy at par: it must go somewhere, and neither account has the cash for
 * it (cash ≥ 0). Account B (7M) is 3M short, A (4M) 6M short: the smallest relaxation is B's
 * cash limit by 3M. A leverage rule and a margin rule that the trade does not break must not be
 * touched.
 */
function infeasibleBook(): AllocationRequestInput {
  return {
    securities: [
      { id: 'UST', type: 'government', price: 100, accrued: 0, dv01: 0.08, duration: 8 },
      { id: 'CORP', type: 'corporate', price: 100, accrued: 0, dv01: 0.05, duration: 5 },
    ],
    trades: [{ id: 'T1', side: 'buy', security: 'UST', quantity: 10_000_000 }],
    accounts: [
      { id: 'A', cash: 4_000_000 },
      { id: 'B', cash: 7_000_000 },
    ].map((a) => ({
      ...a,
      positions: { CORP: 1_000_000 },
      financing: { government: { long: 0.05, short: 0.04 }, corporate: { long: 0.06, short: 0.07 } },
      metrics: [
        { id: 'gross', terms: [{ value: 'gross' as const }] },
        { id: 'margin', terms: [{ value: 'gross' as const, weights: { default: 0.02 } }] },
      ],
      constraints: [
        { id: 'cash', metric: 'cash', op: '>=' as const, limit: 0 },
        { id: 'lev', ratio: ['gross', 'equity'] as [string, string], op: '<=' as const, limit: 20 },
        { id: 'mgn', metric: 'margin', op: '<=' as const, limit: 1_000_000 },
      ],
    })),
    scenarios: { returns: [[-0.01, 0.02], [0.015, -0.01]] },
    options: { horizonDays: 10 },
  };
}

describe('elastic diagnostics', () => {
  it('names the one constraint to relax and by how much, in its own units', async () => {
    const r = await allocate(infeasibleBook(), { strategy: 'exact' });
    expect(r.status).toBe('infeasible');
    const rel = r.diagnostics?.relaxations ?? [];
    expect(rel).toHaveLength(1);
    expect(rel[0]).toMatchObject({ account: 'B', constraint: 'cash', op: '>=', limit: 0 });
    expect(rel[0]!.relaxation).toBeCloseTo(3_000_000, 3);
    expect(rel[0]!.relaxedLimit).toBeCloseTo(-3_000_000, 3);
  });

  it('reports a ratio relaxation in ratio units', async () => {
    // Enough cash everywhere, but leverage ≤ 1.5 cannot hold for the account that gets the trade:
    // gross = 11M, equity = cash₀ + 1M (buying at par leaves equity unchanged).
    const book = infeasibleBook();
    book.accounts = book.accounts.map((a, i) => ({
      ...a,
      cash: [20_000_000, 8_000_000][i]!,
      constraints: [{ id: 'lev', ratio: ['gross', 'equity'] as [string, string], op: '<=' as const, limit: 0.5 }],
    }));
    const r = await allocate(book, { strategy: 'exact' });
    expect(r.status).toBe('infeasible');
    const rel = r.diagnostics?.relaxations ?? [];
    // Either account breaks it; A (equity 21M) the least: worst gross/equity over scenarios − 0.5.
    expect(rel).toHaveLength(1);
    expect(rel[0]).toMatchObject({ account: 'A', constraint: 'lev' });
    // Scenario 1 (UST −1%, CORP +2%): gross = 9.9M + 1.02M, equity = 20M − 10M + 9.9M + 1.02M.
    const worst = Math.max(11e6 / 21e6, (9.9e6 + 1.02e6) / (10e6 + 9.9e6 + 1.02e6), (10.15e6 + 0.99e6) / (10e6 + 10.15e6 + 0.99e6));
    expect(rel[0]!.relaxation).toBeCloseTo(worst - 0.5, 9);
  });
});
