import { describe, expect, it } from 'vitest';
import { createRng } from '../random/index.js';
import { evaluateAllocationMetrics, evaluateConstraintSlacks } from './metrics.js';
import { buildAllocationModel } from './model.js';
import { parseAllocationRequest } from './parse.js';
import { generateAllocationBook } from './sample/index.js';
import { buildScenarioSet } from './scenario-set.js';
import { mutable, tinyBook } from './test-support/books.js';
import { validateAllocation } from './validate.js';

function run(book: unknown, rows: { trade: string; account: string; quantity: number }[]) {
  const req = parseAllocationRequest(book);
  return validateAllocation(req, buildScenarioSet(req), rows);
}

describe('validateAllocation — hand-built cases', () => {
  it('a constraint that fails in one scenario only is caught there', () => {
    const b = mutable(tinyBook());
    b.accounts[1].constraints[0].limit = 10_100_000; // gross of B ≤ 10.1M
    // B takes the 10M UST10 buy (price 100, no accrued): gross 10M base, 9.9M in σ=1 (−1%),
    // 10.2M in σ=2 (+2%) — over the limit only in scenario 2.
    const v = run(b, [
      { trade: 'T1', account: 'B', quantity: 10_000_000 },
      { trade: 'T2', account: 'A', quantity: 5_000_000 },
    ]);
    const row = v.compliance.find((c) => c.account === 'B')!;
    expect(row.base).toBeCloseTo(10_000_000, 6);
    expect(row.worst).toBeCloseTo(10_200_000, 6);
    expect(row.worstScenario).toBe(2);
    expect(row.headroom).toBeCloseTo((10_100_000 - 10_200_000) / 10_100_000, 12);
    expect(row.pass).toBe(false);
    expect(v.ok).toBe(false);
    expect(v.problems.join()).toMatch(/B\/grossMax/);
    // The same allocation passes once the scenario is milder.
    b.scenarios.returns[1][0] = 0.005;
    expect(run(b, [
      { trade: 'T1', account: 'B', quantity: 10_000_000 },
      { trade: 'T2', account: 'A', quantity: 5_000_000 },
    ]).ok).toBe(true);
  });

  it('ratio values, post-trade cash and equity by hand', () => {
    const v = run(tinyBook(), [
      { trade: 'T1', account: 'A', quantity: 10_000_000 },
      { trade: 'T2', account: 'A', quantity: 5_000_000 },
    ]);
    // A: cash 5M − 10M·1.00 + 5M·1.01 = 0.05M; positions UST10 12M, CORP5 −5M.
    const cash = 5_000_000 - 10_000_000 + 5_050_000;
    const acc = v.accounts.find((a) => a.id === 'A')!;
    expect(acc.cash).toBeCloseTo(cash, 6);
    const grossAt = (rU: number, rC: number) => 12_000_000 * (1 + rU) + 5_000_000 * (1 + rC + 0.01);
    const equityAt = (rU: number, rC: number) => cash + 12_000_000 * (1 + rU) - 5_000_000 * (1 + rC + 0.01);
    const ratios = [grossAt(0, 0) / equityAt(0, 0), grossAt(-0.01, 0.005) / equityAt(-0.01, 0.005), grossAt(0.02, -0.03) / equityAt(0.02, -0.03)];
    const lev = v.compliance.find((c) => c.constraint === 'lev')!;
    expect(lev.base).toBeCloseTo(ratios[0]!, 10);
    const worst = Math.max(...ratios);
    expect(lev.worst).toBeCloseTo(worst, 10);
    expect(lev.worstScenario).toBe(ratios.indexOf(worst));
    expect(lev.pass).toBe(worst <= 10);
    // Headroom of a ratio: linear slack (L·den − num) over L·den₀ (den₀ = equity before trades).
    const den0 = 5_000_000 + 2_000_000;
    const hs = [0, 1, 2].map((k) => {
      const [rU, rC] = k === 0 ? [0, 0] : k === 1 ? [-0.01, 0.005] : [0.02, -0.03];
      return (10 * equityAt(rU!, rC!) - grossAt(rU!, rC!)) / (10 * den0);
    });
    expect(lev.headroom).toBeCloseTo(Math.min(...hs), 12);
  });

  it('a ratio denominator that reaches ≤ 0 in a scenario fails the constraint', () => {
    const b = mutable(tinyBook());
    b.scenarios.returns.push([-0.9, 0]); // UST10 loses 90%: A's equity goes negative
    b.accounts[0].constraints[0].limit = 1e9;
    const v = run(b, [
      { trade: 'T1', account: 'A', quantity: 10_000_000 },
      { trade: 'T2', account: 'B', quantity: 5_000_000 },
    ]);
    expect(v.ok).toBe(false);
    expect(v.problems.join()).toMatch(/denominator "equity" is -?[\d.e+]+ ≤ 0 in scenario 3/);
  });

  it('checks the assignment itself', () => {
    const bad = [
      [[{ trade: 'T1', account: 'A', quantity: 10_000_000 }], /T2: assigned 0 of 5000000/],
      [[{ trade: 'T1', account: 'A', quantity: 6_000_000 }, { trade: 'T1', account: 'B', quantity: 4_000_000 }, { trade: 'T2', account: 'A', quantity: 5_000_000 }], /split over 2 accounts/],
      [[{ trade: 'T1', account: 'Z', quantity: 10_000_000 }, { trade: 'T2', account: 'A', quantity: 5_000_000 }], /unknown account "Z"/],
      [[{ trade: 'T1', account: 'A', quantity: 11_000_000 }, { trade: 'T2', account: 'A', quantity: 5_000_000 }], /T1: assigned 11000000 of 10000000/],
    ] as const;
    for (const [rows, msg] of bad) expect(run(tinyBook(), [...rows]).problems.join('\n')).toMatch(msg);
    const split = mutable(tinyBook());
    split.options = { ...split.options, allowSplit: true, lot: 1_000_000 };
    const v = run(split, [
      { trade: 'T1', account: 'A', quantity: 6_500_000 },
      { trade: 'T1', account: 'B', quantity: 3_500_000 },
      { trade: 'T2', account: 'A', quantity: 5_000_000 },
    ]);
    expect(v.problems.join()).toMatch(/not a whole number of lots/);
  });

  it('worst of a minimum-balance metric is its minimum', () => {
    const b = mutable(tinyBook());
    b.accounts[1].constraints = [{ id: 'minBal', metric: 'gross', op: '>=', limit: 9_950_000 }];
    const v = run(b, [
      { trade: 'T1', account: 'B', quantity: 10_000_000 },
      { trade: 'T2', account: 'A', quantity: 5_000_000 },
    ]);
    const row = v.compliance.find((c) => c.constraint === 'minBal')!;
    expect(row.worst).toBeCloseTo(9_900_000, 6);
    expect(row.worstScenario).toBe(1);
    expect(row.pass).toBe(false);
    const m = v.accounts.find((a) => a.id === 'B')!.metrics.find((x) => x.id === 'gross')!;
    expect(m.worst).toBeCloseTo(9_900_000, 6);
  });
});

describe('validator and compiled metric engine agree (two independent implementations)', () => {
  it.each([3, 4])('random generated book, random assignment (seed %i)', (seed) => {
    const book = generateAllocationBook({ trades: 30, accounts: 4, scenarios: 60, constraintsPerAccount: 9, seed });
    const req = parseAllocationRequest(book);
    const model = buildAllocationModel(req);
    const scen = buildScenarioSet(req);
    const rng = createRng(seed);
    const q = new Float64Array(model.nTrade * model.nAcc);
    for (let t = 0; t < model.nTrade; t++) q[t * model.nAcc + Math.floor(rng.next() * model.nAcc)] = model.tradeQty[t]!;
    const rows = [];
    for (let t = 0; t < model.nTrade; t++)
      for (let a = 0; a < model.nAcc; a++) if (q[t * model.nAcc + a]) rows.push({ trade: model.tradeIds[t]!, account: model.accounts[a]!.id, quantity: q[t * model.nAcc + a]! });
    const v = validateAllocation(req, scen, rows);
    const m = evaluateAllocationMetrics(model, q, scen);
    model.accounts.forEach((acc, a) => {
      const rep = v.accounts[a]!;
      expect(rep.cash).toBeCloseTo(m.states[a]!.cash, 4);
      acc.metrics.forEach((mt, k) => {
        const vals = m.values[a]!.subarray(k * m.width, (k + 1) * m.width);
        const r = rep.metrics.find((x) => x.id === mt.id)!;
        const scale = Math.max(1, Math.abs(r.max), Math.abs(r.min));
        expect(Math.abs(vals[0]! - r.base) / scale).toBeLessThan(1e-12);
        expect(Math.abs(Math.max(...vals) - r.max) / scale).toBeLessThan(1e-12);
        expect(Math.abs(Math.min(...vals) - r.min) / scale).toBeLessThan(1e-12);
      });
      const sl = evaluateConstraintSlacks(acc, m.values[a]!, m.width);
      acc.constraints.forEach((c, ci) => {
        const row = v.compliance.find((x) => x.account === acc.id && x.constraint === c.id)!;
        let min = Infinity;
        for (let s = 0; s < m.width; s++) min = Math.min(min, sl[ci * m.width + s]!);
        expect(row.headroom).toBeCloseTo(min / c.normaliser, 9);
        expect(row.pass).toBe(min >= -1e-9 * Math.max(1, Math.abs(c.limit)) * 10);
      });
    });
  });
});

describe('validateAllocation series', () => {
  it('returns one constraint in every scenario, agreeing with its compliance row', async () => {
    const { sampleAllocationRequest, parseAllocationRequest, buildScenarioSet, allocate } = await import('./index.js');
    const request = parseAllocationRequest({ ...sampleAllocationRequest(), options: { ...sampleAllocationRequest().options, strategy: 'greedy' } });
    const result = await allocate(request);
    const scenarios = buildScenarioSet(request);
    const row = result.compliance[0]!;
    const rep = validateAllocation(request, scenarios, result.assignments, { seriesFor: { account: row.account, constraint: row.constraint } });
    expect(rep.series).toHaveLength(scenarios.count + 1);
    expect(rep.series![0]).toBeCloseTo(row.base, 9);
    expect(rep.series![row.worstScenario]).toBeCloseTo(row.worst, 9);
    expect(validateAllocation(request, scenarios, result.assignments).series).toBeUndefined();
  });
});
