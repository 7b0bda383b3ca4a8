/**
 * Execution scheduling (MODELS.md §3): split a parent order of `totalShares` over `intervals`
 * bins to minimise Σ_t g_t(x_t) subject to Σ_t x_t = S and 0 ≤ x_t ≤ cap_t.
 *
 * Units: shares are shares; a bin is one interval of the day (one minute by default). For the
 * linear and power-law models the cost is in the units of the coefficients: with coefficients
 * fitted from slippage in bps (see `fitImpactModels`), g_t(x) = x · slippage_bps(x), so the cost
 * is in bps·shares and `costPerShare` is the average slippage in bps. For Almgren–Chriss the
 * cost is E + λ·Var in the currency of σ, η, γ, ε (per share).
 */

export const IMPACT_MODELS = ['linear', 'powerLaw', 'almgrenChriss'] as const;
export type ImpactModelName = (typeof IMPACT_MODELS)[number];

/** g_t(x) = β_t x². */
export interface LinearImpactSpec {
  readonly model: 'linear';
  readonly beta: readonly number[];
}

/**
 * g_t(x) = η_t x^(1+a), 0 < a ≤ 1. `exponent` is one a for every bin (MODELS.md) or, as a Keel
 * extension, one a_t per bin.
 */
export interface PowerLawImpactSpec {
  readonly model: 'powerLaw';
  readonly eta: readonly number[];
  readonly exponent: number | readonly number[];
}

/**
 * Almgren & Chriss (2000): linear permanent impact γ, linear temporary impact η with fixed
 * cost ε per share, volatility σ (per √period), risk aversion λ, period length τ. The order is
 * worked over T = N·τ; the objective is E + λ·Var of the implementation shortfall.
 */
export interface AlmgrenChrissImpactSpec {
  readonly model: 'almgrenChriss';
  readonly sigma: number;
  readonly eta: number;
  readonly gamma: number;
  readonly epsilon: number;
  readonly lambda: number;
  /** Period length τ in the time unit of σ and η; default 1. */
  readonly tau?: number;
}

export type ImpactSpec = LinearImpactSpec | PowerLawImpactSpec | AlmgrenChrissImpactSpec;

export interface ExecutionRequest {
  /** S, whole shares ≥ 0. */
  readonly totalShares: number;
  /** N ≥ 1. */
  readonly intervals: number;
  readonly impact: ImpactSpec;
  /** Market volume per bin (shares, N values): VWAP baseline and participation caps. */
  readonly volume?: readonly number[];
  /** ρ ∈ (0, 1]: at most ρ·volume_t shares in bin t (needs `volume`). */
  readonly participation?: number;
  /** Explicit caps per bin (shares, N values ≥ 0); combined with ρ·volume_t by min. */
  readonly caps?: readonly number[];
  /** Keel extension: order sizes for the sensitivity table (default S × 0.5, 0.75, 1, 1.5, 2). */
  readonly sensitivityShares?: readonly number[];
}

export const EXECUTION_STATUSES = ['optimal', 'infeasible', 'inaccurate'] as const;
/**
 * `optimal`: the continuous schedule passed the independent KKT check;
 * `infeasible`: the caps allow fewer than S whole shares (see `shortfall`);
 * `inaccurate`: a schedule was found but the KKT check did not pass its tolerance.
 */
export type ExecutionStatus = (typeof EXECUTION_STATUSES)[number];

/**
 * `water_filling`: exact sort-and-segment solve (linear, power law with one exponent);
 * `multiplier_search`: safeguarded Newton on ν (power law with per-bin exponents);
 * `closed_form`: the Almgren–Chriss sinh trajectory (no cap binds);
 * `qp`: the generic QP solver, then exact active-set refinement (Almgren–Chriss with binding caps);
 * `active_set`: the same refinement started from the clipped closed form, no QP solver given.
 */
export const EXECUTION_SOLVERS = ['trivial', 'water_filling', 'multiplier_search', 'closed_form', 'qp', 'active_set'] as const;
export type ExecutionSolver = (typeof EXECUTION_SOLVERS)[number];

export interface BaselineInfo {
  /** The baseline in whole shares (largest remainder, caps ignored). */
  readonly schedule: number[];
  /** Model cost of the whole-share baseline schedule. */
  readonly cost: number;
  /** Model cost of the fractional baseline. */
  readonly continuousCost: number;
  /** Whether the baseline respects every cap (it is evaluated either way). */
  readonly withinCaps: boolean;
}

/** Independent optimality check of the continuous schedule, recomputed from the request. */
export interface KktReport {
  readonly ok: boolean;
  /** |Σx − S| / max(S, 1). */
  readonly sumError: number;
  /** Largest bound violation max(−x_t, x_t − cap_t), shares. */
  readonly boundViolation: number;
  /** Multiplier ν of Σx = S: the common marginal cost g'_t(x_t) of bins strictly inside their bounds. */
  readonly multiplier: number;
  /** max |g'_t(x_t) − ν| over free bins, relative to the gradient scale. */
  readonly stationarity: number;
  /** Largest sign violation at a bound (capped bins need g' ≤ ν, empty bins g' ≥ ν), relative. */
  readonly complementarity: number;
  readonly freeBins: number;
  readonly cappedBins: number;
  readonly emptyBins: number;
  readonly tolerance: number;
}

export interface AlmgrenChrissInfo {
  readonly kappa: number;
  readonly kappaTilde: number;
  readonly etaTilde: number;
  /** Holdings still to trade after each period, x_0 = S … x_N = 0 (continuous schedule). */
  readonly holdings: number[];
  /** E[shortfall] and Var[shortfall] of the continuous schedule. */
  readonly expectedCost: number;
  readonly variance: number;
  /** True when the unconstrained closed form was feasible (no cap binds) and is the answer. */
  readonly closedFormFeasible: boolean;
}

export interface ExecutionInfo {
  readonly model: ImpactModelName;
  readonly solver: ExecutionSolver;
  readonly solveTimeMs: number;
  /** Effective whole-share caps per bin (null = no cap), after min(caps, ⌊ρ·volume⌋). */
  readonly caps: (number | null)[] | null;
  readonly kkt: KktReport | null;
  /**
   * The QP solve behind solver `qp`: its status, iterations and backend (`error` with the message
   * when it threw), and whether the exact active-set refinement settled (`refined`).
   */
  readonly qp?: { readonly status: string; readonly iterations: number; readonly backend: string; readonly refined: boolean; readonly error?: string };
  readonly almgrenChriss?: AlmgrenChrissInfo;
}

export interface SensitivityRow {
  readonly totalShares: number;
  readonly status: ExecutionStatus;
  readonly cost: number;
  readonly twapCost: number;
  readonly vwapCost: number | null;
  readonly improvementVsTwapPct: number | null;
  readonly improvementVsVwapPct: number | null;
  readonly cappedBins: number;
  readonly shortfall: number;
}

export interface ExecutionResult {
  readonly status: ExecutionStatus;
  readonly totalShares: number;
  readonly intervals: number;
  /** Whole shares per bin; sums to totalShares exactly unless infeasible (then: the caps). */
  readonly schedule: number[];
  /** The exact continuous optimum. */
  readonly continuous: number[];
  /** Model objective of `schedule` (for Almgren–Chriss E + λ·Var). */
  readonly cost: number;
  readonly continuousCost: number;
  /** cost / totalShares (bps when the coefficients are fitted from slippage in bps). */
  readonly costPerShare: number;
  readonly baselines: { readonly twap: BaselineInfo; readonly vwap?: BaselineInfo };
  /** (baseline − optimal) / baseline · 100 on whole-share schedules; null when infeasible. */
  readonly improvementPct: { readonly vsTwap: number | null; readonly vsVwap?: number | null };
  /** Shares the caps cannot fit (S − Σ caps); 0 unless infeasible. */
  readonly shortfall: number;
  readonly info: ExecutionInfo;
  readonly sensitivity?: SensitivityRow[];
}
