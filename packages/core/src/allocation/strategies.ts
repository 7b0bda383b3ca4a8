/**
 * The strategy registry: one entry per `options.strategy`. `exact` and `bucketed` live in
 * `./exact/` and `./bucketed/` (MIP on HiGHS); greedy in `./greedy/`.
 */
import { bucketedStrategy } from './bucketed/index.js';
import { exactStrategy } from './exact/index.js';
import { greedyStrategy } from './greedy/index.js';
import type { StrategyName } from './schema.js';
import type { AllocationStrategy } from './types.js';

export const strategies: Readonly<Record<StrategyName, AllocationStrategy>> = {
  exact: exactStrategy,
  bucketed: bucketedStrategy,
  greedy: greedyStrategy,
};
