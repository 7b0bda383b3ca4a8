export * from './schema.js';
export * from './types.js';
export {
  buildAllocationModel,
  buildAccountStates,
  constraintNormaliser,
  filterMatches,
  securityDv01,
  CONSTRAINT_KINDS,
  type AccountState,
  type AllocationModel,
  type CompiledAccount,
  type CompiledConstraint,
  type CompiledMetric,
  type ConstraintKind,
} from './model.js';
export { parseAllocationRequest, checkAllocationRequest } from './parse.js';
export { boundDenominator, checkRatioDenominators, type DenominatorBound } from './denominator-bound.js';
export { buildScenarioSet } from './scenario-set.js';
export {
  evaluateAccountMetrics,
  evaluateAllocationMetrics,
  evaluateConstraintSlacks,
  exposure,
  sweepScenarios,
  type AllocationMetrics,
} from './metrics.js';
export { strategies } from './strategies.js';
export {
  generateAllocationBook,
  sampleAllocationRequest,
  CONSTRAINT_KIND_CYCLE,
  SAMPLE_BOOK_SPEC,
  type AllocationBookSpec,
} from './sample/index.js';
export { allocate, assignmentRows, OBJECTIVE_AGREEMENT_TOL, type AllocateOptions } from './allocate.js';
export { validateAllocation, type ValidationReport, type ValidateOptions } from './validate.js';
export {
  combineObjective,
  cvarTail,
  evaluateAccountLosses,
  evaluateCvar,
  evaluateFinancingCost,
  evaluateHeadroomAndPenalty,
  evaluateObjective,
  evaluateRisk,
  objectiveScales,
  positionFinancing,
  type ObjectiveScales,
} from './objective.js';
export { greedyStrategy, runGreedy } from './greedy/index.js';
export { buildAuditRecord, canonicalJson, hashRequest } from './audit.js';
export { formatAllocationJson, formatAllocationTables, formatTable } from './report.js';
