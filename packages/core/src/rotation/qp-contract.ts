/**
 * The slice of the QP solver's contract (`@keel/solver-native/qp`, src/qp/types.ts) that the
 * rotation engine uses. Declared structurally here only until the solver's public facade lands;
 * the shapes are identical, so values pass to `solveQp` unchanged.
 */
export interface CscMatrix {
  readonly nRows: number;
  readonly nCols: number;
  readonly colPtr: Int32Array;
  readonly rowIdx: Int32Array;
  readonly values: Float64Array;
}

export interface QpProblem {
  readonly n: number;
  readonly m: number;
  readonly P: CscMatrix;
  readonly q: Float64Array;
  readonly r?: number;
  readonly A: CscMatrix;
  readonly l: Float64Array;
  readonly u: Float64Array;
}

export type QpStatus = 'solved' | 'solved_inaccurate' | 'primal_infeasible' | 'dual_infeasible' | 'max_iter_reached' | 'time_limit_reached' | 'numerical_error';

export interface QpResultLike {
  readonly status: QpStatus;
  readonly x: Float64Array;
  readonly y: Float64Array;
  readonly objective: number;
  readonly info: { readonly iterations: number; readonly backend: 'native' | 'ts'; readonly polish: string; readonly setupTimeMs: number; readonly solveTimeMs: number };
}

/** Settings the rotation engine passes (a subset of QpSettings). */
export interface QpSolveSettings {
  readonly epsAbs?: number;
  readonly epsRel?: number;
  readonly maxIter?: number;
  readonly polish?: boolean;
  readonly timeLimitSec?: number;
}

export type QpSolveFn = (problem: QpProblem, settings: QpSolveSettings) => QpResultLike;
