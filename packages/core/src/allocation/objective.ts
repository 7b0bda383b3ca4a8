/**
 * The objective, evaluated at a given allocation. Every strategy and the report share these
 * functions, so a MIP's objective and the reported one agree for the same allocation.
 *
 * Terms (natural units) — all minimised except headroom:
 *   financingCost F = Σ_a Σ_s (rateLong·P⁺ + rateShort·P⁻)·(p_s + c_s)/100 · horizonDays/360
 *                     (post-trade positions at base dirty prices; rates by account and type)
 *   headroom      H = min over hard constraints c, accounts, scenarios σ (base included) of
 *                     slack_c(σ) / n_c  (n_c: `constraintNormaliser` in model.ts). Maximised.
 *   risk          R = Σ_a CVaR_alpha(L_a), L_a(σ) = −Σ_s P_as·p_s·R[σ,s]/100 over the S
 *                     scenarios (base excluded), equally likely. With t = (1−alpha)·S (snapped to
 *                     an integer within 1e-9) and m = max(1, ⌈t⌉), sorting losses worst first:
 *                     CVaR = (Σ_{i<m} L(i) + (t − (m−1))·L(m)) / t, which equals the
 *                     Rockafellar–Uryasev LP optimum min_ζ ζ + Σ_σ (L(σ) − ζ)⁺ / t. Zero
 *                     without scenarios.
 *   softPenalty   Σ over soft constraints of penalty·max(0, −min_σ slack_c(σ))/n_c.
 *
 * Scales (constants of the request, reported in `objective.scale`): with B = the book size
 * (traded notional + pre-trade gross over all accounts, at dirty prices; 1 when zero)
 *   financingCost: B·1%·horizonDays/360 (financing the whole book at 1%)
 *   risk:          B·1%                 (a loss of 1% of the book)
 *   headroom:      1                    (already a fraction of each limit)
 *
 * value = w_F·F/scale_F − w_H·H + w_R·R/scale_R + softPenalty (weights from the request; a term
 * absent from `objective.terms` contributes nothing and is not reported). With `lexicographic`
 * the terms are optimised in order; `value` is still this weighted sum, for reference.
 */
import { evaluateConstraintSlacks, evaluateAllocationMetrics, sweepScenarios } from './metrics.js';
import type { AccountState, AllocationModel } from './model.js';
import type { ObjectiveReport, ObjectiveTerms, ScenarioSet } from './types.js';

export interface ObjectiveScales {
  readonly financingCost: number;
  readonly headroom: number;
  readonly risk: number;
}

export function objectiveScales(model: AllocationModel): ObjectiveScales {
  const B = model.bookSize > 0 ? model.bookSize : 1;
  const h = model.request.options.horizonDays;
  return { financingCost: (B * 0.01 * h) / 360 || 1, headroom: 1, risk: B * 0.01 };
}

/** Financing cost of one account's position in one security (money over the horizon). */
export function positionFinancing(model: AllocationModel, a: number, s: number, P: number): number {
  if (P === 0) return 0;
  const acc = model.accounts[a]!;
  const rate = P > 0 ? acc.rateLong[s]! : acc.rateShort[s]!;
  const r = Number.isNaN(rate) ? 0 : rate; // parse requires rates for every type in use
  return ((r * Math.abs(P) * (model.price[s]! + model.accrued[s]!)) / 100) * (model.request.options.horizonDays / 360);
}

export function evaluateFinancingCost(model: AllocationModel, states: readonly AccountState[]): number {
  let f = 0;
  states.forEach((st, a) => {
    for (let s = 0; s < model.nSec; s++) f += positionFinancing(model, a, s, st.positions[s]!);
  });
  return f;
}

/**
 * Tail size t = (1 − alpha)·S, snapped to a whole number of scenarios within 1e-9 (0.05·1000
 * is 49.99999… in floating point). Never snapped to 0: a tail thinner than one scenario is
 * still a tail (CVaR → the worst loss), and every user divides by t.
 */
export function cvarTail(alpha: number, S: number): number {
  const t = (1 - alpha) * S;
  const r = Math.round(t);
  return r >= 1 && Math.abs(t - r) < 1e-9 ? r : t;
}

/** CVaR of a loss sample (see the header); 0 for an empty sample. */
export function evaluateCvar(losses: ArrayLike<number>, alpha: number): number {
  const S = losses.length;
  if (S === 0) return 0;
  const t = cvarTail(alpha, S);
  if (t <= 0) return Math.max(...Array.from(losses));
  const m = Math.max(1, Math.ceil(t));
  const sorted = Float64Array.from(losses).sort().reverse();
  let sum = 0;
  for (let i = 0; i < m - 1; i++) sum += sorted[i]!;
  // Weights 1/t on the m − 1 largest and (t − (m − 1))/t on the m-th: exactly the worst loss when m = 1.
  return sum / t + ((t - (m - 1)) / t) * sorted[m - 1]!;
}

/** Per-account scenario losses: nAcc × S, L = −Σ_s P·p·R/100. */
export function evaluateAccountLosses(model: AllocationModel, states: readonly AccountState[], scenarios: ScenarioSet): Float64Array {
  const K = model.nAcc;
  const N = model.nSec;
  const h = new Float64Array(K * N);
  states.forEach((st, a) => {
    for (let s = 0; s < N; s++) h[a * N + s] = (-st.positions[s]! * model.price[s]!) / 100;
  });
  return sweepScenarios(h, K, N, scenarios.returns, scenarios.count);
}

export function evaluateRisk(model: AllocationModel, states: readonly AccountState[], scenarios: ScenarioSet, alpha: number) {
  const S = scenarios.count;
  const losses = evaluateAccountLosses(model, states, scenarios);
  const perAccount = model.accounts.map((_, a) => evaluateCvar(losses.subarray(a * S, (a + 1) * S), alpha));
  return { total: perAccount.reduce((x, y) => x + y, 0), perAccount };
}

/** Headroom and soft penalty from every account's constraint slacks (nConstraints × width). */
export function evaluateHeadroomAndPenalty(model: AllocationModel, slacks: readonly Float64Array[], width: number) {
  let headroom = Infinity;
  let softPenalty = 0;
  model.accounts.forEach((acc, a) => {
    const sl = slacks[a]!;
    acc.constraints.forEach((c, ci) => {
      let min = Infinity;
      for (let s = 0; s < width; s++) min = Math.min(min, sl[ci * width + s]!);
      if (c.softPenalty !== undefined) softPenalty += (c.softPenalty * Math.max(0, -min)) / c.normaliser;
      else headroom = Math.min(headroom, min / c.normaliser);
    });
  });
  return { headroom, softPenalty };
}

/** The objective report of an allocation (trade × account quantities, face). */
export function evaluateObjective(model: AllocationModel, quantities: Float64Array, scenarios: ScenarioSet): ObjectiveReport {
  const { states, values, width } = evaluateAllocationMetrics(model, quantities, scenarios);
  const slacks = model.accounts.map((acc, a) => evaluateConstraintSlacks(acc, values[a]!, width));
  return combineObjective(model, {
    states,
    scenarios,
    ...evaluateHeadroomAndPenalty(model, slacks, width),
  });
}

/** Assembles the report from evaluated parts (strategies that track slacks call this directly). */
export function combineObjective(
  model: AllocationModel,
  parts: { states: readonly AccountState[]; scenarios: ScenarioSet; headroom: number; softPenalty: number },
): ObjectiveReport {
  const scale = objectiveScales(model);
  const terms: { -readonly [K in keyof ObjectiveTerms]: ObjectiveTerms[K] } = {};
  let value = 0;
  for (const t of model.request.objective.terms) {
    if (t.kind === 'financingCost') {
      terms.financingCost = evaluateFinancingCost(model, parts.states);
      value += (t.weight * terms.financingCost) / scale.financingCost;
    } else if (t.kind === 'headroom') {
      terms.headroom = parts.headroom;
      value -= t.weight * parts.headroom;
    } else {
      terms.risk = evaluateRisk(model, parts.states, parts.scenarios, t.alpha).total;
      value += (t.weight * terms.risk) / scale.risk;
    }
  }
  if (model.accounts.some((a) => a.constraints.some((c) => c.softPenalty !== undefined))) {
    terms.softPenalty = parts.softPenalty;
    value += parts.softPenalty;
  }
  return { value, terms, scale };
}
