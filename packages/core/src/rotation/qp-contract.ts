import type { QpProblem, QpResult, QpSettings } from '@keel/solver-native/qp';

export type { CscMatrix, QpProblem, QpResult, QpStatus } from '@keel/solver-native/qp';

/** Settings the rotation engine passes to the solver (a subset of QpSettings). */
export type QpSolveSettings = Partial<
  Pick<QpSettings, 'epsAbs' | 'epsRel' | 'maxIter' | 'polish' | 'timeLimitSec' | 'rho' | 'sigma' | 'alpha' | 'adaptiveRho' | 'adaptiveRhoInterval' | 'scalingIterations' | 'checkTermination'>
>;

/**
 * How the engine calls the QP solver: `solveQp` of `@keel/solver-native/qp` with or without a
 * forced backend (see qp-backend.ts). Injected, so replay and tests can choose the backend.
 */
export type QpSolveFn = (problem: QpProblem, settings: QpSolveSettings) => QpResult;
