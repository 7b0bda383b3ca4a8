import type { KernelImpl } from './types.js';

export interface NativeKernelsStatus {
  readonly impl: KernelImpl | null;
  /** Why the native kernels are not available (when `impl` is null). */
  readonly reason: string;
}

/** The native kernels through the addon loader, or the reason they are unavailable. */
export function nativeKernelsStatus(): NativeKernelsStatus {
  return { impl: null, reason: 'native kernels not wired yet' };
}
