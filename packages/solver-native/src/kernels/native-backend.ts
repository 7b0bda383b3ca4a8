import { chooseBackend, nativeAddon, nativeStatus } from '../native/index.js';
import type { DenseScenarioSpec, KernelBackend, KernelImpl, StructuredScenarioSpec, Tail, TailStats } from './types.js';

/** The functions `crates/node/src/kernels.rs` exports. */
interface KernelAddon {
  kernelsDense(spec: DenseScenarioSpec, out: Float64Array): void;
  kernelsStructured(spec: StructuredScenarioSpec, out: Float64Array): void;
  kernelsTail(values: Float64Array, holders: number, scenarios: number, alpha: number, tail: Tail): Omit<TailStats, 'alpha' | 'tail'>;
  kernelsFirstNonFinite(a: Float64Array): number;
  kernelsIsa(): string;
}

export interface NativeKernelsStatus {
  readonly impl: KernelImpl | null;
  /** Why the native kernels are unavailable, or where they were loaded from. */
  readonly reason: string;
}

let cached: KernelImpl | null | undefined;

function build(): KernelImpl | null {
  if (!nativeStatus().available) return null;
  const addon = nativeAddon<KernelAddon>();
  if (typeof addon.kernelsDense !== 'function') return null;
  return {
    backend: 'native',
    dense: (spec, out) => addon.kernelsDense(spec, out),
    structured: (spec, out) => addon.kernelsStructured(spec, out),
    tail: (values, holders, scenarios, alpha, tail) => ({ alpha, tail, ...addon.kernelsTail(values, holders, scenarios, alpha, tail) }),
    firstNonFinite: (a) => addon.kernelsFirstNonFinite(a),
  };
}

/** The native kernels through the addon loader, or the reason they are unavailable. */
export function nativeKernelsStatus(): NativeKernelsStatus {
  if (cached === undefined) cached = build();
  const st = nativeStatus();
  if (cached) return { impl: cached, reason: st.reason };
  return { impl: null, reason: st.available ? 'the loaded addon has no kernels (rebuild it)' : st.reason };
}

/** The SIMD variant the native dense kernel runs on this CPU, or null without the addon. */
export function nativeKernelIsa(): string | null {
  return nativeKernelsStatus().impl ? nativeAddon<KernelAddon>().kernelsIsa() : null;
}

/** Resolves a requested backend (else `KEEL_BACKEND`, else native when built) to an implementation. */
export function resolveKernels(requested: KernelBackend | undefined, ts: KernelImpl): KernelImpl {
  const choice = chooseBackend(requested);
  if (choice === 'ts') return ts;
  const { impl, reason } = nativeKernelsStatus();
  if (impl) return impl;
  if (requested === 'native' || process.env.KEEL_BACKEND?.trim() === 'native') throw new Error(`native kernels unavailable: ${reason}`);
  return ts;
}
