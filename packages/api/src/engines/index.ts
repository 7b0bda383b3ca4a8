import type { EngineRegistry } from '../jobs/engine.js';
import { allocationEngine } from './allocation.js';
import { executionEngine } from './execution.js';
import { portfolioEngine } from './portfolio.js';
import { rotationEngine } from './rotation.js';

/**
 * The engines the server runs, adapted from @keel/core. Built once per thread, so a worker
 * only pays for what it loads.
 */
let cached: EngineRegistry | undefined;
export function defaultEngines(): EngineRegistry {
  cached ??= {
    allocation: allocationEngine as never,
    execution: executionEngine as never,
    portfolio: portfolioEngine as never,
    rotation: rotationEngine as never,
  };
  return cached;
}
