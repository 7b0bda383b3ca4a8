import { InputError } from '../errors/index.js';
import { mainThreadHighs } from '../highs/host.js';
import type { HighsHost } from '../highs/host.js';
import { solveWithHighs } from '../highs/session.js';
import type { HighsSettings } from '../highs/session.js';
import { solveQp, solveQpAsync } from '../qp/index.js';
import type { QpBackend, QpSettings } from '../qp/types.js';
import { checkModel } from './check.js';
import { fromQpResult, toQpProblem } from './to-qp.js';
import type { ModelSolveResult, ModelSolverName, OptimizationModel } from './types.js';

export interface SolveModelSettings extends Partial<HighsSettings> {
  /**
   * 'highs' (default): LP, MIP and convex QP on HiGHS. 'qp': our OSQP-algorithm solver for a
   * continuous LP/QP (first-order: accurate to its eps settings, not to simplex precision).
   */
  readonly solver?: ModelSolverName;
  /** Where the solve runs (default 'worker': off the event loop). */
  readonly thread?: 'main' | 'worker';
  /** HiGHS instance to use (overrides `thread` for HiGHS). */
  readonly host?: HighsHost;
  readonly signal?: AbortSignal;
  /** QP solver settings (solver 'qp'); `timeLimitSec` above applies when this does not set one. */
  readonly qp?: Partial<QpSettings>;
  readonly qpBackend?: QpBackend;
}

/** Core builds a model once and picks the solver here. */
export async function solveModel(
  model: OptimizationModel,
  settings: SolveModelSettings = {},
): Promise<ModelSolveResult> {
  const { solver = 'highs', thread = 'worker', host, signal, qp, qpBackend, ...highs } = settings;
  if (solver === 'highs') {
    const h = host ?? (thread === 'main' ? mainThreadHighs : undefined);
    return solveWithHighs(model, highs, { ...(h ? { host: h } : {}), ...(signal ? { signal } : {}) });
  }
  if (solver === 'qp') {
    checkModel(model);
    const map = toQpProblem(model);
    const qs: Partial<QpSettings> = {
      ...(highs.timeLimitSec ? { timeLimitSec: highs.timeLimitSec } : {}),
      ...qp,
    };
    const opts = qpBackend ? { backend: qpBackend } : {};
    const res = thread === 'main' ? solveQp(map.problem, qs, opts) : await solveQpAsync(map.problem, qs, opts);
    return fromQpResult(model, map, res, thread);
  }
  throw new InputError({ path: 'settings.solver', message: `unknown solver '${String(solver)}' (highs, qp)` });
}
