// The embedding example of packages/core/README.md: the README shows the part between the
// markers verbatim and readme-example.test.ts checks that they match and runs it.
// README:start
import { allocate, formatAllocationTables, type AllocationRequestInput } from '@keel/core/allocation';

export async function embedAllocation() {
  // 1. Build a request (MODELS.md §1): securities, trades, accounts with metrics and
  //    constraints, scenarios, objective, options. Defaults fill everything left out.
  const request: AllocationRequestInput = {
    securities: [
      { id: 'UST 4.25 2034', type: 'government', price: 98.5, accrued: 1.2, duration: 7.8, convexity: 70 },
      { id: 'ACME 5.5 2031', type: 'corporate', price: 101.25, accrued: 0.8, duration: 5.1, convexity: 31, rating: 'BBB' },
    ],
    trades: [
      { id: 'T1', side: 'buy', security: 'UST 4.25 2034', quantity: 5_000_000, price: 98.5 },
      { id: 'T2', side: 'buy', security: 'ACME 5.5 2031', quantity: 3_000_000 },
      { id: 'T3', side: 'sell', security: 'UST 4.25 2034', quantity: 2_000_000 },
    ],
    accounts: ['PB-A', 'PB-B'].map((id, i) => ({
      id,
      cash: 4_000_000,
      positions: { 'UST 4.25 2034': 1_000_000 },
      financing: {
        government: { long: 0.045 + 0.002 * i, short: 0.04 },
        corporate: { long: 0.055 - 0.003 * i, short: 0.06 },
      },
      metrics: [
        { id: 'gross', terms: [{ value: 'gross' }] },
        { id: 'margin', terms: [{ value: 'gross', filter: { type: 'corporate' }, weights: { default: 0.08 } }] },
      ],
      constraints: [
        { id: 'lev', ratio: ['gross', 'equity'], op: '<=', limit: 3 },
        { id: 'mgn', metric: 'margin', op: '<=', limit: 300_000 },
        { id: 'cash', metric: 'cash', op: '>=', limit: -2_000_000 },
      ],
    })),
    scenarios: { generate: { count: 500, seed: 7, horizonDays: 10, model: 'student-t' } },
    objective: { terms: [{ kind: 'financingCost', weight: 1 }, { kind: 'headroom', weight: 0.2 }] },
    options: { horizonDays: 10 },
  };

  // 2. Run a strategy ('exact' | 'bucketed' | 'greedy'). Bad input throws an InputError
  //    listing every offending JSON path before any work starts.
  const result = await allocate(request, { strategy: 'greedy' });

  // 3. Read the result. Only `optimal`/`feasible`/`fallback` carry an allocation that the
  //    independent validator accepted; `compliance` shows every constraint in every scenario.
  const placed = result.status === 'optimal' || result.status === 'feasible' || result.status === 'fallback';
  const byTrade = Object.fromEntries(result.assignments.map((a) => [a.trade, a.account]));
  const tightest = [...result.compliance].sort((x, y) => x.headroom - y.headroom)[0];
  return { placed, byTrade, tightest, cost: result.objective.terms.financingCost, table: formatAllocationTables(result) };
}
// README:end
