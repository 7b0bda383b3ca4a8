// PB trade allocation (seeds 01/02, MODELS.md §1) on books from `generateAllocationBook`
// (6 constraints per account: leverage ratio, margin ≤, cash ≥, minimum gross balance ≥,
// dv01 ≤, corporate concentration as a linear combination; limits calibrated on a random
// reference assignment so every book is feasible).
//
// CI (tracked ratio): constraint generation vs the extensive form (every scenario row in one
// MIP) on a size where the extensive form still solves, side by side in one benny suite:
// `cg_vs_extensive` = extensive time / CG time. Both must reach the same proven optimum.
//
// Full run (`pnpm bench`): 50 and 200 trades × 5 accounts × 1,000 and 10,000 scenarios, each
// strategy once through `allocate()` (exact = CG, bucketed, greedy; wall time, status, proven
// gap, objective gap against exact), and the extensive form at 50 × 5 × 1,000 under a time
// limit. Figures only — one run each, on a shared machine.
import {
  allocate,
  buildAllocationModel,
  buildScenarioSet,
  generateAllocationBook,
  parseAllocationRequest,
  type AllocationRequestInput,
  type AllocationResult,
} from '@keel/core/allocation';
import { solveAllocationMip, type MipOutcome } from '@keel/core/allocation/exact';
import { measure, speedup, writeJson, type BenchSuite } from '../harness.js';

const BASE = { mipRelGap: 1e-6, feasibilityTolerance: 1e-9 };

function book(trades: number, accounts: number, scenarios: number, seed = 7, slack: [number, number] = [0.03, 0.3]) {
  return generateAllocationBook({ trades, accounts, scenarios, constraintsPerAccount: 6, seed, slack });
}

function prepared(input: AllocationRequestInput) {
  const req = parseAllocationRequest(input);
  return { model: buildAllocationModel(req), scenarios: buildScenarioSet(req) };
}

const describeMip = (r: MipOutcome) =>
  r.kind === 'no_incumbent'
    ? `no incumbent (${r.reason})`
    : `${r.kind}, ${r.info.status}, gap ${r.info.mipGap.toExponential(2)}, ${r.info.rows} rows, ${r.info.nodes} nodes, ${r.info.rounds} MIP rounds, ${r.info.scenarioRowsAdded} rows added`;

export const allocationSuite: BenchSuite = {
  name: 'allocation',
  inCi: true,
  async run({ ci }) {
    const ratios: Record<string, number> = {};
    const figures: Record<string, number | string | boolean> = {};

    // HiGHS's wasm is compiled by TurboFan on first use (seconds): pay that before timing.
    {
      const w = prepared(book(8, 3, 20));
      await solveAllocationMip(w.model, w.scenarios, { ...BASE, mode: 'cg', timeLimitSec: 60 });
    }

    // --- Tracked: constraint generation vs extensive form --------------------------------
    // Small enough that the extensive form proves optimality in seconds (it is ~50× slower).
    const small = { trades: 10, accounts: 3, scenarios: 300 };
    const s = prepared(book(small.trades, small.accounts, small.scenarios, 8, [0.05, 0.3]));
    const cg = await solveAllocationMip(s.model, s.scenarios, { ...BASE, mode: 'cg', timeLimitSec: 120 });
    const ext = await solveAllocationMip(s.model, s.scenarios, { ...BASE, mode: 'extensive', timeLimitSec: 120 });
    const tag = `${small.trades}x${small.accounts}x${small.scenarios}`;
    figures[`${tag} cg`] = describeMip(cg);
    figures[`${tag} extensive`] = describeMip(ext);
    if (cg.kind !== 'solved' || ext.kind !== 'solved' || !cg.proven || !ext.proven) {
      throw new Error(`allocation bench: both forms must prove optimality at ${tag}`);
    }
    const agree = Math.abs(cg.info.weightedObjective - ext.info.weightedObjective) / Math.max(1, Math.abs(ext.info.weightedObjective));
    figures[`${tag} objectives agree (rel)`] = Number(agree.toExponential(2));
    if (agree > 1e-6) throw new Error(`allocation bench: CG and extensive optima differ by ${agree}`);
    // benny does not surface a rejected promise: failures are collected and thrown afterwards.
    const failures: string[] = [];
    const timed = (mode: 'cg' | 'extensive') => async () => {
      try {
        const r = await solveAllocationMip(s.model, s.scenarios, { ...BASE, mode, timeLimitSec: 120 });
        if (r.kind !== 'solved' || !r.proven) failures.push(`${mode}: ${describeMip(r)}`);
      } catch (e) {
        failures.push(`${mode}: ${(e as Error).message}`);
      }
    };
    const t = await measure(
      'allocation-cg-vs-extensive',
      [
        { name: 'constraint generation', fn: timed('cg') },
        { name: 'extensive form', fn: timed('extensive') },
      ],
      { minSamples: ci ? 2 : 3, maxTime: ci ? 0.5 : 5 },
    );
    if (failures.length) throw new Error(`allocation bench: ${failures.join('; ')}`);
    ratios.cg_vs_extensive = speedup(t['constraint generation']!, t['extensive form']!);
    figures[`${tag} cg ms`] = Number(t['constraint generation']!.meanMs.toPrecision(3));
    figures[`${tag} extensive ms`] = Number(t['extensive form']!.meanMs.toPrecision(3));
    if (ci) return { ratios, figures };

    // --- Full run: every strategy at the sizes ------------------------------------
    const detail: Record<string, unknown> = {};
    for (const trades of [50, 200]) {
      for (const scenarios of [1_000, 10_000]) {
        const tagN = `${trades}x5x${scenarios}`;
        const input = book(trades, 5, scenarios);
        const run = async (strategy: 'exact' | 'bucketed' | 'greedy') => {
          const t0 = performance.now();
          const r = await allocate({ ...input, options: { ...input.options, timeLimitSec: 60 } }, { strategy });
          return { r, ms: performance.now() - t0 };
        };
        const res: Record<string, { r: AllocationResult; ms: number }> = {};
        for (const strategy of ['exact', 'bucketed', 'greedy'] as const) res[strategy] = await run(strategy);
        const exact = res.exact!.r;
        for (const [name, { r, ms }] of Object.entries(res)) {
          const gapVsExact = (r.objective.value - exact.objective.value) / Math.max(1e-12, Math.abs(exact.objective.value));
          figures[`${tagN} ${name}`] =
            `${r.status}, ${(ms / 1000).toFixed(2)} s, objective ${r.objective.value.toFixed(6)}` +
            (name === 'exact' ? `, proven gap ${r.solver.mipGap ?? 'n/a'}` : `, gap vs exact ${(100 * gapVsExact).toFixed(3)}%`) +
            `, ${r.solver.rounds ?? 0} rounds, ${r.solver.scenarioRowsAdded ?? 0} scenario rows added`;
          detail[`${tagN} ${name}`] = { status: r.status, ms, objective: r.objective, solver: r.solver, notes: r.diagnostics?.notes };
        }
        if (trades === 50 && scenarios === 1_000) {
          const p = prepared(input);
          const t0 = performance.now();
          const e = await solveAllocationMip(p.model, p.scenarios, { ...BASE, mode: 'extensive', timeLimitSec: 120 });
          figures[`${tagN} extensive form`] = `${describeMip(e)}, ${((performance.now() - t0) / 1000).toFixed(1)} s`;
        }
      }
    }
    writeJson('allocation-detail', detail);
    return { ratios, figures };
  },
};
