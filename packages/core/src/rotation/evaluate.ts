import { sectorCapOf, type OptimizationConfig } from './config.js';
import { hasBetas, sectorsOf } from './qp-model.js';
import { riskQuadratic, type FactorRisk } from './risk-model.js';
import type { RotationName } from './types.js';

/**
 * Independent evaluation of target weights: the seed's objective and every constraint,
 * recomputed from the raw universe, config and Σ at the weights themselves (never from solver
 * variables such as t± or w±). A QP result is reported optimal only when this agrees.
 */

export interface ConstraintCheck {
  /** `budget`, `net`, `gross`, `turnover`, `beta`, `sector:<s>`, `per_name_cap`, `per_name_turnover`, `long_only`. */
  readonly id: string;
  readonly value: number;
  readonly lower: number;
  readonly upper: number;
  /** Distance to the nearer bound (negative when violated). */
  readonly slack: number;
  readonly pass: boolean;
  /** Within tolerance of a bound. */
  readonly binding: boolean;
  /** For per-name checks: the name with the worst slack. */
  readonly worst?: string;
}

export interface ObjectiveSplit {
  /** zᵀw − λ wᵀΣw − γ Σ cᵢ|wᵢ − w0ᵢ| (maximised). */
  readonly value: number;
  readonly alpha: number;
  /** λ wᵀΣw. */
  readonly risk: number;
  /** γ Σ cᵢ|wᵢ − w0ᵢ|. */
  readonly cost: number;
}

export interface RotationEvaluation {
  readonly objective: ObjectiveSplit;
  readonly checks: readonly ConstraintCheck[];
  readonly pass: boolean;
  readonly violations: readonly string[];
}

/**
 * Feasibility tolerance in weight units (1e-6 = 0.01 bp of NAV). An ADMM solution meets each
 * solver row to ~1e-9, but a sum over n names (turnover through n link rows) accumulates n such
 * residuals; 1e-6 covers that up to a few thousand names and is far below what whole-share
 * rounding of the orders moves (one share of a $50 stock on a $1M book is 5e-5).
 */
export const DEFAULT_FEASIBILITY_TOL = 1e-6;

/** The objective at w; Σ dense (n × n row-major) or a factor model (wᵀΣw from w alone, see riskQuadratic). */
export function evaluateObjective(universe: readonly RotationName[], config: OptimizationConfig, sigma: Float64Array | FactorRisk, w: ArrayLike<number>): ObjectiveSplit {
  const n = universe.length;
  let alpha = 0;
  let cost = 0;
  for (let i = 0; i < n; i++) {
    const wi = w[i]!;
    const u = universe[i]!;
    alpha += u.z * wi;
    cost += u.cost * Math.abs(wi - u.weight);
  }
  const risk = config.lambda_risk * riskQuadratic(sigma, w);
  cost *= config.gamma_cost;
  return { value: alpha - risk - cost, alpha, risk, cost };
}

export function evaluateRotationWeights(
  universe: readonly RotationName[],
  config: OptimizationConfig,
  sigma: Float64Array | FactorRisk,
  w: ArrayLike<number>,
  tol = DEFAULT_FEASIBILITY_TOL,
): RotationEvaluation {
  const c = config;
  const n = universe.length;
  const checks: ConstraintCheck[] = [];
  const check = (id: string, value: number, lower: number, upper: number, worst?: string) => {
    const slack = Math.min(value - lower, upper - value);
    checks.push({ id, value, lower, upper, slack, pass: slack >= -tol, binding: Math.abs(slack) <= Math.max(tol, 1e-9), ...(worst !== undefined ? { worst } : {}) });
  };
  let net = 0;
  let gross = 0;
  let turnover = 0;
  for (let i = 0; i < n; i++) {
    net += w[i]!;
    gross += Math.abs(w[i]!);
    turnover += Math.abs(w[i]! - universe[i]!.weight);
  }
  if (c.budget !== undefined) check('budget', net, c.budget, c.budget);
  check('net', net, -c.max_net_exposure, c.max_net_exposure);
  check('gross', gross, -Infinity, c.max_gross_exposure);
  check('turnover', turnover, -Infinity, c.max_turnover);
  if (hasBetas(universe)) {
    let b = 0;
    for (let i = 0; i < n; i++) b += universe[i]!.beta! * w[i]!;
    check('beta', b, -c.beta_tolerance, c.beta_tolerance);
  }
  for (const [s, members] of sectorsOf(universe)) {
    let sum = 0;
    for (const i of members) sum += w[i]!;
    const cap = sectorCapOf(c, s);
    check(`sector:${s}`, sum, -cap, cap);
  }
  // Per-name rows: report the worst name of each kind.
  const worstOf = (f: (i: number) => number): { i: number; v: number } => {
    let best = { i: 0, v: -Infinity };
    for (let i = 0; i < n; i++) {
      const v = f(i);
      if (v > best.v) best = { i, v };
    }
    return best;
  };
  const cap = worstOf((i) => Math.abs(w[i]!) - c.per_name_cap);
  check('per_name_cap', Math.abs(w[cap.i]!), -c.per_name_cap, c.per_name_cap, universe[cap.i]!.symbol);
  const tr = worstOf((i) => Math.abs(w[i]! - universe[i]!.weight) - c.max_turnover_per_name);
  check('per_name_turnover', Math.abs(w[tr.i]! - universe[tr.i]!.weight), -Infinity, c.max_turnover_per_name, universe[tr.i]!.symbol);
  if (c.long_only) {
    const neg = worstOf((i) => -w[i]!);
    check('long_only', w[neg.i]!, 0, Infinity, universe[neg.i]!.symbol);
  }
  const violations = checks.filter((k) => !k.pass).map((k) => `${k.id}${k.worst ? ` (${k.worst})` : ''}: ${k.value} outside [${k.lower}, ${k.upper}]`);
  return { objective: evaluateObjective(universe, config, sigma, w), checks, pass: violations.length === 0, violations };
}
