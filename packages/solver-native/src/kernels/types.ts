/**
 * Scenario kernels: every holder's value in every scenario, plus tail statistics.
 *
 * Generic maths, no finance: *items* (instruments) carry per-scenario value changes; a
 * *holder* is any weighting of items (an account × metric: signed or absolute holdings
 * times metric weights). All matrices are row-major `Float64Array`s with explicit sizes:
 *
 *   holderWeights  K × N   h[k·N + n]   weight of item n in holder k
 *   values (out)   K × S   v[k·S + s]   value of holder k in scenario s
 *
 * Two ways to give the scenarios:
 *   dense       S × N matrix R of unit values/returns:  v[k,s] = Σ_n h[k,n]·(base[n] + R[s,n])
 *   structured  S × B shocks x to B buckets/factors, items exposed through E (N × B) and an
 *               optional diagonal second-order term G (N × B):
 *                 change[n,s] = Σ_b E[n,b]·x[s,b] + ½·Σ_b G[n,b]·x[s,b]²
 *                 v[k,s]      = Σ_n h[k,n]·(base[n] + change[n,s])
 *               evaluated by aggregating holders per bucket first (A = H·E, Q = H·G, K × B),
 *               so the cost is O(K·nnz(E) + K·S·B) instead of O(K·S·N).
 *               A duration/convexity bond in curve bucket b: E[n,b] = −D·P, G[n,b] = C·P
 *               (value change −D·P·Δy + ½·C·P·Δy²).
 * `base` is optional (absent = 0: the outputs are value changes, e.g. P&L).
 */

export const KERNEL_BACKENDS = ['native', 'ts'] as const;
export type KernelBackend = (typeof KERNEL_BACKENDS)[number];

export interface DenseScenarioSpec {
  /** N */
  readonly items: number;
  /** K */
  readonly holders: number;
  /** S */
  readonly scenarios: number;
  /** K × N, row-major. */
  readonly holderWeights: Float64Array;
  /** S × N, row-major: item n's unit value change (or return) in scenario s. */
  readonly scenarioValues: Float64Array;
  /** N, optional constant per item added in every scenario (absent = 0). */
  readonly itemBase?: Float64Array | undefined;
}

/** Exposure of items to buckets/factors as dense N × B matrices (row-major). */
export interface DenseExposure {
  readonly kind: 'dense';
  /** N × B first-order exposure E. */
  readonly first: Float64Array;
  /** N × B diagonal second-order exposure G (absent = 0). */
  readonly second?: Float64Array | undefined;
}

/**
 * Exposure as compressed rows, one row per item (CSR): item n's entries are
 * `rowPtr[n] .. rowPtr[n+1]`. Bucket indices need not be sorted; repeats add up.
 */
export interface SparseExposure {
  readonly kind: 'sparse';
  /** N + 1, non-decreasing, rowPtr[0] = 0, rowPtr[N] = nnz. */
  readonly rowPtr: Int32Array;
  /** nnz bucket indices in 0..B−1. */
  readonly bucket: Int32Array;
  /** nnz first-order values. */
  readonly first: Float64Array;
  /** nnz second-order values (absent = 0). */
  readonly second?: Float64Array | undefined;
}

export type Exposure = DenseExposure | SparseExposure;

export interface StructuredScenarioSpec {
  readonly items: number;
  readonly holders: number;
  readonly scenarios: number;
  /** B: buckets or factors. */
  readonly factors: number;
  /** K × N, row-major. */
  readonly holderWeights: Float64Array;
  readonly exposure: Exposure;
  /** S × B, row-major: shock to bucket/factor b in scenario s. */
  readonly shocks: Float64Array;
  readonly itemBase?: Float64Array | undefined;
}

/**
 * Which tail is bad. `low`: low values are bad (P&L: the loss is −value). `high`: high values
 * are bad (margin, gross exposure: the "loss" is the value itself).
 */
export const TAILS = ['low', 'high'] as const;
export type Tail = (typeof TAILS)[number];

export interface TailSettings {
  /** Confidence level in [0, 1), e.g. 0.95: the tail holds the worst (1 − alpha)·S scenarios. */
  readonly alpha: number;
  /** Default `low`. */
  readonly tail?: Tail;
}

/**
 * Per holder, on the loss L = −v (tail `low`) or L = v (tail `high`), scenarios equally likely.
 * Sort losses descending (ties by scenario index ascending): L(1) ≥ L(2) ≥ …; t = (1 − alpha)·S
 * (snapped to an integer when within 1e-9 of one), m = max(1, ⌈t⌉) (`tailCount`).
 *   var   = L(m)
 *   cvar  = (Σ_{i<m} L(i) + (t − (m − 1))·L(m)) / t        (= mean of the m worst when t = m)
 * which is exactly the Rockafellar–Uryasev optimum min_ζ ζ + Σ (L − ζ)⁺ / t, so an LP with
 * CVaR rows agrees with it. With alpha = 0, cvar is the mean loss. Sums run worst first.
 * `var`/`cvar` are in loss units (positive = bad); `worstValue` is the raw value v at
 * `worstScenario` (the lowest index among equally bad scenarios).
 */
export interface TailStats {
  readonly alpha: number;
  readonly tail: Tail;
  readonly tailCount: number;
  /** K each. */
  readonly var: Float64Array;
  readonly cvar: Float64Array;
  readonly worstScenario: Int32Array;
  readonly worstValue: Float64Array;
}

export interface KernelOptions {
  /** Force a backend; default: native when the addon loaded, else ts. */
  readonly backend?: KernelBackend;
  /** K × S output written in place (no allocation); must not alias an input. */
  readonly out?: Float64Array;
}

export interface ScenarioValuesResult {
  /** K × S row-major: v[k·S + s]. The `out` array when one was given. */
  readonly values: Float64Array;
  readonly holders: number;
  readonly scenarios: number;
  readonly backend: KernelBackend;
}

export interface TailStatsResult extends TailStats {
  readonly backend: KernelBackend;
}

/** What one backend implements; the facade validates before calling it. */
export interface KernelImpl {
  readonly backend: KernelBackend;
  /** Writes K × S into out. Inputs are validated. */
  dense(spec: DenseScenarioSpec, out: Float64Array): void;
  structured(spec: StructuredScenarioSpec, out: Float64Array): void;
  tail(values: Float64Array, holders: number, scenarios: number, alpha: number, tail: Tail): TailStats;
  /** Index of the first NaN/±Infinity, or −1. */
  firstNonFinite(a: Float64Array): number;
}
