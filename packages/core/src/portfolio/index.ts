/**
 * Single-period portfolio construction (seed 03, MODELS.md §2): config schema, constraint
 * engine, QP builder, solve (the project's QP solver: interior point by default, ADMM), independent
 * evaluator, rounding and outputs. Data tables and the universe builder live in `../data`.
 */
export * from './config.js';
export * from './constraints.js';
export { diagnoseConstraints, reachableRanges } from './diagnose.js';
export { instrumentBounds, positionInterval, type InstrumentBounds } from './instrument-bounds.js';
export { listConversions, listHedgePackages, CONVERSION_KINDS, type Conversion, type ConversionKind, type HedgePackage } from './synthetics.js';
export { processAlpha, carryRates, impactCoefficients, marginFundingRate, riskHorizonFactor, type CarryRates } from './objective-terms.js';
export { buildPortfolioQp, repricePortfolioQp, OBJECTIVE_SCALE, type PortfolioQp, type VariableLayout, type BoundOwner, type BuildQpInput } from './build-qp.js';
export {
  PortfolioSolver,
  kktAcceptable,
  kktResiduals,
  admmSettings,
  interiorPointSettings,
  INTERIOR_POINT_MAX_ITER,
  KKT_TOLERANCES,
  QP_OUTCOMES,
  type QpOutcome,
  type PortfolioSolution,
  type PortfolioSolveInfo,
  type AdmmInfo,
  type InteriorPointInfo,
  type KktResiduals,
} from './solve-portfolio.js';
export { evaluatePortfolio, type PortfolioBook, type BookConversion, type Evaluation, type EvaluateInput, type ConstraintValue, type ObjectiveAttribution, type BookMetrics } from './evaluate.js';
export { bookFromSolution, constraintDuals } from './extract.js';
export { roundBook, type RoundedBook } from './round.js';
export { qpToModel, solveQpWithHighs } from './reference-solve.js';
export { SAMPLE_PORTFOLIO_CONFIG } from './sample-config.js';
export * from './run-portfolio.js';
export * from './report.js';
