import type { QpProblem, QpSettings, QpWorkspace } from '../types.js';
import { TsIpmWorkspace } from './ipm/workspace.js';
import { TsQpWorkspace } from './workspace.js';

/**
 * Sets up the TypeScript backend (the portable fallback) for `settings.method` (ADMM or the
 * interior point): validates the problem and the settings, scales, orders and analyses the
 * KKT system once. Throws InputError on bad input.
 */
export function createTsQpWorkspace(problem: QpProblem, settings: QpSettings): QpWorkspace {
  return settings.method === 'ipm' ? new TsIpmWorkspace(problem, settings) : new TsQpWorkspace(problem, settings);
}

export { amdOrder } from './amd.js';
export { SparseLdl } from './ldl.js';
