export { ModelBuilder, csrToCsc, transposeCsc } from './builder.js';
export type { ColumnBlock, VarSpec } from './builder.js';
export { checkModel } from './check.js';
export { solveModel } from './solve.js';
export { fromQpResult, toQpProblem } from './to-qp.js';
export type { QpMapping } from './to-qp.js';
export type { SolveModelSettings } from './solve.js';
export { MODEL_STATUSES } from './types.js';
export type {
  ModelSolveInfo,
  ModelSolveResult,
  ModelSolverName,
  ModelStatus,
  ObjectiveSense,
  OptimizationModel,
  RowBlock,
} from './types.js';
