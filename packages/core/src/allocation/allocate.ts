/**
 * The orchestrator: parse + check → scenarios → ratio-denominator bound → strategy →
 * independent validation → status → audit. Input errors are thrown (InputError, before any
 * work); every outcome of the run itself is a status in the result.
 *
 * Status rules (nothing is `optimal`/`feasible` unless the validator agrees):
 * - trivial books (no trades, or one account): the only allocation is checked directly —
 *   `optimal` when it passes, `infeasible` (proven: there is no other) when it does not;
 * - an allocation that passes validation: `optimal` when the strategy proved optimality and its
 *   own objective agrees with the evaluated one, `fallback` when it came from a fallback,
 *   `feasible` otherwise;
 * - an allocation that fails validation: `error`, with the reasons (for greedy: infeasibility is
 *   not proven);
 * - the strategy proved infeasibility: `infeasible` with its diagnostics;
 * - no incumbent: greedy runs as the fallback (`fallback` when it validates);
 * - the strategy threw (not an input error): `error` with the message.
 */
import { InputError, isInputError } from '../contracts/index.js';
import { buildAuditRecord } from './audit.js';
import { checkRatioDenominators } from './denominator-bound.js';
import { runGreedy } from './greedy/index.js';
import { buildAllocationModel, type AllocationModel } from './model.js';
import { evaluateObjective, objectiveScales } from './objective.js';
import { parseAllocationRequest } from './parse.js';
import { buildScenarioSet } from './scenario-set.js';
import type { StrategyName } from './schema.js';
import { strategies } from './strategies.js';
import type {
  AllocationDiagnostics,
  AllocationStrategy,
  AllocationResult,
  AllocationSettings,
  AllocationStatus,
  AssignmentRow,
  ScenarioSet,
  SolverInfo,
  StrategyContext,
  StrategyOutcome,
  StrategyProgress,
} from './types.js';
import { validateAllocation, type ValidationReport } from './validate.js';

export interface AllocateOptions {
  /** Overrides `options.strategy` of the request. */
  readonly strategy?: StrategyName;
  readonly signal?: AbortSignal;
  readonly onProgress?: (p: StrategyProgress) => void;
  /**
   * Runs this strategy object instead of the registry's entry for the chosen name (embedding a
   * custom strategy; tests use it to check that the status rules hold whatever a strategy claims).
   */
  readonly strategyImpl?: AllocationStrategy;
  /** For reproducible audit records in tests. */
  readonly runId?: string;
  readonly now?: Date;
}

/** Relative tolerance between a strategy's own objective and the evaluated one. */
export const OBJECTIVE_AGREEMENT_TOL = 1e-6;

export function assignmentRows(model: AllocationModel, quantities: Float64Array): AssignmentRow[] {
  const rows: AssignmentRow[] = [];
  for (let t = 0; t < model.nTrade; t++) {
    for (let a = 0; a < model.nAcc; a++) {
      const q = quantities[t * model.nAcc + a]!;
      if (q !== 0) rows.push({ trade: model.tradeIds[t]!, account: model.accounts[a]!.id, quantity: q });
    }
  }
  return rows;
}

/** No allocation, no objective: value NaN (null in JSON). */
const emptyObjective = (model: AllocationModel) => ({ value: NaN, terms: {}, scale: objectiveScales(model) });

function allToFirst(model: AllocationModel): Float64Array {
  const q = new Float64Array(model.nTrade * model.nAcc);
  for (let t = 0; t < model.nTrade; t++) q[t * model.nAcc] = model.tradeQty[t]!;
  return q;
}

export async function allocate(input: unknown, opts: AllocateOptions = {}): Promise<AllocationResult> {
  const request = parseAllocationRequest(input);
  const settings: AllocationSettings = { ...request.options, ...(opts.strategy ? { strategy: opts.strategy } : {}) };
  const model = buildAllocationModel(request);
  const scenarios = buildScenarioSet(request);
  const denIssues = checkRatioDenominators(model, scenarios);
  if (denIssues.length) throw new InputError(denIssues);

  const audit = buildAuditRecord(request, settings, opts);
  const signal = opts.signal ?? new AbortController().signal;
  const ctx: StrategyContext = { model, scenarios, settings, signal, progress: (p) => opts.onProgress?.(p) };
  const started = performance.now();

  const finish = (
    status: AllocationStatus,
    quantities: Float64Array | null,
    solver: SolverInfo,
    extra: { message?: string | undefined; diagnostics?: AllocationDiagnostics | undefined } = {},
    validation?: ValidationReport,
  ): AllocationResult => {
    const assignments = quantities ? assignmentRows(model, quantities) : [];
    const v = validation ?? (quantities ? validateAllocation(request, scenarios, assignments) : { accounts: [], compliance: [] });
    return {
      status,
      strategy: settings.strategy,
      ...(extra.message ? { message: extra.message } : {}),
      assignments,
      accounts: v.accounts,
      compliance: v.compliance,
      objective: quantities ? evaluateObjective(model, quantities, scenarios) : emptyObjective(model),
      solver,
      ...(extra.diagnostics ? { diagnostics: extra.diagnostics } : {}),
      audit,
    };
  };

  // Trivial books: exactly one allocation exists.
  if (model.nTrade === 0 || model.nAcc === 1) {
    const q = allToFirst(model);
    const v = validateAllocation(request, scenarios, assignmentRows(model, q));
    const solver: SolverInfo = {
      name: 'trivial',
      status: v.ok ? 'optimal' : 'infeasible',
      mipGap: 0,
      timeMs: performance.now() - started,
      nodes: 0,
      rounds: 0,
      scenarioRowsAdded: 0,
    };
    const why = model.nTrade === 0 ? 'no trades' : 'a single account';
    return v.ok
      ? finish('optimal', q, solver, { message: `trivial book (${why}): the only allocation satisfies every hard constraint` }, v)
      : finish(
          'infeasible',
          q,
          solver,
          {
            message: `trivial book (${why}): the only allocation breaks hard constraints: ${v.problems.join('; ')}`,
            diagnostics: { notes: v.problems },
          },
          v,
        );
  }

  let outcome: StrategyOutcome;
  try {
    outcome = await (opts.strategyImpl ?? strategies[settings.strategy]).run(ctx);
  } catch (e) {
    if (isInputError(e)) throw e;
    return finish('error', null, failedSolver(settings.strategy, started), { message: `strategy ${settings.strategy} failed: ${(e as Error)?.message ?? String(e)}` });
  }

  if (outcome.kind === 'infeasible') {
    return finish('infeasible', null, outcome.solver, {
      message: `${settings.strategy}: no allocation satisfies every hard constraint`,
      diagnostics: outcome.diagnostics,
    });
  }

  let fallbackReason: string | undefined;
  if (outcome.kind === 'no_incumbent') {
    fallbackReason = `${outcome.solver.name} ended without an allocation (${outcome.reason}); greedy fallback`;
    const g = await runGreedy(ctx);
    if (g.kind !== 'allocation') return finish('error', null, outcome.solver, { message: fallbackReason });
    outcome = { ...g, fallbackReason };
  } else {
    fallbackReason = outcome.fallbackReason;
  }

  const v = validateAllocation(request, scenarios, assignmentRows(model, outcome.quantities));
  const notes = outcome.notes?.length ? { notes: outcome.notes } : undefined;
  if (!v.ok) {
    const who = outcome.solver.name === 'greedy' ? 'greedy (a heuristic) found no allocation that passes validation; infeasibility is not proven' : `the ${outcome.solver.name} allocation fails independent validation`;
    return finish('error', outcome.quantities, outcome.solver, {
      message: `${fallbackReason ? `${fallbackReason}; ` : ''}${who}: ${v.problems.join('; ')}`,
      diagnostics: { notes: [...(outcome.notes ?? []), ...v.problems] },
    }, v);
  }
  if (fallbackReason) return finish('fallback', outcome.quantities, outcome.solver, { message: fallbackReason, diagnostics: notes }, v);

  if (outcome.provenOptimal) {
    const evaluated = evaluateObjective(model, outcome.quantities, scenarios).value;
    const claimed = outcome.solver.objective;
    if (typeof claimed === 'number' && Math.abs(claimed - evaluated) > OBJECTIVE_AGREEMENT_TOL * Math.max(1, Math.abs(evaluated))) {
      return finish('feasible', outcome.quantities, outcome.solver, {
        message: `the strategy's objective ${claimed} disagrees with the evaluated ${evaluated}; optimality not confirmed`,
        diagnostics: notes,
      }, v);
    }
    return finish('optimal', outcome.quantities, outcome.solver, { diagnostics: notes }, v);
  }
  return finish('feasible', outcome.quantities, outcome.solver, { diagnostics: notes }, v);
}

function failedSolver(name: string, started: number): SolverInfo {
  return { name, status: 'error', mipGap: null, timeMs: performance.now() - started, nodes: null, rounds: null, scenarioRowsAdded: null };
}

export type { ScenarioSet };
