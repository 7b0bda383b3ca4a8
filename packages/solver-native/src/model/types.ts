import type { CscMatrix } from '../qp/types.js';

/**
 * One model, many solvers: a linear (or convex quadratic) programme with optional integer
 * columns, held as arrays so it can be handed to HiGHS without LP text and to our QP solver
 * without conversion of the quadratic part.
 *
 *   minimise / maximise   ½ xᵀQx + cᵀx + offset
 *   subject to            rowLower ≤ A x ≤ rowUpper
 *                         colLower ≤ x ≤ colUpper,   x_j integer where integer[j] = 1
 *
 * Infinite bounds are ±Infinity. Q is the upper triangle (diagonal included) of a symmetric
 * positive semidefinite matrix in CSC, the same convention as the QP solver's P.
 */
export type ObjectiveSense = 'minimize' | 'maximize';

export interface OptimizationModel {
  readonly nCols: number;
  readonly nRows: number;
  readonly sense: ObjectiveSense;
  readonly offset: number;
  readonly colCost: Float64Array;
  readonly colLower: Float64Array;
  readonly colUpper: Float64Array;
  /** 1 where the column is integer (binary = integer with bounds [0, 1]). */
  readonly integer: Uint8Array;
  /** nRows × nCols, CSC, row indices ascending within each column. */
  readonly A: CscMatrix;
  readonly rowLower: Float64Array;
  readonly rowUpper: Float64Array;
  /** Upper triangle of Q (objective ½xᵀQx); absent for LP/MIP. */
  readonly Q?: CscMatrix;
  readonly colNames?: readonly string[];
  readonly rowNames?: readonly string[];
}

/** Rows over existing columns in CSR, for appending to a live solver session. */
export interface RowBlock {
  readonly nRows: number;
  readonly nCols: number;
  readonly rowPtr: Int32Array; // length nRows + 1
  readonly colIdx: Int32Array;
  readonly values: Float64Array;
  readonly lower: Float64Array;
  readonly upper: Float64Array;
}

/**
 * Outcome of a solve. Input errors are thrown (InputError); everything else is a status.
 * `hasSolution` says whether `x` holds a primal point (e.g. a MIP incumbent at a time limit).
 */
export const MODEL_STATUSES = [
  'optimal',
  'infeasible',
  'unbounded',
  'infeasible_or_unbounded',
  'time_limit',
  'iteration_limit',
  'solution_limit',
  'interrupted',
  'inaccurate',
  'numerical_error',
  'error',
] as const;
export type ModelStatus = (typeof MODEL_STATUSES)[number];

export type ModelSolverName = 'highs' | 'qp';

export interface ModelSolveInfo {
  readonly solver: ModelSolverName;
  /** Native status text of the solver that ran (HiGHS model status name or QP status). */
  readonly solverStatus: string;
  /** Relative MIP gap |primal − bound| / |primal| as HiGHS reports it; 0 for a solved LP/QP. */
  readonly mipGap: number;
  /** Best proven bound on the objective (MIP dual bound; the objective itself for LP/QP). */
  readonly objectiveBound: number;
  readonly nodes: number;
  readonly iterations: number;
  readonly timeMs: number;
  /** WebAssembly memory of the HiGHS instance after the solve (bytes); 0 for the QP solver. */
  readonly memoryBytes: number;
  /** Where the solve ran. */
  readonly thread: 'main' | 'worker';
  readonly qpBackend?: 'native' | 'ts';
}

export interface ModelSolveResult {
  readonly status: ModelStatus;
  readonly hasSolution: boolean;
  /** Primal values (length nCols), empty when `hasSolution` is false. */
  readonly x: Float64Array;
  /** Objective at x including the offset, in the model's sense; NaN without a solution. */
  readonly objective: number;
  /** A x at the returned point. */
  readonly rowActivity: Float64Array;
  /** Row duals (LP/QP only; absent for MIP): ∂objective/∂bound of the active side. */
  readonly rowDual?: Float64Array;
  /** Reduced costs (LP/QP only). */
  readonly colDual?: Float64Array;
  readonly info: ModelSolveInfo;
}
