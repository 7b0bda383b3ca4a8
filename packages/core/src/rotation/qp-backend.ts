import type { QpSolveFn } from './qp-contract.js';

/**
 * The QP solver the CLI and API use for the rotation QP. Undefined until the solver's public
 * facade (`@keel/solver-native/qp`: solveQp) is available in this tree.
 */
export const defaultQpSolve: QpSolveFn | undefined = undefined;
