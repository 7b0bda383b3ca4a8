import { resolveKernels } from './native-backend.js';
import { tsKernels } from './ts-backend.js';
import type {
  DenseScenarioSpec,
  KernelBackend,
  KernelImpl,
  KernelOptions,
  ScenarioValuesResult,
  StructuredScenarioSpec,
  TailSettings,
  TailStatsResult,
} from './types.js';
import { checkDenseResult, validateDenseSpec, validateStructuredSpec, validateTailInput } from './validate.js';

export * from './types.js';
export { evaluateScenariosDenseAsync, evaluateScenariosStructuredAsync, OFF_THREAD_MIN_WORK } from './async.js';
export type { AsyncKernelOptions } from './async.js';
export { generateScenarioProblem, seededNormal, seededRandom } from './generate.js';
export type { ScenarioProblem, ScenarioProblemSpec } from './generate.js';
export { tailSize } from './tail-ts.js';
export { tsKernels } from './ts-backend.js';
export { nativeKernelIsa, nativeKernelsStatus } from './native-backend.js';
export { validateDenseSpec, validateStructuredSpec, validateTailInput } from './validate.js';

/** The backend a call without `backend` uses: `KEEL_BACKEND`, else native when built, else ts. */
export function defaultKernelBackend(): KernelBackend {
  return pick(undefined).backend;
}

function pick(backend: KernelBackend | undefined): KernelImpl {
  return resolveKernels(backend, tsKernels);
}

/**
 * Every holder's value in every scenario from an explicit S × N scenario matrix:
 * v[k,s] = Σ_n h[k,n]·(base[n] + R[s,n]). Validates sizes and the small arrays first; the
 * finiteness of R is proven by the result (see `checkDenseResult`): on a NaN/±Infinity in R,
 * `out` is filled with NaN and an InputError names the entry.
 */
export function evaluateScenariosDense(spec: DenseScenarioSpec, opts: KernelOptions = {}): ScenarioValuesResult {
  validateDenseSpec(spec, opts.out);
  const impl = pick(opts.backend);
  const out = opts.out ?? new Float64Array(spec.holders * spec.scenarios);
  impl.dense(spec, out);
  checkDenseResult(spec, out, impl.firstNonFinite);
  return { values: out, holders: spec.holders, scenarios: spec.scenarios, backend: impl.backend };
}

/**
 * Every holder's value in every scenario from bucket/factor shocks, aggregating holders per
 * bucket first: cost O(K·nnz + K·S·B), no S × N matrix. Prefer it whenever the model allows.
 */
export function evaluateScenariosStructured(spec: StructuredScenarioSpec, opts: KernelOptions = {}): ScenarioValuesResult {
  validateStructuredSpec(spec, opts.out);
  const impl = pick(opts.backend);
  const out = opts.out ?? new Float64Array(spec.holders * spec.scenarios);
  impl.structured(spec, out);
  return { values: out, holders: spec.holders, scenarios: spec.scenarios, backend: impl.backend };
}

/** VaR, CVaR and the worst scenario per holder of a K × S value matrix (see `TailStats`). */
export function evaluateTailStats(
  values: Float64Array,
  holders: number,
  scenarios: number,
  settings: TailSettings,
  opts: Pick<KernelOptions, 'backend'> = {},
): TailStatsResult {
  const tail = validateTailInput(values, holders, scenarios, settings);
  const impl = pick(opts.backend);
  return { ...impl.tail(values, holders, scenarios, settings.alpha, tail), backend: impl.backend };
}
