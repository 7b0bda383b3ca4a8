import { describe, expect, it } from 'vitest';
import { allocate } from '../allocate.js';
import { buildAllocationModel } from '../model.js';
import { evaluateObjective } from '../objective.js';
import { parseAllocationRequest } from '../parse.js';
import { generateAllocationBook } from '../sample/index.js';
import { buildScenarioSet } from '../scenario-set.js';
import type { AllocationRequestInput } from '../schema.js';
import { AllocationFormulation, defaultGroups } from './formulation.js';
import { solveAllocationMip } from './solve.js';
import { mipSettingsFrom, runMipStrategy } from './strategy.js';
import type { AllocationStrategy } from '../types.js';
import { enumerateFeasible, rawFinancingCost } from './test-support/brute-force.js';
import { HighsWorkerLostError, mainThreadHighs, type HighsHost } from '@keel/solver-native/highs';
import { runGreedy } from '../greedy/index.js';
import type { AllocationRequest } from '../schema.js';
import type { AllocationModel } from '../model.js';
import type { ScenarioSet } from '../types.js';

async function greedyQuantities(model: AllocationModel, scenarios: ScenarioSet, req: AllocationRequest): Promise<Float64Array> {
  const g = await runGreedy({ model, scenarios, settings: req.options, signal: new AbortController().signal, progress: () => undefined });
  if (g.kind !== 'allocation') throw new Error('greedy found no allocation');
  return g.quantities;
}

const rel = (a: number, b: number) => Math.abs(a - b) / Math.max(1, Math.abs(b));

function tinyBook(seed: number, extra: Partial<Parameters<typeof generateAllocationBook>[0]> = {}): AllocationRequestInput {
  return generateAllocationBook({ trades: 8, accounts: 3, scenarios: 20, constraintsPerAccount: 6, seed, slack: [0, 0.12], ...extra });
}

describe('exact', () => {
  it('equals brute-force enumeration of financing cost on tiny books (ratio, ≤, ≥, linear, minimum balance)', async () => {
    let binding = 0;
    for (let seed = 1; seed <= 5; seed++) {
      const input = tinyBook(seed);
      const req = parseAllocationRequest(input);
      const { feasible, total, unconstrainedMin } = enumerateFeasible(req, buildScenarioSet(req));
      expect(total).toBe(3 ** 8);
      const r = await allocate(input, { strategy: 'exact' });
      if (feasible.length === 0) {
        expect(r.status).toBe('infeasible');
        continue;
      }
      const ref = Math.min(...feasible.map((f) => f.financing));
      if (ref > unconstrainedMin * (1 + 1e-9)) binding++;
      expect(r.status, r.message).toBe('optimal');
      expect(rel(rawFinancingCost(req, r.assignments), ref)).toBeLessThan(1e-6);
    }
    // The constraints must matter somewhere, or the test would not test them.
    expect(binding).toBeGreaterThan(0);
  });

  it('uses sign indicators only where a minimum balance rewards a wider split, and stays exact there', async () => {
    // Seven trades in one bond, both sides, so positions cross zero with more groups than the
    // hull formulation takes: the split is modelled with P⁺, P⁻ columns.
    const book = (minGross: boolean): AllocationRequestInput => ({
      securities: [{ id: 'B', type: 'government', price: 100, accrued: 0, dv01: 0.08, duration: 8 }],
      trades: [3, -4, 2, -5, 6, -1, 2].map((q, i) => ({
        id: `T${i}`,
        side: q > 0 ? ('buy' as const) : ('sell' as const),
        security: 'B',
        quantity: Math.abs(q) * 1_000_000,
      })),
      accounts: ['A', 'C'].map((id, a) => ({
        id,
        cash: 50_000_000,
        positions: { B: a === 0 ? 1_000_000 : -2_000_000 },
        financing: { government: { long: 0.04 + 0.01 * a, short: 0.03 + 0.01 * (1 - a) } },
        metrics: [{ id: 'gross', terms: [{ value: 'gross' as const }] }],
        constraints: minGross && a === 0 ? [{ id: 'minBalance', metric: 'gross', op: '>=' as const, limit: 5_000_000 }] : [],
      })),
      scenarios: { returns: [[-0.02], [0.01]] },
      options: { horizonDays: 30 },
    });
    for (const minGross of [false, true]) {
      const input = book(minGross);
      const req = parseAllocationRequest(input);
      const model = buildAllocationModel(req);
      const sc = buildScenarioSet(req);
      const form = new AllocationFormulation(model, sc, { groups: defaultGroups(model), terms: req.objective.terms, risk: 'cuts', elastic: 'none' });
      expect(form.signIndicators).toBe(minGross ? 1 : 0);
      const { feasible } = enumerateFeasible(req, sc);
      const ref = Math.min(...feasible.map((f) => f.financing));
      const r = await allocate(input, { strategy: 'exact' });
      expect(r.status).toBe('optimal');
      expect(rel(rawFinancingCost(req, r.assignments), ref)).toBeLessThan(1e-9);
    }
  });

  it('matches the extensive form to 1e-6 with headroom and CVaR terms, adding rows and cuts on demand', async () => {
    for (const seed of [11, 12]) {
      const input = generateAllocationBook({
        trades: 12,
        accounts: 3,
        scenarios: 60,
        constraintsPerAccount: 6,
        seed,
        slack: [0.05, 0.3],
        objective: {
          terms: [
            { kind: 'financingCost', weight: 1 },
            { kind: 'headroom', weight: 0.5 },
            { kind: 'risk', weight: 0.5, measure: 'cvar', alpha: 0.9 },
          ],
        },
      });
      const req = parseAllocationRequest(input);
      const model = buildAllocationModel(req);
      const sc = buildScenarioSet(req);
      const base = { timeLimitSec: 60, mipRelGap: 1e-9, feasibilityTolerance: 1e-9 };
      const cg = await solveAllocationMip(model, sc, { ...base, mode: 'cg', prescreen: 0 });
      const ext = await solveAllocationMip(model, sc, { ...base, mode: 'extensive' });
      expect(cg.kind).toBe('solved');
      expect(ext.kind).toBe('solved');
      if (cg.kind !== 'solved' || ext.kind !== 'solved') return;
      expect(cg.proven && ext.proven).toBe(true);
      expect(cg.info.scenarioRowsAdded).toBeGreaterThan(0);
      expect(cg.info.cvarCuts).toBeGreaterThan(0);
      expect(cg.info.rows).toBeLessThan(ext.info.rows);
      const vCg = evaluateObjective(model, cg.quantities, sc).value;
      const vExt = evaluateObjective(model, ext.quantities, sc).value;
      expect(rel(vCg, vExt)).toBeLessThan(1e-6);
      // Each model's own objective agrees with the independent evaluation of its allocation.
      expect(rel(cg.info.weightedObjective, vCg)).toBeLessThan(1e-6);
      expect(rel(ext.info.weightedObjective, vExt)).toBeLessThan(1e-6);
    }
  });

  it('bucketed and greedy never beat exact', async () => {
    for (const seed of [1, 2, 3]) {
      const input = tinyBook(seed, { trades: 10, slack: [0.05, 0.3] });
      const results = await Promise.all(
        (['exact', 'bucketed', 'greedy'] as const).map((strategy) => allocate(input, { strategy })),
      );
      const [exact, ...others] = results;
      expect(exact!.status).toBe('optimal');
      // Bucketed is optimal at best among bucket-respecting allocations: reported optimal only
      // when it had to dissolve every bucket (exact's own MIP).
      const dissolved = (results[1]!.diagnostics?.notes ?? []).some((n) => n.startsWith('every bucket dissolved'));
      if (results[1]!.status === 'optimal') expect(dissolved).toBe(true);
      for (const o of others) {
        if (o.status === 'feasible' || o.status === 'optimal' || o.status === 'fallback') {
          expect(o.objective.value).toBeGreaterThanOrEqual(exact!.objective.value - 1e-9 * Math.max(1, exact!.objective.value));
        }
      }
    }
  });

  it('bucketed refines buckets that make its MIP infeasible: cross-security pairs first, then every pair', async () => {
    const notes = (r: Awaited<ReturnType<typeof allocate>>) => r.diagnostics?.notes ?? [];
    // 8 trades: the buckets make the MIP infeasible; without the matched pair it is feasible.
    const eight = await allocate(tinyBook(3, { trades: 8 }), { strategy: 'bucketed' });
    expect(eight.status, eight.message).toBe('feasible');
    expect(notes(eight)).toContain('allocation from refinement level 2: same-security pairs only');
    // 10 trades: infeasible with any pair; dissolved, it is exact's MIP and equals exact.
    const input = tinyBook(3, { trades: 10 });
    const [ten, exact] = await Promise.all([allocate(input, { strategy: 'bucketed' }), allocate(input, { strategy: 'exact' })]);
    expect(notes(ten).filter((n) => n.startsWith('the bucket MIP with'))).toHaveLength(2);
    expect(notes(ten)).toContain("every bucket dissolved: exact's own MIP, proved optimal");
    expect(ten.status).toBe('optimal');
    expect(exact.status).toBe('optimal');
    expect(rel(ten.objective.value, exact.objective.value)).toBeLessThan(1e-6);
  });

  it('lexicographic: financing first, then the most headroom among the cheapest allocations', async () => {
    const input = tinyBook(4, { slack: [0.05, 0.3] });
    input.objective = {
      terms: [
        { kind: 'financingCost', weight: 1 },
        { kind: 'headroom', weight: 1 },
      ],
      lexicographic: true,
      lexicographicTolerance: 1e-6,
    };
    const req = parseAllocationRequest(input);
    const sc = buildScenarioSet(req);
    const scale = evaluateObjective(buildAllocationModel(req), new Float64Array(8 * 3), sc).scale.financingCost;
    const { feasible } = enumerateFeasible(req, sc);
    const fMin = Math.min(...feasible.map((f) => f.financing));
    const keep = feasible.filter((f) => f.financing / scale <= fMin / scale + 1e-6);
    const hMax = Math.max(...keep.map((f) => f.headroom));
    const r = await allocate(input, { strategy: 'exact' });
    expect(r.status, r.message).toBe('optimal');
    expect(rawFinancingCost(req, r.assignments) / scale).toBeLessThanOrEqual(fMin / scale + 1e-6 + 1e-12);
    const h = Math.min(...r.compliance.filter((c) => !c.soft).map((c) => c.headroom));
    expect(Math.abs(h - hMax)).toBeLessThan(1e-7);
  });

  it('allowSplit: integer lots equal the enumeration of every lot distribution', async () => {
    for (const seed of [21, 22]) {
      const input = generateAllocationBook({ trades: 4, accounts: 2, scenarios: 15, constraintsPerAccount: 6, seed, allowSplit: true, slack: [0, 0.1] });
      // Small lots counts keep the enumeration small: 1–4 lots of 1M each.
      input.trades = input.trades!.map((t, i) => ({ ...t, quantity: (1 + ((i * 3 + seed) % 4)) * 1_000_000 }));
      const req = parseAllocationRequest(input);
      const { feasible } = enumerateFeasible(req, buildScenarioSet(req));
      const r = await allocate(input, { strategy: 'exact' });
      if (feasible.length === 0) {
        expect(r.status).toBe('infeasible');
        continue;
      }
      const ref = Math.min(...feasible.map((f) => f.financing));
      expect(r.status, r.message).toBe('optimal');
      expect(rel(rawFinancingCost(req, r.assignments), ref)).toBeLessThan(1e-6);
      // Whole lots only.
      for (const row of r.assignments) expect(row.quantity % 1_000_000).toBe(0);
    }
  });

  it('reports its phases while it works: LP rounds, the neighbourhood search, MIP rounds', async () => {
    const phases: string[] = [];
    const r = await allocate(tinyBook(3, { trades: 12 }), { strategy: 'exact', onProgress: (p) => phases.push(`${p.phase}|${p.message ?? ''}`) });
    expect(r.status, r.message).toBe('optimal');
    expect(phases.some((p) => /^weighted: LP round 1\|\d+ rows$/.test(p))).toBe(true);
    expect(phases.some((p) => /^neighbourhood search\|accounts \d\/\d, \d+ sub-MIPs, \d+ improvements, objective /.test(p))).toBe(true);
    expect(phases.some((p) => p.startsWith('weighted: round 1|'))).toBe(true);
  });

  /**
   * A host that behaves like the worker losing its HiGHS instance (overrun, cancel, abort) on the
   * solves `fails` picks: the call throws HighsWorkerLostError and the host's epoch moves on, so
   * every session opened before it is gone. Records which kind of solve failed.
   */
  function losingHost(fails: (solve: number) => boolean) {
    const state = { solves: 0, epoch: 0, failed: [] as string[] };
    const host: HighsHost = {
      thread: 'main',
      get epoch() {
        return state.epoch;
      },
      cancel() {},
      async call<T>(cmd: Parameters<HighsHost['call']>[0], options?: Parameters<HighsHost['call']>[1]): Promise<T> {
        if (cmd.op === 'solve' && fails(++state.solves)) {
          state.epoch++;
          const extra = cmd.settings.extra as Record<string, unknown> | undefined;
          state.failed.push(extra?.solve_relaxation ? 'lp' : cmd.settings.start ? 'start' : 'mip');
          throw new HighsWorkerLostError('timeout', 'overran its limit');
        }
        return mainThreadHighs.call<T>(cmd, options);
      },
    };
    return { host, state };
  }

  it('re-opens the session when a solve loses its HiGHS instance, at every stage, and still proves the optimum', async () => {
    const req = parseAllocationRequest(tinyBook(3, { trades: 12 }));
    const model = buildAllocationModel(req);
    const scenarios = buildScenarioSet(req);
    const start = await greedyQuantities(model, scenarios, req);
    const run = (host?: HighsHost) =>
      solveAllocationMip(model, scenarios, { mode: 'cg', timeLimitSec: 30, mipRelGap: 1e-6, feasibilityTolerance: 1e-9, start, ...(host ? { host } : {}) });
    const clean = await run(mainThreadHighs);
    expect(clean.kind).toBe('solved');
    if (clean.kind !== 'solved') return;
    expect(clean.proven).toBe(true);
    expect(clean.info.sessionsReopened).toBe(0);
    const stages = new Set<string>();
    let exhausted = false;
    for (let k = 1; k <= 80 && !exhausted; k++) {
      const { host, state } = losingHost((n) => n === k);
      const out = await run(host);
      if (state.failed.length === 0) {
        exhausted = true; // the run made fewer than k solves: every one of them has failed once
        break;
      }
      stages.add(state.failed[0]!);
      expect(out.kind, `solve ${k} (${state.failed[0]})`).toBe('solved');
      if (out.kind !== 'solved') continue;
      expect(out.info.sessionsReopened).toBe(1);
      expect(out.proven).toBe(true);
      expect(rel(out.info.objective, clean.info.objective)).toBeLessThan(1e-6);
      // Proven within the gap and checked in every scenario by the orchestrator's validator.
      expect(rel(evaluateObjective(model, out.quantities, scenarios).value, evaluateObjective(model, clean.quantities, scenarios).value)).toBeLessThan(1e-5);
    }
    expect(exhausted).toBe(true);
    // LP rounds, the start's own evaluation and the sub-MIPs, MIP rounds (with the start).
    expect([...stages].sort()).toEqual(['lp', 'mip', 'start']);
  });

  it('gives up after two re-opened sessions: no incumbent before the neighbourhood search, its checked allocation after it', async () => {
    const req = parseAllocationRequest(tinyBook(3, { trades: 12 }));
    const model = buildAllocationModel(req);
    const scenarios = buildScenarioSet(req);
    const start = await greedyQuantities(model, scenarios, req);
    const outcomes = new Set<string>();
    for (let k = 1; k <= 80; k++) {
      const { host, state } = losingHost((n) => n >= k);
      const out = await solveAllocationMip(model, scenarios, { mode: 'cg', timeLimitSec: 30, mipRelGap: 1e-6, feasibilityTolerance: 1e-9, start, host });
      if (state.failed.length === 0) break;
      expect(state.failed.length).toBe(3); // the first loss and one on each re-opened session
      if (out.kind === 'no_incumbent') {
        expect(out.reason).toMatch(/HiGHS instance lost/);
        outcomes.add('no_incumbent');
        continue;
      }
      expect(out.kind).toBe('solved');
      if (out.kind !== 'solved') continue;
      expect(out.proven).toBe(false);
      expect(out.info.status).toMatch(/allocation from the neighbourhood search/);
      // The allocation returned passes the independent validator.
      const r = await allocate(tinyBook(3, { trades: 12 }), {
        strategy: 'exact',
        strategyImpl: { name: 'exact', run: async () => ({ kind: 'allocation', quantities: out.quantities, provenOptimal: false, solver: { name: 'highs', status: out.info.status, mipGap: null, timeMs: 0, nodes: 0, rounds: 0, scenarioRowsAdded: 0 } }) },
      });
      expect(r.status, r.message).toBe('feasible');
      outcomes.add('checked');
    }
    expect([...outcomes].sort()).toEqual(['checked', 'no_incumbent']);
  });

  it('hands over to greedy when the MIP ends without an incumbent (fallback)', async () => {
    // The MIP gets almost no time (greedy, run by the orchestrator afterwards, keeps the
    // request's limit): it ends without an incumbent and the result says `fallback`.
    const impatient: AllocationStrategy = {
      name: 'exact',
      run: async (ctx) => {
        const { mip: _mip, ...outcome } = await runMipStrategy(ctx.model, ctx.scenarios, mipSettingsFrom(ctx, { timeLimitSec: 1e-4 }), 'highs');
        expect(outcome.kind).toBe('no_incumbent');
        return outcome;
      },
    };
    const r = await allocate(tinyBook(2, { slack: [0.1, 0.3] }), { strategy: 'exact', strategyImpl: impatient });
    expect(r.status, r.message).toBe('fallback');
    expect(r.message).toMatch(/greedy fallback/);
    expect(r.compliance.every((c) => c.pass || c.soft)).toBe(true);
  });
});
