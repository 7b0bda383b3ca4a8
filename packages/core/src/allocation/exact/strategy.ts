/**
 * The `exact` strategy: the MIP of MODELS.md §1 on HiGHS, scenario rows by constraint
 * generation (solve.ts). A book the MIP proves infeasible gets the elastic diagnostics; a MIP
 * that ends without an incumbent hands over to greedy (the orchestrator reports `fallback`).
 */
import type { AllocationModel } from '../model.js';
import type { AllocationStrategy, ScenarioSet, SolverInfo, StrategyContext, StrategyOutcome } from '../types.js';
import { diagnoseInfeasibility } from '../elastic/index.js';
import { runGreedy } from '../greedy/index.js';
import type { TradeGroup } from './formulation.js';
import { solveAllocationMip } from './solve.js';
import type { MipInfo, MipOutcome, MipSettings } from './solve.js';

export function mipSolverInfo(info: MipInfo, name = 'highs'): SolverInfo {
  return {
    name,
    status: info.status,
    mipGap: Number.isFinite(info.mipGap) ? info.mipGap : null,
    timeMs: info.timeMs,
    nodes: info.nodes,
    rounds: info.rounds,
    scenarioRowsAdded: info.scenarioRowsAdded,
    objective: Number.isFinite(info.weightedObjective) ? info.weightedObjective : null,
  };
}

/** Settings of the MIP strategies from the request's options and the context. */
export function mipSettingsFrom(ctx: StrategyContext, extra: Partial<MipSettings> = {}): MipSettings {
  return {
    mode: 'cg',
    timeLimitSec: ctx.settings.timeLimitSec,
    mipRelGap: ctx.settings.mipRelGap,
    feasibilityTolerance: ctx.settings.feasibilityTolerance,
    signal: ctx.signal,
    progress: (p) => ctx.progress(p),
    ...extra,
  };
}

/** A solved MIP as the strategy contract's allocation, with the MIP's figures as notes. */
export function allocationOutcome(mip: Extract<MipOutcome, { kind: 'solved' }>, name: string): Extract<StrategyOutcome, { kind: 'allocation' }> {
  return {
    kind: 'allocation',
    quantities: mip.quantities,
    provenOptimal: mip.proven,
    solver: mipSolverInfo(mip.info, name),
    notes: [
      `MIP: ${mip.info.cols} columns (${mip.info.binaries} integer, ${mip.info.signIndicators} sign indicators), ${mip.info.rows} rows`,
      `constraint generation: ${mip.info.lpRounds} LP rounds, ${mip.info.rounds} MIP rounds, ${mip.info.scenarioRowsAdded} scenario rows added, ${mip.info.cvarCuts} CVaR cuts`,
      `neighbourhood search from the greedy start: ${mip.info.neighbourhoods.solved} sub-MIPs, ${mip.info.neighbourhoods.improved} improvements`,
      ...(mip.info.sessionsReopened > 0 ? [`HiGHS instance lost and the session re-opened ${mip.info.sessionsReopened}× (${mip.info.status})`] : []),
    ],
  };
}

/** Runs the MIP on the given groups and maps the outcome to the strategy contract. */
export async function runMipStrategy(
  model: AllocationModel,
  scenarios: ScenarioSet,
  settings: MipSettings,
  name: string,
  groups?: readonly TradeGroup[],
): Promise<StrategyOutcome & { readonly mip: MipOutcome }> {
  const mip = await solveAllocationMip(model, scenarios, { ...settings, ...(groups ? { groups } : {}) });
  if (mip.kind === 'solved') return { ...allocationOutcome(mip, name), mip };
  if (mip.kind === 'infeasible') {
    const remaining = Math.max(1, settings.timeLimitSec - mip.info.timeMs / 1000);
    const diagnostics = await diagnoseInfeasibility(model, scenarios, { ...settings, timeLimitSec: remaining });
    return { kind: 'infeasible', solver: mipSolverInfo(mip.info, name), diagnostics, mip };
  }
  return { kind: 'no_incumbent', solver: mipSolverInfo(mip.info, name), reason: mip.reason, mip };
}

/**
 * Greedy's allocation as a MIP start, when greedy finds one: HiGHS then has a feasible
 * incumbent from the first node (on the benchmark books its own heuristics needed ~20 s at
 * 50 × 5 to find a first one). It is only a start: optimality is still proven by the MIP.
 */
export async function greedyStart(ctx: StrategyContext): Promise<Float64Array | undefined> {
  const g = await runGreedy(ctx);
  return g.kind === 'allocation' ? g.quantities : undefined;
}

export const exactStrategy: AllocationStrategy = {
  name: 'exact',
  async run(ctx) {
    const start = await greedyStart(ctx);
    const settings = mipSettingsFrom(ctx, start ? { start } : {});
    const { mip: _mip, ...outcome } = await runMipStrategy(ctx.model, ctx.scenarios, settings, 'highs');
    return outcome;
  },
};
