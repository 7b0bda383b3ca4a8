import { nativeKernelsStatus } from './native-backend.js';
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
import { validateDenseSpec, validateStructuredSpec, validateTailInput } from './validate.js';

export * from './types.js';
export { generateScenarioProblem, seededNormal, seededRandom } from './generate.js';
export type { ScenarioProblem, ScenarioProblemSpec } from './generate.js';
export { tailSize } from './tail-ts.js';
export { tsKernels } from './ts-backend.js';
export { nativeKernelsStatus } from './native-backend.js';
export { validateDenseSpec, validateStructuredSpec, validateTailInput } from './validate.js';

/** The backend used when none is forced: native when the addon loaded, else ts. */
export function defaultKernelBackend(): KernelBackend {
  return nativeKernelsStatus().impl ? 'native' : 'ts';
}

function pick(backend: KernelBackend | undefined): KernelImpl {
  if (backend === 'ts') return tsKernels;
  const st = nativeKernelsStatus();
  if (st.impl) return st.impl;
  if (backend === 'native') throw new Error(`native kernels unavailable: ${st.reason}`);
  return tsKernels;
}

/**
 * Every holder's value in every scenario from an explicit S × N scenario matrix:
 * v[k,s] = Σ_n h[k,n]·(base[n] + R[s,n]). Validates first (InputError naming the field).
 */
export function evaluateScenariosDense(spec: DenseScenarioSpec, opts: KernelOptions = {}): ScenarioValuesResult {
  validateDenseSpec(spec, opts.out);
  const impl = pick(opts.backend);
  const out = opts.out ?? new Float64Array(spec.holders * spec.scenarios);
  impl.dense(spec, out);
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
