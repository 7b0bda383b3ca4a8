/**
 * A ratio constraint `num/den op L` is linearised as `num − L·den op 0`, which is only
 * equivalent while den > 0. Before any work we bound den from below over every assignment the
 * strategies may produce and every scenario (base included), and reject the request when the
 * bound is ≤ 0.
 *
 * den is separable by security: with x_t ∈ {0, 1} (trade t in this account or not),
 *   den(x, σ) = k·cash₀ + Σ_s f_sσ(x_{T_s}),
 *   f_sσ = e_s(P_s)·π_sσ + d_s·P_s − k·Σ_{t∈T_s} x_t·sign_t·q_t·cp_t,   P_s = pos_s + Σ sign_t·q_t·x_t
 * (k = cash coefficient, π = dirty scenario price/100, d = dv01 coefficient). For each scenario
 * the minimum over x is the sum of per-security minima, and each per-security minimum is:
 * - exact: enumerated over the 2^m subsets of the m trades on that security when m ≤ 10, no
 *   splitting, and at least two accounts (with one account every trade is forced in);
 * - conservative otherwise: the LP relaxation x ∈ [0, 1] (which also covers any split into
 *   lots). e_s is linear on each side of P = 0, so the relaxation is two single-constraint LPs
 *   (P ≥ 0 and P ≤ 0), each solved exactly by a fractional-knapsack sweep.
 * The bound is therefore exact unless some security has more than 10 trades or splitting is on,
 * in which case it can only be lower than the true minimum (a request may be rejected that a
 * finer check would accept; never the reverse). The issue says which.
 */
import type { InputIssue } from '../contracts/index.js';
import type { AllocationModel, CompiledMetric } from './model.js';
import type { ScenarioSet } from './types.js';

export const EXACT_ENUMERATION_MAX_TRADES = 10;

export interface DenominatorBound {
  readonly min: number;
  readonly scenario: number;
  readonly exact: boolean;
}

interface SecurityTrades {
  readonly sec: number;
  readonly trades: readonly number[];
}

/** min Σ c_t x_t s.t. Σ b_t x_t ≥ beta, 0 ≤ x ≤ 1; +∞ when infeasible. */
function fractionalKnapsackMin(c: readonly number[], b: readonly number[], beta: number): number {
  let value = 0;
  let lhs = 0;
  // Start from the unconstrained optimum, then buy the missing Σ b x at the cheapest rate.
  const moves: { rate: number; gain: number; cost: number }[] = [];
  for (let i = 0; i < c.length; i++) {
    const ci = c[i]!;
    const bi = b[i]!;
    if (ci < 0 || (ci === 0 && bi > 0)) {
      value += ci;
      lhs += bi;
      if (bi < 0) moves.push({ rate: -ci / -bi, gain: -bi, cost: -ci }); // dropping it raises lhs
    } else if (bi > 0) {
      moves.push({ rate: ci / bi, gain: bi, cost: ci });
    }
  }
  if (lhs >= beta) return value;
  moves.sort((x, y) => x.rate - y.rate);
  for (const mv of moves) {
    const need = beta - lhs;
    if (mv.gain >= need) return value + mv.cost * (need / mv.gain);
    value += mv.cost;
    lhs += mv.gain;
  }
  return Infinity;
}

/**
 * The lines of {a_i·π + b_i} that reach the lower envelope somewhere on [lo, hi], found by
 * walking it left to right: the minimum over all lines at any π in the interval is the minimum
 * over these (usually one to three instead of up to 2^10).
 */
export function lowerEnvelope(a: Float64Array, b: Float64Array, lo: number, hi: number): { a: Float64Array; b: Float64Array } {
  const n = a.length;
  if (n <= 2) return { a, b };
  const keepA: number[] = [];
  const keepB: number[] = [];
  let x = lo;
  let cur = -1;
  for (let i = 0; i < n; i++) {
    const v = a[i]! * x + b[i]!;
    if (cur < 0 || v < a[cur]! * x + b[cur]! || (v === a[cur]! * x + b[cur]! && a[i]! < a[cur]!)) cur = i;
  }
  for (;;) {
    keepA.push(a[cur]!);
    keepB.push(b[cur]!);
    // The next line to undercut the current one: a smaller slope, crossing soonest after x.
    let next = -1;
    let nextX = Infinity;
    for (let j = 0; j < n; j++) {
      if (a[j]! >= a[cur]!) continue;
      const xj = (b[j]! - b[cur]!) / (a[cur]! - a[j]!);
      if (xj >= x && (xj < nextX || (xj === nextX && a[j]! < a[next]!))) {
        nextX = xj;
        next = j;
      }
    }
    if (next < 0 || nextX > hi) break;
    x = nextX;
    cur = next;
  }
  return { a: Float64Array.from(keepA), b: Float64Array.from(keepB) };
}

export function boundDenominator(
  model: AllocationModel,
  accountIndex: number,
  den: CompiledMetric,
  scenarios: ScenarioSet,
): DenominatorBound {
  const acc = model.accounts[accountIndex]!;
  const N = model.nSec;
  const S = scenarios.count;
  const forced = model.nAcc === 1;
  const split = model.request.options.allowSplit;
  const bySec = new Map<number, number[]>();
  for (let t = 0; t < model.nTrade; t++) {
    const s = model.tradeSec[t]!;
    const list = bySec.get(s);
    if (list) list.push(t);
    else bySec.set(s, [t]);
  }
  const groups: SecurityTrades[] = [...bySec].map(([sec, trades]) => ({ sec, trades }));
  let exact = true;
  const slopePos = (s: number) => den.mv[s]! + den.gross[s]! + den.long[s]!;
  const slopeNeg = (s: number) => den.mv[s]! - den.gross[s]! - den.short[s]!;
  const dvc = (s: number) => (den.dv01[s]! * model.dv01[s]!) / 100;

  // Each candidate subset of a security's trades contributes a line a·π + b in the scenario's
  // dirty price π: a = e(P)·1 (slope side by the sign of P), b = dv01 part − cash part.
  // Enumerable groups keep all their lines; the minimum per scenario is over those lines.
  const line = (s: number, P: number, cashOut: number): [number, number] => [
    (P >= 0 ? slopePos(s) : slopeNeg(s)) * P,
    dvc(s) * P - den.cash * cashOut,
  ];
  const lines: ({ a: Float64Array; b: Float64Array } | null)[] = groups.map((g) => {
    const p0 = acc.pos0[g.sec]!;
    if (forced) {
      let P = p0;
      let cashOut = 0;
      for (const t of g.trades) {
        const q = model.tradeSign[t]! * model.tradeQty[t]!;
        P += q;
        cashOut += q * model.tradeCashPerFace[t]!;
      }
      const [a, b] = line(g.sec, P, cashOut);
      return { a: Float64Array.of(a), b: Float64Array.of(b) };
    }
    if (split || g.trades.length > EXACT_ENUMERATION_MAX_TRADES) return null;
    const m = g.trades.length;
    const a = new Float64Array(1 << m);
    const b = new Float64Array(1 << m);
    const dP = new Float64Array(1 << m);
    const dC = new Float64Array(1 << m);
    for (let mask = 0; mask < 1 << m; mask++) {
      if (mask > 0) {
        const low = mask & -mask;
        const t = g.trades[31 - Math.clz32(low)]!;
        const q = model.tradeSign[t]! * model.tradeQty[t]!;
        dP[mask] = dP[mask ^ low]! + q;
        dC[mask] = dC[mask ^ low]! + q * model.tradeCashPerFace[t]!;
      }
      [a[mask], b[mask]] = line(g.sec, p0 + dP[mask]!, dC[mask]!);
    }
    return { a, b };
  });
  if (!forced && lines.some((l) => l === null)) exact = false;
  // Keep only the lines on each group's lower envelope over its scenario price range.
  groups.forEach((g, gi) => {
    const ln = lines[gi];
    if (!ln || ln.a.length <= 2) return;
    const s = g.sec;
    let lo = model.price[s]!;
    let hi = lo;
    for (let k = 0; k < S; k++) {
      const p = model.price[s]! * (1 + scenarios.returns[k * N + s]!);
      if (p < lo) lo = p;
      if (p > hi) hi = p;
    }
    const c = model.accrued[s]!;
    lines[gi] = lowerEnvelope(ln.a, ln.b, (lo + c) / 100, (hi + c) / 100);
  });

  // Securities nobody trades: a fixed line each.
  const traded = new Set(bySec.keys());
  const fixed: { s: number; a: number; b: number }[] = [];
  for (let s = 0; s < N; s++) {
    if (traded.has(s) || acc.pos0[s] === 0) continue;
    const [a, b] = line(s, acc.pos0[s]!, 0);
    fixed.push({ s, a, b });
  }

  let best = Infinity;
  let bestScenario = 0;
  const R = scenarios.returns;
  for (let sigma = 0; sigma <= S; sigma++) {
    const row = (sigma - 1) * N;
    const pi = (s: number) => (model.price[s]! * (1 + (sigma === 0 ? 0 : R[row + s]!)) + model.accrued[s]!) / 100;
    let v = den.cash * acc.cash0;
    for (const f of fixed) v += f.a * pi(f.s) + f.b;
    for (let gi = 0; gi < groups.length; gi++) {
      const g = groups[gi]!;
      const ps = pi(g.sec);
      const ln = lines[gi];
      if (ln) {
        let m = Infinity;
        for (let i = 0; i < ln.a.length; i++) {
          const val = ln.a[i]! * ps + ln.b[i]!;
          if (val < m) m = val;
        }
        v += m;
        continue;
      }
      // LP relaxation on each side of P = 0.
      const s = g.sec;
      const p0 = acc.pos0[s]!;
      let m = Infinity;
      for (const side of [1, -1] as const) {
        const slope = (side === 1 ? slopePos(s) : slopeNeg(s)) * ps + dvc(s);
        const c: number[] = [];
        const b: number[] = [];
        for (const t of g.trades) {
          const q = model.tradeSign[t]! * model.tradeQty[t]!;
          c.push(slope * q - den.cash * q * model.tradeCashPerFace[t]!);
          b.push(side * q);
        }
        const lp = fractionalKnapsackMin(c, b, -side * p0);
        if (lp < Infinity) m = Math.min(m, slope * p0 + lp);
      }
      v += m;
    }
    if (v < best) {
      best = v;
      bestScenario = sigma;
    }
  }
  return { min: best, scenario: bestScenario, exact: forced || exact };
}

/** Issues for every ratio constraint whose denominator can reach ≤ 0. */
export function checkRatioDenominators(model: AllocationModel, scenarios: ScenarioSet): InputIssue[] {
  const issues: InputIssue[] = [];
  model.accounts.forEach((acc, a) => {
    const cache = new Map<number, DenominatorBound>();
    for (const c of acc.constraints) {
      if (!c.ratio) continue;
      let b = cache.get(c.ratio.den);
      if (!b) {
        b = boundDenominator(model, a, acc.metrics[c.ratio.den]!, scenarios);
        cache.set(c.ratio.den, b);
      }
      if (!(b.min > 0)) {
        const where = b.scenario === 0 ? 'at base prices' : `in scenario ${b.scenario}`;
        issues.push({
          path: `${c.path}.ratio[1]`,
          message:
            `denominator "${acc.metrics[c.ratio.den]!.id}" can reach ${b.min.toPrecision(6)} ≤ 0 ${where} for some assignment of the trades ` +
            `(${b.exact ? 'exact minimum' : 'conservative LP-relaxation bound'}); the ratio is undefined there`,
        });
      }
    }
  });
  return issues;
}
