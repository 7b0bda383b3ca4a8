export * from './types.js';
export { DEFAULT_OPTIMIZATION_CONFIG, optimizationConfigSchema, resolveConfig, sectorCapOf, type OptimizationConfig, type OptimizationConfigSpec } from './config.js';
export { parseRotationRequest, rotationRequestSchema, rotationNameSchema, type RotationRequest } from './schema.js';
export { solveGreedyRotation, exitReason } from './greedy.js';
export { buildRiskModel, ledoitWolfIntensity, sampleCovariance, shrinkageTarget, firstNonPsdPivot, type RiskModel, type ShrinkageInfo } from './risk-model.js';
export { createRng, type Rng } from './random.js';
