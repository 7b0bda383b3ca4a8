export { exactStrategy, mipSettingsFrom, mipSolverInfo, runMipStrategy } from './strategy.js';
export { solveAllocationMip } from './solve.js';
export type { MipInfo, MipOutcome, MipSettings } from './solve.js';
export { AllocationFormulation, defaultGroups, roundPreservingSum } from './formulation.js';
export type { FormulationOptions, RiskFormulation, TradeGroup } from './formulation.js';
export { compileRowTemplates, tradedSecurities } from './rows.js';
export type { RowTemplate } from './rows.js';
export { evaluateIncumbent } from './evaluate.js';
