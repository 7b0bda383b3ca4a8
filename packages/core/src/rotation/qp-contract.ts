import type { QpBackend, QpMethod, QpProblem, QpResult, QpSettings } from '@keel/solver-native/qp';

export type { CscMatrix, QpProblem, QpResult, QpStatus } from '@keel/solver-native/qp';

/** Settings the rotation engine passes to the solver (a subset of QpSettings). */
export type QpSolveSettings = Partial<
  Pick<QpSettings, 'method' | 'epsAbs' | 'epsRel' | 'maxIter' | 'polish' | 'timeLimitSec' | 'rho' | 'sigma' | 'alpha' | 'adaptiveRho' | 'adaptiveRhoInterval' | 'scalingIterations' | 'checkTermination'>
>;

/**
 * How the engine calls the QP solver: `solveQp` of `@keel/solver-native/qp` with or without a
 * forced backend (see qp-backend.ts). Injected, so replay and tests can choose the backend.
 */
export type QpSolveFn = ((problem: QpProblem, settings: QpSolveSettings) => QpResult) & {
  /** The backend the next call will use, when known (qp-backend.ts sets it); decides whether `ipm` is offered. */
  readonly backend?: () => QpBackend;
};

/** Backends with the interior point (`method: 'ipm'`): both implement the same algorithm. */
export const IPM_BACKENDS: readonly QpBackend[] = ['native', 'ts'];

/** True when `solve` is known to offer `method`. A plain function is taken to offer ADMM only. */
export const offersMethod = (solve: QpSolveFn, method: QpMethod): boolean => method === 'admm' || (!!solve.backend && IPM_BACKENDS.includes(solve.backend()));
