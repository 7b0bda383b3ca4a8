/**
 * Greedy allocation (seed 02, option 2): feasibility analysis, regret-ordered placement, repair,
 * then local improvement. A heuristic: it never claims optimality, and a book it cannot fit is
 * not thereby proven infeasible.
 *
 * 1. Feasibility analysis — which accounts can take each trade alone (pre-trade book plus that
 *    trade) with every hard constraint holding in every scenario.
 * 2. Placement — repeatedly place the pending trade with the largest regret (the cost gap
 *    between its best and second-best acceptable account; one acceptable account = infinite
 *    regret) into its best account. A placement is acceptable when no hard constraint's
 *    violation grows (so a book that starts below a minimum balance can still fill up). Costs are
 *    objective deltas (see objective.ts) after a violation-reduction level.
 * 3. When no pending trade fits anywhere: with allowSplit, place the largest number of lots that
 *    fits into some account and keep the rest pending; otherwise relocate one placed trade to
 *    another account to make room; failing both, place it where it hurts least and record it.
 * 4. Repair — while hard violations remain, apply the single move (a placed trade or lot chunk to
 *    another account) that reduces total violation most; then swaps of two chunks between a
 *    violating account and another one.
 * 5. Then, time permitting, all of it again from the pre-trade book in `feasibility` mode (a log
 *    barrier on every constraint's headroom steers trades away from tight accounts; see
 *    state.ts). The feasible result with the lower objective (or the least violated) is kept.
 * 6. Improvement — single moves, then swaps of two chunks between accounts, that keep every
 *    hard constraint and lower the objective, in passes until none improves or the time limit
 *    is reached.
 */
import { evaluateAllocationMetrics, evaluateConstraintSlacks } from '../metrics.js';
import { evaluateObjective } from '../objective.js';
import type { AllocationStrategy, StrategyContext, StrategyOutcome } from '../types.js';
import { GreedyState, type GreedyMode, type MoveEval } from './state.js';

interface Chunk {
  readonly trade: number;
  qty: number;
}

interface Placement {
  readonly trade: number;
  readonly account: number;
  readonly qty: number;
}

const VIOLATION_TOL = 1e-12;
/** Repair steps (moves, swaps or breakout weight raises) before giving up. */
const REPAIR_MAX_STEPS = 400;
const BREAKOUT_FACTOR = 2;
/** Steps during which a chunk may not return to the account it just left. */
const TABU_TENURE = 7;
/** Improvement passes (single moves, then swaps when moves stall). */
const IMPROVE_MAX_PASSES = 30;
/** Money: a swap must lower financing by more than this to be looked at. */
const FINANCING_TOL = 1e-6;

/** Lexicographic comparison of (dViolation, dLevels...) with per-level tolerance. */
function compareMoves(x: MoveEval, y: MoveEval, levelTol: number): number {
  const dv = x.dViolation - y.dViolation;
  if (Math.abs(dv) > VIOLATION_TOL) return dv;
  for (let i = 0; i < x.dLevels.length; i++) {
    const d = x.dLevels[i]! - y.dLevels[i]!;
    if (Math.abs(d) > levelTol) return d;
  }
  return 0;
}

/** Regret as a comparable vector: second − best per level (Infinity when no second). */
function regretOf(best: MoveEval, second: MoveEval | null): number[] {
  if (!second) return [Infinity];
  return [second.dViolation - best.dViolation, ...Array.from(second.dLevels, (v, i) => v - best.dLevels[i]!)];
}

function compareRegret(x: number[], y: number[]): number {
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    const d = (x[i] ?? 0) - (y[i] ?? 0);
    if (d !== 0 && !Number.isNaN(d)) return d;
    if (x[i] === Infinity && y[i] !== Infinity) return 1;
    if (y[i] === Infinity && x[i] !== Infinity) return -1;
  }
  return 0;
}

export async function runGreedy(ctx: StrategyContext): Promise<StrategyOutcome> {
  const started = performance.now();
  const { model, scenarios, settings, signal } = ctx;
  const nAcc = model.nAcc;
  const deadline = started + settings.timeLimitSec * 1000;
  const outOfTime = () => signal.aborted || performance.now() > deadline;
  const levelTol = model.request.objective.lexicographic ? model.request.objective.lexicographicTolerance : 1e-12;
  const notes: string[] = [];

  const pre = evaluateAllocationMetrics(model, new Float64Array(model.nTrade * nAcc), scenarios);
  const slack0 = model.accounts.map((acc, a) => evaluateConstraintSlacks(acc, pre.values[a]!, pre.width));
  const freshState = () => new GreedyState(model, scenarios, slack0.map((x) => Float64Array.from(x)));

  // 1. Feasibility analysis: each trade alone in each account.
  ctx.progress({ phase: 'feasibility', fraction: 0 });
  const st0 = freshState();
  for (let t = 0; t < model.nTrade; t++) {
    let any = false;
    for (let a = 0; a < nAcc && !any; a++) any = st0.evaluate(a, t, model.tradeQty[t]!, 'objective', true).acceptable;
    if (!any) notes.push(`trade ${model.tradeIds[t]} fits no account on its own`);
  }

  let rounds = 0;
  const toQuantities = (placed: readonly Placement[]) => {
    const q = new Float64Array(model.nTrade * nAcc);
    for (const p of placed) q[p.trade * nAcc + p.account]! += p.qty;
    return q;
  };
  const attempt = (mode: GreedyMode) => {
    const st = freshState();
    const attemptNotes: string[] = [];
    const placed = placeAll(st, mode, attemptNotes);
    repair(st, placed);
    const violation = st.totalViolation();
    if (violation === 0) improve(st, placed);
    const quantities = toQuantities(placed);
    return { mode, violation, quantities, value: evaluateObjective(model, quantities, scenarios).value, notes: attemptNotes };
  };

  // 2–6. Objective-first placement, repair, improvement; then, time permitting, the same from a
  // feasibility-first placement (it often lands in another basin). The feasible, cheaper one wins.
  let run = attempt('objective');
  if (!outOfTime() && performance.now() - started < 0.5 * settings.timeLimitSec * 1000) {
    const second = attempt('feasibility');
    const better = run.violation > 0 ? second.violation < run.violation : second.violation === 0 && second.value < run.value - 1e-12;
    notes.push(`feasibility-first restart ${better ? 'kept' : 'not better'} (objective-first: ${describe(run)}; feasibility-first: ${describe(second)})`);
    if (better) run = second;
  }
  notes.push(...run.notes);
  const { quantities, violation } = run;
  if (violation > 0) notes.push(`hard constraints still violated after repair (Σ normalised violation ${violation.toExponential(3)})`);
  return {
    kind: 'allocation',
    quantities,
    provenOptimal: false,
    solver: {
      name: 'greedy',
      status: violation > 0 ? 'violations_remain' : 'heuristic_feasible',
      mipGap: null,
      timeMs: performance.now() - started,
      nodes: null,
      rounds,
      scenarioRowsAdded: null,
      objective: run.value,
    },
    notes,
  };

  // ---------------------------------------------------------------------------------------

  function describe(r: { violation: number; value: number }): string {
    return r.violation > 0 ? `violation ${r.violation.toExponential(2)}` : `objective ${r.value.toFixed(6)}`;
  }

  function placeAll(st: GreedyState, mode: GreedyMode, attemptNotes: string[]): Placement[] {
    const pending: Chunk[] = Array.from({ length: model.nTrade }, (_, t) => ({ trade: t, qty: model.tradeQty[t]! }));
    const placed: Placement[] = [];
    const cache = new Map<Chunk, (MoveEval | null)[]>();
    const evalOf = (c: Chunk, a: number): MoveEval => {
      let row = cache.get(c);
      if (!row) cache.set(c, (row = new Array<MoveEval | null>(nAcc).fill(null)));
      return (row[a] ??= st.evaluate(a, c.trade, c.qty, mode, true));
    };
    const invalidate = (a: number | 'all') => {
      for (const row of cache.values()) {
        if (a === 'all') row.fill(null);
        else row[a] = null;
      }
    };
    // Headroom is a global min, so a placement in one account changes other accounts' deltas.
    const obj = model.request.objective;
    const globalTerms = obj.terms.some((t) => t.kind === 'headroom' && (t.weight > 0 || obj.lexicographic));
    const place = (c: Chunk, a: number) => {
      st.apply(a, c.trade, c.qty);
      placed.push({ trade: c.trade, account: a, qty: c.qty });
      invalidate(globalTerms ? 'all' : a);
    };
    const notional = (c: Chunk) => c.qty * model.tradeCashPerFace[c.trade]!;
    const lot = settings.lot;
    const total = pending.length;

    while (pending.length) {
      if (signal.aborted) throw new Error('greedy: aborted');
      ctx.progress({ phase: `placement (${mode})`, fraction: 1 - pending.length / Math.max(total, 1) });
      let pick = -1;
      let pickAccount = -1;
      let pickRegret: number[] = [];
      for (let i = 0; i < pending.length; i++) {
        const c = pending[i]!;
        let best: MoveEval | null = null;
        let bestA = -1;
        let second: MoveEval | null = null;
        for (let a = 0; a < nAcc; a++) {
          const e = evalOf(c, a);
          if (!e.acceptable) continue;
          if (!best || compareMoves(e, best, levelTol) < 0) {
            second = best;
            best = e;
            bestA = a;
          } else if (!second || compareMoves(e, second, levelTol) < 0) {
            second = e;
          }
        }
        if (!best) continue;
        const r = regretOf(best, second);
        const cmp = pick < 0 ? 1 : compareRegret(r, pickRegret);
        if (cmp > 0 || (cmp === 0 && notional(c) > notional(pending[pick]!))) {
          pick = i;
          pickAccount = bestA;
          pickRegret = r;
        }
      }
      if (pick >= 0) {
        const [c] = pending.splice(pick, 1);
        cache.delete(c!);
        place(c!, pickAccount);
        continue;
      }

      // Nothing fits as it stands: take the largest stuck chunk.
      let idx = 0;
      for (let i = 1; i < pending.length; i++) if (notional(pending[i]!) > notional(pending[idx]!)) idx = i;
      const c = pending[idx]!;
      const lots = Math.round(c.qty / lot);
      if (settings.allowSplit && lots > 1) {
        let bestK = 0;
        let bestA = -1;
        for (let a = 0; a < nAcc; a++) {
          // Largest k in [1, lots−1] that fits (bisection; exact for one-sided rules).
          let lo = 0;
          let hi = lots - 1;
          while (lo < hi) {
            const mid = (lo + hi + 1) >> 1;
            if (st.evaluate(a, c.trade, mid * lot, 'objective', true).acceptable) lo = mid;
            else hi = mid - 1;
          }
          if (lo > bestK) {
            bestK = lo;
            bestA = a;
          }
        }
        if (bestK > 0) {
          cache.delete(c);
          pending.splice(idx, 1, { trade: c.trade, qty: (lots - bestK) * lot });
          place({ trade: c.trade, qty: bestK * lot }, bestA);
          continue;
        }
      }
      pending.splice(idx, 1);
      cache.delete(c);
      if (relocateToFit(st, placed, c)) {
        invalidate('all');
        continue;
      }
      let leastA = 0;
      for (let a = 1; a < nAcc; a++) if (compareMoves(st.evaluate(a, c.trade, c.qty, mode), st.evaluate(leastA, c.trade, c.qty, mode), levelTol) < 0) leastA = a;
      attemptNotes.push(`placement: trade ${model.tradeIds[c.trade]} went to ${model.accounts[leastA]!.id} although it broke a hard constraint there (repair followed)`);
      place(c, leastA);
    }
    return placed;
  }

  /** Moves one placed chunk elsewhere so that c fits into the freed account; places c on success. */
  function relocateToFit(st: GreedyState, placed: Placement[], c: Chunk): boolean {
    for (let a = 0; a < nAcc; a++) {
      for (let i = 0; i < placed.length; i++) {
        if (outOfTime()) return false;
        const p = placed[i]!;
        if (p.account !== a) continue;
        st.apply(a, p.trade, -p.qty);
        if (st.evaluate(a, c.trade, c.qty, 'objective', true).acceptable) {
          for (let b = 0; b < nAcc; b++) {
            if (b === a || !st.evaluate(b, p.trade, p.qty, 'objective', true).acceptable) continue;
            st.apply(b, p.trade, p.qty);
            if (!st.evaluate(a, c.trade, c.qty, 'objective', true).acceptable) {
              st.apply(b, p.trade, -p.qty);
              continue;
            }
            placed[i] = { ...p, account: b };
            st.apply(a, c.trade, c.qty);
            placed.push({ trade: c.trade, account: a, qty: c.qty });
            return true;
          }
        }
        st.apply(a, p.trade, p.qty);
      }
    }
    return false;
  }

  /** Cost of moving a placement to account b: its removal plus its addition there. */
  function moveEval(st: GreedyState, p: Placement, b: number, quick = false) {
    const inn = st.evaluate(b, p.trade, p.qty, 'objective', quick);
    if (quick && !inn.acceptable) return inn;
    const out = st.evaluate(p.account, p.trade, -p.qty, 'objective', quick);
    const dLevels = Float64Array.from(out.dLevels, (v, k) => v + inn.dLevels[k]!);
    return { acceptable: out.acceptable && inn.acceptable, dViolation: out.dViolation + inn.dViolation, dLevels };
  }

  function move(st: GreedyState, placed: Placement[], i: number, b: number) {
    const p = placed[i]!;
    st.apply(p.account, p.trade, -p.qty);
    st.apply(b, p.trade, p.qty);
    placed[i] = { ...p, account: b };
  }

  function violatedAccounts(st: GreedyState): Set<number> {
    const out = new Set<number>();
    model.accounts.forEach((acc, a) =>
      acc.constraints.forEach((c, ci) => {
        if (c.softPenalty === undefined && st.minSlack[a]![ci]! < 0) out.add(a);
      }),
    );
    return out;
  }

  /**
   * Local search on the (weighted) total violation: the best single move, else the first
   * improving swap between a violating account and another; when neither helps, a breakout
   * step raises the weights of the constraints still violated, which reshapes the landscape
   * so the search can leave the local minimum. Moving a chunk back to an account it just left is
   * tabu for a few steps (uniform weight raises alone can cycle). The least violated state seen
   * is restored at the end. Bounded by steps and the time limit.
   */
  function repair(st: GreedyState, placed: Placement[]) {
    const tabu = new Map<string, number>();
    let bestV = st.totalViolation();
    let bestAt = placed.map((p) => p.account);
    for (let step = 0; st.totalViolation() > 0 && step < REPAIR_MAX_STEPS && !outOfTime(); step++) {
      ctx.progress({ phase: 'repair', message: `violation ${st.totalViolation().toExponential(2)}` });
      let best: { i: number; b: number; dv: number } | null = null;
      for (let i = 0; i < placed.length; i++) {
        for (let b = 0; b < nAcc; b++) {
          if (b === placed[i]!.account || (tabu.get(`${i}:${b}`) ?? -1) > step) continue;
          const e = moveEval(st, placed[i]!, b);
          if (e.dViolation < -VIOLATION_TOL && (!best || e.dViolation < best.dv)) best = { i, b, dv: e.dViolation };
        }
      }
      rounds++;
      if (best) {
        tabu.set(`${best.i}:${placed[best.i]!.account}`, step + TABU_TENURE);
        move(st, placed, best.i, best.b);
      } else if (!trySwap(st, placed)) {
        st.bumpViolatedWeights(BREAKOUT_FACTOR);
      }
      const v = st.totalViolation();
      if (v < bestV) {
        bestV = v;
        bestAt = placed.map((p) => p.account);
      }
    }
    if (st.totalViolation() > bestV) bestAt.forEach((a, i) => a !== placed[i]!.account && move(st, placed, i, a));
  }

  function trySwap(st: GreedyState, placed: Placement[]): boolean {
    const bad = violatedAccounts(st);
    for (let i = 0; i < placed.length; i++) {
      for (let j = 0; j < placed.length; j++) {
        if (outOfTime()) return false;
        const p = placed[i]!;
        const r = placed[j]!;
        if (!bad.has(p.account) || p.account === r.account) continue;
        const before = st.totalViolation(true);
        st.apply(p.account, p.trade, -p.qty);
        st.apply(r.account, r.trade, -r.qty);
        st.apply(r.account, p.trade, p.qty);
        st.apply(p.account, r.trade, r.qty);
        if (st.totalViolation(true) < before - VIOLATION_TOL) {
          placed[i] = { ...p, account: r.account };
          placed[j] = { ...r, account: p.account };
          return true;
        }
        st.apply(p.account, r.trade, -r.qty);
        st.apply(r.account, p.trade, -p.qty);
        st.apply(r.account, r.trade, r.qty);
        st.apply(p.account, p.trade, p.qty);
      }
    }
    return false;
  }

  function improve(st: GreedyState, placed: Placement[]) {
    for (let pass = 0; pass < IMPROVE_MAX_PASSES && !outOfTime(); pass++) {
      ctx.progress({ phase: 'improvement', message: `pass ${pass + 1}` });
      rounds++;
      if (improveMoves(st, placed)) continue;
      if (!improveSwaps(st, placed)) break;
    }
  }

  /** One pass of objective-lowering single moves that keep every hard constraint. */
  function improveMoves(st: GreedyState, placed: Placement[]): boolean {
    let improved = false;
    for (let i = 0; i < placed.length && !outOfTime(); i++) {
      let bestB = -1;
      let bestE: MoveEval | null = null;
      for (let b = 0; b < nAcc; b++) {
        if (b === placed[i]!.account) continue;
        const e = moveEval(st, placed[i]!, b, true);
        if (!e.acceptable || e.dViolation > 0) continue;
        if (lowers(e) && (!bestE || compareMoves(e, bestE, levelTol) < 0)) {
          bestE = e;
          bestB = b;
        }
      }
      if (bestB >= 0) {
        move(st, placed, i, bestB);
        improved = true;
      }
    }
    return improved;
  }

  /**
   * One pass of objective-lowering swaps (two chunks in different accounts trade places) that
   * keep every hard constraint: what single moves cannot do when a minimum balance or a hedge
   * pins an account's size.
   */
  function improveSwaps(st: GreedyState, placed: Placement[]): boolean {
    // Swaps are screened by their financing change (O(1)); only those that lower financing get
    // the full check. Without financing leading the objective, there are no swaps.
    const obj = model.request.objective;
    const fin = obj.terms.find((t) => t.kind === 'financingCost');
    if (!fin || (obj.lexicographic ? obj.terms[0] !== fin : fin.weight <= 0)) return false;
    let improved = false;
    for (let i = 0; i < placed.length; i++) {
      for (let j = i + 1; j < placed.length; j++) {
        if (outOfTime()) return improved;
        const p = placed[i]!;
        const r = placed[j]!;
        if (p.account === r.account) continue;
        if (st.swapFinancingDelta(p.account, p.trade, p.qty, r.account, r.trade, r.qty) >= -FINANCING_TOL) continue;
        const ea = st.evaluateChanges(p.account, [{ t: p.trade, dq: -p.qty }, { t: r.trade, dq: r.qty }], true);
        if (!ea.acceptable || ea.dViolation > 0) continue;
        const eb = st.evaluateChanges(r.account, [{ t: r.trade, dq: -r.qty }, { t: p.trade, dq: p.qty }], true);
        if (!eb.acceptable || eb.dViolation > 0) continue;
        const e: MoveEval = { acceptable: true, dViolation: 0, dLevels: Float64Array.from(ea.dLevels, (v, k) => v + eb.dLevels[k]!) };
        if (!lowers(e)) continue;
        st.apply(p.account, p.trade, -p.qty);
        st.apply(p.account, r.trade, r.qty);
        st.apply(r.account, r.trade, -r.qty);
        st.apply(r.account, p.trade, p.qty);
        placed[i] = { ...p, account: r.account };
        placed[j] = { ...r, account: p.account };
        improved = true;
      }
    }
    return improved;
  }

  function lowers(e: MoveEval): boolean {
    return compareMoves(e, { acceptable: true, dViolation: 0, dLevels: new Float64Array(e.dLevels.length) }, levelTol) < 0;
  }
}

export const greedyStrategy: AllocationStrategy = { name: 'greedy', run: runGreedy };
