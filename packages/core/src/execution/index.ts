export * from './types.js';
export { executionRequestSchema, parseExecutionRequest } from './schema.js';
export { buildExecutionProblem, wholeShareCap, type ExecutionProblem, type ImpactModel } from './problem.js';
export { solveExecution, solveExecutionProblem, SENSITIVITY_FACTORS, type ExecutionSettings } from './solve.js';
export { solveLinearImpact, solvePowerLawImpact, solvePowerLawImpactSearch, type SeparableSolution } from './solve-separable.js';
export { waterFill, type WaterFillResult } from './water-fill.js';
export {
  almgrenChrissConstants,
  almgrenChrissTrajectory,
  almgrenChrissClosedFormMoments,
  almgrenChrissGradient,
  evaluateAlmgrenChriss,
  type AlmgrenChrissParams,
  type AlmgrenChrissConstants,
  type AlmgrenChrissTrajectory,
  type AlmgrenChrissMoments,
} from './almgren-chriss.js';
export { solveAlmgrenChrissOnActiveSet, refineAlmgrenChrissActiveSet } from './almgren-chriss-active-set.js';
export { buildAlmgrenChrissQp, buildSeparableQuadraticQp, type QpForm, type QpOutcome, type QpSolveFn } from './qp-form.js';
export { evaluateCost, evaluateGradient } from './evaluate.js';
export { validateSchedule } from './validate.js';
export { roundSchedule } from './round.js';
export { twapSchedule, vwapSchedule, evaluateBaseline, improvementPct } from './baselines.js';
export {
  fitImpactModels,
  summarizeImpactFit,
  type ImpactFitSummary,
  validateFills,
  MIN_FITTED_EXPONENT,
  type Fill,
  type FitSettings,
  type ImpactFit,
  type LinearFit,
  type LinearBinFit,
  type PowerLawFit,
  type PowerLawBinFit,
  type BinSource,
} from './fit.js';
export {
  sampleExecutionRequest,
  sampleImpactFit,
  sampleVolumeProfile,
  generateSampleFills,
  ALMGREN_CHRISS_PAPER_REQUEST,
  SAMPLE_SEED,
  SAMPLE_INTERVALS,
  SAMPLE_DAILY_VOLUME,
  SAMPLE_TOTAL_SHARES,
  SAMPLE_PARTICIPATION,
} from './sample.js';
export {
  parseFillsCsv,
  parseCsvRows,
  formatFillsCsv,
  formatScheduleCsv,
  formatComparisonCsv,
  formatSensitivityCsv,
  FILL_COLUMNS,
  type FillsCsvSettings,
} from './csv.js';
