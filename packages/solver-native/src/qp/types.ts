/**
 * The QP solver's contract, shared by the Rust backend, the TypeScript fallback and JSON:
 *
 *   minimise ½ xᵀPx + qᵀx + r   subject to   l ≤ Ax ≤ u
 *
 * P is positive semidefinite, given as its upper triangle (diagonal included) in CSC; A is CSC.
 * Infinite bounds are ±Infinity in memory (±1e30 or null in JSON; see `parseQpProblem`).
 * Four types, four jobs (OSQP/Clarabel): Settings (user intent), Info (one run's diagnostics),
 * Solution (x, y, certificates), Workspace (opaque, set up once, updated in place).
 */

export const QP_STATUSES = [
  'solved',
  'solved_inaccurate',
  'primal_infeasible',
  'dual_infeasible',
  'max_iter_reached',
  'time_limit_reached',
  'numerical_error',
] as const;
export type QpStatus = (typeof QP_STATUSES)[number];

export type QpBackend = 'native' | 'ts';

/**
 * The algorithm. `admm`: OSQP's ADMM — cheap iterations on one factorisation, warm-starts well,
 * moderate accuracy; slow where binding dense rows leave multipliers it moves slowly.
 * `ipm`: a primal-dual interior point (Mehrotra predictor-corrector with Gondzio's centrality
 * correctors and proximal regularisation) — one factorisation per iteration, a few dozen
 * iterations almost regardless of the data, accurate to tight tolerances; see
 * `ts/ipm/README.md`. Both backends implement both, with the same statuses and sign conventions.
 */
export const QP_METHODS = ['admm', 'ipm'] as const;
export type QpMethod = (typeof QP_METHODS)[number];

/** Compressed sparse column; row indices strictly ascending within each column, 0-based. */
export interface CscMatrix {
  readonly nRows: number;
  readonly nCols: number;
  readonly colPtr: Int32Array; // length nCols + 1
  readonly rowIdx: Int32Array; // length nnz
  readonly values: Float64Array; // length nnz
}

export interface QpProblem {
  readonly n: number;
  readonly m: number;
  /** Upper triangle of P, n × n. */
  readonly P: CscMatrix;
  readonly q: Float64Array;
  /** Constant term of the objective, reported inside `objective`. Default 0. */
  readonly r?: number;
  readonly A: CscMatrix; // m × n
  readonly l: Float64Array; // -Infinity for none
  readonly u: Float64Array; // +Infinity for none
}

/**
 * Every field has a default (`DEFAULT_QP_SETTINGS`); units are stated where they are not obvious.
 * Fields marked (ADMM) do not affect the interior point (`method: 'ipm'`), which checks
 * termination at every iteration, in user units, with the independent checker's criteria.
 */
export interface QpSettings {
  /** The algorithm (default `admm`); fixed at setup. */
  readonly method: QpMethod;
  /** (ADMM) Step size ρ (initial value when adaptive). With `ipm` it only enters the convexity check, as for ADMM. */
  readonly rho: number;
  /** (ADMM) Regularisation σ on x in the KKT system (with `ipm`: the convexity check only). */
  readonly sigma: number;
  /** (ADMM) Over-relaxation α ∈ (0, 2). */
  readonly alpha: number;
  /** Absolute and relative tolerances on the primal and dual residuals and the duality gap (OSQP's criteria). */
  readonly epsAbs: number;
  readonly epsRel: number;
  /** Tolerances of the infeasibility certificates (relative to the certificate's ∞-norm). */
  readonly epsPrimInf: number;
  readonly epsDualInf: number;
  /** Iteration limit: ADMM iterations, or interior-point (Newton) iterations with `ipm`. */
  readonly maxIter: number;
  /** Wall-clock limit in seconds for setup + solve; 0 means none. */
  readonly timeLimitSec: number;
  /** Ruiz equilibration passes; 0 disables scaling. */
  readonly scalingIterations: number;
  /** (ADMM) */
  readonly adaptiveRho: boolean;
  /** (ADMM) Iterations between ρ updates; 0 means every fourth termination check. */
  readonly adaptiveRhoInterval: number;
  /** (ADMM) Refactor only when the proposed ρ differs by more than this factor. */
  readonly adaptiveRhoTolerance: number;
  /** (ADMM) Check termination every this many iterations. */
  readonly checkTermination: number;
  /** (ADMM) Active-set polishing of the ADMM point. */
  readonly polish: boolean;
  /** (ADMM) Regularisation δ of the polishing KKT system. */
  readonly polishDelta: number;
  readonly polishRefineIter: number;
  /**
   * Start from the previous solution (or one set by `warmStart`) instead of a cold start. For
   * `ipm` the point is moved into the interior first (complementarity about 1e-6 in scaled
   * units), which saves iterations after small data changes.
   */
  readonly warmStart: boolean;
  /**
   * (interior point) A warm start whose first affine steps are blocked (< 0.1 in its first three
   * Newton steps) restarts from a looser iterate of an earlier solve, then cold. Helps when a data
   * change moves the active set a lot (a q change that needs large multiplier moves, a sign flip);
   * costs up to a cold solve when the short steps would have recovered by themselves, as after
   * small repeated price moves — the portfolio engine turns it off.
   */
  readonly warmFallback: boolean;
  /**
   * (interior point, native) Also order the Newton matrix with the AMD variant that counts the
   * dense rows in the degrees, and keep it when its factor is ≥ 25 % smaller (factor-model
   * problems with many dense rows). `false`: plain AMD only, which saves the second ordering
   * (~half of the ordering time) when it is known to lose. The TypeScript backend always uses
   * plain AMD.
   */
  readonly ipmCountedOrder: boolean;
  /** (ADMM) Run termination checks on the scaled problem (OSQP's scaled_termination). */
  readonly scaledTermination: boolean;
}

export const DEFAULT_QP_SETTINGS: QpSettings = Object.freeze({
  method: 'admm',
  rho: 0.1,
  sigma: 1e-6,
  alpha: 1.6,
  epsAbs: 1e-3,
  epsRel: 1e-3,
  epsPrimInf: 1e-4,
  epsDualInf: 1e-4,
  maxIter: 4000,
  timeLimitSec: 0,
  scalingIterations: 10,
  adaptiveRho: true,
  adaptiveRhoInterval: 0,
  adaptiveRhoTolerance: 5,
  checkTermination: 25,
  polish: false,
  polishDelta: 1e-6,
  polishRefineIter: 3,
  warmStart: true,
  warmFallback: true,
  ipmCountedOrder: true,
  scaledTermination: false,
});

export type PolishStatus = 'not_run' | 'success' | 'failed';

export interface QpInfo {
  readonly status: QpStatus;
  /** The algorithm that ran (`settings.method`). */
  readonly method: QpMethod;
  /** ADMM iterations, or interior-point iterations (one factorisation each). */
  readonly iterations: number;
  /** ½xᵀPx + qᵀx + r at the returned x (NaN when there is no x). */
  readonly objective: number;
  /** ‖Ax − z‖∞ and ‖Px + q + Aᵀy‖∞ in user units. */
  readonly primalResidual: number;
  readonly dualResidual: number;
  /** ADMM: the final ρ. Interior point: the final primal regularisation (scaled units). */
  readonly rho: number;
  /** ADMM: ρ updates (refactorisations). Interior point: 0. */
  readonly rhoUpdates: number;
  /** ADMM polishing; `not_run` for the interior point. */
  readonly polish: PolishStatus;
  readonly setupTimeMs: number;
  readonly solveTimeMs: number;
  readonly polishTimeMs: number;
  readonly backend: QpBackend;
  /** Interior point only: nonzeros of the Newton system's LDLᵀ factor (its dense trailing block counted as a sparse factor would store it). */
  readonly factorNnz?: number;
}

export interface QpSolution {
  /** Primal solution (empty when infeasible/unbounded). */
  readonly x: Float64Array;
  /** Dual solution for l ≤ Ax ≤ u (negative entries: lower bound active). */
  readonly y: Float64Array;
  /** For primal_infeasible: δy with Aᵀδy ≈ 0 and u·max(δy,0) + l·min(δy,0) < 0. */
  readonly primalInfeasibilityCertificate?: Float64Array;
  /** For dual_infeasible: δx with Pδx ≈ 0, qᵀδx < 0, Aδx in the recession cone of [l,u]. */
  readonly dualInfeasibilityCertificate?: Float64Array;
}

export interface QpResult extends QpSolution {
  readonly status: QpStatus;
  readonly objective: number;
  readonly info: QpInfo;
}

/**
 * A set-up problem. Updates keep the factorisation's sparsity pattern (and its symbolic
 * analysis); value updates of P or A refactor numerically only.
 */
export interface QpWorkspace {
  readonly backend: QpBackend;
  solve(): QpResult;
  updateQ(q: Float64Array): void;
  updateBounds(l: Float64Array, u: Float64Array): void;
  /** New values for P's stored upper-triangle entries, same pattern and order. */
  updatePValues(values: Float64Array): void;
  /** New values for A's stored entries, same pattern and order. */
  updateAValues(values: Float64Array): void;
  updateSettings(settings: Partial<Pick<QpSettings, 'maxIter' | 'epsAbs' | 'epsRel' | 'timeLimitSec' | 'polish' | 'warmStart' | 'checkTermination'>>): void;
  warmStart(x?: Float64Array, y?: Float64Array): void;
  dispose(): void;
}
