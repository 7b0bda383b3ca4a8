/**
 * The strategy registry: one entry per `options.strategy`. `exact` and `bucketed` live in
 * `./exact/` and `./bucketed/` (MIP on HiGHS); greedy in `./greedy/`.
 */
import { InputError } from '../contracts/index.js';
import { exactStrategy } from './exact/index.js';
import { greedyStrategy } from './greedy/index.js';
import type { StrategyName } from './schema.js';
import type { AllocationStrategy } from './types.js';

/**
 * DEVELOPMENT PLACEHOLDER — replaced by the real strategies when `exact/` and `bucketed/`
 * land; not something to ship.
 */
const notAvailableYet = (name: StrategyName): AllocationStrategy => ({
  name,
  run: () => Promise.reject(new InputError({ path: 'options.strategy', message: `strategy "${name}" is not available yet` })),
});

export const strategies: Readonly<Record<StrategyName, AllocationStrategy>> = {
  exact: exactStrategy,
  bucketed: notAvailableYet('bucketed'), // PLACEHOLDER: replace with bucketedStrategy from './bucketed/index.js'
  greedy: greedyStrategy,
};
