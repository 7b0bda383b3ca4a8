import { describe, expect, it } from 'vitest';
import { assignmentView, compareStrategies, tightestRanges } from './derive.js';
import type { AllocationResult } from './types.js';

const base = (over: Partial<AllocationResult>): AllocationResult => ({
  status: 'optimal',
  strategy: 'exact',
  assignments: [],
  accounts: [],
  compliance: [],
  objective: { value: 1, terms: {} },
  solver: { name: 'highs', status: 'Optimal', mipGap: 0, timeMs: 5, nodes: 1, rounds: 1, scenarioRowsAdded: 0 },
  ...over,
});

describe('allocation derivations', () => {
  it('numbers splits and joins trade details', () => {
    const v = assignmentView(
      { trades: [{ id: 'T1', side: 'buy', security: 'S', quantity: 3e6, price: 99 }] },
      base({ assignments: [
        { trade: 'T1', account: 'A', quantity: 2e6 },
        { trade: 'T1', account: 'B', quantity: 1e6 },
      ] }),
    );
    expect(v.map((r) => r.split)).toEqual(['1/2', '2/2']);
    expect(v[0]!.share).toBeCloseTo(2 / 3);
    expect(v[1]!.notional).toBeCloseTo(990_000);
  });
  it('compares strategies against the exact booking', () => {
    const exact = base({
      assignments: [
        { trade: 'T1', account: 'A', quantity: 1 },
        { trade: 'T2', account: 'B', quantity: 1 },
      ],
      compliance: [
        { account: 'A', constraint: 'lev', op: '<=', limit: 4, base: 3, worst: 3.99, worstScenario: 2, headroom: 0.0025, pass: true },
        { account: 'B', constraint: 'lev', op: '<=', limit: 4, base: 3, worst: 4.1, worstScenario: 2, headroom: -0.025, pass: false, soft: true },
      ],
    });
    const greedy = base({ strategy: 'greedy', status: 'feasible', assignments: [
      { trade: 'T1', account: 'B', quantity: 1 },
      { trade: 'T2', account: 'B', quantity: 1 },
    ] });
    const rows = compareStrategies({ exact, greedy });
    expect(rows.map((r) => [r.strategy, r.movedVsReference, r.binding, r.failed])).toEqual([
      ['exact', 0, 1, 0],
      ['greedy', 1, 0, 0],
    ]);
  });
  it('takes the scenario range of metric constraints from the account report', () => {
    const r = base({
      accounts: [{ id: 'A', cash: 0, metrics: [{ id: 'margin', base: 5, worst: 9, worstScenario: 3, min: 4, max: 9 }] }],
      compliance: [
        { account: 'A', constraint: 'mgn', op: '<=', limit: 10, base: 5, worst: 9, worstScenario: 3, headroom: 0.1, pass: true },
        { account: 'A', constraint: 'lev', op: '<=', limit: 4, base: 3, worst: 3.9, worstScenario: 1, headroom: 0.025, pass: true },
      ],
    });
    const rows = tightestRanges({ accounts: [{ id: 'A', cash: 0, constraints: [
      { id: 'mgn', metric: 'margin', op: '<=', limit: 10 },
      { id: 'lev', ratio: ['gross', 'equity'], op: '<=', limit: 4 },
    ] }] }, r);
    expect(rows.map((x) => [x.constraint, x.min, x.max])).toEqual([
      ['lev', undefined, undefined],
      ['mgn', 4, 9],
    ]);
  });
});
