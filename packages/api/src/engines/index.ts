import type { EngineRegistry } from '../jobs/engine.js';

/**
 * The engines the server runs, adapted from @keel/core. Built lazily, once per thread, so a
 * worker only pays for what it loads.
 */
let cached: EngineRegistry | undefined;
export function defaultEngines(): EngineRegistry {
  cached ??= {};
  return cached;
}
