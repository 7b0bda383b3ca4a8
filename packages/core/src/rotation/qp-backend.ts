import { solveQp, type QpBackend } from '@keel/solver-native/qp';
import type { QpSolveFn } from './qp-contract.js';

/** The project's QP solver (`@keel/solver-native/qp`), default backend (native when it loads, else TS). */
export const defaultQpSolve: QpSolveFn = (problem, settings) => solveQp(problem, settings);

/** The same solver with a forced backend, for side-by-side comparisons. */
export const qpSolveWith =
  (backend: QpBackend): QpSolveFn =>
  (problem, settings) =>
    solveQp(problem, settings, { backend });
