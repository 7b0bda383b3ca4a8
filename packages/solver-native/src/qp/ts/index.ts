import type { QpProblem, QpSettings, QpWorkspace } from '../types.js';
import { TsQpWorkspace } from './workspace.js';

/**
 * Sets up the TypeScript backend (the portable fallback): validates the problem and the
 * settings, scales, orders and factors the KKT system once. Throws InputError on bad input.
 */
export function createTsQpWorkspace(problem: QpProblem, settings: QpSettings): QpWorkspace {
  if (settings.method === 'ipm') throw new Error("the TypeScript backend has no interior point yet: use backend 'native' for method 'ipm'");
  return new TsQpWorkspace(problem, settings);
}

export { amdOrder } from './amd.js';
export { SparseLdl } from './ldl.js';
