import { describe, expect, it } from 'vitest';
import { createRng } from '../random/index.js';
import { boundDenominator } from './denominator-bound.js';
import { buildAllocationModel } from './model.js';
import { parseAllocationRequest } from './parse.js';
import { buildScenarioSet } from './scenario-set.js';
import type { AllocationRequestInput } from './schema.js';
import { validateAllocation } from './validate.js';

/**
 * A random small book whose account 0 has a denominator metric with mixed signs (mv, gross,
 * short, dv01 and cash terms), so the minimum over assignments is not at an obvious corner.
 */
function randomBook(seed: number, nTrades: number): AllocationRequestInput {
  const rng = createRng(seed);
  const secs = ['S0', 'S1', 'S2'].map((id, i) => ({
    id,
    type: i === 2 ? ('corporate' as const) : ('government' as const),
    price: 90 + 20 * rng.next(),
    accrued: rng.next(),
    dv01: 0.05 + 0.05 * rng.next(),
  }));
  const trades = Array.from({ length: nTrades }, (_, t) => ({
    id: `T${t}`,
    side: rng.next() < 0.5 ? ('buy' as const) : ('sell' as const),
    security: secs[Math.floor(rng.next() * 3)]!.id,
    quantity: (1 + Math.floor(rng.next() * 5)) * 1_000_000,
    price: 90 + 20 * rng.next(),
  }));
  return {
    securities: secs,
    trades,
    accounts: ['A', 'B'].map((id) => ({
      id,
      cash: 1_000_000 * (rng.next() - 0.3),
      positions: { S0: 2_000_000 * (rng.next() - 0.5), S2: 1_000_000 },
      metrics: [
        {
          id: 'den',
          terms: [
            { value: 'mv' as const, weight: 0.7 },
            { value: 'gross' as const, weight: -0.2 },
            { value: 'short' as const, weight: 0.5, filter: { type: 'government' as const } },
            { value: 'dv01' as const, weight: 3 },
            { value: 'cash' as const, weight: 0.9 },
          ],
        },
      ],
    })),
    scenarios: { returns: Array.from({ length: 4 }, () => secs.map(() => 0.04 * (rng.next() - 0.5))) },
    objective: { terms: [] },
    options: { strategy: 'greedy' },
  };
}

/** Brute force: the metric for every subset of trades in account A, every scenario, via the validator. */
function bruteMin(book: AllocationRequestInput): number {
  const req = parseAllocationRequest(book);
  const scen = buildScenarioSet(req);
  const n = req.trades.length;
  let min = Infinity;
  for (let mask = 0; mask < 1 << n; mask++) {
    const rows = req.trades.map((t, i) => ({ trade: t.id, account: mask & (1 << i) ? 'A' : 'B', quantity: t.quantity }));
    const v = validateAllocation(req, scen, rows);
    const m = v.accounts[0]!.metrics.find((x) => x.id === 'den')!;
    min = Math.min(min, m.min);
  }
  return min;
}

describe('ratio denominator bound', () => {
  it.each([1, 2, 3, 4, 5, 6])('is the exact minimum over all assignments and scenarios (seed %i)', (seed) => {
    const book = randomBook(seed, 7);
    const req = parseAllocationRequest(book);
    const model = buildAllocationModel(req);
    const b = boundDenominator(model, 0, model.accounts[0]!.metrics[0]!, buildScenarioSet(req));
    expect(b.exact).toBe(true);
    const brute = bruteMin(book);
    expect(b.min).toBeCloseTo(brute, 6);
  });

  it.each([7, 8, 9])('the LP relaxation (split or many trades) never exceeds the exact minimum (seed %i)', (seed) => {
    const book = randomBook(seed, 7);
    const split = { ...book, options: { ...book.options, allowSplit: true, lot: 1_000_000 } };
    const req = parseAllocationRequest(split);
    const model = buildAllocationModel(req);
    const b = boundDenominator(model, 0, model.accounts[0]!.metrics[0]!, buildScenarioSet(req));
    expect(b.exact).toBe(false);
    expect(b.min).toBeLessThanOrEqual(bruteMin(book) + 1e-6);
  });

  it('with a single account every trade is forced in: exact', () => {
    const book = randomBook(11, 5);
    const one = { ...book, accounts: [book.accounts[0]!] };
    const req = parseAllocationRequest(one);
    const model = buildAllocationModel(req);
    const scen = buildScenarioSet(req);
    const b = boundDenominator(model, 0, model.accounts[0]!.metrics[0]!, scen);
    const v = validateAllocation(req, scen, req.trades.map((t) => ({ trade: t.id, account: 'A', quantity: t.quantity })));
    expect(b.exact).toBe(true);
    expect(b.min).toBeCloseTo(v.accounts[0]!.metrics.find((m) => m.id === 'den')!.min, 6);
  });
});

describe('lowerEnvelope', () => {
  it('keeps exactly the lines needed for the minimum on the interval', async () => {
    const { lowerEnvelope } = await import('./denominator-bound.js');
    const rng = createRng(3);
    for (let trial = 0; trial < 50; trial++) {
      const n = 1 + Math.floor(rng.next() * 40);
      const a = Float64Array.from({ length: n }, () => rng.normal());
      const b = Float64Array.from({ length: n }, () => rng.normal());
      const env = lowerEnvelope(a, b, 0.5, 1.5);
      for (let k = 0; k <= 100; k++) {
        const x = 0.5 + k / 100;
        const all = Math.min(...Array.from(a, (ai, i) => ai * x + b[i]!));
        const kept = Math.min(...Array.from(env.a, (ai, i) => ai * x + env.b[i]!));
        expect(kept).toBeCloseTo(all, 12);
      }
    }
  });
});
