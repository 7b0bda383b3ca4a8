/**
 * Solves the allocation MIP by constraint generation (or as one extensive form, for tests and
 * benchmarks): solve on the base scenario plus a pre-screened subset, evaluate the incumbent in
 * ALL scenarios, add the violated scenario rows (most violated first, a few per constraint and
 * round) and the violated CVaR cuts, re-solve on the same live HiGHS model, until nothing is
 * violated. The subset model is a relaxation of the full one, so its MIP bound is a valid bound
 * and an incumbent that violates nothing is optimal for the full problem within the gap.
 *
 * Rounds first run on the LP relaxation (cheap; they find most binding scenarios and cuts), then
 * on the MIP. Lexicographic objectives repeat the loop per level, each later level keeping the
 * earlier ones within the tolerance through a bound row; rows found at one level stay.
 */
import { openHighsSession } from '@keel/solver-native/highs';
import type { HighsHost, HighsSession } from '@keel/solver-native/highs';
import type { ModelSolveResult } from '@keel/solver-native/model';
import type { AllocationModel } from '../model.js';
import { cvarTail, evaluateCvar } from '../objective.js';
import type { ObjectiveSpec } from '../schema.js';
import type { ScenarioSet, StrategyProgress } from '../types.js';
import { evaluateIncumbent, evenSplit } from './evaluate.js';
import type { IncumbentValues } from './evaluate.js';
import { AllocationFormulation, defaultGroups } from './formulation.js';
import type { LinearExpr, RiskFormulation, TradeGroup } from './formulation.js';

export interface MipSettings {
  /** 'cg': constraint generation; 'extensive': every scenario row from the start. */
  readonly mode: 'cg' | 'extensive';
  readonly groups?: readonly TradeGroup[];
  readonly objective?: ObjectiveSpec;
  /** Elastic model for infeasible books (objective replaced by the elastic levels). */
  readonly elastic?: 'none' | 'size' | 'count';
  readonly timeLimitSec: number;
  readonly mipRelGap: number;
  readonly feasibilityTolerance: number;
  readonly signal?: AbortSignal;
  readonly progress?: (p: StrategyProgress) => void;
  readonly host?: HighsHost;
  /** Scenarios added per scenario-dependent constraint before the first solve. */
  readonly prescreen?: number;
  /** Most-violated scenarios added per constraint and MIP round (default 3). */
  readonly rowsPerRound?: number;
  /** The same for LP-relaxation rounds (default 5). */
  readonly lpRowsPerRound?: number;
  /** Cap on LP-relaxation rounds before the MIP rounds. */
  readonly lpRounds?: number;
  /** CVaR as cutting planes (default with 'cg') or Rockafellar–Uryasev rows (default with 'extensive'). */
  readonly risk?: RiskFormulation;
  /**
   * A known feasible allocation (trade × account face, e.g. greedy's) offered to HiGHS as a MIP
   * start in every round of the first level: HiGHS fixes the assignment columns and completes
   * the rest; it is checked, never trusted.
   */
  readonly start?: Float64Array;
  /**
   * Share of the time left after the LP rounds spent improving the start by neighbourhood
   * search before the full MIP (0 disables it; default 0.3). See `improveStart`.
   */
  readonly neighbourhoodShare?: number;
  /** Extra HiGHS options for the MIP rounds (native names), e.g. for tuning experiments. */
  readonly highsOptions?: Readonly<Record<string, string | number | boolean>>;
}

export type MipOutcome =
  | {
      readonly kind: 'solved';
      readonly quantities: Float64Array;
      /** Every level solved to optimality (within mipRelGap) and nothing left violated. */
      readonly proven: boolean;
      readonly info: MipInfo;
      readonly form: AllocationFormulation;
    }
  | { readonly kind: 'infeasible'; readonly info: MipInfo; readonly form: AllocationFormulation }
  | { readonly kind: 'no_incumbent'; readonly reason: string; readonly info: MipInfo };

export interface MipInfo {
  /** HiGHS status of the last MIP solve. */
  readonly status: string;
  /** Objective of the last level in the model's scaled units; its bound and relative gap. */
  readonly objective: number;
  readonly bound: number;
  readonly mipGap: number;
  readonly nodes: number;
  readonly rounds: number;
  readonly lpRounds: number;
  readonly scenarioRowsAdded: number;
  readonly cvarCuts: number;
  readonly rows: number;
  readonly cols: number;
  readonly binaries: number;
  readonly signIndicators: number;
  readonly hullPositions: number;
  readonly timeMs: number;
  /** Neighbourhood-search sub-MIPs solved before the full MIP, and how many improved the start. */
  readonly neighbourhoods: { readonly solved: number; readonly improved: number };
  /** HiGHS sessions re-opened after a lost instance (at most 2 per run). */
  readonly sessionsReopened: number;
  /** Where the time went: model building, HiGHS runs (LP and MIP), evaluating incumbents. */
  readonly phaseMs: { readonly build: number; readonly lp: number; readonly mip: number; readonly evaluate: number };
  /** Objective value reached at each level (scaled units). */
  readonly levels: readonly number[];
  /**
   * The request's weighted objective (objective.ts: Σ w·term/scale − w_H·H + softPenalty)
   * computed from the model's own variables at the final solution — for lexicographic runs too —
   * so the orchestrator can compare it with the independently evaluated value.
   */
  readonly weightedObjective: number;
}

interface Level {
  readonly parts: { expr: LinearExpr; factor: number }[];
  readonly name: string;
}

function weightedParts(form: AllocationFormulation, objective: ObjectiveSpec): { expr: LinearExpr; factor: number }[] {
  const sc = form.scales;
  const parts = objective.terms.map((t) => {
    if (t.kind === 'financingCost') return { expr: form.financingExpr(), factor: t.weight / sc.financingCost };
    if (t.kind === 'headroom') return { expr: form.headroomExpr(), factor: -t.weight / sc.headroom };
    return { expr: form.riskExpr(), factor: t.weight / sc.risk };
  });
  return [...parts, { expr: form.softPenaltyExpr(), factor: 1 }];
}

function buildLevels(form: AllocationFormulation, objective: ObjectiveSpec, elastic: 'none' | 'size' | 'count'): Level[] {
  if (elastic !== 'none') {
    const levels: Level[] = [];
    if (elastic === 'count') levels.push({ name: 'relaxedCount', parts: [{ expr: form.elasticExpr('count'), factor: 1 }] });
    levels.push({ name: 'relaxedSize', parts: [{ expr: form.elasticExpr('size'), factor: 1 }] });
    return levels;
  }
  const sc = form.scales;
  const termPart = (kind: 'financingCost' | 'headroom' | 'risk', weight: number) => {
    if (kind === 'financingCost') return { expr: form.financingExpr(), factor: weight / sc.financingCost };
    if (kind === 'headroom') return { expr: form.headroomExpr(), factor: -weight / sc.headroom };
    return { expr: form.riskExpr(), factor: weight / sc.risk };
  };
  const soft = { expr: form.softPenaltyExpr(), factor: 1 };
  const terms = objective.terms.length > 0 ? objective.terms : [{ kind: 'financingCost' as const, weight: 1 }];
  if (!objective.lexicographic) {
    return [{ name: 'weighted', parts: [...terms.map((t) => termPart(t.kind, t.weight)), soft] }];
  }
  // Lexicographic: each level is one term (weight 1: only the order matters); the soft
  // penalty, a price rather than a priority, joins the first level.
  return terms.map((t, i) => ({
    name: t.kind,
    parts: i === 0 ? [termPart(t.kind, 1), soft] : [termPart(t.kind, 1)],
  }));
}

export async function solveAllocationMip(
  model: AllocationModel,
  scenarios: ScenarioSet,
  settings: MipSettings,
): Promise<MipOutcome> {
  const t0 = performance.now();
  const deadline = t0 + settings.timeLimitSec * 1000;
  const objective = settings.objective ?? model.request.objective;
  const elastic = settings.elastic ?? 'none';
  const risk = settings.risk ?? (settings.mode === 'cg' ? 'cuts' : 'ru');
  const form = new AllocationFormulation(model, scenarios, {
    groups: settings.groups ?? defaultGroups(model),
    terms: elastic === 'none' ? objective.terms : [],
    risk,
    elastic,
  });
  const S = scenarios.count;
  const tol = settings.feasibilityTolerance;
  const counters = { rounds: 0, lpRounds: 0, rowsAdded: 0, cuts: 0, nodes: 0, lnsSolved: 0, lnsImproved: 0 };
  const phase = { build: 0, lp: 0, mip: 0, evaluate: 0 };
  let mark = performance.now();
  const lap = (k: keyof typeof phase) => {
    const now = performance.now();
    phase[k] += now - mark;
    mark = now;
  };

  // Base rows for every constraint; the extensive form adds every scenario now.
  form.templates.forEach((tp, i) => {
    form.addScenarioRow(i, 0);
    if (!tp.scenarioDependent) return;
    if (settings.mode === 'extensive') for (let s = 1; s <= S; s++) form.addScenarioRow(i, s);
  });
  if (settings.mode === 'cg' && S > 0) {
    // Pre-screen at the even split: the scenarios in which each constraint binds most.
    const at = evaluateIncumbent(form, evenSplit(form));
    const k = settings.prescreen ?? 2;
    form.templates.forEach((tp, i) => {
      if (!tp.scenarioDependent || k <= 0) return;
      for (const s of worstScenarios(at, i, tp.sense, k)) if (!form.present[i]!.has(s)) form.addScenarioRow(i, s);
    });
    if (risk === 'cuts') addCvarCuts(form, at, -Infinity);
  }
  const initialRows = countScenarioRows(form);
  lap('build');

  const levels = buildLevels(form, objective, elastic);
  const built = form.builder.build();
  const binaries = countIntegers(built.integer);
  const openOn = (model: typeof built) => openHighsSession(model, settings.host ? { host: settings.host } : {});
  let session = await openOn(built);
  form.markAllSent();
  let reopened = 0;
  lap('build');
  const levelValues: number[] = [];
  let last: ModelSolveResult | null = null;
  let finalX: Float64Array | null = null;
  let startCols = settings.start ? startColumns(form, settings.start) : undefined;
  let quantities: Float64Array | null = null;
  // The best allocation the neighbourhood search has checked against every scenario: what the
  // MIP returns (unproven) when its HiGHS instance is lost for good with no incumbent of its own.
  let checked: { readonly quantities: Float64Array; readonly objective: number } | null = null;
  let proven = true;
  const hasIntegers = binaries > 0;
  const info = (status: string): MipInfo => ({
    status,
    objective: last?.objective ?? NaN,
    bound: last?.info.objectiveBound ?? NaN,
    mipGap: last?.info.mipGap ?? Infinity,
    nodes: counters.nodes,
    rounds: counters.rounds,
    lpRounds: counters.lpRounds,
    scenarioRowsAdded: countScenarioRows(form) - initialRows,
    cvarCuts: counters.cuts,
    rows: form.builder.nRows,
    cols: form.builder.nCols,
    binaries,
    signIndicators: form.signIndicators,
    hullPositions: form.hullPositions,
    timeMs: performance.now() - t0,
    neighbourhoods: { solved: counters.lnsSolved, improved: counters.lnsImproved },
    sessionsReopened: reopened,
    phaseMs: { ...phase },
    levels: levelValues,
    weightedObjective: finalX ? dotObjective(form, weightedParts(form, objective), finalX) : NaN,
  });

  try {
    for (let li = 0; li < levels.length; li++) {
      const level = levels[li]!;
      const { cost, offset } = form.costVector(level.parts);
      await session.setObjective(cost, offset);
      // Later levels start from the previous level's optimum (feasible: its bound row holds).
      let start: Float64Array | undefined = last?.hasSolution ? last.x : undefined;
      // LP-relaxation rounds (constraint generation only): cheap rows and cuts before the MIP.
      if (settings.mode === 'cg' && hasIntegers) {
        const cap = settings.lpRounds ?? 20;
        for (let r = 0; r < cap; r++) {
          const remaining = (deadline - performance.now()) / 1000;
          if (remaining <= 0.05) break;
          const lp = await session.solve({ timeLimitSec: remaining, extra: { solve_relaxation: true } }, settings.signal);
          lap('lp');
          if (session.lost) {
            // Skip the remaining LP rounds: their rows are a speed-up, not needed for the proof.
            if (!(await reopen(level))) return noIncumbent(li, quantities, lostReason(lp));
            break;
          }
          if (!lp.hasSolution) break;
          counters.lpRounds++;
          settings.progress?.({ phase: `${level.name}: LP round ${counters.lpRounds}`, message: `${form.builder.nRows} rows` });
          const added = separate(form, lp.x, evaluateAt(form, lp.x), tol, settings.lpRowsPerRound ?? 5, counters, risk, false);
          lap('evaluate');
          if (added === 0) break;
          await session.extend(null, form.takeNewRows());
          lap('build');
        }
      }
      const share = settings.neighbourhoodShare ?? 0.3;
      if (li === 0 && startCols && settings.mode === 'cg' && form.nAcc >= 3 && share > 0) {
        startCols = await improveStart(startCols, performance.now() + share * (deadline - performance.now()));
        lap('mip');
        if (session.lost && !(await reopen(level))) return lostFor(li, 'HiGHS instance lost during the neighbourhood search');
      }
      // MIP rounds.
      for (;;) {
        const remaining = (deadline - performance.now()) / 1000;
        if (remaining <= 0.01 || settings.signal?.aborted) {
          return noIncumbent(li, quantities, 'time limit reached during constraint generation');
        }
        counters.rounds++;
        settings.progress?.({
          phase: `${level.name}: round ${counters.rounds}`,
          message: `${form.builder.nRows} rows, ${countScenarioRows(form) - initialRows} scenario rows added`,
        });
        const res = await session.solve(
          {
            timeLimitSec: remaining,
            mipRelGap: settings.mipRelGap,
            fresh: true,
            ...(start ? { start } : li === 0 && startCols ? { start: startCols } : {}),
            ...(settings.highsOptions ? { extra: settings.highsOptions } : {}),
          },
          settings.signal,
        );
        lap('mip');
        if (session.lost) {
          if (await reopen(level)) continue; // the same round again, with the same start
          return lostFor(li, lostReason(res));
        }
        start = undefined;
        last = res;
        counters.nodes += res.info.nodes;
        if (!res.hasSolution) {
          if (res.status === 'infeasible' && li === 0) return { kind: 'infeasible', info: info(res.info.solverStatus), form };
          return noIncumbent(li, quantities, `HiGHS ended with ${res.info.solverStatus} and no incumbent`);
        }
        const q = form.quantitiesFrom(res.x);
        const added = separate(form, res.x, evaluateIncumbent(form, q), tol, settings.rowsPerRound ?? 3, counters, risk, true);
        lap('evaluate');
        if (added === 0) {
          quantities = q;
          finalX = res.x;
          if (res.status !== 'optimal') proven = false;
          break;
        }
        if (res.status !== 'optimal' && (deadline - performance.now()) / 1000 <= 0.01) {
          return noIncumbent(li, quantities, 'time limit reached with scenario rows still violated');
        }
        await session.extend(null, form.takeNewRows());
      }
      levelValues.push(last!.objective);
      if (li + 1 < levels.length) {
        // Keep this level within the tolerance while the next ones are optimised.
        const tolLex = elastic === 'none' ? objective.lexicographicTolerance : 1e-9 + 1e-9 * Math.abs(last!.objective);
        form.addBoundRow(level.parts, last!.objective + tolLex);
        await session.extend(null, form.takeNewRows());
      }
    }
  } finally {
    await session.close();
  }
  return { kind: 'solved', quantities: quantities!, proven, info: info(last!.info.solverStatus), form };

  /**
   * Large-neighbourhood search from a feasible start (greedy's): for each pair of accounts, every
   * trade held by one of the two may move between them while all other trades stay put, and that
   * sub-MIP (a few dozen binaries) is solved from the incumbent. Scenario rows it violates are
   * added as usual — they are valid for the full problem — and a strictly better allocation that
   * violates nothing becomes the new start. Stops after a full cycle of pairs without improvement
   * or at `until`. HiGHS's own heuristics rarely improved greedy's start on tight books (it found
   * nothing better in 60 s at 200 × 5); this gives the full MIP a good incumbent to prune with.
   * Proof of optimality is still the full MIP's.
   */
  async function improveStart(
    start: { indices: Int32Array; values: Float64Array },
    until: number,
  ): Promise<{ indices: Int32Array; values: Float64Array }> {
    const A = form.nAcc;
    const groups = form.options.groups;
    const nY = groups.length * A;
    // y columns were created first, group by group, so their indices ascend with g·A + a.
    const yIdx = Int32Array.from(form.yCol);
    const incY = new Float64Array(nY);
    start.indices.forEach((col, k) => {
      const at = form.yCol.indexOf(col);
      if (at >= 0) incY[at] = start.values[k]!;
    });
    const pairs: [number, number][] = [];
    for (let a = 0; a < A; a++) for (let b = a + 1; b < A; b++) pairs.push([a, b]);
    let sinceImproved = 0;
    const lo = new Float64Array(nY);
    const hi = new Float64Array(nY);
    const freeAll = async () => {
      groups.forEach((g, gi) => {
        for (let c = 0; c < A; c++) {
          lo[gi * A + c] = 0;
          hi[gi * A + c] = g.units;
        }
      });
      await session.setColBounds(yIdx, lo, hi);
    };
    // The start's own objective in this model: every assignment fixed, the rest completed.
    await session.setColBounds(yIdx, incY, incY);
    const at = await session.solve({ timeLimitSec: Math.max(0.05, (until - performance.now()) / 1000), fresh: true }, settings.signal);
    if (session.lost) return start;
    if (!at.hasSolution) {
      await freeAll();
      return start;
    }
    let best = at.objective;
    {
      const q = form.quantitiesFrom(at.x);
      if (separate(form, at.x, evaluateIncumbent(form, q), tol, settings.rowsPerRound ?? 3, counters, risk, true) === 0) {
        checked = { quantities: q, objective: best };
      } else {
        await session.extend(null, form.takeNewRows());
      }
    }
    const current = () => {
      const order = Array.from(yIdx.keys()).sort((p, q) => yIdx[p]! - yIdx[q]!);
      return { indices: Int32Array.from(order, (i) => yIdx[i]!), values: Float64Array.from(order, (i) => incY[i]!) };
    };
    for (let k = 0; sinceImproved < pairs.length && performance.now() < until && !settings.signal?.aborted; k++) {
      const [a, b] = pairs[k % pairs.length]!;
      settings.progress?.({
        phase: 'neighbourhood search',
        message: `accounts ${a + 1}/${b + 1}, ${counters.lnsSolved} sub-MIPs, ${counters.lnsImproved} improvements, objective ${best.toPrecision(8)}`,
      });
      groups.forEach((g, gi) => {
        let inside = true;
        for (let c = 0; c < A; c++) if (incY[gi * A + c]! > 0 && c !== a && c !== b) inside = false;
        for (let c = 0; c < A; c++) {
          const i = gi * A + c;
          if (inside) {
            lo[i] = 0;
            hi[i] = c === a || c === b ? g.units : 0;
          } else {
            lo[i] = hi[i] = incY[i]!;
          }
        }
      });
      await session.setColBounds(yIdx, lo, hi);
      let improved = false;
      for (let attempt = 0; attempt < 3; attempt++) {
        const left = (until - performance.now()) / 1000;
        if (left <= 0.05) break;
        const res = await session.solve(
          { timeLimitSec: Math.min(left, 2), mipRelGap: settings.mipRelGap, fresh: true, start: { indices: yIdx, values: incY } },
          settings.signal,
        );
        counters.lnsSolved++;
        if (session.lost) return current();
        if (!res.hasSolution) break;
        const q = form.quantitiesFrom(res.x);
        const added = separate(form, res.x, evaluateIncumbent(form, q), tol, settings.rowsPerRound ?? 3, counters, risk, true);
        if (added > 0) {
          await session.extend(null, form.takeNewRows());
          continue;
        }
        if (res.objective < best - 1e-9 * Math.max(1, Math.abs(best))) {
          counters.lnsImproved++;
          best = res.objective;
          for (let i = 0; i < nY; i++) incY[i] = Math.round(res.x[form.yCol[i]!]!);
          checked = { quantities: q, objective: best };
          improved = true;
        }
        break;
      }
      sinceImproved = improved ? 0 : sinceImproved + 1;
    }
    await freeAll();
    return current();
  }

  /**
   * Replaces a session whose HiGHS instance was lost (a solve overran its hard limit or was
   * cancelled, or HiGHS aborted) by a new one on the model as built so far — every row found
   * until now, original column bounds — with `level`'s objective. At most twice per run and only
   * with time left: a loss usually means the machine is overloaded or the model too big.
   */
  async function reopen(level: Level): Promise<boolean> {
    if (reopened >= MAX_REOPEN || (deadline - performance.now()) / 1000 <= 0.05 || settings.signal?.aborted) return false;
    reopened++;
    await session.close();
    session = await openOn(form.builder.build());
    form.markAllSent();
    const { cost, offset } = form.costVector(level.parts);
    await session.setObjective(cost, offset);
    lap('build');
    return true;
  }

  /** The HiGHS instance is gone for good: the checked allocation of the search if there is one. */
  function lostFor(li: number, reason: string): MipOutcome {
    if (li === 0 && checked) {
      return {
        kind: 'solved',
        quantities: checked.quantities,
        proven: false,
        info: { ...info(`${reason}; allocation from the neighbourhood search`), objective: checked.objective },
        form,
      };
    }
    return noIncumbent(li, quantities, reason);
  }

  function noIncumbent(li: number, q: Float64Array | null, reason: string): MipOutcome {
    // A later lexicographic level that runs out of time still has the earlier level's answer.
    if (li > 0 && q) {
      return { kind: 'solved', quantities: q, proven: false, info: info(`${last?.info.solverStatus ?? 'none'} (${reason})`), form };
    }
    return { kind: 'no_incumbent', reason, info: info(last?.info.solverStatus ?? 'none') };
  }
}

/** Sessions re-opened per run after a lost HiGHS instance before the MIP gives up. */
const MAX_REOPEN = 2;

/** Why the MIP stopped when a solve lost its HiGHS instance (the worker is replaced; the session is gone). */
function lostReason(res: ModelSolveResult): string {
  return `HiGHS instance lost (${res.status}: ${res.info.solverStatus})`;
}

/** The assignment columns of an allocation (trade × account face), as a sparse MIP start. */
function startColumns(form: AllocationFormulation, q: Float64Array): { indices: Int32Array; values: Float64Array } {
  const { nAcc, model } = form;
  const idx: number[] = [];
  const val: number[] = [];
  form.options.groups.forEach((g, gi) => {
    const t = g.trades[0]!;
    for (let a = 0; a < nAcc; a++) {
      idx.push(form.yCol[gi * nAcc + a]!);
      val.push(Math.round((q[t * nAcc + a]! / model.tradeQty[t]!) * g.units));
    }
  });
  const order = idx.map((_, k) => k).sort((p, r) => idx[p]! - idx[r]!);
  return { indices: Int32Array.from(order, (k) => idx[k]!), values: Float64Array.from(order, (k) => val[k]!) };
}

function dotObjective(form: AllocationFormulation, parts: { expr: LinearExpr; factor: number }[], x: Float64Array): number {
  const { cost, offset } = form.costVector(parts);
  let v = offset;
  for (let j = 0; j < cost.length; j++) if (cost[j] !== 0) v += cost[j]! * x[j]!;
  return v;
}

function countIntegers(integer: Uint8Array): number {
  let n = 0;
  for (const v of integer) n += v;
  return n;
}

function countScenarioRows(form: AllocationFormulation): number {
  let n = 0;
  for (const m of form.present) for (const s of m.keys()) if (s > 0) n++;
  return n;
}

/** The LP relaxation's point as an allocation (fractional quantities are fine for evaluation). */
function evaluateAt(form: AllocationFormulation, x: Float64Array): IncumbentValues {
  const { model, nAcc } = form;
  const q = new Float64Array(model.nTrade * nAcc);
  form.options.groups.forEach((g, gi) => {
    for (const t of g.trades) {
      for (let a = 0; a < nAcc; a++) q[t * nAcc + a] = (model.tradeQty[t]! * Math.max(0, x[form.yCol[gi * nAcc + a]!]!)) / g.units;
    }
  });
  return evaluateIncumbent(form, q);
}

/** The k scenarios (σ ≥ 1) with the least slack for template i. */
function worstScenarios(at: IncumbentValues, i: number, sense: 1 | -1, k: number): number[] {
  const W = at.width;
  const idx: number[] = [];
  for (let s = 1; s < W; s++) idx.push(s);
  // Least slack = largest sense·g.
  idx.sort((p, q) => sense * at.rowValues[i * W + q]! - sense * at.rowValues[i * W + p]!);
  return idx.slice(0, k);
}

/**
 * Adds the rows the point violates (given the model's t and v values at x), most violated first,
 * up to `perRound` per constraint, and the violated CVaR cuts. Returns how many were added.
 * A row already present but violated (solver tolerance, rounding of integer columns) is added
 * again, tightened by its violation, so the next incumbent clears it.
 */
function separate(
  form: AllocationFormulation,
  x: Float64Array,
  at: IncumbentValues,
  tol: number,
  perRound: number,
  counters: { rowsAdded: number; cuts: number },
  risk: RiskFormulation,
  mip: boolean,
): number {
  const W = at.width;
  const t = form.headroomCol >= 0 ? x[form.headroomCol]! : 0;
  let added = 0;
  form.templates.forEach((tp, i) => {
    const vcol = form.violationCol[i]!;
    const v = vcol >= 0 ? Math.max(0, x[vcol]!) : 0;
    const shift = (tp.soft ? 0 : t) * tp.normaliser - v * tp.normaliser;
    const violated: { s: number; amount: number }[] = [];
    for (let s = 0; s < W; s++) {
      if (s > 0 && !tp.scenarioDependent) break;
      const g = at.rowValues[i * W + s]!;
      const residual = tp.sense * (g - tp.rhs) + shift;
      // A quarter of the validator's tolerance (validate.ts: tol·max(1, |rhs| + Σ|terms|), and
      // Σ|terms| ≥ |g|), so whatever constraint generation accepts, the validator accepts.
      const allow = 0.25 * tol * Math.max(1, Math.abs(tp.rhs) + Math.abs(g));
      if (residual > allow) violated.push({ s, amount: residual });
    }
    violated.sort((p, q) => q.amount - p.amount || p.s - q.s);
    let n = 0;
    for (const { s, amount } of violated) {
      if (n >= perRound) break;
      const present = form.present[i]!.has(s);
      // In LP rounds a present row can look violated only because the relaxation widened a
      // split the evaluation takes exactly; tightening it then would cut off valid allocations.
      if (present && !mip) continue;
      form.addScenarioRow(i, s, present ? amount + 0.5 * tol * Math.max(1, Math.abs(tp.rhs)) : 0);
      counters.rowsAdded++;
      added++;
      n++;
    }
  });
  if (risk === 'cuts') added += addCvarCuts(form, at, (a) => x[form.etaCol[a]!]! * form.unit, counters);
  return added;
}

/** Adds, per account whose η is below its CVaR at the point, the cut through the point's tail. */
function addCvarCuts(
  form: AllocationFormulation,
  at: IncumbentValues,
  eta: ((a: number) => number) | number,
  counters?: { cuts: number },
): number {
  const S = form.scenarios.count;
  if (S === 0 || Number.isNaN(form.riskAlpha)) return 0;
  const alpha = form.riskAlpha;
  const tTail = cvarTail(alpha, S);
  let added = 0;
  for (let a = 0; a < form.nAcc; a++) {
    if (form.etaCol[a]! < 0) continue;
    const losses = at.losses.subarray(a * S, (a + 1) * S);
    const cvar = evaluateCvar(losses, alpha);
    const e = typeof eta === 'number' ? eta : eta(a);
    if (cvar - e <= 1e-9 * form.scales.risk) continue;
    // Tail weights: 1/t on the m − 1 worst, the remainder on the m-th (ties by scenario index).
    const order = Array.from({ length: S }, (_, i) => i).sort((p, q) => losses[q]! - losses[p]! || p - q);
    const weights = new Map<number, number>();
    if (tTail <= 0) {
      weights.set(order[0]! + 1, 1);
    } else {
      const m = Math.max(1, Math.ceil(tTail));
      for (let i = 0; i < m - 1; i++) weights.set(order[i]! + 1, 1 / tTail);
      weights.set(order[m - 1]! + 1, (tTail - (m - 1)) / tTail);
    }
    form.addCvarCut(a, weights);
    added++;
    if (counters) counters.cuts++;
  }
  return added;
}
