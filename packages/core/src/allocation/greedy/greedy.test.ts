import { describe, expect, it } from 'vitest';
import { createRng } from '../../random/index.js';
import { allocate } from '../allocate.js';
import { buildAllocationModel } from '../model.js';
import { evaluateObjective } from '../objective.js';
import { parseAllocationRequest } from '../parse.js';
import { generateAllocationBook } from '../sample/index.js';
import { buildScenarioSet } from '../scenario-set.js';
import type { AllocationRequestInput } from '../schema.js';
import { mutable, tinyBook } from '../test-support/books.js';
import { evaluateAllocationMetrics, evaluateConstraintSlacks } from '../metrics.js';

/**
 * Brute force over every assignment: the best objective among feasible ones. Feasibility from
 * the compiled metric engine (fast; its agreement with the validator is tested in validate.test.ts).
 */
function bruteForce(book: AllocationRequestInput): { best: number; feasible: number } {
  const req = parseAllocationRequest(book);
  const model = buildAllocationModel(req);
  const scen = buildScenarioSet(req);
  const { nTrade: T, nAcc: A } = model;
  let best = Infinity;
  let feasible = 0;
  const q = new Float64Array(T * A);
  for (let code = 0; code < A ** T; code++) {
    q.fill(0);
    let c = code;
    for (let t = 0; t < T; t++) {
      q[t * A + (c % A)] = model.tradeQty[t]!;
      c = Math.floor(c / A);
    }
    const m = evaluateAllocationMetrics(model, q, scen);
    const ok = model.accounts.every((acc, a) => {
      const sl = evaluateConstraintSlacks(acc, m.values[a]!, m.width);
      return acc.constraints.every((con, ci) => con.softPenalty !== undefined || sl.subarray(ci * m.width, (ci + 1) * m.width).every((x) => x >= -1e-9 * con.normaliser));
    });
    if (!ok) continue;
    feasible++;
    best = Math.min(best, evaluateObjective(model, q, scen).value);
  }
  return { best, feasible };
}

describe('greedy', () => {
  it.each([1, 2, 3, 4, 5, 6])('finds a feasible allocation on a generated book (seed %i), never beating the brute-force optimum', async (seed) => {
    const book = generateAllocationBook({ trades: 7, accounts: 3, scenarios: 50, constraintsPerAccount: 6, seed, securities: 5 });
    const r = await allocate(book, { strategy: 'greedy' });
    const { best, feasible } = bruteForce(book);
    expect(feasible).toBeGreaterThan(0); // feasible by construction
    expect(r.status).toBe('feasible');
    expect(r.compliance.every((c) => c.pass || c.soft)).toBe(true);
    expect(r.objective.value).toBeGreaterThanOrEqual(best - 1e-9);
  });

  it('is optimal without binding constraints when every trade is in its own security', async () => {
    const rng = createRng(9);
    const securities = Array.from({ length: 6 }, (_, i) => ({ id: `S${i}`, type: i % 2 ? ('corporate' as const) : ('government' as const), price: 95 + 10 * rng.next(), dv01: 0.05 }));
    const book: AllocationRequestInput = {
      securities,
      trades: securities.map((s, i) => ({ id: `T${i}`, side: i % 3 ? ('buy' as const) : ('sell' as const), security: s.id, quantity: (1 + i) * 1_000_000 })),
      accounts: ['A', 'B', 'C'].map((id) => ({
        id,
        cash: 1e8,
        financing: {
          government: { long: 0.04 + 0.01 * rng.next(), short: 0.04 + 0.01 * rng.next() },
          corporate: { long: 0.05 + 0.01 * rng.next(), short: 0.05 + 0.01 * rng.next() },
        },
      })),
      options: { strategy: 'greedy' },
    };
    const r = await allocate(book);
    expect(r.objective.value).toBeCloseTo(bruteForce(book).best, 12);
  });

  it('fills a minimum balance even when another account is cheaper', async () => {
    const b = mutable(tinyBook());
    // B is cheaper for T1, but A must hold at least 11M gross: T1 has to go to A.
    b.accounts[0].constraints.push({ id: 'minBal', metric: 'gross', op: '>=', limit: 11_000_000 });
    b.accounts[0].constraints[0].limit = 100;
    const r = await allocate(b, { strategy: 'greedy' });
    expect(r.status).toBe('feasible');
    expect(r.assignments.find((x) => x.trade === 'T1')!.account).toBe('A');
  });

  it('splits a trade into lots when it fits no single account', async () => {
    const b = mutable(tinyBook());
    b.trades = [{ id: 'BIG', side: 'buy', security: 'UST10', quantity: 10_000_000 }];
    b.accounts[0].constraints = [{ id: 'grossMax', metric: 'gross', op: '<=', limit: 8_200_000 }];
    b.accounts[1].constraints = [{ id: 'grossMax', metric: 'gross', op: '<=', limit: 6_200_000 }];
    const whole = await allocate(b, { strategy: 'greedy' });
    expect(whole.status).toBe('error'); // no single account can take it; greedy says so, proves nothing
    expect(whole.message).toMatch(/infeasibility is not proven/);
    b.options = { ...b.options, allowSplit: true, lot: 1_000_000 };
    const split = await allocate(b, { strategy: 'greedy' });
    expect(split.status).toBe('feasible');
    const rows = split.assignments.filter((x) => x.trade === 'BIG');
    expect(rows.length).toBe(2);
    expect(rows.reduce((s, x) => s + x.quantity, 0)).toBe(10_000_000);
    for (const x of rows) expect(x.quantity % 1_000_000).toBe(0);
  });

  it('runs the sample-sized generated book to a validated allocation', async () => {
    const book = generateAllocationBook({ trades: 40, accounts: 5, scenarios: 300, constraintsPerAccount: 6, seed: 12 });
    const r = await allocate(book, { strategy: 'greedy' });
    expect(r.status).toBe('feasible');
    expect(r.solver.name).toBe('greedy');
  });
});
