/**
 * Metric engine: every metric of every account in every scenario for a given allocation, from
 * the compiled model (see model.ts for the algebra). Strategies use it; the independent
 * validator (validate.ts) deliberately does not.
 */
import { evaluateScenariosDense } from '@keel/solver-native/kernels';
import { buildAccountStates, type AccountState, type AllocationModel, type CompiledAccount, type CompiledMetric } from './model.js';
import type { ScenarioSet } from './types.js';

/**
 * out (K × S) = H (K × N) · Rᵀ (R: S × N), the dense scenario sweep, through the scenario
 * kernels of @keel/solver-native (native when the addon is built, else their TS path). Empty
 * shapes, which the kernels reject, are answered here.
 */
export function sweepScenarios(h: Float64Array, K: number, N: number, R: Float64Array, S: number, out = new Float64Array(K * S)): Float64Array {
  if (K === 0 || S === 0) return out;
  if (N === 0) return out.fill(0);
  return evaluateScenariosDense({ items: N, holders: K, scenarios: S, holderWeights: h, scenarioValues: R }, { out }).values;
}

/** e_s(P) = mv·P + gross·|P| + long·P⁺ + short·P⁻ for one security. */
export function exposure(m: CompiledMetric, s: number, p: number): number {
  if (p === 0) return 0;
  return p > 0 ? (m.mv[s]! + m.gross[s]! + m.long[s]!) * p : (m.mv[s]! - m.gross[s]! - m.short[s]!) * p;
}

/**
 * Metric values of one account: Float64Array nMetrics × (S + 1), row m = metric m, column σ
 * (σ = 0 base).
 */
export function evaluateAccountMetrics(
  model: AllocationModel,
  account: CompiledAccount,
  state: AccountState,
  scenarios: ScenarioSet,
): Float64Array {
  const K = account.metrics.length;
  const N = model.nSec;
  const S = scenarios.count;
  const W = S + 1;
  const h = new Float64Array(K * N);
  const base = new Float64Array(K);
  account.metrics.forEach((m, k) => {
    let v = m.cash * state.cash;
    for (let s = 0; s < N; s++) {
      const p = state.positions[s]!;
      if (p === 0) continue;
      const e = exposure(m, s, p);
      v += (e * (model.price[s]! + model.accrued[s]!)) / 100 + (m.dv01[s]! * p * model.dv01[s]!) / 100;
      h[k * N + s] = (e * model.price[s]!) / 100;
    }
    base[k] = v;
  });
  const sweep = sweepScenarios(h, K, N, scenarios.returns, S);
  const out = new Float64Array(K * W);
  for (let k = 0; k < K; k++) {
    out[k * W] = base[k]!;
    for (let s = 0; s < S; s++) out[k * W + 1 + s] = base[k]! + sweep[k * S + s]!;
  }
  return out;
}

export interface AllocationMetrics {
  readonly states: readonly AccountState[];
  /** Per account: nMetrics × (S + 1). */
  readonly values: readonly Float64Array[];
  readonly width: number;
}

export function evaluateAllocationMetrics(model: AllocationModel, quantities: Float64Array, scenarios: ScenarioSet): AllocationMetrics {
  const states = buildAccountStates(model, quantities);
  const values = model.accounts.map((acc, a) => evaluateAccountMetrics(model, acc, states[a]!, scenarios));
  return { states, values, width: scenarios.count + 1 };
}

/**
 * Slack of every constraint of an account in every scenario (nConstraints × width): rhs − g
 * for `<=`, g − rhs for `>=`, g = Σ coef·M. Negative = violated.
 */
export function evaluateConstraintSlacks(account: CompiledAccount, metricValues: Float64Array, width: number): Float64Array {
  const out = new Float64Array(account.constraints.length * width);
  account.constraints.forEach((c, ci) => {
    const o = ci * width;
    for (const { metric, coef } of c.rows) {
      const m = metric * width;
      for (let s = 0; s < width; s++) out[o + s]! += coef * metricValues[m + s]!;
    }
    const sign = c.op === '<=' ? -1 : 1;
    for (let s = 0; s < width; s++) out[o + s] = sign * (out[o + s]! - c.rhs);
  });
  return out;
}
