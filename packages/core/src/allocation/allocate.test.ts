import { describe, expect, it } from 'vitest';
import { allocate } from './allocate.js';
import { canonicalJson, hashRequest } from './audit.js';
import { parseAllocationRequest } from './parse.js';
import { mutable, tinyBook } from './test-support/books.js';
import type { AllocationStrategy, SolverInfo, StrategyOutcome } from './types.js';
import { KEEL_VERSION } from '../version.js';

const info = (over: Partial<SolverInfo> = {}): SolverInfo => ({
  name: 'fake',
  status: 'x',
  mipGap: 0,
  timeMs: 1,
  nodes: 0,
  rounds: 1,
  scenarioRowsAdded: 0,
  ...over,
});

/** A strategy that returns a fixed outcome: the orchestrator must judge it, not believe it. */
const fake = (outcome: (q: Float64Array) => StrategyOutcome, nTrade = 2, nAcc = 2): AllocationStrategy => ({
  name: 'exact',
  run: async () => outcome(new Float64Array(nTrade * nAcc)),
});

describe('allocate status rules', () => {
  it('a claimed optimum that breaks a hard constraint is reported as error, with the reason', async () => {
    const b = mutable(tinyBook());
    b.accounts[1].constraints[0].limit = 1_000_000; // B can hold at most 1M gross
    const r = await allocate(b, {
      strategyImpl: fake((q) => {
        q[0 * 2 + 1] = 10_000_000; // T1 → B: breaks it
        q[1 * 2 + 0] = 5_000_000;
        return { kind: 'allocation', quantities: q, provenOptimal: true, solver: info() };
      }),
    });
    expect(r.status).toBe('error');
    expect(r.message).toMatch(/fails independent validation: B\/grossMax/);
    expect(r.compliance.find((c) => c.account === 'B')!.pass).toBe(false);
  });

  it('a claimed optimum whose objective disagrees with the evaluated one is only feasible', async () => {
    const r = await allocate(tinyBook(), {
      strategyImpl: fake((q) => {
        q[0] = 10_000_000;
        q[2] = 5_000_000;
        return { kind: 'allocation', quantities: q, provenOptimal: true, solver: info({ objective: 12345 }) };
      }),
    });
    expect(r.status).toBe('feasible');
    expect(r.message).toMatch(/disagrees with the evaluated/);
  });

  it('an agreeing, validated, proven optimum is optimal', async () => {
    const q0 = Float64Array.from([10_000_000, 0, 5_000_000, 0]);
    const first = await allocate(tinyBook(), { strategy: 'greedy' });
    const r = await allocate(tinyBook(), {
      strategyImpl: fake(() => ({ kind: 'allocation', quantities: q0, provenOptimal: true, solver: info() })),
    });
    expect(r.status).toBe('optimal');
    expect(first.status).toBe('feasible'); // greedy never claims optimality
  });

  it('a split allocation without allowSplit is an error even when every constraint holds', async () => {
    const r = await allocate(tinyBook(), {
      strategyImpl: fake(() => ({ kind: 'allocation', quantities: Float64Array.from([4e6, 6e6, 5e6, 0]), provenOptimal: true, solver: info() })),
    });
    expect(r.status).toBe('error');
    expect(r.message).toMatch(/split over 2 accounts/);
  });

  it('no incumbent: greedy runs as the fallback and the result says so', async () => {
    const r = await allocate(tinyBook(), {
      strategyImpl: fake(() => ({ kind: 'no_incumbent', solver: info({ name: 'highs' }), reason: 'time limit' })),
    });
    expect(r.status).toBe('fallback');
    expect(r.message).toMatch(/highs ended without an allocation \(time limit\); greedy fallback/);
    expect(r.solver.name).toBe('greedy');
    expect(r.assignments.length).toBe(2);
  });

  it('proven infeasibility passes its diagnostics through', async () => {
    const relaxations = [{ account: 'B', constraint: 'grossMax', op: '<=' as const, limit: 1, relaxation: 5, relaxedLimit: 6 }];
    const r = await allocate(tinyBook(), { strategyImpl: fake(() => ({ kind: 'infeasible', solver: info(), diagnostics: { relaxations } })) });
    expect(r.status).toBe('infeasible');
    expect(r.diagnostics?.relaxations).toEqual(relaxations);
    expect(r.assignments).toEqual([]);
  });

  it('a strategy that throws yields status error, not a crash', async () => {
    const r = await allocate(tinyBook(), { strategyImpl: { name: 'exact', run: () => Promise.reject(new Error('wasm out of memory')) } });
    expect(r.status).toBe('error');
    expect(r.message).toMatch(/wasm out of memory/);
  });

  it('no trades: trivially optimal, or proven infeasible when the book already breaks a rule', async () => {
    const b = mutable(tinyBook());
    b.trades = [];
    const ok = await allocate(b);
    expect(ok.status).toBe('optimal');
    expect(ok.solver.name).toBe('trivial');
    b.accounts[0].constraints.push({ id: 'minCash', metric: 'cash', op: '>=', limit: 6_000_000 });
    const bad = await allocate(b);
    expect(bad.status).toBe('infeasible');
    expect(bad.message).toMatch(/A\/minCash/);
  });

  it('a single account takes everything: optimal or proven infeasible', async () => {
    const b = mutable(tinyBook());
    b.accounts = [b.accounts[0]];
    const r = await allocate(b);
    expect(r.status).toBe('optimal');
    expect(r.assignments.every((x) => x.account === 'A')).toBe(true);
    b.accounts[0].constraints[0].limit = 1.5;
    expect((await allocate(b)).status).toBe('infeasible');
  });
});

describe('audit record', () => {
  it('hashes the canonical request: key order and spelled-out defaults do not matter', async () => {
    const a = tinyBook();
    const rev = (o: object) => Object.fromEntries(Object.entries(o).reverse());
    const reordered = { ...rev(a), securities: a.securities!.map(rev) };
    const withDefaults = { ...mutable(a), options: { ...a.options, allowSplit: false, timeLimitSec: 30 } };
    const h = hashRequest(parseAllocationRequest(a));
    expect(hashRequest(parseAllocationRequest(reordered))).toBe(h);
    expect(hashRequest(parseAllocationRequest(withDefaults))).toBe(h);
    expect(hashRequest(parseAllocationRequest({ ...mutable(a), options: { ...a.options, timeLimitSec: 31 } }))).not.toBe(h);
    expect(canonicalJson({ b: 1, a: [2, { d: 3, c: undefined }] })).toBe('{"a":[2,{"d":3}],"b":1}');
    const now = new Date('2026-01-02T03:04:05Z');
    const r = await allocate(a, { strategy: 'greedy', runId: 'run-1', now });
    expect(r.audit).toEqual({ runId: 'run-1', inputHash: h, version: KEEL_VERSION, createdAt: now.toISOString(), strategy: 'greedy', settings: expect.objectContaining({ strategy: 'greedy', horizonDays: 30 }) });
  });
});
