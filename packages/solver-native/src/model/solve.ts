import { InputError } from '../errors/index.js';
import type { HighsHost } from '../highs/host.js';
import { solveWithHighs } from '../highs/session.js';
import type { HighsSettings } from '../highs/session.js';
import type { ModelSolveResult, ModelSolverName, OptimizationModel } from './types.js';

export interface SolveModelSettings extends Partial<HighsSettings> {
  /** 'highs' (default) for LP, MIP and convex QP; 'qp' for our OSQP-algorithm solver (continuous QP/LP). */
  readonly solver?: ModelSolverName;
  /** Where HiGHS runs (default: the shared worker thread). */
  readonly host?: HighsHost;
  readonly signal?: AbortSignal;
}

/** Core builds a model once and picks the solver here. */
export async function solveModel(
  model: OptimizationModel,
  settings: SolveModelSettings = {},
): Promise<ModelSolveResult> {
  const { solver = 'highs', host, signal, ...highs } = settings;
  if (solver === 'highs') {
    return solveWithHighs(model, highs, { ...(host ? { host } : {}), ...(signal ? { signal } : {}) });
  }
  throw new InputError({ path: 'settings.solver', message: `solver '${solver}' is not available` });
}
